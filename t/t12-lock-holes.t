#!/bin/sh
# Issue 14: holes in the locks, each shown by the push that went through
# them: a promotion whose Dev update git refused, a forged pusher, a branch
# value that locked the wrong ref, out-of-range integers, SHA-256.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
setup
git="git --git-dir=$T/origin.git"
no_tag() { ! has_tag "$1"; }

# --- 1. Test takes code only from Dev, even when git refuses Dev's update --
m0=$(git rev-parse HEAD)
push origin master:test
t1=$(tip refs/heads/test)
commit "M1"
git push -q origin master 2>/dev/null
m1=$(git rev-parse HEAD)
git checkout -q -b side "$m0"
commit "E, never on master" side.txt
e=$(git rev-parse HEAD)
git push -q origin side 2>/dev/null
# master's old value is stale (M0, not M1): git refuses that update after
# the hooks allowed it, and test must not move on the strength of it
printf '%s %s refs/heads/master\n%s %s refs/heads/test\n' "$m0" "$e" "$t1" "$e" >"$T/cmds"
raw_receive_pack "$T/cmds"
check "git refused the stale master update" grep -q "ng refs/heads/master" "$T/raw.out"
check "test was refused too" grep -q "ng refs/heads/test" "$T/raw.out"
check "test did not move" at refs/heads/test "$t1"
check "master did not move" at refs/heads/master "$m1"
check "no deploy tag was made" no_tag deploy_test_2
check "the pusher is told why" says "workflow: test is locked: .* is on master only through this push's update of master, which git did not make"

# the same with stock git: master's update refused by receive.denyNonFastForwards
cat >"$T/force.conf" <<'CONF'
dev = { branch = "master"; allow_force = true; };
CONF
cp "$T/force.conf" "$T/origin.git/workflow.conf"
$git config receive.denyNonFastForwards true
push -f origin side:master side:test
check "a forced master:test push git refuses for master is refused" refused
check "  ... test did not move" at refs/heads/test "$t1"
check "  ... master did not move" at refs/heads/master "$m1"
check "  ... no deploy tag" no_tag deploy_test_2
$git config --unset receive.denyNonFastForwards
cp "$WF_SRCDIR/conf/workflow.conf" "$T/origin.git/workflow.conf"

# the ordinary case still works: master and master:test in one push
git checkout -q master
commit "M2"
m2=$(git rev-parse HEAD)
push origin HEAD:master HEAD:test
check "master and master:test in one push are accepted" pushed_ok
check "  ... test is on the new commit" at refs/heads/test "$m2"
check "  ... and it is tagged" has_tag deploy_test_2

done_testing
