#!/bin/sh
# Issue 2: Test and Live accept only promotions; Dev moves forward only;
# protected refs can't be deleted; deploy tags can't be pushed.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
setup

commit "second"
push origin master
check "a push to master is accepted" pushed_ok
dev=$(git rev-parse HEAD)

git checkout -q -b feature
commit "feature work"
push origin HEAD:test
check "a new commit pushed to test is refused" refused
check "the refusal names the promotion command" says "remote: workflow: test is locked: .*git push origin master:test"
check "test was not created" sh -c '! git --git-dir="$1" rev-parse -q --verify refs/heads/test' - "$T/origin.git"

push origin master:test
check "master:test is accepted" pushed_ok
check "test is on master's tip" at refs/heads/test "$dev"

push origin HEAD:live
check "a new commit pushed to live is refused" refused
check "the refusal names test:live" says "remote: workflow: live is locked: code reaches live from test.*git push origin test:live"

fetch
push origin test:live
check "test:live is accepted" pushed_ok
check "live is on test's tip" at refs/heads/live "$dev"

push origin :live
check "deleting live is refused" refused
check "the refusal says live can't be deleted" says "remote: workflow: live is locked and can't be deleted"
check "live still exists" at refs/heads/live "$dev"

push origin :test
check "deleting test is refused" refused
push origin :master
check "deleting master is refused" refused
check "the refusal says why" says "remote: workflow: master is Dev and can't be deleted"

git checkout -q master
git reset -q --hard HEAD~1
commit "rewritten"
push -f origin master
check "a force-push to master is refused" refused
check "the refusal says master only moves forward" says "remote: workflow: master (Dev) only moves forward"
check "master is unchanged" at refs/heads/master "$dev"

push -f origin feature
check "feature branches are free (force)" pushed_ok
push origin :feature
check "feature branches are free (delete)" pushed_ok

# Test's new tip must be on Dev as it stands after this same push.
git reset -q --hard "$dev"
commit "third"
third=$(git rev-parse HEAD)
push origin master master:test
check "pushing master and master:test together is accepted" pushed_ok
check "test moved to the new master tip" at refs/heads/test "$third"

git tag deploy_test_99
push origin deploy_test_99
check "pushing a deploy tag name is refused" refused
check "the refusal says deploy tags are the hooks'" says "deploy tags are made by the hooks"
git tag other-tag
push origin other-tag
check "other tags are free" pushed_ok

# dev.allow_force = true lets Dev be forced
sed -i 's/allow_force *= *false/allow_force = true/' "$T/origin.git/workflow.conf"
git reset -q --hard HEAD~1
commit "forced"
push -f origin master
check "with dev.allow_force = true a force-push to master is accepted" pushed_ok

done_testing
