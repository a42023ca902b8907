#!/bin/sh
# Issue 24, points 4 and 5, and what people read: repair is one code path
# for every env (Dev with a path here); a push killed mid-build leaves no
# build writing into the next push's release; an env whose branch and
# current part is flagged by status and put together by repair; status
# shows how each env's last deploy ended, a failed one too.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

P=$T/site
S=$T/steps
mkdir -p "$S"
cat >"$T/workflow.conf" <<CONF
dev = { path = "$P/dev";
  checks = ( { name = "slow"; timeout = 600;
    run = [ "sh", "-c", "if [ -f slow-check ]; then echo \$\$ >$S/check.pid; exec sleep 300; fi" ]; } );
};
test = { branch = "test"; path = "$P/test";
  build = ( { name = "make"; timeout = 600; run = [ "sh", "-c",
    "if [ -f slow-build ]; then echo \$\$ >$S/build.pid; sleep 8; echo orphan >>\$WF_RELEASE/built.txt; fi; echo built >>built.txt" ]; } );
  checks = ( { name = "home"; run = [ "sh", "-c", "if [ -f fail-check ]; then echo check broke; exit 1; fi" ]; } );
  steps = ( { name = "tamper"; run = [ "sh", "-c", "if [ -f tamper ]; then chmod u+w index.php; echo hacked >index.php; fi" ]; } );
};
live = { branch = "live"; path = "$P/live"; };
multidev = { branches = [ "md/*" ]; path = "$P/md";
  steps = ( { name = "tamper"; run = [ "sh", "-c", "if [ -f md-fail ]; then exit 5; fi; if [ -f tamper ]; then chmod u+w index.php; echo bob-was-here >index.php; fi" ]; } );
};
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
wait_for() { _i=0; until "$@"; do [ $_i -ge 600 ] && return 1; sleep 0.1; _i=$((_i + 1)); done; }
current() { readlink "$P/$1/current"; }

# --- 4. a Dev deploy whose runner is killed mid-check ---------------------
commit "slow" slow-check
rm -f "$S/check.pid"
git push -q origin master >/dev/null 2>&1 &
bg=$!
wait_for test -s "$S/check.pid"
step=$(cat "$S/check.pid")
runner=$(ps -o ppid= -p "$step" | tr -d ' ')
kill -KILL "$runner"
wait $bg
check "the check outlived its killed Dev runner" kill -0 "$step"
wf status >"$T/status" 2>&1
check "status says the Dev deploy's runner is gone and to run repair (not just 'running')" \
	grep -q "^master   last deploy of .*: running; WARNING: its runner is gone: run git-workflow repair" "$T/status"
git rm -q slow-check && git commit -q -m "fast"
push origin master
check "the next Dev push stops the check the dead runner left" says "remote: workflow: repair: stopped step slow"
check "  ... it is gone" gone "$step"
check "  ... the Dev deploy is recorded as interrupted" says "remote: workflow: repair: an interrupted deploy to master"
n=$(sed -n 's/.*repair: an interrupted deploy to master.*recorded as deploy record \([0-9]*\).*/\1/p' "$OUT")
wf show "$n" >"$T/show" 2>&1
check "  ... naming the state it was in, written before it was entered" grep -q "it was in state checks; steps that ended: none; cut short: slow" "$T/show"
check "  ... and the push deployed Dev" sh -c '[ "$1" = 0 ] && grep -q "recorded as deploy record" "$2"' - "$rc" "$OUT"
check "  ... current follows master" sh -c 'grep -q "" "$1/current/file.txt" && [ ! -e "$1/current/slow-check" ]' - "$P/dev"

# --- 5. Ctrl-C during the build: the orphaned build is stopped -------------
commit "built slowly" slow-build
git push -q origin master 2>/dev/null
rm -f "$S/build.pid"
interactive_push "$T/ctrlc.out" "$T/push.pid" origin master:test
wait_for test -s "$S/build.pid"
build=$(cat "$S/build.pid")
push=$(cat "$T/push.pid")
check "the push is running when Ctrl-C comes" kill -0 "$push"
kill -INT "-$push"
check "the push was interrupted" gone "$push"
check "  ... the build, in a process group of its own, runs on" kill -0 "$build"
check "  ... test did not move" sh -c '! git --git-dir="$1" rev-parse -q --verify refs/heads/test' - "$T/origin.git"
git rm -q slow-build && git commit -q -m "built fast"
git push -q origin master 2>/dev/null
push origin master:test
check "the next push to test is accepted" pushed_ok
check "  ... after stopping the orphaned build" gone "$build"
sleep 8
check "  ... which never wrote into the new release" sh -c '! grep -q orphan "$1/current/built.txt"' - "$P/test"
check "  ... that release has its own build" grep -q built "$P/test/current/built.txt"

# --- status says how the last deploy ended ---------------------------------
commit "bad" fail-check
git push -q origin master 2>/dev/null
bad=$(git rev-parse HEAD)
push origin master:test
wf status >"$OUT" 2>&1
check "status shows test's last deploy failed, and its record" \
	says "^test     last deploy deploy_test_2 of ${bad%"${bad#????????????}"}: failed (git-workflow show [0-9]*)"
wf --json status >"$OUT" 2>&1
check "  ... and so does its JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [e for e in d["envs"] if e["name"] == "test"][0]
assert t["last_deploy"]["outcome"] == "failed" and t["last_deploy"]["tag"] == "deploy_test_2", t
' "$OUT"
git rm -q fail-check && git commit -q -m "good" && git push -q origin master 2>/dev/null
push origin master:test
good=$(git rev-parse HEAD)
check "a good deploy" at refs/heads/test "$good"

# --- branch and current apart: status flags it, repair puts them together --
rel=$(current test)
ln -s releases/deploy_test_1 "$P/test/current.hand" && mv -T "$P/test/current.hand" "$P/test/current"
wf status >"$OUT" 2>&1
check "an env whose current an admin moved by hand is flagged by status" \
	says "WARNING: test is on ${good%"${good#????????????}"} but its current serves releases/deploy_test_1, another commit"
wf repair >"$OUT" 2>&1
check "repair moves the branch back to what current serves" at refs/heads/test "$(tip 'deploy_test_1^{commit}')"
check "  ... saying so" says "repair: test was on ${good%"${good#????????????}"} while its current serves releases/deploy_test_1"
check "  ... and records it" last_record_says "moved back to the commit its current serves"
wf status >"$OUT" 2>&1
check "  ... after which status flags nothing" sh -c '! grep -q WARNING "$1"' - "$OUT"
check "  ... and current was left serving what it served" test "$(current test)" = releases/deploy_test_1
[ -n "$rel" ]

# --- 7. one release never changes another ---------------------------------
echo '<?php echo "v1";' >index.php && git add index.php && git commit -q -m "index" && git push -q origin master 2>/dev/null
push origin master:test
r1=$(current test)
check "a release with index.php" grep -q v1 "$P/test/current/index.php"
commit "tamper" tamper
git push -q origin master 2>/dev/null
push origin master:test
check "a step that writes a shared file in place is said" \
	says "remote: workflow: test: a step wrote 1 file in place that other releases share (index.php)"
check "  ... its own release has what it wrote" grep -q hacked "$P/test/current/index.php"
check "  ... the release before (a rollback's target) keeps the committed content" grep -q v1 "$P/test/$r1/index.php"
git rm -q tamper && git commit -q -m "no tamper" && git push -q origin master 2>/dev/null
push origin master:test
check "  ... and the next release of that file gets the commit's content, not the step's" \
	grep -q v1 "$P/test/current/index.php"
git push -q origin master:refs/heads/md/alice 2>/dev/null
git checkout -q -b bob && commit "bob's tamper" tamper
push origin bob:refs/heads/md/bob
commit "bob breaks" md-fail
push origin bob:refs/heads/md/bob
wf multidev list >"$T/mdlist" 2>&1
check "multidev list says how a branch env's last deploy ended when it failed" \
	grep -q "^  bob: last deploy of .*: failed (git-workflow show [0-9]*)" "$T/mdlist"
git rm -q md-fail && git commit -q -m "bob fixed" && push origin bob:refs/heads/md/bob
git checkout -q master
check "bob's branch env step wrote its own index.php" grep -q bob-was-here "$P/md/bob/current/index.php"
check "  ... alice's branch env, on the same store, was not changed" grep -q v1 "$P/md/alice/current/index.php"
a1=$(readlink "$P/md/alice/current")
git checkout -q -b alice origin/md/alice 2>/dev/null || git checkout -q -b alice "$(tip refs/heads/md/alice)"
commit "alice 2" alice.txt
git push -q origin alice:refs/heads/md/alice 2>/dev/null
git checkout -q master
ln -s "$a1" "$P/md/alice/current.hand" && mv -T "$P/md/alice/current.hand" "$P/md/alice/current"
wf status >"$OUT" 2>&1
check "status flags a branch env whose current serves another commit than its branch" \
	says "WARNING: the branch environment alice is on .* but its current serves ${a1}, another commit"
wf releases --verify test >"$OUT" 2>&1 && rc=0 || rc=$?
check "releases --verify finds the release whose step wrote a tracked file, and fails" \
	sh -c '[ "$1" = 1 ] && grep -q "^test deploy_test_5: 1 file differs from" "$2" && grep -q "^  index.php: content differs from the commit" "$2"' - "$rc" "$OUT"
check "  ... and that the others match their commits" grep -q "^test deploy_test_4: matches" "$OUT"
# a kept release whose shared copies carry another time (as a release an
# older version placed does) is switched back to: nothing is taken for a
# file a step wrote
touch -h -d 2020-01-01 "$P/test/$r1/index.php"
push -f origin "$(tip "${r1#releases/}^{commit}"):test"
check "a rollback to a kept release placed long ago reuses it" says "goes back to the kept release ${r1#releases/}"
check "  ... and takes none of its files for ones a step wrote" sh -c '! grep -q "in place that other releases share" "$1"' - "$OUT"
git push -q origin master:live 2>/dev/null
wf releases --verify live >"$OUT" 2>&1 && rc=0 || rc=$?
check "  ... an env whose releases all match passes" sh -c '[ "$1" = 0 ] && grep -q "^live deploy_live_1: matches" "$2"' - "$rc" "$OUT"

done_testing
