#!/bin/sh
# Issue 27 point 6: delivery metrics from the records and the commits, by
# a scripted history with known answers.  Records carry the real clock, so
# the commits carry chosen dates instead: each lead time is known to within
# the seconds the test takes.  Live: ok, failed, ok, a rollback, a hotfix.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "GL_USER" ]; };
test = { branch = "test"; steps = ( { name = "t"; run = [ "true" ]; } ); };
live = { branch = "live"; on_failure = "rollback"; hotfix = true;
  steps = ( { name = "cache"; run = [ "sh", "-c", "if [ -f fail-live ]; then echo cache broke; exit 4; fi" ]; } ); };
hotfix = { users = [ "alice" ]; };
CONF
NOW=$(date +%s)
D=86400
# dated N: commits made now are N days old
dated() { GIT_COMMITTER_DATE="@$((NOW - $1 * D)) +0000"; GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE; \
	export GIT_COMMITTER_DATE GIT_AUTHOR_DATE; }
dated 20
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
# promote: master to test, then test to live
promote() { git push -q origin master:test 2>/dev/null; fetch; push origin test:live; }

wf metrics >"$OUT" 2>&1
check "metrics with no deploy says so" grep -q "^change failure rate *-  (no live deploys)" "$OUT"

dated 10; commit "A"; git push -q origin master 2>/dev/null
promote
check "live deploy 1 (first, A) is ok" pushed_ok
dated 4; commit "C"; git push -q origin master 2>/dev/null
touch "$T/origin.git/fail-live"
promote
rm -f "$T/origin.git/fail-live"
check "live deploy 2 (C) fails" says "cache broke"
dated 2; commit "D"; git push -q origin master 2>/dev/null
promote
check "live deploy 3 (C, D) is ok" pushed_ok

# --- three live deploys, one failed ----------------------------------------
wf metrics --since 14d >"$OUT" 2>&1
check "metrics exits 0" test $? = 0
check "the table has a column per env" grep -q "^week of  *test  *live$" "$OUT"
check "three weeks in 14 days, the empty ones too" test "$(grep -c '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] ' "$OUT")" = 3
check "each row is a Monday" sh -c 'for d in $(grep -o "^[0-9-]\{10\} " "$1"); do
	[ "$(date -u -d "$d" +%u)" = 1 ] || exit 1; done' - "$OUT"
check "the totals: 3 test deploys, 3 live deploys" grep -q "^total  *3  *3$" "$OUT"
check "1 failed of 3 live deploys is 33%" \
	grep -q "^change failure rate  *33% (1 of 3 live deploys: 1 failed, 0 rolled back, 0 hotfixed)$" "$OUT"
# first (20 days), A (10), C (4), D (2): median 7 days, p90 at rank 2.7 17 days
check "lead time over the 4 commits the ok live deploys brought" \
	grep -q "^lead time, commit to live  *median 7d 0h, p90 17d 0h (4 commits)$" "$OUT"
check "a time to restore from the failure to the next ok deploy" \
	grep -q "^time to restore  *median [0-9]*[sm].*, p90 .* (1 restore)$" "$OUT"
check "live is not failing now" sh -c '! grep -q "not restored" "$1"' - "$OUT"

wf metrics --json --since 14d >"$OUT" 2>&1
check "--json is JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT"
# jq_ EXPR: a Python expression over the JSON d; a tuple as its items, space separated
jq_() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2])
print(" ".join(map(str, r)) if isinstance(r, tuple) else r)' "$OUT" "$1"; }
check "  ... the envs" test "$(jq_ 'd["envs"]')" = "['test', 'live']"
check "  ... three weeks" test "$(jq_ 'len(d["weeks"])')" = 3
check "  ... the weeks add up to the totals" \
	test "$(jq_ 'sum(w["deploys"]["live"] for w in d["weeks"]), d["deploys"]')" = "3 {'test': 3, 'live': 3}"
check "  ... change_failure" test "$(jq_ 'd["change_failure"]')" = \
	"{'live_deploys': 3, 'failed': 1, 'rolled_back': 0, 'hotfixed': 0, 'rate_percent': 33}"
check "  ... lead_time in seconds: 7 and 17 days, to within the test's run" \
	test "$(jq_ 'd["lead_time"]["commits"], 0 <= d["lead_time"]["median_seconds"] - 7*86400 < 600, 0 <= d["lead_time"]["p90_seconds"] - 17*86400 < 600')" = "4 True True"
check "  ... time_to_restore: one, at least 0 s, under 10 minutes" \
	test "$(jq_ 'd["time_to_restore"]["restores"], 0 <= d["time_to_restore"]["median_seconds"] < 600, d["time_to_restore"]["failing_since"]')" = "1 True None"

# --- a rollback makes the deploy before it a change failure ----------------
fetch
push -f origin 'deploy_live_1^{commit}:live'
check "a rollback of live" pushed_ok
wf metrics >"$OUT" 2>&1
check "after the rollback: 2 of 4 live deploys failed (1 failed, 1 rolled back)" \
	grep -q "^change failure rate  *50% (2 of 4 live deploys: 1 failed, 1 rolled back, 0 hotfixed)$" "$OUT"
check "a rollback brings no commit: still 4 for lead time" grep -q "(4 commits)$" "$OUT"
check "90 days by default: 13 or 14 weeks" sh -c 'n=$(grep -c "^[0-9]\{4\}-" "$1"); [ "$n" = 13 ] || [ "$n" = 14 ]' - "$OUT"

# --- a hotfix makes the deploy before it (the rollback) one too ------------
fetch
git checkout -q -b hotfix origin/live
dated 1; commit "H" hotfix.txt
GL_USER=alice push origin HEAD:refs/hotfix/live
check "a hotfix of live" has_tag deploy_live_5
git checkout -q master
wf metrics >"$OUT" 2>&1
check "after the hotfix: 3 of 5 live deploys failed (1 failed, 1 rolled back, 1 hotfixed)" \
	grep -q "^change failure rate  *60% (3 of 5 live deploys: 1 failed, 1 rolled back, 1 hotfixed)$" "$OUT"
# H (1 day) too: 1, 2, 4, 10, 20 days: median 4 days, p90 at rank 3.6 16 days
check "the hotfix's commit has a lead time too" \
	grep -q "^lead time, commit to live  *median 4d 0h, p90 16d 0h (5 commits)$" "$OUT"

# --- the dashboard's panel -------------------------------------------------
H=$T/origin.git/workflow/dashboard/index.html
check "the hooks' dashboard has the metrics panel" grep -q '<h2 id="metrics">Delivery metrics' "$H"
wf dashboard -o "$T/dash" >"$OUT" 2>&1
H=$T/dash/index.html
check "  ... written on demand too" grep -q '<h2 id="metrics">' "$H"
check "  ... with an inline SVG chart" grep -q '<svg class="chart" .*aria-label="deploys per week per env"' "$H"
# (one bar this week, or two if a Monday 00:00 UTC came during the test)
check "  ... the live bars add up to the 5 live deploys" sh -c '
	[ "$(grep -o "<title>week of [0-9-]*: [0-9]* live deploys\{0,1\}</title>" "$1" |
		awk "{ n += \$4 } END { print n }")" = 5 ]' - "$H"
check "  ... the legend has each env's total" sh -c 'grep -q ">test (3)</text>" "$1" && grep -q ">live (5)</text>" "$1"' - "$H"
check "  ... the change failure rate" grep -q "<dt>change failure rate</dt><dd>60% " "$H"
check "  ... the lead time" grep -q "<dt>lead time to live</dt><dd>median 4d 0h, p90 16d 0h" "$H"
check "  ... no script, no external asset" sh -c '! grep -qi "<script\|src=\|href=\"http" "$1"' - "$H"
check "  ... and the page's tags balance" python3 "$WF_SRCDIR/t/dashboard-check.py" valid "$H"

wf metrics --since 0d >"$OUT" 2>&1
check "--since takes an age above 0" test $? = 2
wf metrics --since >"$OUT" 2>&1
check "--since needs an age" says "metrics takes --since AGE"
done_testing
