#!/bin/sh
# Issue 3: promotions deploy: tags, steps with streamed output, push
# options, dry-run, records, rollback on failure, timeouts, the lock.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
workflow = { tag_prefix = "deploy"; };
dev = { branch = "master"; };
test = {
  branch = "test";
  on_failure = "rollback";
  steps = (
    { name = "clone-content"; when = "clone-content"; default = false;
      run = [ "sh", "-c", "echo cloning content from live" ]; },
    { name = "updatedb"; when = "update";
      run = [ "sh", "-c", "test ! -e fail-now || { echo step broke; exit 3; }; echo updb-line-1; echo updb-line-2" ]; },
    { name = "slow"; timeout = 2;
      run = [ "sh", "-c", "test ! -e hang-now || { sleep 300 & echo $! > child.pid; sleep 300; }; echo not slow" ]; },
    { name = "cache-clear"; when = "cache-clear";
      run = [ "sh", "-c", "echo \"cache cleared for $WF_TAG by $WF_PUSHER\"" ]; }
  );
};
live = { branch = "live"; steps = ( { name = "cache-clear"; run = [ "echo", "live cache cleared", "$(touch pwned)" ]; } ); };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"

commit "feature A"
push origin master master:test
check "the first promotion is accepted" pushed_ok
check "it creates deploy_test_1" has_tag deploy_test_1
check "deploy_test_1 is on test's tip" test "$($git rev-parse deploy_test_1^{commit})" = "$(tip refs/heads/test)"
check "the pusher sees the tag" says "remote: workflow: deploy to test: tagged deploy_test_1"
check "step output streams as remote: lines" says "remote: \[updatedb\] updb-line-1"
check "steps run in order" sh -c 'grep -n "updb-line-2\|cache cleared" "$1" | head -1 | grep -q updb-line-2' - "$OUT"
check "steps see WF_TAG and WF_PUSHER" says "cache cleared for deploy_test_1 by "
check "a step whose when defaults off is skipped" says "step clone-content: skipped"
$git cat-file tag deploy_test_1 >"$T/tag1"
check "the annotation has the default message" grep -q "^Deploy to test by " "$T/tag1"
check "the annotation lists the commits" grep -q "^  [0-9a-f]\{12\} feature A" "$T/tag1"
check "the annotation has the pusher and kind" grep -q "^kind: deploy" "$T/tag1"

commit "feature B"
push -o "message=Release 1.1" -o no-update -o clone-content origin master master:test
check "a promotion with options is accepted" pushed_ok
check "it creates deploy_test_2" has_tag deploy_test_2
check "the message option is the annotation" sh -c '$1 cat-file tag deploy_test_2 | grep -q "^Release 1.1$"' - "$git"
check "-o no-update skips the update step" says "step updatedb: skipped"
check "-o clone-content runs the clone step" says "\[clone-content\] cloning content from live"
check "the second tag lists only the new commit" sh -c '! $1 cat-file tag deploy_test_2 | grep -q "feature A"' - "$git"

commit "feature B2"
push -o bogus origin master
check "an unknown push option is refused" refused
check "the refusal lists the known options" says "unknown push option 'bogus'; known options: message=TEXT, dry-run, drop-hotfix, clone-from=ENV, override=REASON, keep-env, no-keep-env, clone-content, no-clone-content, update, no-update"

commit "feature C"
git push -q origin master 2>/dev/null
before=$(tip refs/heads/test)
push -o dry-run origin master:test
check "a dry run declines the push" refused
check "a dry run names the tag it would make" says "dry-run: deploy test: would create tag deploy_test_3"
check "a dry run lists the commits" says "dry-run:   [0-9a-f]* feature C"
check "a dry run lists the steps" says "dry-run: step updatedb: would run"
check "a dry run changes no ref" at refs/heads/test "$before"
check "a dry run creates no tag" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_test_3' - "$git"

touch "$T/origin.git/fail-now"
push origin master:test
rm -f "$T/origin.git/fail-now"
check "a promotion with a failing step is still pushed" pushed_ok
check "the failure is reported" says "remote: workflow: deploy to test FAILED"
check "the failing step's output is shown" says "\[updatedb\] step broke"
check "steps after the failure do not run" sh -c '! grep -q "cache cleared for deploy_test_3" "$1"' - "$OUT"
check "on_failure = rollback puts test back on the previous tag" at refs/heads/test "$($git rev-parse deploy_test_2^{commit})"
check "the rollback is reported" says "rolled back test to deploy_test_2"

touch "$T/origin.git/hang-now"
start=$(date +%s)
push origin master:test
end=$(date +%s)
rm -f "$T/origin.git/hang-now"
check "a step past its timeout is killed" says "step slow: killed after its timeout of 2 s"
check "the push finishes soon after the timeout" test $((end - start)) -lt 30
check "the step's children are killed too" gone "$(cat "$T/origin.git/child.pid")"

"$WF_CLI" -C "$T/origin.git" show deploy_test_1 >"$OUT" 2>&1
check "show prints a deploy's stored step output" says "updb-line-2"
check "show prints the tag" says "^tag      deploy_test_1"
"$WF_CLI" -C "$T/origin.git" log >"$OUT" 2>&1
check "log lists the deploys" says "deploy_test_2"
"$WF_CLI" -C "$T/origin.git" --json log test >"$OUT" 2>&1
check "log --json is JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and d[0]["env"]=="test"' "$OUT"
"$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1
check "status shows what waits for test" says "commits\? on master not yet on test"

# Live: only tested code
commit "untested"
git push -q origin master 2>/dev/null
push origin master:live
fetch
check "pushing a commit that never was on test to live is refused" refused
check "the refusal says it was never deployed to test" says "was never deployed to test"
push origin deploy_test_2:refs/heads/live
check "pushing a tag object to live is refused" refused
check "the refusal says how to push the tag's commit" says "git push origin 'TAG^{commit}:live'"
push origin 'deploy_test_2^{commit}:refs/heads/live'
check "a commit tagged deploy_test_* goes live" pushed_ok
check "it creates deploy_live_1" has_tag deploy_live_1
check "live steps get pushed text as plain arguments" says "\[cache-clear\] live cache cleared \$(touch pwned)"
check "nothing was executed from step arguments" test ! -e "$T/origin.git/pwned"

# Rollback of live to an earlier deploy tag
# (deploy_test_3 and _4 failed: only a commit that passed test goes live)
push origin master:test
push origin master:live
check "a commit that passed test goes live" pushed_ok
live2=$(tip refs/heads/live)
fetch
push -f origin 'deploy_live_1^{commit}:refs/heads/live'
check "moving live back to deploy_live_1 is a rollback" pushed_ok
check "the rollback is tagged" says "remote: workflow: rollback to live: tagged deploy_live_"
check "live is on deploy_live_1's commit" at refs/heads/live "$($git rev-parse deploy_live_1^{commit})"
stray=$(git commit-tree -p 'deploy_live_1^{commit}~1' -m stray 'deploy_live_1^{tree}')
push -f origin "$stray:refs/heads/live"
check "any other non-fast-forward of live is refused" refused
check "it says why" says "remote: workflow: live is locked"

# The deploy lock
sleep 60 &
holder=$!
echo "$holder $(awk '{print $22}' /proc/$holder/stat) $(date +%s) test carol" >"$T/origin.git/workflow/deploy-test.lock"
commit "while locked"
push origin master master:test
check "a promotion while a deploy runs is refused" refused
check "it names who deploys and since when" says "a deploy to test is in progress (started by carol at "
push origin HEAD:refs/heads/feature-x
check "a push that deploys nothing is not blocked by the lock" pushed_ok
kill $holder; wait $holder 2>/dev/null
push origin master master:test
check "a stale lock (its owner is gone) is taken over" pushed_ok
check "the deploy lock is released after the push" test ! -e "$T/origin.git/workflow/deploy-test.lock"

# Refusals of protected refs are recorded
"$WF_CLI" -C "$T/origin.git" log >"$OUT" 2>&1
check "refused writes to live are recorded" says "refused"

done_testing
