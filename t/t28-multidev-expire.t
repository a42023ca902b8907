#!/bin/sh
# Expiring branch environments (issue 27, point 3): with multidev.expire,
# `git-workflow multidev expire` (for a timer) removes a branch env no push
# has reached for that long, as multidev delete does (its uploads set aside,
# its branch kept); -o keep-env pins one, -o no-keep-env unpins it; list,
# --json and the dashboard say when each expires.  Clocks are faketime's.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

if ! "$WF_SRCDIR/t/test-deps.sh" faketime >"$T/deps.log" 2>&1 || ! command -v faketime >/dev/null; then
	echo "1..0 # SKIP $(tail -1 "$T/deps.log")"
	exit 0
fi
P=$T/site
cat >"$T/workflow.conf" <<CONF
multidev = { branches = [ "md/*" ]; path = "$P/md"; expire = "14d"; };
CONF
setup --conf "$T/workflow.conf"
wf_at() { _at=$1; shift; at_time "$_at" "$WF_CLI" -C "$T/origin.git" "$@"; }

commit "A"
git push -q origin master 2>/dev/null
for b in a b c; do git branch -q "md/$b"; done
push_at "2027-02-01 10:00:00" origin md/a
check "md/a makes a branch env" pushed_ok
push_at "2027-02-01 10:00:00" -o keep-env origin md/b
check "md/b makes one, pinned with -o keep-env" pushed_ok
push_at "2027-02-01 10:00:00" origin md/c
mkdir -p "$P/md/a/shared/files" && echo upload >"$P/md/a/shared/files/photo.jpg"
wf_at "2027-02-01 11:00:00" multidev list >"$OUT" 2>&1
check "multidev list says when each expires" says "^a  .*; expires 2027-02-15T10:00:00Z"
check "  ... and that a pinned one never does" says "^b  .*; pinned (-o keep-env): never expires"
wf_at "2027-02-01 11:00:00" --json multidev list >"$OUT" 2>&1
check "  ... so does its JSON" python3 -c '
import json, sys
l = {e["name"]: e for e in json.load(open(sys.argv[1]))}
assert l["a"]["expires"] == "2027-02-15T10:00:00Z" and l["a"]["pinned"] is False, l["a"]
assert l["b"]["expires"] is None and l["b"]["pinned"] is True, l["b"]' "$OUT"

git checkout -q md/c && commit "C2" && git checkout -q master
push_at "2027-02-11 10:00:00" origin md/c
check "a push to md/c ten days on" pushed_ok
wf_at "2027-02-11 10:00:00" multidev list >"$OUT" 2>&1
check "  ... moves its expiry to 14 days after that push" says "^c  .*; expires 2027-02-25T10:00:00Z"

wf_at "2027-02-14 10:00:00" multidev expire >"$OUT" 2>&1
check "nothing expires before its time" says "^0 branch environments expired"
wf_at "2027-02-16 10:00:00" multidev expire >"$OUT" 2>&1
check "fifteen days on, expire removes the one not pushed to" says "^expired: a; its branch md/a is kept"
check "  ... and only that one" says "^1 branch environment expired"
check "  ... its directory is gone" test ! -e "$P/md/a/current"
check "  ... its uploads are set aside, as on delete" sh -c 'grep -rq upload "$1"/.deleted/' - "$P/md"
check "  ... its branch stays" tip refs/heads/md/a
check "  ... the pinned one stays" test -e "$P/md/b/current"
check "  ... the one pushed to since stays" test -e "$P/md/c/current"
"$WF_CLI" -C "$T/origin.git" show "$(ls "$T/origin.git/workflow/records" | grep -c '\.json$')" >"$OUT" 2>&1
check "  ... and the removal is recorded, saying why" says "expired: no push for longer than multidev.expire"
wf_at "2027-02-16 10:00:00" dashboard >/dev/null 2>&1
check "the dashboard shows when each expires" \
	sh -c 'grep -q "<th>expires</th>" "$1" && grep -q "2027-02-25T10:00:00Z" "$1" && grep -q "pinned (keep-env)" "$1"' - \
	"$T/origin.git/workflow/dashboard/index.html"

git checkout -q md/b && commit "B2" && git checkout -q master
push_at "2027-02-20 10:00:00" -o no-keep-env origin md/b
wf_at "2027-03-07 10:00:00" multidev expire >"$OUT" 2>&1
check "-o no-keep-env unpins: fifteen days on it expires too" says "^expired: b;"

printf 'multidev = { branches = [ "md/*" ]; path = "%s/x";\n  expire = "14"; };\n' "$P" >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "an expire without a unit is a config error with its line" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:2: .multidev.expire. must be an age with its unit" "$2"' - "$rc" "$OUT"
done_testing
