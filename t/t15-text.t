#!/bin/sh
# Issue 17: text as people wrote it.  A UTF-8 message with quotes comes back
# as pushed from the tag, show, log, show --json and a webhook; an HTTP
# step's JSON body with ${WF_MESSAGE} parses; a step's escape sequences
# and CRs are shown escaped (stored byte-exact, NULs and all); GitLab's own
# push options are left alone; the conventional toggles work with the
# shipped config; truncated records are named and torn spool events set
# aside; a webhook in backoff is mentioned once per push.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "Bail out! python3 is needed (./install.sh --deps installs it)"; exit 1; }
RECV=$WF_SRCDIR/t/webhook-receiver.py
recv_pid=
start_receiver() { # start_receiver LOG [PORT]: sets $port
	rm -f "$T/port"
	python3 "$RECV" --port-file "$T/port" --log "$1" ${2:+--port "$2"} >"$T/receiver.err" 2>&1 &
	recv_pid=$!
	_i=0
	while [ ! -s "$T/port" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -s "$T/port" ] || { cat "$T/receiver.err"; echo "Bail out! the receiver did not start"; exit 1; }
	port=$(cat "$T/port")
}
stop_receiver() { [ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null && wait "$recv_pid" 2>/dev/null; recv_pid=; }
trap 'stop_receiver' EXIT
# logq LOG PYTHON-EXPR: holds for r (the logged requests), a (their bodies
# sent to /api, parsed) and h (those sent to /hook, parsed)
logq() {
	python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; a=[json.loads(x["body"]) for x in r if x["path"].startswith("/api")]; h=[json.loads(x["body"]) for x in r if x["path"]=="/hook"]; sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
# jq_ FILE PYTHON-EXPR: holds for d, FILE parsed as JSON
jq_() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"; }
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }

start_receiver "$T/log"
# libconfig strings: \\ is one backslash, so printf and sh get \033 and \000
sed "s/PORT/$port/g" >"$T/wf.conf" <<'CONF'
test = {
  branch = "test";
  steps = (
    { name = "api"; url = "http://127.0.0.1:PORT/api?m=${WF_MESSAGE}";
      headers = [ "Content-Type: application/json", "X-Msg: ${WF_MESSAGE}" ];
      body = "{\"msg\": \"${WF_MESSAGE}\", \"tag\": \"${WF_TAG}\"}"; timeout = 5; },
    { name = "noisy"; run = [ "printf", "colour \\033[31mred\\033[0m\\n\\033]0;pwned title\\007osc\\nfake\\rremote: workflow: all good\\n" ]; },
    { name = "binary"; run = [ "sh", "-c", "printf 'a\\000b'; head -c 20000 /dev/zero | tr '\\000' x" ]; }
  );
};
notify = { connect_timeout = 1; timeout = 2; retry_for = 0; webhooks = ( { url = "http://127.0.0.1:PORT/hook"; } ); };
CONF
setup --conf "$T/wf.conf"
git="git --git-dir=$T/origin.git"
E=$(printf '\303\251')
M1="Release \"1.0\" caf$E"
ESC=$(printf '\033')

# --- 1. a UTF-8 message with quotes, as pushed, everywhere ----------------
commit "feature A"
push -o "message=$M1" origin master master:test
check "a promotion with a UTF-8 message is accepted" pushed_ok
$git cat-file tag deploy_test_1 >"$T/annot"
check "the tag holds the message as pushed (UTF-8, quotes, no backslash)" \
	test "$(sed '1,/^$/d' "$T/annot" | head -n 1)" = "$M1"
check "  ... and the options line too" grep -qxF "options: message=$M1" "$T/annot"
wf show deploy_test_1 >"$T/show" 2>&1
check "show prints the message as pushed" grep -qxF "message  $M1" "$T/show"
check "  ... and the options as pushed" grep -qxF "options  message=$M1" "$T/show"
wf log >"$T/log.out" 2>&1
check "log prints the message as pushed" sh -c 'grep " deploy_test_1 " "$1" | grep -qF -- "$2"' - "$T/log.out" "$M1"
wf --json show deploy_test_1 >"$T/show.json" 2>&1
check "show --json has the message as pushed" jq_ "$T/show.json" 'd["message"]==u"Release \"1.0\" caf\u00e9"'
check "the webhook got the message as pushed" logq "$T/log" 'h[-1]["message"]==u"Release \"1.0\" caf\u00e9"'

# --- 2. HTTP steps: each ${WF_...} escaped for where it lands --------------
check "the HTTP step's JSON body parses at the receiver" logq "$T/log" 'len(a)==1 and a[0]["msg"]==u"Release \"1.0\" caf\u00e9" and a[0]["tag"]=="deploy_test_1"'
check "the URL got the real bytes, percent-encoded" logq "$T/log" '[x for x in r if x["path"].startswith("/api")][0]["path"]=="/api?m=Release%20%221.0%22%20caf%C3%A9"'
M2="Release caf$E \"quoted\" \\ back"
commit "feature B"
push -o "message=$M2" origin master master:test
check "a message with quotes and a backslash: the body still parses" \
	logq "$T/log" 'len(a)==2 and a[1]["msg"]==u"Release caf\u00e9 \"quoted\" \\ back"'
check "  ... and the URL has the backslash once (%5C, not an escape)" \
	logq "$T/log" '[x for x in r if x["path"].startswith("/api")][1]["path"].endswith("%22quoted%22%20%5C%20back")'

# --- 3. step output: safe on display, stored byte-exact -------------------
check "no escape byte reaches the pusher's terminal" sh -c '! grep -q "$1" "$2"' - "$ESC" "$OUT"
check "the colour is dropped, the text kept" says "^remote: \[noisy\] colour red *$"
check "the OSC title sequence is shown escaped" says '^remote: \[noisy\] \\x1b\]0;pwned title\\x07osc *$'
check "a CR cannot forge a workflow line" says '^remote: \[noisy\] fake\\rremote: workflow: all good *$'
check "  ... nothing starts a line with it" sh -c '! grep -q "^remote: workflow: all good" "$1"' - "$OUT"
check "a NUL is shown escaped" says '^remote: \[binary\] a\\x00bxxx'
wf show deploy_test_2 >"$T/show" 2>&1
check "show escapes the step's sequences too" grep -qF '\x1b]0;pwned title\x07osc' "$T/show"
check "  ... with no raw escape or CR byte" sh -c '! grep -q "$(printf "[\033\r]")" "$1"' - "$T/show"
wf --color show deploy_test_2 >"$T/show" 2>&1
check "show --color keeps the colour" grep -qF "colour ${ESC}[31mred${ESC}[0m" "$T/show"
check "  ... and still escapes the title sequence" grep -qF '\x1b]0;pwned title\x07osc' "$T/show"
wf --json show deploy_test_2 >"$T/show.json" 2>&1
check "show --json keeps the output byte-exact" \
	jq_ "$T/show.json" 'd["steps"][1]["output"]=="colour \x1b[31mred\x1b[0m\n\x1b]0;pwned title\x07osc\nfake\rremote: workflow: all good\n"'
check "show --json does not cut the output at its NUL (20 KB)" \
	jq_ "$T/show.json" 'd["steps"][2]["output"]=="a\x00b"+"x"*20000'

# --- 4. the host's push options are left alone ----------------------------
commit "feature C"
push -o ci.skip -o merge_request.create -o merge_request.target=master origin HEAD:feature
check "git push -o ci.skip -o merge_request.create is accepted" pushed_ok
check "  ... without a word about them" sh -c '! grep -q "push option" "$1"' - "$OUT"
push -o updte origin HEAD:feature2
check "a misspelt option of ours is still refused" refused
check "  ... listing the known ones" says "unknown push option 'updte'; known options: message=TEXT, dry-run, drop-hotfix, clone-from=ENV, override=REASON, keep-env, no-keep-env, clone-content, no-clone-content, update, no-update, cache-clear, no-cache-clear"

# --- 5. the shipped config: the conventional toggles are known ------------
cp "$T/origin.git/workflow.conf" "$T/saved.conf"
cp "$WF_SRCDIR/conf/workflow.conf" "$T/origin.git/workflow.conf"
commit "feature D"
push -o update -o no-clone-content origin master master:test
check "-o update -o no-clone-content with the shipped config is accepted" pushed_ok
check "  ... with a one-line note" test "$(grep -c 'note:' "$OUT")" = 1
check "  ... that says it changes nothing (clone-content is the hooks' own: docs/content.md)" says "remote: workflow: note: no step of this repository's config uses -o update, so it changes nothing"
cp "$T/saved.conf" "$T/origin.git/workflow.conf"

# --- 6. truncated and empty records are named -----------------------------
last=$(ls "$T/origin.git/workflow/records" | sort | tail -n 1)
rec=$T/origin.git/workflow/records/$last
seq=$(echo "$last" | sed 's/^0*//; s/\.json$//; s/\.rec$//')
head -c 60 "$rec" >"$T/torn" && cat "$T/torn" >"$rec"
wf log >"$OUT" 2>&1; rc=$?
check "log names a truncated record" says "deploy record $seq ($rec) cannot be read: truncated"
check "  ... and exits 1" test "$rc" = 1
check "  ... still listing the others" says " deploy_test_1 "
wf show "$seq" >"$OUT" 2>&1; rc=$?
check "show N of a truncated record says what is wrong" says "deploy record $seq ($rec) cannot be read: truncated"
check "  ... and fails" test "$rc" = 1
: >"$rec"
wf --json log >"$T/log.json" 2>"$OUT"
check "log --json names an empty record on stderr" says "deploy record $seq ($rec) cannot be read: empty"
check "  ... and stays JSON" jq_ "$T/log.json" 'len(d)>=2'
rm -f "$rec"

big=$(head -c 20000 /dev/zero | tr '\0' 'm')
commit "feature E"
push -o "message=$big" origin master master:test
wf show deploy_test_4 >"$OUT" 2>&1
check "show caps a 20 KB message" says "^message  m\{4096\} \.\.\. (15904 more bytes; --json shows them)$"
wf --json show deploy_test_4 >"$T/show.json" 2>&1
check "  ... --json has it whole" jq_ "$T/show.json" 'd["message"]=="m"*20000'

# --- 7. a torn spool event is set aside, not sent -------------------------
stop_receiver
commit "untested"
git push -q origin master 2>/dev/null
push origin master:live
check "a refusal while the receiver is down is spooled" sh -c 'ls "$1"/workflow/spool/*/*.event >/dev/null 2>&1' - "$T/origin.git"
ev=$(ls "$T/origin.git"/workflow/spool/*/*.event | tail -n 1)
head -c 120 "$ev" >"$T/torn" && cat "$T/torn" >"$ev"
n_before=$(wc -l <"$T/log")
start_receiver "$T/log" "$port"
wf notify --retry >"$OUT" 2>&1
check "notify --retry sets the torn event aside" says "malformed spooled event set aside as .*\.bad"
check "  ... it is kept as .bad" test -f "${ev%.event}.bad"
check "  ... and never sent" test "$(wc -l <"$T/log")" = "$n_before"

# --- 8. a webhook in backoff is mentioned once per push -------------------
stop_receiver
commit "feature F"
git push -q origin master 2>/dev/null
push origin master:live
commit "feature G"
git push -q origin master 2>/dev/null
push origin master:test
check "with the webhook in backoff a promotion is accepted" pushed_ok
check "  ... and told so once" test "$(grep -c 'failed earlier' "$OUT")" = 1

done_testing
