#!/bin/sh
# Approvals (issue 27, point 2): with live.approvals = 2, a promotion to
# Live waits for two approvals of the Test deploy of its commit by others
# than its pusher: by a push to refs/approve/<tag> (taken back by the
# hooks, as the hotfix ref is) or by `git-workflow approve TAG` on the
# server; each recorded; the refusal lists who approved and how many are
# missing.  Identities are what the host sets (GL_USER here).
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "GL_USER" ]; };
test = { branch = "test";
  steps = ( { name = "check"; run = [ "sh", "-c", "! git cat-file -e \"$WF_NEW:broken\" 2>/dev/null" ]; } ); };
live = { branch = "live"; approvals = 2; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
as() { GL_USER=$1; export GL_USER; shift; "$@"; }
approve_push() { as "$1" push origin "$2^{commit}:refs/approve/$2"; }

as dave commit "A"
as dave git push -q origin master 2>/dev/null
as dave push origin master:test
A=$(git rev-parse HEAD)
fetch
as dave push origin test:live
check "a promotion to live without approvals is refused" refused
check "  ... saying how many it needs, of which test deploy, and that none came yet" \
	says "live needs 2 approvals of deploy_test_1 (the test deploy of ${A%"${A#????????????}"}) by others than dave: none yet; 2 missing"
check "  ... and how to approve" says "git push origin 'deploy_test_1^{commit}:refs/approve/deploy_test_1' (or on the server: git-workflow approve deploy_test_1)"

approve_push alice deploy_test_1
check "alice approves by a push to refs/approve/deploy_test_1" pushed_ok
check "  ... which says so" says "alice approved deploy_test_1 (1 approval; live needs 2 by others than its pusher)"
check "  ... is recorded" last_record_says "alice approved deploy_test_1"
check "  ... and the ref is taken back after the push" sh -c '! git --git-dir="$1" rev-parse -q --verify refs/approve/deploy_test_1' - "$T/origin.git"
as dave push origin test:live
check "one approval of two: still refused, naming who approved" says "by others than dave: approved by alice; 1 missing"
approve_push dave deploy_test_1
check "the pusher may approve" pushed_ok
as dave push origin test:live
check "  ... but that does not count for his own promotion" says "approved by alice; 1 missing"
as bob wf approve deploy_test_1 >"$OUT" 2>&1
check "bob approves on the server with git-workflow approve" grep -q "bob approved deploy_test_1 (3 approvals" "$OUT"
as dave push origin test:live
check "with two approvals by others the promotion goes through" pushed_ok
check "  ... live is on it" at refs/heads/live "$A"
approve_push alice deploy_test_1
check "an approval given twice is said, not counted twice" says "alice had already approved deploy_test_1"

# --- what cannot be approved -------------------------------------------------
as dave push origin "$A:refs/approve/deploy_test_7"
check "an approval of a tag that is not the commit's test deploy is refused" \
	sh -c '[ "$1" != 0 ] && grep -q "deploy_test_7 is not the test deploy of" "$2"' - "$rc" "$OUT"
as dave commit "broken" broken
as dave git push -q origin master 2>/dev/null
as dave push origin master:test
fetch
approve_push alice deploy_test_2
check "an approval of a test deploy that failed is refused" \
	sh -c '[ "$1" != 0 ] && grep -q "deploy_test_2 did not pass (it is failed" "$2"' - "$rc" "$OUT"
as bob wf approve deploy_test_2 >"$OUT" 2>&1 && rc=0 || rc=$?
check "  ... on the server too" sh -c '[ "$1" != 0 ] && grep -q "deploy_test_2 is not a test deploy that passed" "$2"' - "$rc" "$OUT"

printf 'test = { approvals = 1; };\n' >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "approvals on test are a config error naming live.approvals" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:1: .test.approvals.: approvals are of Test deploys, for what goes to live" "$2"' - "$rc" "$OUT"
done_testing
