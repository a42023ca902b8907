#!/bin/sh
# Issue 16: environments that run code.  Each deploy of an env with a path
# places a release, built before the ref moves, switched to atomically,
# checked after the switch; shared paths survive; kept releases are reused.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

S=$T/steps
P=$T/site
mkdir -p "$S"
cat >"$T/workflow.conf" <<CONF
test = { branch = "test"; path = "$P/test"; keep = 3;
  shared = [ "files", "conf/settings.local.php" ];
  build = ( { name = "make"; timeout = 60; run = [ "sh", "-c",
    "echo built >>$S/builds; if [ -f fail-build ]; then echo build broke; exit 1; fi; echo built >built.txt; if [ -f rewrite ]; then echo x >index.php; fi" ]; } );
  checks = ( { name = "home"; run = [ "sh", "-c", "if [ -f fail-check ]; then echo check broke; exit 1; fi" ]; } );
  steps = ( { name = "where"; run = [ "sh", "-c", "echo \$PWD \$WF_PATH \$WF_RELEASE >$S/where" ]; },
    { name = "slow"; when = "slow"; default = false; timeout = 120;
      run = [ "sh", "-c", "touch $S/slow.on; while [ ! -e $S/slow.go ]; do sleep 0.1; done" ]; } );
};
live = { branch = "live"; path = "$P/live"; };
workflow = { identity_vars = [ "GL_USER" ]; };
hotfix = { users = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
current() { readlink "$P/$1/current"; }
releases() { ls -d "$P/$1"/releases/*/ 2>/dev/null | wc -l; }
inode() { stat -c %i "$1"; }

# --- a first deploy places the tree and switches current to it -------------
echo '<?php echo "v1";' >index.php
mkdir -p conf && echo conf >conf/base.php
printf '#!/bin/sh\necho hi\n' >run.sh && chmod 755 run.sh
ln -s conf/base.php link.php
git add -A && git commit -q -m "site" && git push -q origin master 2>/dev/null
push -o dry-run origin master:test
check "a dry run says it would place a release" says "would place the release deploy_test_1 in $P/test/releases"
check "  ... and places none" test ! -e "$P/test/releases"
(umask 077 && git push origin master:test >"$OUT" 2>&1); rc=$?
check "a deploy of an env with a path is accepted" pushed_ok
check "current names the release of deploy_test_1" test "$(current test)" = releases/deploy_test_1
check "the release has the tree" grep -q v1 "$P/test/current/index.php"
check "modes are kept" test -x "$P/test/current/run.sh"
check "symlinks are kept" test "$(readlink "$P/test/current/link.php")" = conf/base.php
check "the build ran in the release" grep -q built "$P/test/current/built.txt"
check "steps run in the release, with WF_PATH and WF_RELEASE" \
	test "$(cat "$S/where")" = "$P/test/releases/deploy_test_1 $P/test $P/test/releases/deploy_test_1"
check "release code is read-only" test ! -w "$P/test/current/index.php" -o "$(id -u)" = 0
check "  ... its mode says so, whatever the pusher's umask" test "$(stat -c %a "$P/test/current/index.php")" = 444
check "  ... its directories are readable" test "$(stat -c %a "$P/test/current/conf")" = 755
check "a shared dir was created empty" test -d "$P/test/shared/files"
check "  ... and linked into the release" test -L "$P/test/current/files"
check "a shared file's parent is made in the release" test -L "$P/test/current/conf/settings.local.php"
echo upload >"$P/test/current/files/photo.jpg"

# --- a second deploy: unchanged files shared by inode, uploads kept --------
commit "B" other.txt
git push -q origin master 2>/dev/null
push origin master:test
check "a second deploy is accepted" pushed_ok
check "current moved to deploy_test_2" test "$(current test)" = releases/deploy_test_2
check "an unchanged file is one inode in both releases" \
	test "$(inode "$P/test/releases/deploy_test_1/index.php")" = "$(inode "$P/test/releases/deploy_test_2/index.php")"
check "the upload survived the deploy" grep -q upload "$P/test/current/files/photo.jpg"

# --- a build that rewrites a tracked file changes its own release only -----
touch rewrite && git add rewrite && git commit -q -m rewrite && git push -q origin master 2>/dev/null
push origin master:test
check "a deploy whose build rewrites index.php is accepted" pushed_ok
check "  ... the new release has the rewrite" grep -qx x "$P/test/current/index.php"
check "  ... the release before does not" grep -q v1 "$P/test/releases/deploy_test_2/index.php"
check "  ... nor the first" grep -q v1 "$P/test/releases/deploy_test_1/index.php"
git rm -q rewrite && git commit -q -m "no rewrite" && git push -q origin master 2>/dev/null
push origin master:test
good=$(tip refs/heads/test)

# --- a failing build refuses the push, nothing moves ----------------------
n0=$(records)
touch fail-build && git add fail-build && git commit -q -m "breaks the build" && git push -q origin master 2>/dev/null
push origin master:test
check "a failing build refuses the push" refused
check "  ... with the build's output" says "build broke"
check "  ... test did not move" at refs/heads/test "$good"
check "  ... current did not move" test "$(current test)" = releases/deploy_test_4
check "  ... no unfinished release is left" test ! -e "$P/test/releases/deploy_test_5"
check "  ... it is recorded, with the output" last_record_says "build broke"
wf log >"$T/log" 2>&1
check "  ... and log lists it as a refusal, saying why (not a failed deploy with no message)" \
	grep -q "refused  *refused  *test .*deploy to test refused: build failed; nothing moved" "$T/log"
git rm -q fail-build && git commit -q -m "fixed build" && git push -q origin master 2>/dev/null

# --- a failing check switches back -----------------------------------------
touch fail-check && git add fail-check && git commit -q -m "breaks a check" && git push -q origin master 2>/dev/null
push origin master:test
check "a failing check is reported in one line" says "a check of test failed: current is back on deploy_test_4"
check "  ... current is back" test "$(current test)" = releases/deploy_test_4
check "  ... the branch is back" at refs/heads/test "$good"
check "  ... the deploy is recorded as failed" last_record_says "status *failed"
check "  ... with the check's output" last_record_says "check broke"
git rm -q fail-check && git commit -q -m "fixed check" && git push -q origin master 2>/dev/null

# --- what is refused before anything moves ----------------------------------
ln -s ../../../../etc/passwd evil.php && git add evil.php && git commit -q -m evil
git push -q origin master 2>/dev/null
push origin master:test
check "a tree symlink that points outside is refused" refused
check "  ... naming it" says "evil.php points outside the release"
check "  ... and what to do about it" says "evil.php points outside the release (to [^)]*): commit the file itself (cp -L), point it inside the release or into shared/, or remove it; push refused"
check "  ... test did not move" at refs/heads/test "$good"
git rm -q evil.php && git commit -q -m "no evil" && git push -q origin master 2>/dev/null
mkdir -p files && echo x >files/tracked.jpg && git add files && git commit -q -m "tracks uploads"
git push -q origin master 2>/dev/null
push origin master:test
check "a tree that tracks a shared path is refused" refused
check "  ... naming the path" says "tracks files, a shared path"
check "  ... the uploads are untouched" grep -q upload "$P/test/shared/files/photo.jpg"
git rm -q -r files && git commit -q -m "untrack uploads" && git push -q origin master 2>/dev/null

# --- rollback to a kept release reuses it ------------------------------------
builds=$(wc -l <"$S/builds")
git fetch -q origin --tags
push -f origin 'deploy_test_3^{commit}:test'
check "a rollback to a kept release is accepted" pushed_ok
check "  ... it says the release is reused" says "kept release deploy_test_3 (not built again)"
check "  ... current is that release" test "$(current test)" = releases/deploy_test_3
check "  ... the build did not run" test "$(wc -l <"$S/builds")" = "$builds"
check "  ... the record says reused" last_record_says "release deploy_test_3 reused"
check "  ... the upload survived the rollback" grep -q upload "$P/test/current/files/photo.jpg"

# --- keep --------------------------------------------------------------------
check "keep = 3: the oldest releases were removed" test ! -e "$P/test/releases/deploy_test_1" -a ! -e "$P/test/releases/deploy_test_2"
check "  ... at most 3 are left" test "$(releases test)" -le 3
# removed after the push, at idle I/O priority: out of releases/ at once,
# then from the disk by the deploy runner once the record is written
trash_empty() { [ -z "$(ls -A "$P/test/.trash" 2>/dev/null)" ]; }
store_clean() { ! find "$P/test/.store" -type f -links 1 | grep -q .; }
_i=0; until trash_empty && store_clean || [ $_i -ge 100 ]; do sleep 0.1; _i=$((_i + 1)); done
check "  ... their directories are removed from the disk after the push" trash_empty
check "  ... and the store keeps no file that no release links" store_clean

builds=$(wc -l <"$S/builds")
push -f origin 'deploy_test_1^{commit}:test'
newest=$(git --git-dir="$T/origin.git" tag -l 'deploy_test_*' | sort -t_ -k3 -n | tail -1)
check "a rollback to a release no longer kept is accepted" pushed_ok
check "  ... it is placed and built again" test "$(wc -l <"$S/builds")" = $((builds + 1))
check "  ... as the release of its new tag" test "$(current test)" = "releases/$newest"
check "  ... with that commit's tree" grep -q v1 "$P/test/current/index.php"

# --- the switch is atomic: a reader never sees index.php missing -------------
rm -f "$T/stop" "$T/misses"
(while [ ! -e "$T/stop" ]; do cat "$P/test/current/index.php" >/dev/null 2>&1 || echo miss >>"$T/misses"; done) &
reader=$!
for i in 1 2 3 4 5; do
	commit "R$i" other.txt && git push -q origin master 2>/dev/null
	push origin master:test
done
touch "$T/stop"; wait $reader
check "five deploys while a reader reads current/index.php" pushed_ok
check "  ... the reader never missed it" test ! -e "$T/misses"

# --- an env without a build: links to the store --------------------------------
# (on a small filesystem of its own where one can be mounted: see below)
mkdir -p "$P/live"
small=0
mount -t tmpfs -o size=2m tmpfs "$P/live" 2>/dev/null && small=1
# never left mounted, even by a test that dies: the next run removes $T
trap '[ $small = 1 ] && umount "$P/live" 2>/dev/null' EXIT
fetch
push origin test:live
check "live, without a build, is placed" test "$(current live)" = releases/deploy_live_1
commit "L" other.txt && git push -q origin master 2>/dev/null && push origin master:test && fetch
push origin test:live
check "  ... files are shared by inode between its releases" \
	test "$(inode "$P/live/releases/deploy_live_1/index.php")" = "$(inode "$P/live/releases/deploy_live_2/index.php")"
check "  ... the store holds one copy" test "$(stat -c %h "$P/live/releases/deploy_live_2/index.php")" -ge 3

# --- one deploy per env, not per repository ------------------------------------
commit "N" other.txt && git push -q origin master 2>/dev/null && push origin master:test
tested=$(git rev-parse master)
commit "M" other.txt && git push -q origin master 2>/dev/null
(git push -o slow origin master:test >"$T/slow.out" 2>&1; echo $? >"$T/slow.rc") &
i=0; while [ ! -e "$S/slow.on" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
push origin "$tested:refs/heads/live"
check "a live deploy is not held up by a test deploy running" pushed_ok
check "  ... live moved while test's steps ran" at refs/heads/live "$tested"
check "  ... and was placed" test "$(current live)" = releases/deploy_live_3
check "  ... test's deploy was still running" test ! -e "$S/slow.go"
touch "$S/slow.go"; wait
check "  ... and the test deploy finished" test "$(cat "$T/slow.rc")" = 0

# --- a disk that cannot hold another release refuses the deploy --------------------
if [ $small = 1 ]; then
	dd if=/dev/zero of="$P/live/fill" bs=4k count=1024 2>/dev/null
	commit "F" other.txt && git push -q origin master 2>/dev/null && push origin master:test && fetch
	before=$(tip refs/heads/live)
	push origin test:live
	check "a full disk refuses the deploy" refused
	check "  ... in one line saying so" says "MB free, less than the last live release"
	check "  ... live did not move" at refs/heads/live "$before"
	rm -f "$P/live/fill"
	push origin test:live
	check "  ... with room again it goes through" pushed_ok
else
	ok "# SKIP cannot mount a small tmpfs here"
fi

# --- Dev runs code too: a push to master deploys it, untagged ---------------------
cat >"$T/dev.conf" <<CONF
dev = { path = "$P/dev"; keep = 2; shared = [ "files" ];
  steps = ( { name = "cache-clear"; run = [ "sh", "-c", "echo \$WF_RELEASE_NAME >>$S/dev-steps" ]; } );
  checks = ( { name = "c"; run = [ "sh", "-c", "[ ! -f fail-check ]" ]; } ); };
CONF
"$WF_SRCDIR/install.sh" --conf "$T/dev.conf" "$T/dev.git" >"$T/install-dev.out" 2>&1
[ -n "${WF_HOOK_WRAPPER:-}" ] && wrap_hooks "$T/dev.git"
dtip() { git --git-dir="$T/dev.git" rev-parse -q --verify refs/heads/master; }
push "$T/dev.git" master
check "a push to Dev with dev.path deploys it" pushed_ok
check "  ... as a release named dev-1-<sha>" test "$(current dev)" = "releases/dev-1-$(git rev-parse --short=12 master)"
check "  ... untagged" test -z "$(git --git-dir="$T/dev.git" tag -l 'deploy_dev_*')"
check "  ... Dev's steps ran, in that release" grep -qx "dev-1-$(git rev-parse --short=12 master)" "$S/dev-steps"
commit "D2" other.txt
push "$T/dev.git" master
check "  ... the next push is dev-2" test "$(current dev)" = "releases/dev-2-$(git rev-parse --short=12 master)"
good_dev=$(git rev-parse master)
touch fail-check && git add fail-check && git commit -q -m "dev check fails"
push "$T/dev.git" master
check "a failing check on Dev switches back" test "$(current dev)" = "releases/dev-2-$(git rev-parse --short=12 "$good_dev")"
check "  ... and moves master back" test "$(dtip)" = "$good_dev"
git rm -q fail-check && git commit -q -m "dev check ok"
commit "D4" other.txt
push "$T/dev.git" master
check "  ... a good push after it deploys" test "$(dtip)" = "$(git rev-parse master)"
check "keep = 2 on Dev" test "$(releases dev)" -le 2

# --- a shared file that is missing refuses the deploy (never a directory) ---------
cat >"$T/sf.conf" <<CONF
dev = { path = "$P/sf"; shared_files = [ "settings.local.php" ]; };
CONF
"$WF_SRCDIR/install.sh" --conf "$T/sf.conf" "$T/sf.git" >"$T/install-sf.out" 2>&1
[ -n "${WF_HOOK_WRAPPER:-}" ] && wrap_hooks "$T/sf.git"
push "$T/sf.git" master
check "a missing shared file refuses the deploy" refused
check "  ... naming it and what to do" says "the shared file $P/sf/shared/settings.local.php is missing: create it there"
check "  ... and nothing stands in its place" test ! -e "$P/sf/shared/settings.local.php"
mkdir -p "$P/sf/shared" && echo '<?php $db = "x";' >"$P/sf/shared/settings.local.php"
push "$T/sf.git" master
check "  ... once it is there the deploy goes through" pushed_ok
check "  ... and the release links it" grep -q db "$P/sf/current/settings.local.php"

# --- a runner killed between the tag and the switch: repair switches -----------------
commit "K" other.txt && git push -q origin master 2>/dev/null
was=$(current test)
(WF_TEST_PAUSE=deploy-after-tag git push origin master:test >"$T/killed.out" 2>&1) &
i=0; while [ ! -e "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$(cat "$T/origin.git/workflow/paused.deploy-after-tag")"
wait
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
check "a runner killed before the switch left current behind" test "$(current test)" = "$was"
git push -q origin HEAD:refs/heads/any-push 2>/dev/null
check "  ... the next push's repair switched current to the branch's release" \
	test "$(cat "$P/test/releases/$(current test | sed 's|releases/||').release" | sed -n 's/^commit: //p')" = "$(tip refs/heads/test)"
check "  ... which is the new one" test "$(current test)" != "$was"

# --- the tool ------------------------------------------------------------------
wf releases test >"$OUT" 2>&1
check "git-workflow releases lists the releases" says deploy_test_
check "  ... marking current" grep -q "^\* *$(current test | sed 's|releases/||')" "$OUT"
wf status >"$OUT" 2>&1
check "status shows the env's path and current release" says "test *runs in $P/test, current: deploy_test_"
wf --json status >"$OUT" 2>&1
check "  ... and in --json" says "\"path\":\"$P/test\",\"release\":\"deploy_test_"

# --- a hotfix to an env with a path places and switches its release ------------
git fetch -q origin live && git checkout -q -b hf FETCH_HEAD
commit "the hotfix" hotfix.txt
hf=$(git rev-parse HEAD)
GL_USER=alice; export GL_USER
push origin HEAD:refs/hotfix/live
unset GL_USER
check "alice's hotfix to live (with a path) is accepted" pushed_ok
check "  ... live is on the hotfix" at refs/heads/live "$hf"
last=$(git --git-dir="$T/origin.git" tag -l 'deploy_live_*' | sort -t_ -k3 -n | tail -1)
check "  ... current names the hotfix's release, named after its tag" test "$(current live)" = "releases/$last"
check "  ... which has the hotfix's file" test -f "$P/live/current/hotfix.txt"
done_testing
