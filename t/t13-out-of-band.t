#!/bin/sh
# Issue 14.3: Test or Live moved outside the hooks (git update-ref on the
# server; dulwich, libgit2 or JGit writing the repository directly) is
# reported, never tagged as a deploy, and blocks deploys of that env until
# `git-workflow adopt ENV` or a rollback to a real deploy tag.  Only
# annotated deploy tags the hooks wrote count as deploys.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "Bail out! python3 is needed (./install.sh --deps installs it)"; exit 1; }
recv_pid=
rm -f "$T/port"
python3 "$WF_SRCDIR/t/webhook-receiver.py" --port-file "$T/port" --log "$T/hooks.log" >"$T/receiver.err" 2>&1 &
recv_pid=$!
trap '[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { cat "$T/receiver.err"; echo "Bail out! the receiver did not start"; exit 1; }

cat >"$T/workflow.conf" <<CONF
test = { branch = "test"; steps = ( { name = "updatedb"; run = [ "echo", "updated test" ]; } ); };
live = { branch = "live"; steps = ( { name = "cache-clear"; run = [ "echo", "cleared live" ]; } ); };
notify = { connect_timeout = 1; timeout = 2; retry_for = 0;
  webhooks = ( { url = "http://127.0.0.1:$(cat "$T/port")/hook"; events = [ "refused" ]; } ); };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
no_tag() { ! has_tag "$1"; }
short() { echo "$1" | cut -c1-12; }
# outside_events ENV TO: how many webhook events said ENV moved outside to TO
outside_events() {
	python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) for b in [json.loads(json.loads(l)["body"])] if b["event"]=="refused" and b["env"]==sys.argv[2] and b["to"]==sys.argv[3] and "moved outside the workflow" in b["message"]))' \
		"$T/hooks.log" "$1" "$2" 2>/dev/null
}

commit "feature A"
git push -q origin master master:test 2>/dev/null
git push -q origin master:live 2>/dev/null
check "deploy_test_1 is made normally" has_tag deploy_test_1
check "deploy_live_1 is made normally" has_tag deploy_live_1
A=$(git rev-parse master)

# --- 1. test moved by update-ref on the server, to a commit on Dev
commit "feature B"
git push -q origin master 2>/dev/null
B=$(git rev-parse master)
$git update-ref refs/heads/test "$B"
commit "feature C"
push origin master
check "the next push (to Dev) is accepted" pushed_ok
check "it says test moved outside the workflow" says "remote: workflow: test moved outside the workflow: it is on $(short "$B")"
check "and what to do about it" says "git-workflow adopt test"
check "the moved tip is not tagged deploy_test_2" no_tag deploy_test_2
check "it carries no tag at all" test -z "$($git tag --points-at "$B")"
check "it is not repaired as an interrupted deploy" sh -c '! grep -q "interrupted\|workflow: repair" "$1"' - "$OUT"
check "a webhook refused event reports it" test "$(outside_events test "$B")" = 1
wf log test >"$T/log.out" 2>&1
check "a record reports it" grep -q "outside *test .*moved outside the workflow" "$T/log.out"
wf status >"$OUT" 2>&1
check "status says test moved outside the workflow" says "^test moved outside the workflow"
wf --json status >"$OUT" 2>&1
check "status --json says so" says '"name":"test","tip":"'"$B"'","deploy_tag":"deploy_test_1 (tip moved since)","outside_workflow":true'
commit "feature C2"
push origin master
check "the push after says it again" says "remote: workflow: test moved outside the workflow"
check "but the event is sent once" test "$(outside_events test "$B")" = 1
C=$(git rev-parse master)

# --- 2. deploys of test are refused until an admin adopts it
push origin master:test
check "a promotion to the moved test is refused" refused
check "naming the reason" says "remote: workflow: test moved outside the workflow.*git-workflow adopt test"
check "test stays where it was moved" at refs/heads/test "$B"
check "no tag is made" no_tag deploy_test_2
push origin "$B:live"
check "the moved test tip is not tested code for live" refused
check "live stays" at refs/heads/live "$A"
wf adopt live >"$OUT" 2>&1
check "adopt of an env in the workflow has nothing to do" says "live is not outside the workflow"
arc=0; wf adopt test >"$OUT" 2>&1 || arc=$?
check "git-workflow adopt test succeeds" test "$arc" = 0
check "it says what it accepted" says "test's tip $(short "$B") is adopted"
wf status >"$OUT" 2>&1
check "status no longer reports test" sh -c '! grep -q "outside the workflow" "$1"' - "$OUT"
check "adopt made no deploy tag" no_tag deploy_test_2
push origin master:test
check "after adopt the promotion goes through" pushed_ok
check "as deploy_test_2" at refs/tags/deploy_test_2^{commit} "$C"
check "and no out-of-band warning" sh -c '! grep -q "outside the workflow" "$1"' - "$OUT"
push origin master:live
check "and on to live" pushed_ok
check "as deploy_live_2" at refs/tags/deploy_live_2^{commit} "$C"

# --- 3. deploy tags the hooks did not write are not deploys
commit "feature D"
git push -q origin master 2>/dev/null
D=$(git rev-parse master)
F=$(git rev-list --max-parents=0 master)
$git update-ref refs/tags/deploy_test_9 "$D"
$git update-ref refs/tags/deploy_test_8 "$F"
$git tag -a -m "Deploy to test by root" deploy_test_7 "$F"
$git update-ref refs/tags/deploy_test_6 "$($git rev-parse deploy_test_1)"
$git update-ref refs/tags/deploy_live_9 "$F"
push origin "$D:live"
check "a lightweight deploy_test_9 does not make a commit tested for live" refused
check "live stays" at refs/heads/live "$C"
push -f origin "$F:test"
check "lightweight, hand-made or renamed deploy tags are no rollback target" refused
check "test stays" at refs/heads/test "$C"
push -f origin "$F:live"
check "nor for live" refused
push origin master:test
check "the next promotion is accepted" pushed_ok
check "and numbered after the real deploys: deploy_test_3, not 10" says "tagged deploy_test_3 "
check "no deploy_test_10" no_tag deploy_test_10
wf status >"$OUT" 2>&1
check "status names the real deploy tag" says "^test .* deploy_test_3$"

# --- 4. live moved outside; a rollback to a real deploy clears it
$git update-ref refs/heads/live "$D"
commit "feature E"
push origin master master:test
check "Dev and Test deploys go on" pushed_ok
check "the push says live moved outside the workflow" says "remote: workflow: live moved outside the workflow"
check "live's moved tip is not tagged" test -z "$($git tag --points-at "$D" | grep live)"
push origin master:live
check "a promotion to the moved live is refused" refused
check "saying why" says "remote: workflow: live moved outside the workflow (it is on $(short "$D")"
check "live stays" at refs/heads/live "$D"
git fetch -q --tags origin
push -f origin 'deploy_live_2^{commit}:live'
check "a rollback to a real deploy tag is accepted" pushed_ok
check "tagged as a rollback" says "rollback to live: tagged deploy_live_3 "
wf status >"$OUT" 2>&1
check "status no longer reports live" sh -c '! grep -q "outside the workflow" "$1"' - "$OUT"
push origin master:live
check "then promotions go on" pushed_ok
check "as deploy_live_4" at refs/tags/deploy_live_4^{commit} "$(git rev-parse master)"

done_testing
