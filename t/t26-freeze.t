#!/bin/sh
# Deploy freezes (issue 27, point 1): a promotion, rollback or hotfix to a
# frozen env is refused naming the window, unless one of freeze.overriders
# pushes it with -o override="REASON", which is recorded.  Windows are read
# on their zone's wall clock, so a weekly one keeps its local hours across
# a daylight-saving change.  The pushes run under faketime (a fixed clock
# for git and the hooks), never the wall clock.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

if ! "$WF_SRCDIR/t/test-deps.sh" faketime >"$T/deps.log" 2>&1 || ! command -v faketime >/dev/null; then
	echo "1..0 # SKIP $(tail -1 "$T/deps.log")"
	exit 0
fi
cat >"$T/workflow.conf" <<CONF
workflow = { identity_vars = [ "GL_USER" ]; };
test = { branch = "test"; };
live = { branch = "live";
  freeze = ( { from = "Fri 16:00"; to = "Mon 08:00"; tz = "Europe/Berlin"; },
             { from = "2026-12-20"; to = "2027-01-04"; tz = "UTC"; } );
};
freeze = { overriders = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
export GL_USER=bob

commit "A"
git push -q origin master 2>/dev/null
push origin master:test
A=$(git rev-parse HEAD)
push_at "2026-03-25 10:00:00" origin master:live
check "a promotion on a Wednesday, outside every window, deploys live" \
	sh -c '[ "$1" = 0 ] && grep -q "tagged deploy_live_1" "$2"' - "$rc" "$OUT"

commit "B"
git push -q origin master 2>/dev/null
push origin master:test
B=$(git rev-parse HEAD)
push_at "2026-03-27 15:30:00" origin master:live
check "on Friday at 16:30 in Berlin the promotion is refused" refused
check "  ... naming the window" says "live is frozen: no deploys Fri 16:00 to Mon 08:00 (Europe/Berlin)"
check "  ... and who may override it, and how" says "one of freeze.overriders (alice) pushes it with -o override=\"REASON\""
check "  ... live did not move" at refs/heads/live "$A"
check "  ... the refusal is recorded" last_record_says "live is frozen"
push_at "2026-03-27 15:30:00" -o dry-run origin master:live
check "  ... and a dry run says the same" says "dry-run: refs/heads/live: would be refused: live is frozen"
push_at "2026-03-30 05:30:00" origin master:live
check "on Monday at 07:30 in Berlin (summer time since Sunday) it is still frozen" refused
push_at "2026-03-30 06:30:00" origin master:live
check "  ... at 08:30 it is not: the window keeps its local hours across the change" pushed_ok
check "  ... and live deploys" at refs/heads/live "$B"

commit "C"
git push -q origin master 2>/dev/null
push origin master:test
C=$(git rev-parse HEAD)
push_at "2026-12-24 12:00:00" origin master:live
check "on Christmas Eve (a Thursday) the dated window freezes live" \
	sh -c '[ "$1" != 0 ] && grep -q "live is frozen: no deploys 2026-12-20 to 2027-01-04 (UTC)" "$2"' - "$rc" "$OUT"
push_at "2026-12-24 12:00:00" -o override="the checkout is broken" origin master:live
check "an override by one who is not an overrider is refused" \
	sh -c '[ "$1" != 0 ] && grep -q "live is frozen (2026-12-20 to 2027-01-04 (UTC)), and bob may not override a freeze" "$2"' - "$rc" "$OUT"
check "  ... live did not move" at refs/heads/live "$B"
push_at "2026-12-24 12:00:00" -o override origin master:live
check "an override without a reason is refused, saying what to write" \
	sh -c '[ "$1" != 0 ] && grep -q "o override needs a reason: -o override=\"what this deploy fixes\"" "$2"' - "$rc" "$OUT"
GL_USER=alice
push_at "2026-12-24 12:00:00" -o override="the checkout is broken" origin master:live
check "an overrider's push with a reason deploys in the freeze" sh -c '[ "$1" = 0 ]' - "$rc"
check "  ... live is on it" at refs/heads/live "$C"
check "  ... the pusher is told the freeze was overridden, by whom and why" \
	says "live is frozen (2026-12-20 to 2027-01-04 (UTC)): deployed anyway, the freeze overridden by alice: the checkout is broken"
check "  ... and the record says it" last_record_says "deployed in the freeze 2026-12-20 to 2027-01-04 (UTC), overridden by alice: the checkout is broken"

commit "D"
git push -q origin master 2>/dev/null
push origin master:test
push_at "2027-01-04 23:59:00" origin master:live
check "the last day of a dated window is frozen to its end" refused
push_at "2027-01-05 10:00:00" -o override="not needed" origin master:live
check "after the window (a Tuesday) live takes deploys again" pushed_ok
check "  ... and an override there changes nothing, as the pusher is told" \
	says "note: no freeze is in force for what this push deploys, so -o override changes nothing"

# --- a rollback is a deploy too; Test has no window -------------------------
GL_USER=bob
fetch
push_at "2027-01-08 17:00:00" -f origin "deploy_live_3^{commit}:live"
check "a rollback on a Friday evening is refused as well" \
	sh -c '[ "$1" != 0 ] && grep -q "live is frozen" "$2"' - "$rc" "$OUT"
commit "E"
git push -q origin master 2>/dev/null
push_at "2027-01-08 17:00:00" origin master:test
check "  ... while test, which has no window, takes its promotion" pushed_ok

# --- status says when an env is frozen -------------------------------------
at_time "2027-01-08 17:00:00" "$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1
check "status says live is frozen now, and by which window" \
	says "^live     FROZEN now: no deploys Fri 16:00 to Mon 08:00 (Europe/Berlin), but by freeze.overriders"
at_time "2027-01-08 17:00:00" "$WF_CLI" -C "$T/origin.git" --json status >"$OUT" 2>&1
check "  ... and so does its JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["name"]: x for x in d["envs"]}
assert e["live"]["frozen"] == "Fri 16:00 to Mon 08:00 (Europe/Berlin)", e["live"]
assert e["test"]["frozen"] is None, e["test"]' "$OUT"
at_time "2027-01-06 12:00:00" "$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1
check "  ... and not on a Wednesday" sh -c '! grep -q FROZEN "$1"' - "$OUT"

# --- a window that cannot be read is an error with its line ----------------
printf 'live = {\n  freeze = ( { from = "Fri 16:00"; to = "Mon 08:00"; tz = "Europe/Berln"; } );\n};\n' >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "check-config names a zone this machine does not know, with its line" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:2: .live.freeze. tz .Europe/Berln. is no time zone" "$2"' - "$rc" "$OUT"
done_testing
