#!/bin/sh
# Issue 24: one deploy, one truth.  Only code whose Test deploy ended ok
# goes live (a deploy tag is not a pass); a failed step, check or switch of
# an env with a path leaves it on the release before, its branch with it
# (on_failure = "rollback" is the default there); "stop" says loudly what
# is left served; the last remote: line says where the branch and current
# are; a branch env named "all" cannot take the lock of every env.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

P=$T/site
cat >"$T/workflow.conf" <<CONF
test = { branch = "test"; path = "$P/test";
  checks = ( { name = "home"; run = [ "sh", "-c", "if [ -f fail-check ]; then echo check broke; exit 1; fi" ]; } );
  steps = ( { name = "updatedb"; run = [ "sh", "-c", "if [ -f fail-step ]; then echo updatedb broke; exit 3; fi" ]; } );
};
live = { branch = "live"; path = "$P/live";
  steps = ( { name = "cache"; run = [ "sh", "-c", "if [ -f fail-live ]; then echo cache broke; exit 4; fi" ]; } );
};
multidev = { branches = [ "md/*" ]; path = "$P/md"; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
current() { readlink "$P/$1/current"; }
last_remote_line() { grep '^remote: ' "$OUT" | tail -1 | grep -q -- "$1"; }
# ship FILE: a commit on master that adds FILE (a failure switch), pushed
ship() { commit "$1" "$1"; git push -q origin master 2>/dev/null; }
# drop FILE: a commit on master that removes it again, pushed
drop() { git rm -q "$1" && git commit -q -m "drop $1" && git push -q origin master 2>/dev/null; }

# --- a good commit goes through --------------------------------------------
commit "A"
git push -q origin master 2>/dev/null
A=$(git rev-parse HEAD)
push origin master:test
check "a good commit deploys to test" pushed_ok
push origin master:live
check "  ... and then to live" sh -c '[ "$1" = 0 ] && [ "$(readlink "$2")" = releases/deploy_live_1 ]' - "$rc" "$P/live/current"

# --- 1. a commit whose check failed on test is refused by live ------------
ship fail-check
B=$(git rev-parse HEAD)
push origin master:test
check "a failed check switches test back" says "remote: workflow: a check of test failed: current is back on deploy_test_1 and the branch back on"
check "  ... the branch is back on the good commit" at refs/heads/test "$A"
check "  ... current serves it" test "$(current test)" = releases/deploy_test_1
check "  ... the failed deploy still has its tag" has_tag deploy_test_2
check "  ... the last remote line says where test is, after git's ok" \
	last_remote_line "workflow: test FAILED: test is on ${A%"${A#????????????}"}, current serves releases/deploy_test_1; the pushed commit is not deployed"
n=$(records)
push -o dry-run origin "$B:live"
check "a dry run to live of the commit that failed on test is refused" refused
push origin "$B:live"
check "live refuses the commit that failed on test (it has deploy_test_2)" refused
check "  ... naming the failed deploy and its record" \
	says "only code that passed test goes live, and the deploy of ${B%"${B#????????????}"} to test (deploy_test_2, record $n) failed"
check "  ... and how to see why" says "See why with: git-workflow show $n"
check "  ... live did not move" at refs/heads/live "$A"
wf status >"$OUT" 2>&1
check "status names the deploy test is on, not the failed one after it" \
	says "^test     ${A%"${A#????????????}"}   deploy_test_1$"
check "  ... and the failed one as the last deploy" says "^test     last deploy deploy_test_2 of .*: failed"
drop fail-check

# --- a failed step: back by default, the commit refused by live -----------
ship fail-step
C=$(git rev-parse HEAD)
push origin master:test
check "a failed step of an env with a path switches back by default" \
	says "remote: workflow: a step of test failed: current is back on deploy_test_1 and the branch back on"
check "  ... test is back on the good commit" at refs/heads/test "$A"
check "  ... current serves the release that passed" test "$(current test)" = releases/deploy_test_1
check "  ... the record says failed" last_record_says "status *failed"
check "  ... and the step" last_record_says "updatedb"
check "  ... the last remote line says test is not on it" last_remote_line "the pushed commit is not deployed"
check "  ... and to fetch, since git's own line says the ref moved" last_remote_line "the pushed commit is not deployed (git's own line for the ref says otherwise: git fetch origin)"
push origin "$C:live"
check "live refuses the commit whose step failed on test" refused
check "  ... saying it failed" says "(deploy_test_3, record [0-9]*) failed"
check "  ... live did not move" at refs/heads/live "$A"

# --- on_failure = "stop" is a choice, and says what it leaves served -------
sed -i 's|^test = { branch = "test";|test = { branch = "test"; on_failure = "stop";|' "$T/origin.git/workflow.conf"
git commit -q --allow-empty -m "again"
git push -q origin master 2>/dev/null
D=$(git rev-parse HEAD)
push origin master:test
check "with stop, test stays on the failed commit" at refs/heads/test "$D"
check "  ... and says loudly that it serves a failed release" \
	says "remote: workflow: WARNING: test is serving a failed release (releases/deploy_test_4)"
check "  ... with the command that rolls it back" \
	says "roll it back with: git fetch origin tag deploy_test_1 && git push -f origin 'deploy_test_1^{commit}:test'"
check "  ... the last remote line says it is on the commit that failed" last_remote_line "that is the commit that failed"
push origin "$D:live"
check "live refuses test's tip when its deploy failed" refused
check "  ... saying so" says "(deploy_test_4, record [0-9]*) failed"
git commit -q --allow-empty -m "and again"
git push -q origin master 2>/dev/null
push origin master:test
check "a second failure in a row, with stop: the release before it failed too" \
	says "WARNING: test is serving a failed release (releases/deploy_test_5)"
check "  ... so the rollback named is the last deploy that passed, not the failed one before" \
	says "roll it back with: git fetch origin tag deploy_test_1 && git push -f origin 'deploy_test_1^{commit}:test'"
git fetch -q origin tag deploy_test_1 && push -f -o dry-run origin 'deploy_test_1^{commit}:test'
check "a dry run of that rollback says what the rollback does: the kept release, not a build" \
	says "dry-run: test: would switch $P/test/current back to the kept release deploy_test_1 (not built again)"
check "  ... and names the checks it would run" says "dry-run: check home: would run"
push -f origin 'deploy_test_1^{commit}:test'
check "the rollback it named works" at refs/heads/test "$A"
check "  ... and current follows (the kept release)" test "$(current test)" = releases/deploy_test_1
sed -i 's| on_failure = "stop";||' "$T/origin.git/workflow.conf"
drop fail-step

# --- 2. a step that fails on live: live goes back to what it served --------
ship fail-live
E=$(git rev-parse HEAD)
push origin master:test
check "a commit that passes test" sh -c '[ "$1" = 0 ] && grep -q "recorded as deploy record" "$2"' - "$rc" "$OUT"
push origin master:live
check "  ... whose live step fails: live back on the release that passed" test "$(current live)" = releases/deploy_live_1
check "  ... the branch with it" at refs/heads/live "$A"
check "  ... the last remote line says so, after git's ok" \
	last_remote_line "workflow: live FAILED: live is on ${A%"${A#????????????}"}, current serves releases/deploy_live_1; the pushed commit is not deployed"
drop fail-live

# --- 3. a switch that fails moves the branch back -------------------------
commit "F"
git push -q origin master 2>/dev/null
F=$(git rev-parse HEAD)
before=$(current test)
before_tip=$(tip refs/heads/test)
(WF_TEST_PAUSE=deploy-after-tag git push origin master:test >"$T/bg.out" 2>&1) &
bg=$!
i=0
while [ ! -s "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
runner=$(cat "$T/origin.git/workflow/paused.deploy-after-tag")
# something in the way of the runner's new link: the switch fails
mkdir -p "$P/test/.current.$runner/in-the-way"
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
wait $bg
cp "$T/bg.out" "$OUT"
rm -rf "$P/test/.current.$runner"
check "a switch that fails is said" says "remote: workflow: test: cannot switch current to deploy_test_"
check "  ... current did not move" test "$(current test)" = "$before"
check "  ... and the branch went back to the commit current serves" at refs/heads/test "$before_tip"
check "  ... the record says failed" last_record_says "status *failed"
push origin "$F:live"
check "live refuses the commit whose switch failed" refused
check "  ... saying its deploy failed" says "failed. See why with"

# --- only what passed goes live: the same commit, deployed again, passes ---
push origin master:test
check "deployed to test again, it passes" sh -c '[ "$1" = 0 ] && [ "$(readlink "$2")" != "$3" ]' - "$rc" "$P/test/current" "$before"
push origin master:live
check "  ... and live takes it" at refs/heads/live "$F"

# --- 10. a dangling symlink that climbs through an in-tree link ------------
# x/y/a is the release itself; b climbs three above it into Live's shared
# settings, which do not exist yet: realpath() gave up, so it passed
mkdir -p x/y && ln -s ../.. x/y/a && ln -s x/y/a/../../../live/shared/settings.local.php b
git add x b && git commit -q -m "links" && git push -q origin master 2>/dev/null
before=$(tip refs/heads/test)
push origin master:test
check "a link that climbs out through an in-tree link is refused, target or not" refused
check "  ... naming it and where it points" says "the symlink b points outside the release (to $P/live/shared/settings.local.php)"
check "  ... test did not move" at refs/heads/test "$before"
git rm -q -r x b && git commit -q -m "no links" && git push -q origin master 2>/dev/null

# --- 12. export-ignore is honoured like git archive ------------------------
mkdir -p tests/unit docs && echo t >tests/unit/a_test.php && echo e >.env.example && echo d >docs/x.md
printf 'tests/ export-ignore\n.env.example export-ignore\n' >.gitattributes
printf 'x.md export-ignore\n' >docs/.gitattributes
git add -A && git commit -q -m "export-ignore" && git push -q origin master 2>/dev/null
push origin master:test
check "a tree with export-ignore paths deploys" pushed_ok
check "  ... an ignored directory is not placed" test ! -e "$P/test/current/tests"
check "  ... nor an ignored file" test ! -e "$P/test/current/.env.example"
check "  ... nor one a nested .gitattributes ignores" test ! -e "$P/test/current/docs/x.md"
check "  ... the rest is" sh -c 'test -f "$1/.gitattributes" && test -f "$1/file.txt"' - "$P/test/current"
git archive HEAD | tar -t | sort >"$T/archive.list"
# (but for .release, the file each release names itself in)
(cd "$P/test/current" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./||' | grep -vx .release | sort) \
	>"$T/placed.list"
grep -v '/$' "$T/archive.list" >"$T/archive.files"
check "  ... the same files as git archive" cmp -s "$T/archive.files" "$T/placed.list"
wf releases --verify test >"$T/verify" 2>&1 && rc=0 || rc=$?
check "  ... and releases --verify takes what export-ignore leaves out as no difference" \
	sh -c '[ "$1" = 0 ] && grep -q "^test $2: matches" "$3"' - "$rc" "$(current test | sed 's|releases/||')" "$T/verify"
# (the placement asks a path's attributes only under a .gitattributes of
# the tree or when the repository has attributes of its own: both still
# count)
git rm -q .gitattributes && git commit -q -m "no top .gitattributes" && git push -q origin master 2>/dev/null
push origin master:test
check "with only docs/.gitattributes left, it still leaves docs/x.md out" \
	sh -c '[ "$1" = 0 ] && test ! -e "$2/docs/x.md" && test -f "$2/docs/.gitattributes" && test -f "$2/tests/unit/a_test.php"' \
	- "$rc" "$P/test/current"
mkdir -p "$T/origin.git/info" && printf 'notes.txt export-ignore\n' >"$T/origin.git/info/attributes"
commit "notes" notes.txt && git push -q origin master 2>/dev/null
push origin master:test
check "  ... and the repository's info/attributes, with no .gitattributes above the path" \
	sh -c '[ "$1" = 0 ] && test ! -e "$2/notes.txt" && test -f "$2/file.txt"' - "$rc" "$P/test/current"
rm "$T/origin.git/info/attributes"

# --- 6. a branch env named "all" cannot take the lock of every env ---------
git push -q origin master:refs/heads/md/ok 2>/dev/null
push origin master:refs/heads/md/all
check "a branch env named all is refused" refused
check "  ... the name is reserved" says "'md/all' cannot be a branch environment: the name 'all' is reserved"
check "  ... no env was made" test ! -e "$P/md/all"

# --- 8. a tree nested past the fd limit and PATH_MAX is refused whole ------
# 1,100 levels, made in one fast-import; pushed with the fd limit at 1024
deep=$(i=0; while [ $i -lt 1100 ]; do printf 'a/'; i=$((i + 1)); done)
{
	echo "commit refs/heads/master"
	echo "committer Dev <dev@example.org> 1700000000 +0000"
	echo "data 4"; echo "deep"
	echo "from $(git rev-parse HEAD)"
	echo "M 100644 inline ${deep}f"
	echo "data 2"; echo "x"
	echo
} | git fast-import --quiet
before=$(tip refs/heads/test)
n_rel=$(ls "$P/test/releases" | wc -l)
git push -q origin master 2>/dev/null
(ulimit -n 1024; git push origin master:test >"$OUT" 2>&1); rc=$?
check "a tree nested 1,100 levels deep is refused" refused
check "  ... in one line naming where, shortened" \
	says "remote: workflow: test: the tree nests deeper than 256 directories, at a/a/a/.*\.\.\..*a/a/a ([0-9]* characters); push refused"
check "  ... test did not move" at refs/heads/test "$before"
check "  ... no release was left behind" test "$(ls "$P/test/releases" | wc -l)" = "$n_rel"
printf 'commit refs/heads/master\ncommitter Dev <dev@example.org> 1700000000 +0000\ndata 5\nflat\nfrom %s\nD a\n\n' \
	"$(git rev-parse master)" | git fast-import --quiet
git reset -q --hard master
commit "after the deep one"
git push -q origin master 2>/dev/null
(ulimit -n 1024; git push origin master:test >"$OUT" 2>&1); rc=$?
check "the next deploy is not blocked (under the same fd limit)" pushed_ok

# --- 11. max is not counted on a deletion git may refuse -------------------
sed -i "s|path = \"$P/md\"; };|path = \"$P/md\"; max = 1; };|" "$T/origin.git/workflow.conf"
git --git-dir="$T/origin.git" config receive.denyDeletes true
okt=$(tip refs/heads/md/ok)
push origin :refs/heads/md/ok master:refs/heads/md/new
check "with max = 1, deleting one branch env and making another in one push is refused" refused
check "  ... the new one, for max" says "'md/new' would be a new branch environment, but there are 1 of at most 1"
check "  ... (git refused the deletion)" at refs/heads/md/ok "$okt"
check "  ... so there is still one branch env, not two" sh -c 'test -d "$1/ok" && test ! -e "$1/new"' - "$P/md"
git --git-dir="$T/origin.git" config --unset receive.denyDeletes
push origin :refs/heads/md/ok
push origin master:refs/heads/md/new
check "deleted first, the new one fits" sh -c '[ "$1" = 0 ] && test -d "$2/new" && test ! -e "$2/ok"' - "$rc" "$P/md"

# --- 9. two envs in one place: live's path a symlink to test's ------------
mv "$P/live" "$P/live.kept" && ln -s test "$P/live"
commit "G"
git push -q origin master 2>/dev/null
push origin master:test
check "with live's path a symlink to test's, a deploy is refused (fail closed)" refused
check "  ... naming both places as one" says "'test.path' and 'live.path' overlap ('$P/test', '$P/test')"
wf check-config "$T/origin.git/workflow.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "  ... and check-config says so" sh -c '[ "$1" != 0 ] && grep -q "each environment needs a place of its own" "$2"' - "$rc" "$OUT"
check "  ... live's release was not pruned by test's keep" test -d "$P/live.kept/releases/deploy_live_1"
rm "$P/live" && mv "$P/live.kept" "$P/live"
push origin master master:test
check "with its own place again, the deploy goes through" pushed_ok

done_testing
