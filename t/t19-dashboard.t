#!/bin/sh
# Issue 20: the dashboard.  After real pushes (promotions, a failed step, a
# hotfix, a rollback, refusals) the page is written by the hooks without
# running the command, is valid HTML, shows the envs, tags and counts, and
# shows every pushed injection attempt as text; then a headless browser
# renders it.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

CHECK="python3 $WF_SRCDIR/t/dashboard-check.py"
D=$T/origin.git/workflow/dashboard
# the step prints pushed text (the message) and markup and control bytes of
# its own; it fails when the message says FAIL
cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "GL_USER" ]; };
test = { steps = (
    { name = "update<i>db</i>"; shell = true;
      run = [ "printf '%s\\n' \"message: $WF_MESSAGE\"; printf '<script>alert(\"output\")</script> \\033[2J\\001 done\\n'; case \"$WF_MESSAGE\" in *FAIL*) echo broke; exit 3;; esac" ]; },
    { name = "cache-clear"; run = [ "sleep", "0.3" ]; } ); };
live = { hotfix = true; steps = ( { name = "cache-clear"; run = [ "true" ]; } ); };
hotfix = { users = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
html_text() { $CHECK text "$1"; }
# waits() FILE PATTERN: the runner writes the page after the push has
# ended; give it a few seconds
waits() {
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
# seq_of TAG: the number of the deploy's record
seq_of() { "$WF_CLI" -C "$T/origin.git" --json show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])'; }
shows() { html_text "$1" >"$T/text" && grep -q -- "$2" "$T/text"; }
lacks() { ! grep -q -- "$2" "$1"; }

# 1. Dev -> Test with an injection in the commit message and the message
commit "<script>alert('commit')</script> feature A"
a=$(git rev-parse HEAD)
git push -q origin master 2>/dev/null
push -o "message=<script>alert('message')</script> release A" origin master:test
check "promotion to test accepted" pushed_ok
check "the hooks wrote the dashboard (no command run)" waits "$D/index.html" deploy_test_1
r1=$(seq_of deploy_test_1)
check "a page for the deploy's record" waits "$D/record-$r1.html" deploy_test_1

# 2. Test -> Live
fetch
push origin test:live
check "promotion to live accepted" pushed_ok
check "the page is rewritten after that deploy" waits "$D/index.html" deploy_live_1

# 3. a failed step on Test
commit "feature B"
git push -q origin master 2>/dev/null
push -o "message=FAIL on purpose" origin master:test
check "the failing deploy is reported" says "step update<i>db</i>: failed"
check "the page shows test's failed deploy" waits "$D/index.html" "env failed\" id=\"env-test\""
check "test's tag is deploy_test_2" waits "$D/index.html" "<dd>deploy_test_2</dd>"
cp "$D/index.html" "$T/after-failure.html"
rf=$(seq_of deploy_test_2)

# 4. a hotfix on Live (not merged into master)
fetch
git checkout -q -b hotfix origin/live
commit "hotfix: fix the <b>checkout</b>" hotfix.txt
hfs=$(git rev-parse --short=12 HEAD)
GL_USER=alice push origin HEAD:refs/hotfix/live
check "the hotfix is deploy_live_2" has_tag deploy_live_2
check "the page shows it" waits "$D/index.html" "deploy_live_2"
git checkout -q master

# 5. a rollback of Test to deploy_test_1
fetch
push -f origin 'deploy_test_1^{commit}:test'
check "the rollback is deploy_test_3" has_tag deploy_test_3
check "the page shows it" waits "$D/index.html" "<dd>deploy_test_3</dd>"

# 6. a refusal whose ref name is an injection attempt: recorded, page rewritten
n0=$(ls "$T/origin.git/workflow/records" | grep -c '\.json$')
push origin "HEAD:refs/hotfix/<script>alert('ref')</script>"
check "the odd hotfix ref is refused" refused
n=$(ls "$T/origin.git/workflow/records" | grep -c '\.json$')
check "its record was written before the push ended" test "$n" -eq $((n0 + 1))
# the page is derived: a writer the hook started writes it once the hook
# has exited, off the pusher's wait
check "the refusal is on the page (written after the push)" waits "$D/index.html" "record-$n.html"
check "... with a page of its own" waits "$D/record-$n.html" "refused"

# 7. one more commit on master: 2 waiting for test
commit "feature C"
git push -q origin master 2>/dev/null
sleep 0.2

# The page as the hooks left it: valid, and what it says
check "every page is valid HTML, no raw control bytes, no raw <script" $CHECK valid "$D"/*.html
check "... and the snapshot after the failure too" $CHECK valid "$T/after-failure.html"
check "three columns: Dev, Test, Live" sh -c 'grep -q "id=\"env-dev\"" "$1" && grep -q "id=\"env-test\"" "$1" && grep -q "id=\"env-live\"" "$1"' - "$D/index.html"
"$WF_CLI" -C "$T/origin.git" dashboard >"$OUT" 2>&1
check "git-workflow dashboard writes it too" says "dashboard written to $T/origin.git/workflow/dashboard/index.html"
check "the pages are still valid" $CHECK valid "$D"/*.html
check "Test is on deploy_test_3 (the rollback), ok" sh -c 'grep -q "env ok\" id=\"env-test\"" "$1" && grep -q "<dd>deploy_test_3</dd>" "$1"' - "$D/index.html"
check "Live is on deploy_live_2 (the hotfix)" grep -q "<dd>deploy_live_2</dd>" "$D/index.html"
check "2 commits on master not yet on test" shows "$D/index.html" "2 commits on master not yet on test"
check "0 commits on test not yet on live" shows "$D/index.html" "0 commits on test not yet on live"
check "the hotfix is a warning, with its commit" shows "$D/index.html" "1 hotfix commit on live not merged into master"
check "... listing it" shows "$D/index.html" "$hfs hotfix: fix the <b>checkout</b>"
check "... with the commands to merge it back" shows "$D/index.html" "git pull origin live && git push origin master"
rows=$(grep -c '^<tr><td><a href="record-' "$D/index.html")
check "the log lists every record ($n), newest first" sh -c '[ "$1" = "$2" ] && grep -o "record-[0-9]*.html" "$3" | head -1 | grep -q "record-$2.html"' - "$rows" "$n" "$D/index.html"
check "a page per record" sh -c 'for i in $(seq 1 "$1"); do [ -s "$2/record-$i.html" ] || exit 1; done' - "$n" "$D"
check "the failed deploy is marked failed in the log" grep -q "<span class=\"status failed\">failed</span>" "$D/index.html"

# Each pushed field shows as text, escaped
check "commit message: escaped in the page" grep -q "&lt;script&gt;alert(&#39;commit&#39;)&lt;/script&gt; feature A" "$D/index.html"
check "commit message: shown as text" shows "$D/index.html" "<script>alert('commit')</script> feature A"
check "message option: shown as text in the log" shows "$D/index.html" "<script>alert('message')</script> release A"
check "message option: on its record page" shows "$D/record-$r1.html" "<script>alert('message')</script> release A"
check "step output: the pushed message, as text" shows "$D/record-$r1.html" "message: <script>alert('message')</script> release A"
check "step output: its own markup, as text" shows "$D/record-$r1.html" "<script>alert(\"output\")</script>"
check "step output: control bytes shown escaped" shows "$D/record-$r1.html" 'alert("output")</script> \\x1b\[2J\\x01 done'
check "step name: as text" shows "$D/record-$r1.html" "update<i>db</i>"
check "ref name: as text on the refusal's page" shows "$D/record-$n.html" "refs/hotfix/<script>alert('ref')</script>"
check "no file of the dashboard has a raw <script" sh -c '! grep -qi "<script" "$1"/*.html' - "$D"

# Record pages: commits, options, each step's output, durations as SVG bars
check "the failed deploy's page has the step's output" shows "$D/record-$rf.html" "broke"
check "... its status" grep -q "<span class=\"status failed\">failed</span>" "$D/record-$rf.html"
check "... the options" shows "$D/record-$rf.html" "message=FAIL on purpose"
check "... the commit it brought" shows "$D/record-$rf.html" "feature B"
check "durations as an inline SVG bar chart, one bar per step" sh -c 'grep -q "<svg class=\"chart\"" "$1" && [ "$(grep -o "<rect " "$1" | wc -l)" = 2 ]' - "$D/record-$r1.html"
check "... the failed step's bar is red" grep -q 'fill="#c62828"' "$D/record-$rf.html"

# dashboard.dir and -o DIR
push -o dry-run origin master:test
mkdir -p "$T/out-dir"
"$WF_CLI" -C "$T/origin.git" dashboard -o "$T/out-dir" >"$OUT" 2>&1
check "-o DIR writes there" sh -c '[ -s "$1/index.html" ] && [ -s "$1/record-$2.html" ]' - "$T/out-dir" "$r1"
cp "$T/origin.git/workflow.conf" "$T/saved.conf"
printf 'dashboard = { dir = "site-dash"; };\n' >>"$T/origin.git/workflow.conf"
"$WF_CLI" -C "$T/origin.git" dashboard >"$OUT" 2>&1
check "dashboard.dir, relative to GIT_DIR" test -s "$T/origin.git/site-dash/index.html"
printf 'dashboard = { dir = 3; };\n' >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1
check "a wrong dashboard.dir is a config error with its line" says "bad.conf:1: 'dashboard.dir' must be a string"
printf 'dashboard = { dri = "x"; };\n' >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1
check "an unknown key in dashboard is one" says "unknown key 'dri' in dashboard (known: dir)"
cp "$T/saved.conf" "$T/origin.git/workflow.conf"

# Webhooks: pending events and the last error, the URL without credentials
cat >>"$T/origin.git/workflow.conf" <<'CONF'
notify = { connect_timeout = 1; timeout = 2;
  webhooks = ( { url = "http://hookuser:s3cret@127.0.0.1:1/deploys?token=t0ken"; } ); };
CONF
push -f origin HEAD:live
check "a write to live is refused (and sent to the webhook, which is down)" refused
n=$(ls "$T/origin.git/workflow/records" | grep -c '\.json$')
check "the page shows that refusal after the push" waits "$D/index.html" "record-$n.html"
check "the page shows the webhook without its credentials" waits "$D/index.html" "http://127.0.0.1:1/deploys"
check "... never its password or token" sh -c '! grep -q "s3cret\|t0ken" "$1"/*.html' - "$D"
check "... one pending event and its error" sh -c 'grep -q "<td>http://127.0.0.1:1/deploys</td><td>1</td><td>1</td><td>[^<-]" "$1"' - "$D/index.html"
cp "$T/saved.conf" "$T/origin.git/workflow.conf"

# The page in a real browser (Debian's chromium): not blank, three columns
browser_skip=
if ! "$WF_SRCDIR/t/test-deps.sh" chromium >"$T/deps.log" 2>&1; then
	browser_skip=$(tail -1 "$T/deps.log")
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -z "$browser_skip" ] && [ -z "$CHROMIUM" ] && browser_skip="no chromium on PATH"
chrome() { timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
	--user-data-dir="$T/chromium" "$@" "file://$D/index.html" 2>>"$T/chromium.err"; }
if [ -z "$browser_skip" ]; then
	chrome --screenshot="$T/shot.png" --window-size=1200,900 >/dev/null ||
		browser_skip="chromium cannot run here: $(tail -1 "$T/chromium.err")"
fi
if [ -n "$browser_skip" ]; then
	for d in "the screenshot is not blank" "the rendered page has the three columns"; do
		n_tests=$((n_tests + 1)); echo "ok $n_tests - $d # SKIP $browser_skip"
	done
else
	check "the screenshot is not blank" $CHECK png "$T/shot.png"
	chrome --dump-dom >"$T/dom.html"
	check "the rendered page has the three columns" sh -c 'for e in dev test live; do grep -q "id=\"env-$e\"" "$1" || exit 1; done; grep -q "Deploy log" "$1"' - "$T/dom.html"
fi
done_testing
