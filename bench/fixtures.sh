# Fixture repositories for bench/run, built with git fast-import and cached
# under bench/.fixtures/v$FIXTURE_VERSION (bump the version when what is
# generated here changes, so stale caches are not reused).
#
# Each fixture is a pair: src.git, the pusher's side, whose refs/heads/* are
# the state a push sends; origin.git, the bare repository pushed to, whose
# refs are the state before the push.  origin.git is a local clone of
# src.git, so it already holds every object: repeated pushes only re-send
# the same few objects and the hooks are what differs between runs.

FIXTURE_VERSION=2

# A commit with one file changed, in fast-import syntax.
#   commit(ref, mark, time, parent-mark, merge-mark, path, content)
AWK_LIB='
function commit(ref, mark, t, from, merge, path, content,   msg) {
	msg = "c" mark
	printf "commit %s\nmark :%d\ncommitter Bench <bench@example.org> %d +0000\n", ref, mark, t
	printf "data %d\n%s\n", length(msg), msg
	if (from) printf "from :%d\n", from
	if (merge) printf "merge :%d\n", merge
	printf "M 100644 inline %s\ndata %d\n%s\n\n", path, length(content), content
}
function reset(ref, mark) { printf "reset %s\nfrom :%d\n\n", ref, mark }
'

# linear: master is 100,000 commits.  origin: master=C100000, test and live
# at C50000 (deploy_test_1, deploy_live_1), feat-a/feat-b at side commits.
# src: master=C100001 (one new commit), feat-a/feat-b one commit ahead,
# base=C100000 (what a promotion pushes to test: Dev's tip).
gen_linear() {
	awk "$AWK_LIB"'BEGIN {
		N = 100000; t = 1500000000
		for (i = 1; i <= N; i++) commit("refs/heads/master", i, t + i * 60, i > 1 ? i - 1 : 0, 0, "f", "v" i)
		commit("refs/heads/master", N + 1, t + (N + 1) * 60, N, 0, "f", "next")
		commit("refs/heads/feat-a", N + 2, t + (N + 2) * 60, N - 10, 0, "a", "a0")
		commit("refs/heads/feat-a", N + 3, t + (N + 3) * 60, N + 2, 0, "a", "a1")
		commit("refs/heads/feat-b", N + 4, t + (N + 4) * 60, N - 20, 0, "b", "b0")
		commit("refs/heads/feat-b", N + 5, t + (N + 5) * 60, N + 4, 0, "b", "b1")
		reset("refs/heads/base", N)
		reset("refs/bench/C50000", N / 2)
		reset("refs/bench/A0", N + 2)
		reset("refs/bench/B0", N + 4)
		print "done"
	}'
}

# merges: Dev as a team works: 20,000 merges, each of a one-commit side
# branch, so 40,000 commits with two parents every other commit.  origin's
# test sits at merge 10,000; the promotion moves it to Dev's tip.
gen_merges() {
	awk "$AWK_LIB"'BEGIN {
		M = 20000; t = 1500000000; mk = 1
		commit("refs/heads/master", 1, t, 0, 0, "f", "root")
		prev = 1
		for (i = 1; i <= M; i++) {
			side = ++mk
			commit("refs/heads/side", side, t + mk * 60, prev, 0, "s" (i % 50), "s" i)
			m = ++mk
			commit("refs/heads/master", m, t + mk * 60, prev, side, "f", "m" i)
			prev = m
			if (i == M / 2) half = m
		}
		commit("refs/heads/master", ++mk, t + mk * 60, prev, 0, "f", "next")
		reset("refs/heads/base", prev)
		reset("refs/bench/half", half)
		printf "reset refs/heads/side\nfrom 0000000000000000000000000000000000000000\n\n"
		print "done"
	}'
}

# branches: 1,000 commits on master and 999 branches b0001..b0999, branch i
# at commit i on origin and one commit further in src; with master that is
# a 1,000-ref push.
gen_branches() {
	awk "$AWK_LIB"'BEGIN {
		N = 1000; t = 1500000000
		for (i = 1; i <= N; i++) commit("refs/heads/master", i, t + i * 60, i > 1 ? i - 1 : 0, 0, "f", "v" i)
		commit("refs/heads/master", N + 1, t + (N + 1) * 60, N, 0, "f", "next")
		for (i = 1; i < N; i++) {
			b = sprintf("refs/heads/b%04d", i)
			commit(b, N + 1 + i, t + (N + 1 + i) * 60, i, 0, sprintf("b%04d", i), "new")
			reset(sprintf("refs/bench/old/b%04d", i), i)
		}
		reset("refs/heads/base", N)
		print "done"
	}'
}

# make_fixture NAME: src.git and origin.git under $FIX/NAME.
# deploy_tag GIT ENV: deploy_<env>_1 on the env's tip, annotated as the
# hooks annotate a deploy (only such tags count as deploys)
deploy_tag() {
	_oid=$($1 rev-parse "refs/heads/$2")
	printf 'Deploy to %s by bench\n\nkind: deploy\nenv: %s\npusher: bench\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: %s\noptions: \ncommits:\n' \
		"$2" "$2" "$_oid" >"$dir/annot.$2"
	$1 -c user.name=Bench -c user.email=b@example.org tag -a --cleanup=verbatim -F "$dir/annot.$2" \
		"deploy_$2_1" "refs/heads/$2"
}
make_fixture() {
	name=$1 dir=$FIX/$1
	[ -f "$dir/ok" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	git init -q --bare "$dir/src.git"
	"gen_$name" | git --git-dir="$dir/src.git" fast-import --quiet --done
	git --git-dir="$dir/src.git" pack-refs --all
	git clone -q --bare "$dir/src.git" "$dir/origin.git" 2>/dev/null
	o="git --git-dir=$dir/origin.git"
	s="git --git-dir=$dir/src.git"
	case $name in
	linear)
		$o update-ref refs/heads/master "$($s rev-parse base)"
		$o update-ref refs/heads/test "$($s rev-parse refs/bench/C50000)"
		$o update-ref refs/heads/live "$($s rev-parse refs/bench/C50000)"
		$o update-ref refs/heads/feat-a "$($s rev-parse refs/bench/A0)"
		$o update-ref refs/heads/feat-b "$($s rev-parse refs/bench/B0)"
		deploy_tag "$o" test
		deploy_tag "$o" live
		;;
	merges)
		$o update-ref refs/heads/master "$($s rev-parse base)"
		$o update-ref refs/heads/test "$($s rev-parse refs/bench/half)"
		deploy_tag "$o" test
		;;
	branches)
		$o update-ref refs/heads/master "$($s rev-parse base)"
		$s for-each-ref --format='%(refname) %(objectname)' refs/bench/old/ |
			sed 's#^refs/bench/old/#update refs/heads/#' | $o update-ref --stdin
		;;
	esac
	$o for-each-ref --format='delete %(refname)' refs/bench/ | $o update-ref --stdin
	$o update-ref -d refs/heads/base
	$o pack-refs --all
	# What a maintained server has: a commit-graph (git gc writes one).
	$o commit-graph write --reachable 2>/dev/null
	# Every push re-sends objects origin already has: unpack them (only a
	# freshen) instead of keeping a new pack each run, and never gc.
	$o config transfer.unpackLimit 1000000
	$o config gc.auto 0
	$o config receive.autogc false
	$o config receive.advertisePushOptions true
	$o for-each-ref --format='update %(refname) %(objectname)' >"$dir/refs.orig"
	touch "$dir/ok"
}
