#!/bin/sh
# Issue 5: webhook events with a real HTTP receiver on loopback: signed
# deliveries, a receiver that is down (spooled, then delivered in order),
# one that hangs (the push still finishes), HTTP steps whose failure fails
# the deploy.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "Bail out! python3 is needed (./install.sh --deps installs it)"; exit 1; }
RECV=$WF_SRCDIR/t/webhook-receiver.py
WF="$WF_CLI"
SECRET=not-in-any-output-7f3a9c
printf '%s\n' "$SECRET" >"$T/secret"
recv_pid=

# start_receiver LOG [PORT [DELAY]]: a receiver logging to LOG, answering
# after DELAY seconds; sets $port.
start_receiver() {
	rm -f "$T/port"
	python3 "$RECV" --port-file "$T/port" --log "$1" --secret-file "$T/secret" ${2:+--port "$2"} ${3:+--delay "$3"} \
		>"$T/receiver.err" 2>&1 &
	recv_pid=$!
	_i=0
	while [ ! -s "$T/port" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -s "$T/port" ] || { cat "$T/receiver.err"; echo "Bail out! the receiver did not start"; exit 1; }
	port=$(cat "$T/port")
}
stop_receiver() {
	[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null && wait "$recv_pid" 2>/dev/null
	recv_pid=
}
trap 'stop_receiver' EXIT

# write_conf FILE WEBHOOK-PATH [EXTRA-WEBHOOKS] [TEST-STEPS]: a config
# whose first webhook (with userinfo in its URL, and signed) is the receiver
write_conf() {
	cat >"$1" <<CONF
workflow = { identity_vars = [ "GL_USER" ]; };
dev = { branch = "master"; };
test = { branch = "test"; steps = ( ${4:-} ); };
live = { branch = "live"; };
notify = {
  # no runner keeps retrying in the background here, except in the last
  # case, which is about that: the steps below each say when events go
  connect_timeout = 1; timeout = 2; retry_for = 0;
  webhooks = (
    { url = "http://user:pw@127.0.0.1:$port$2"; secret_file = "$T/secret"; }
    ${3:-}
  );
};
CONF
}

# events LOG: the event names logged, one per line, in arrival order
events() { python3 -c 'import json,sys; [print(json.loads(l)["event"]) for l in open(sys.argv[1])]' "$1" 2>/dev/null; }
# logq LOG PYTHON-EXPR: the expression holds for r (the logged requests),
# b (their bodies, parsed) and h (the bodies of those sent to /hook)
logq() {
	python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(x["body"]) if x["json_ok"] else None for x in r]; h=[json.loads(x["body"]) for x in r if x["path"]=="/hook"]; sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
pending() { # pending N: git-workflow notify says N events wait for the webhook
	"$WF" -C "$T/origin.git" notify >"$T/list" 2>&1
	grep -q "^http://127.0.0.1:$port/[a-z]*: $1 pending" "$T/list"
}

start_receiver "$T/log1"
write_conf "$T/wf.conf" /hook ', { url = "http://127.0.0.1:'"$port"'/slack"; events = [ "deploy" ]; format = "slack"; }'
setup --conf "$T/wf.conf"

# --- 1. signed events arrive, in order, with the deploy's facts
commit "feature A"
push -o 'message=Release "1.0" caf'"$(printf '\303\251')" origin master master:test
check "a promotion with a webhook is accepted" pushed_ok
check "it is tagged" has_tag deploy_test_1
check "the JSON webhook got deploy.started then deploy.succeeded, once each" \
	logq "$T/log1" '[x["event"] for x in r if x["path"]=="/hook"] == ["deploy.started","deploy.succeeded"]'
check "every event carries a valid HMAC-SHA256 signature" \
	logq "$T/log1" 'all(x["signature_ok"] is True for x in r if x["path"]=="/hook")'
check "the signature header has GitHub's form" \
	logq "$T/log1" 'all(x["signature"].startswith("sha256=") and len(x["signature"])==71 for x in r if x["path"]=="/hook")'
check "bodies are JSON documents sent as application/json" \
	logq "$T/log1" 'all(x["json_ok"] and x["content_type"]=="application/json" for x in r)'
check "each delivery has its own id" \
	logq "$T/log1" 'len(set(x["delivery"] for x in r)) == len(r) and all(len(x["delivery"])==32 for x in r)'
check "the document names repository, env, tag, from/to, pusher" \
	logq "$T/log1" 'h[1]["repository"]=="origin" and h[1]["env"]=="test" and h[1]["tag"]=="deploy_test_1" and h[1]["from"] is None and len(h[1]["to"])==40 and h[1]["pusher"]'
check "the message arrives as pushed (quotes, UTF-8)" logq "$T/log1" 'h[1]["message"]==u"Release \"1.0\" caf\u00e9"'
check "the commits are listed" logq "$T/log1" '"feature A" in [c["summary"] for c in h[1]["commits"]] and h[1]["commits_total"]>=2'
check "succeeded names its record, started does not" \
	logq "$T/log1" 'h[1]["status"]=="succeeded" and h[1]["record"]>=1 and h[0]["record"] is None'
check "the slack webhook gets a text message" \
	logq "$T/log1" 'any(x["path"]=="/slack" and "*deploy to test succeeded*" in json.loads(x["body"])["text"] for x in r)'
check "the slack webhook is unsigned (no secret_file)" logq "$T/log1" 'all(x["signature"] is None for x in r if x["path"]=="/slack")'
check "nothing is left in the spool" pending 0
check "the URL is listed without its userinfo" sh -c '! grep -q "user:pw" "$1"' - "$T/list"

commit "untested"
git push -q origin master 2>/dev/null
push origin master:live
check "a write of untested code to live is refused" refused
check "the refusal is an event too" \
	logq "$T/log1" 'r[-1]["event"]=="refused" and b[-1]["ref"]=="refs/heads/live" and b[-1]["env"]=="live" and b[-1]["message"] and r[-1]["signature_ok"]'
check "the slack webhook (deploy only) did not get the refusal" logq "$T/log1" 'r[-1]["path"]=="/hook"'
check "the secret is in no push output" sh -c '! grep -q "$1" "$2"' - "$SECRET" "$OUT"
check "the secret is in nothing the repository keeps" sh -c '! grep -rq "$1" "$2"' - "$SECRET" "$T/origin.git"

# --- 2. receiver down: the push succeeds, events wait, then arrive in order
stop_receiver
write_conf "$T/origin.git/workflow.conf" /hook
commit "feature B"
git push -q origin master 2>/dev/null
push origin master:test
check "with the receiver down the promotion is still accepted" pushed_ok
check "and deployed" has_tag deploy_test_2
check "the pusher is told the events wait" says "remote: workflow: webhook http://127.0.0.1:$port/hook: not delivered now"
check "both events are spooled" pending 2
commit "untested 2"
git push -q origin master 2>/dev/null
push origin master:live
check "a refusal while down is refused" refused
check "and spooled too" pending 3
check "the pusher is told its event waits for the webhook's next try" \
	says "remote: workflow: webhook http://127.0.0.1:$port/hook: failed earlier, so 3 event(s) wait in the spool"
check "notify --list shows the failed attempt" grep -q "1 failed attempt(s)" "$T/list"
"$WF" -C "$T/origin.git" notify --retry >"$OUT" 2>&1; rc=$?
check "notify --retry with the receiver still down fails" test "$rc" = 1
check "and keeps all three" pending 3

start_receiver "$T/log2" "$port"
"$WF" -C "$T/origin.git" notify --retry >"$OUT" 2>&1; rc=$?
check "notify --retry delivers once the receiver is back" test "$rc" = 0
check "it reports what it delivered" says "http://127.0.0.1:$port/hook: delivered 3, pending 0"
check "the three events arrived once each, in order" \
	test "$(events "$T/log2" | tr '\n' ' ')" = "deploy.started deploy.succeeded refused "
check "the late events are the deploy_test_2 ones, signed" \
	logq "$T/log2" 'b[0]["tag"]=="deploy_test_2" and b[1]["tag"]=="deploy_test_2" and all(x["signature_ok"] for x in r)'
check "the spool is empty" pending 0
"$WF" -C "$T/origin.git" notify --retry >"$OUT" 2>&1
check "a second retry sends nothing again" test "$(wc -l <"$T/log2")" = 3

# the next hook run delivers what is due (its backoff elapsed)
stop_receiver
fetch
commit "feature C"
git push -q origin master 2>/dev/null
push origin master:test
check "down again: deploy_test_3 is made" has_tag deploy_test_3
check "its events are spooled" pending 2
start_receiver "$T/log3" "$port"
dir=$(dirname "$(find "$T/origin.git/workflow/spool" -name '*.event' | head -1)")
printf 'attempts 1\nnext_try 0\nlast_error x\n' >"$dir/state"
commit "feature D"
push origin master
check "a Dev push is accepted" pushed_ok
check "its hook run delivered the waiting events in order" \
	test "$(events "$T/log3" | tr '\n' ' ')" = "deploy.started deploy.succeeded "
check "nothing waits any more" pending 0

# --- 2b. the hook killed mid-send: the event is kept, and sent again later
# push_and_kill POINT ARGS...: push in the background, SIGKILL the hook when
# it reaches POINT, wait for the push to end
push_and_kill() {
	_point=$1; shift
	_pause="$T/origin.git/workflow/paused.$_point"
	(WF_TEST_PAUSE=$_point git push "$@" >"$T/bg.out" 2>&1) &
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
n=$(wc -l <"$T/log3")
commit "untested 3"
git push -q origin master 2>/dev/null
check "the hook was killed just before sending the refusal event" push_and_kill notify-before-send origin master:live
check "nothing reached the receiver" test "$(wc -l <"$T/log3")" = "$n"
check "the event is kept whole" pending 1
"$WF" -C "$T/origin.git" notify --retry >/dev/null 2>&1
check "and sent by notify --retry" logq "$T/log3" 'len(r)=='"$n"'+1 and r[-1]["event"]=="refused" and r[-1]["signature_ok"]'
check "the hook was killed just after the receiver got an event" push_and_kill notify-after-send origin master:live
check "the receiver got it" test "$(wc -l <"$T/log3")" = $((n + 2))
check "it is kept, since it was not confirmed" pending 1
"$WF" -C "$T/origin.git" notify --retry >/dev/null 2>&1
check "it goes again with the same delivery id (receivers dedupe on it)" \
	logq "$T/log3" 'len(r)=='"$n"'+3 and r[-1]["delivery"]==r[-2]["delivery"] and r[-2]["delivery"]!=r[-3]["delivery"]'
check "nothing waits" pending 0

# --- 2c. a slow receiver and a backlog: one hook run spends at most
# notify.timeout (2 s) on it; 5 answers of >= 0.5 s each cannot all fit
stop_receiver
tos=
for k in 1 2 3 4 5; do
	commit "untested slow $k"
	git push -q origin master 2>/dev/null
	push origin master:live
	tos="$tos $(git rev-parse HEAD)"
done
check "five refusals wait while the receiver is down" pending 5
start_receiver "$T/log4" "$port" 0.5
printf 'attempts 1\nnext_try 0\nlast_error x\n' >"$dir/state"
commit "feature slow"
push origin master
check "a Dev push with a slow receiver and a backlog is accepted" pushed_ok
check "its run stopped when its time for the webhook was used up" says "not delivered now (out of time for this push)"
check "so some events still wait" sh -c '! "$1" -C "$2" notify >/dev/null' - "$WF" "$T/origin.git"
"$WF" -C "$T/origin.git" notify --retry >/dev/null 2>&1
check "notify --retry sends the rest" pending 0
check "counting each delivery id once, all five arrived in the order they happened" \
	logq "$T/log4" 'list(dict((x["delivery"], y["to"]) for x, y in zip(r, b)).values()) == "'"$tos"'".split()'
stop_receiver
start_receiver "$T/log3" "$port"

# --- 3. a receiver that hangs: the push finishes within the timeout
write_conf "$T/origin.git/workflow.conf" /hang
push origin master:test &
push_pid=$!
# (its output not on ours: a sleep left holding the TAP pipe kept the
# harness waiting for it after the test had ended)
( sleep 60; kill "$push_pid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
guard=$!
wait "$push_pid"; rc=$?
kill "$guard" 2>/dev/null
check "with a hanging receiver the push finishes (no 60 s hang)" pushed_ok
check "the deploy happened" has_tag deploy_test_4
check "the pusher is told it timed out" says "not delivered now (Timeout was reached)"
check "the hung event was received but is kept for redelivery" \
	logq "$T/log3" 'r[-1]["path"]=="/hang" and r[-1]["event"]=="deploy.started"'
check "the events are kept" pending 2
check "one request went to the hung receiver in this push (budget, backoff)" \
	test "$(grep -c '"/hang"' "$T/log3")" = 1
rm -rf "$T/origin.git/workflow/spool"

# --- 4. an unreadable secret: warning without content, events kept
write_conf "$T/wf.conf" /hook
sed "s|$T/secret|$T/no-such-secret|" "$T/wf.conf" >"$T/origin.git/workflow.conf"
commit "feature E"
git push -q origin master 2>/dev/null
push origin master:test
check "with an unreadable secret_file the push still succeeds" pushed_ok
check "a one-line warning names the file" says "cannot read secret_file $T/no-such-secret"
check "the events are not sent unsigned but kept" pending 2
check "nothing unsigned reached the receiver" sh -c '! grep -q deploy_test_5 "$1"' - "$T/log3"
rm -rf "$T/origin.git/workflow/spool"

# --- 5. HTTP steps: a non-2xx answer fails the deploy
write_conf "$T/origin.git/workflow.conf" /hook "" '{ name = "notify-cdn"; url = "http://127.0.0.1:'"$port"'/ok?tag=${WF_TAG}"; method = "POST"; headers = [ "X-Tag: ${WF_TAG}" ]; body = "deployed ${WF_TAG}"; timeout = 5; },
  { name = "warm-cache"; url = "http://127.0.0.1:'"$port"'/fail"; timeout = 5; },
  { name = "after"; run = [ "sh", "-c", "echo should-not-run" ]; }'
commit "feature F"
git push -q origin master 2>/dev/null
push origin master:test
check "the HTTP step got the deploy's tag in URL and body" \
	logq "$T/log3" 'any(x["path"]=="/ok?tag=deploy_test_6" and x["body"]=="deployed deploy_test_6" for x in r)'
check "the 2xx HTTP step succeeds" says "step notify-cdn: ok"
check "the HTTP 500 step fails, saying HTTP 500 (not exit 500)" says "step warm-cache: failed (HTTP 500)"
check "so the deploy fails" says "deploy to test FAILED"
check "the steps after it do not run" sh -c '! grep -q should-not-run "$1"' - "$OUT"
check "the webhook got deploy.failed with the step results" \
	logq "$T/log3" 'b[-1]["event"]=="deploy.failed" and [s["status"] for s in b[-1]["steps"]]==["ok","failed"]'
"$WF" -C "$T/origin.git" show deploy_test_6 >"$OUT" 2>&1
check "the record says failed" says "^status   failed"

# --- 6. a rollback is an event of its own kind
fetch
git push -q -f origin deploy_test_5^{commit}:test 2>"$OUT" || true
check "rolling test back to deploy_test_5 sends rollback.started then rollback.failed (the failing HTTP step)" \
	logq "$T/log3" '[x["event"] for x in r if x["path"]=="/hook"][-2:] == ["rollback.started","rollback.failed"] and h[-1]["kind"]=="rollback"'

# --- 7. a hotfix is an event of its own kind, naming its pusher
write_conf "$T/origin.git/workflow.conf" /hook
printf 'hotfix = { users = [ "alice" ]; };\n' >>"$T/origin.git/workflow.conf"
commit "feature G"
git push -q origin master master:test 2>/dev/null
fetch
git push -q origin test:live 2>/dev/null
commit "urgent fix"
GL_USER=alice push origin HEAD:refs/hotfix/live
check "alice's hotfix is accepted" pushed_ok
check "the webhook got hotfix.started then hotfix.succeeded for live, from alice" \
	logq "$T/log3" '[x["event"] for x in r if x["path"]=="/hook"][-2:] == ["hotfix.started","hotfix.succeeded"] and h[-1]["kind"]=="hotfix" and h[-1]["env"]=="live" and h[-1]["pusher"]=="alice"'
git push -q origin HEAD:master 2>/dev/null

# --- 8. where events cannot be kept, a deploy is refused (fail closed):
# it would lose them.  Dev pushes go on.
spool=$T/origin.git/workflow/spool
rm -rf "$spool"
printf 'not a directory\n' >"$spool"
commit "feature H"
git push -q origin master 2>/dev/null
before=$(tip refs/heads/test)
push origin master:test
check "with the spool unusable, a promotion is refused" refused
check "one line says where and why, and what to do" \
	says "cannot keep webhook events in $spool/[0-9a-f]*: Not a directory; deploy to test refused so that its events are not lost. Something that is not a directory is in its way: move it aside"
check "test did not move" at refs/heads/test "$before"
check "no tag was made" sh -c '! git --git-dir="$1" tag -l "deploy_test_*" --contains "$2" | grep -q .' - "$T/origin.git" "$(git rev-parse master)"
rm -f "$spool"

# a full disk, for real, where this machine lets the test mount a small tmpfs
mkdir -p "$spool"
if mount -t tmpfs -o size=128k wf-spool-test "$spool" 2>/dev/null; then
	trap 'umount "$spool" 2>/dev/null; stop_receiver' EXIT
	dd if=/dev/zero of="$spool/fill" bs=4k 2>/dev/null || true
	commit "feature I"
	push origin master
	check "with the spool's disk full, a Dev push is still accepted" pushed_ok
	push origin master:test
	check "but a promotion is refused" refused
	check "naming the full disk" says "cannot keep webhook events in $spool/[0-9a-f]*: No space left on device"
	check "test did not move" at refs/heads/test "$before"
	rm -f "$spool/fill"
	push origin master:test
	check "with space again, the promotion is accepted" pushed_ok
	check "and its events went out" logq "$T/log3" 'h[-1]["event"]=="deploy.succeeded" and h[-1]["to"]=="'"$(git rev-parse master)"'"'
	umount "$spool"
	trap 'stop_receiver' EXIT
else
	echo "# skipped the full-disk case: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)"
	push origin master:test
	check "with the spool usable again, the promotion is accepted" pushed_ok
fi

# --- 9. a deploy that a killed post-receive left unfinished (after its tag
# and deploy.started): the repair
# sends deploy.interrupted after deploy.started
commit "feature J"
git push -q origin master 2>/dev/null
check "post-receive was killed after the tag" push_and_kill deploy-after-tag origin master:test
check "the receiver got deploy.started, nothing after it" \
	logq "$T/log3" 'h[-1]["event"]=="deploy.started" and h[-1]["to"]=="'"$(git rev-parse master)"'"'
"$WF" -C "$T/origin.git" repair >"$OUT" 2>&1
check "git-workflow repair finishes it" says "repair: an interrupted deploy to test"
check "and sends deploy.interrupted, with its tag and the note" \
	logq "$T/log3" 'h[-1]["event"]=="deploy.interrupted" and h[-1]["tag"].startswith("deploy_test_") and "interrupted" in h[-1]["note"] and h[-1]["pusher"]=="'"$(id -un)"'"'

# --- 10. an event its receiver will never take (a 4xx, forever) holds back
# every event after it, until an admin sets it aside with notify --drop
commit "feature K"
git push -q origin master 2>/dev/null
push -o message=poison origin master:test
check "a deploy whose events the receiver rejects is still accepted" pushed_ok
check "its two events wait" pending 2
commit "untested K"
git push -q origin master 2>/dev/null
push origin master:live
check "a refusal queues behind them" pending 3
"$WF" -C "$T/origin.git" notify --retry >"$OUT" 2>&1; rc=$?
check "notify --retry cannot get past the rejected event" test "$rc" = 1
check "the receiver answered it 422" grep -q "last error: HTTP 422" "$T/list"
check "and got nothing after it" logq "$T/log3" '"poison" in r[-1]["body"] and r[-1]["event"]=="deploy.started"'
"$WF" -C "$T/origin.git" notify --drop "http://127.0.0.1:$port/hook" >"$OUT" 2>&1; rc=$?
check "notify --drop URL (as --list shows it) succeeds" test "$rc" = 0
check "it names the event it set aside" says "^http://127.0.0.1:$port/hook: set aside event [0-9]* (deploy.started, delivery [0-9a-f]\{32\}) in .*/dropped$"
check "the oldest only" pending 2
"$WF" -C "$T/origin.git" notify --drop "http://user:pw@127.0.0.1:$port/hook" >"$OUT" 2>&1; rc=$?
check "notify --drop with the configured URL sets aside the next" says "set aside event [0-9]* (deploy.succeeded,"
check "which leaves the refusal" pending 1
check "the password is not printed" sh -c '! grep -q "user:pw" "$1"' - "$OUT"
"$WF" -C "$T/origin.git" notify --retry >"$OUT" 2>&1; rc=$?
check "the refusal behind them goes out at once (backoff reset)" test "$rc" = 0
check "it arrived after the rejected ones" logq "$T/log3" 'r[-1]["event"]=="refused" and "poison" not in r[-1]["body"]'
check "the two set-aside events are kept, not sent" \
	test "$(ls "$T/origin.git"/workflow/spool/*/dropped/*.event | wc -l)" = 2
"$WF" -C "$T/origin.git" notify --drop "http://127.0.0.1:$port/hook" >"$OUT" 2>&1; rc=$?
check "notify --drop with nothing waiting exits 1" test "$rc" = 1
"$WF" -C "$T/origin.git" notify --drop "https://admin:hunter2@elsewhere.example/x?token=abc" >"$OUT" 2>&1; rc=$?
check "notify --drop of an unknown webhook fails" test "$rc" = 1
check "saying which and what to give" says "no webhook spool for 'https://elsewhere.example/x'; give a URL as git-workflow notify --list shows it"
check "without its password or token" sh -c '! grep -q "hunter2\|abc" "$1"' - "$OUT"
"$WF" -C "$T/origin.git" notify --drop >"$OUT" 2>&1; rc=$?
check "notify --drop without a webhook is a usage error" test "$rc" = 2

# --- after an outage, the events go out with no push at all: the deploy's
# runner keeps retrying them on the webhook's backoff (notify.retry_for)
stop_receiver
write_conf "$T/origin.git/workflow.conf" /hook
# (backoff 2 s, not 30: the sender's retry is what is tested, not the wait)
sed -i 's/retry_for = 0;/retry_for = 120; backoff = 2;/' "$T/origin.git/workflow.conf"
fetch
commit "feature L"
git push -q origin master 2>/dev/null
push origin master:test
check "with the receiver down, a promotion is deployed" pushed_ok
check "  ... its events wait" pending 2
start_receiver "$T/log5" "$port"
i=0; while [ "$(events "$T/log5" | wc -l)" -lt 2 ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
check "once the receiver is back, they arrive without a push" \
	test "$(events "$T/log5" | tr '\n' ' ')" = "deploy.started deploy.succeeded "
check "  ... and the spool is empty" pending 0

stop_receiver
done_testing
