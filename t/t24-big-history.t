#!/bin/sh
# Issue 28: a promotion on a 20,000-commit history with Live never
# deployed.  The dashboard's "N commits on test not yet on live" is the
# whole history: it must still be the exact count (read from the
# commit-graph, commits newer than the graph included), and without a
# graph the capped count must say so ("more than 10000") rather than be
# wrong.  Correctness, not time: bench/run measures the time.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

CHECK="python3 $WF_SRCDIR/t/dashboard-check.py"
D=$T/origin.git/workflow/dashboard
setup   # the shipped conf/workflow.conf: the dashboard on
shows() { $CHECK text "$1" >"$T/text" && grep -q -- "$2" "$T/text"; }
# waits FILE PATTERN: the runner writes the page after the push has ended
waits() {
	_i=0
	while [ $_i -lt 300 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
# listed: the commits the test-to-live box lists
listed() { sed -n '/id="ready-live"/,/<\/div>/p' "$D/index.html" | grep -c '^<li>'; }

# 19,999 commits on top of "first" with git fast-import (no files change:
# each commit keeps its parent's tree), a second apart
from=$(git rev-parse HEAD)
awk -v from="$from" 'BEGIN {
	for (i = 1; i < 20000; i++) {
		printf "commit refs/heads/master\ncommitter Dev <dev@example.org> %d +0000\n", 1700000000 + i
		m = "change " i
		printf "data %d\n%s\n", length(m), m
		if (i == 1) printf "from %s\n", from
		printf "\n"
	}
}' | git fast-import --quiet
git reset -q --hard master
check "20000 commits on master" test "$(git rev-list --count master)" = 20000
push origin master
check "Dev takes them" pushed_ok
git --git-dir="$T/origin.git" commit-graph write --reachable
check "the origin has a commit-graph" test -s "$T/origin.git/objects/info/commit-graph"

# 1. Dev -> Test, Live absent: the whole history is ready for Live
push origin master:test
check "promotion to test accepted" pushed_ok
check "the dashboard is written" waits "$D/index.html" deploy_test_1
check "20000 commits on test not yet on live" shows "$D/index.html" "20000 commits on test not yet on live"
check "0 commits on master not yet on test" shows "$D/index.html" "0 commits on master not yet on test"
check "... the newest 30 listed" test "$(listed)" = 30
check "... the rest counted" shows "$D/index.html" "and 19970 more"
check "... the tip first" shows "$D/index.html" "$(git rev-parse --short=12 master) change 19999"

# 2. three commits newer than the graph: counted through libgit2 until
# the walk reaches the graph
for i in 1 2 3; do commit "late $i"; done
git push -q origin master 2>/dev/null
push origin master:test
check "second promotion accepted" pushed_ok
check "the dashboard is rewritten" waits "$D/index.html" deploy_test_2
check "20003 commits on test not yet on live" shows "$D/index.html" "20003 commits on test not yet on live"
check "git-workflow status counts the same" sh -c '"$1" -C "$2" status | grep -q "^20003 commits on test not yet on live"' - "$WF_CLI" "$T/origin.git"

# 3. no commit-graph: counted up to 10,000 and said so
rm "$T/origin.git/objects/info/commit-graph"
commit "no graph"
git push -q origin master 2>/dev/null
push origin master:test
check "third promotion accepted" pushed_ok
check "the dashboard is rewritten" waits "$D/index.html" deploy_test_3
check "more than 10000 commits on test not yet on live" shows "$D/index.html" "more than 10000 commits on test not yet on live"
check "... the newest 30 listed, and more" sh -c '[ "$1" = 30 ] && grep -q "and more</p>" "$2"' - "$(listed)" "$D/index.html"
check "... the tip first" shows "$D/index.html" "$(git rev-parse --short=12 master) no graph"
check "git-workflow status is still exact" sh -c '"$1" -C "$2" status | grep -q "^20004 commits on test not yet on live"' - "$WF_CLI" "$T/origin.git"
check "every page is valid HTML" $CHECK valid "$D"/*.html

done_testing
