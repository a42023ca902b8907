#!/bin/sh
# Issue 6: post-receive killed (SIGKILL) in the middle of a deploy leaves an
# env tip without its tag or record; the next push, or `git-workflow
# repair`, finds it and tags and records it.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
test = { branch = "test"; steps = ( { name = "updatedb"; run = [ "echo", "updated" ]; } ); };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | wc -l; }

# push_and_kill POINT ARGS...: push in the background, SIGKILL the hook when
# it reaches POINT, wait for the push to end
push_and_kill() {
	_point=$1; shift
	_pause="$T/origin.git/workflow/paused.$_point"
	(WF_TEST_PAUSE=$_point git push "$@" >"$T/bg.out" 2>&1; echo $? >"$T/bg.rc") &
	_bg=$!
	_i=0
	while [ ! -s "$_pause" ] && [ $_i -lt 600 ]; do sleep 0.1; _i=$((_i + 1)); done
	_killed=$(cat "$_pause" 2>/dev/null)
	[ -n "$_killed" ] && kill -KILL "$_killed"
	rm -f "$_pause"
	wait $_bg
	cp "$T/bg.out" "$OUT"
	[ -n "$_killed" ]
}

commit "feature A"
git push -q origin master master:test 2>/dev/null
check "deploy_test_1 is made normally" has_tag deploy_test_1
n0=$(records)

# 1. Killed after the tag, before the steps and the record
commit "feature B"
git push -q origin master 2>/dev/null
check "post-receive reached the point after the tag and was killed" push_and_kill deploy-after-tag origin master:test
check "test moved" at refs/heads/test "$(git rev-parse master)"
check "the tag was made before the kill" has_tag deploy_test_2
check "but no record was written" test "$(records)" = "$n0"
check "the in-flight journal is left" test -e "$T/origin.git/workflow/inflight-test"
commit "feature C"
push origin master
check "the next push (to Dev) is accepted" pushed_ok
check "it repairs the interrupted deploy" says "remote: workflow: repair: an interrupted deploy to test (.*) was found and recorded"
check "no second tag is made for it" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_test_3' - "$git"
check "the journal is gone" test ! -e "$T/origin.git/workflow/inflight-test"
wf log test >"$OUT" 2>&1
check "the log shows it as interrupted" says "deploy *interrupted *test *deploy_test_2"

# 2. Killed before the tag: repaired by `git-workflow repair`
check "post-receive reached the point before the tag and was killed" push_and_kill deploy-before-tag origin master:test
check "test moved" at refs/heads/test "$(git rev-parse master)"
check "no tag was made" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_test_3' - "$git"
wf status >"$OUT" 2>&1
wf repair >"$OUT" 2>&1
check "repair tags the untagged tip" says "workflow: repair: an interrupted deploy to test (.*) was tagged and recorded"
check "as deploy_test_3" at refs/tags/deploy_test_3^{commit} "$(git rev-parse master)"
check "the annotation says it was repaired" sh -c '$1 cat-file tag deploy_test_3 | grep -q "^repaired: "' - "$git"
n=$(records)
wf show "$n" >"$OUT" 2>&1
check "show names the pusher of the interrupted deploy" says "pusher *root\|pusher *$(id -un)"
wf repair >"$OUT" 2>&1
check "a second repair has nothing to do" says "nothing to repair"
check "and writes no record" test "$(records)" = "$n"

# 2b. post-receive killed as it starts: the deploy runs all the same (its
# runner goes on once the push has ended), under pre-receive's journal
commit "feature C2"
git push -q origin master 2>/dev/null
check "post-receive was killed as it started" push_and_kill post-receive-start origin master:test
check "test moved" at refs/heads/test "$(git rev-parse master)"
i=0; while ! has_tag deploy_test_4 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the deploy ran without its post-receive, as deploy_test_4" at refs/tags/deploy_test_4^{commit} "$(git rev-parse master)"
commit "feature C3"
push origin master
check "not taken for a move outside the workflow" sh -c '! grep -q "outside the workflow" "$1"' - "$OUT"

# 3. A tip moved by hand on the server (no journal at all) is no
# interrupted deploy (issue 14.3, t/t13-out-of-band.t): reported, not tagged
commit "feature D"
git push -q origin master 2>/dev/null
$git update-ref refs/heads/test "$(git rev-parse master)"
commit "feature D2"
push origin master
check "a push reports the moved tip" says "remote: workflow: test moved outside the workflow"
check "it is not repaired as a deploy" sh -c '! grep -q "workflow: repair" "$1"' - "$OUT"
check "nor tagged" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_test_5' - "$git"
wf adopt test >"$OUT" 2>&1
check "an admin adopts it" says "is adopted as its baseline"

# 4. A deploy in progress is not "repaired" under it
commit "feature E"
git push -q origin master 2>/dev/null
(WF_TEST_PAUSE=deploy-after-tag git push origin master:test >"$T/bg.out" 2>&1) &
bg=$!
i=0
while [ ! -s "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
wf repair >"$OUT" 2>&1
check "repair while a deploy runs waits for it" says "a deploy to test is in progress"
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
wait $bg
cp "$T/bg.out" "$OUT"
check "the running deploy finishes normally" says "remote: workflow: recorded as deploy record"
check "without a repair" sh -c '! grep -q "workflow: repair" "$1"' - "$OUT"

done_testing
