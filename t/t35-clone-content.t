#!/bin/sh
# Content down (issue 25, points 1 and 7; docs/content.md): -o clone-content
# on a Test promotion gives Test Live's uploads (on disk and as nginx serves
# them), Test's old uploads set aside, never mixed with the new, and a write
# through Test's copy never reaches Live's file; into Live it is refused
# unless an admin says -o content-up; a copy that fails changes nothing;
# git-workflow clone-content FROM TO does the same; a branch env is made
# with Live's content, its settings file written from a template and its
# shared paths given to shared_owner.  A real nginx on loopback.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs nginx
H=$T/nginx
P=$T/site
nginx_conf() {
	nginx_conf_in "$H" "$1" "		location /test/ { alias $P/test/current/; }
		location /live/ { alias $P/live/current/; }"
}
start_server nginx nginx_conf nginx -p "$H" -e "$H/error.log" -c "$H/nginx.conf"
get() { curl -s -o "$T/got" -w '%{http_code}' "http://127.0.0.1:$PORT/$1"; }

printf '<?php $env = "${WF_ENV}"; $db = "wp_${WF_ENV_ID}"; $at = "${WF_ENV_PATH}";\n' >"$T/settings.php.in"
cat >"$T/workflow.conf" <<CONF
workflow = { identity_vars = [ "GL_USER" ]; admins = [ "ann" ]; };
test = { branch = "test"; path = "$P/test"; shared = [ "uploads", "private" ]; shared_files = [ "settings.php" ];
  templates = ( { file = "settings.php"; source = "$T/settings.php.in"; } ); };
live = { branch = "live"; path = "$P/live"; shared = [ "uploads", "private" ]; shared_files = [ "settings.php" ]; };
multidev = { branches = [ "md/*" ]; path = "$P/md"; clone_content = true; shared = [ "uploads" ];
  shared_files = [ "settings.php" ]; shared_owner = "nobody:nogroup";
  templates = ( { file = "settings.php"; source = "$T/settings.php.in"; } ); };
CONF
setup --conf "$T/workflow.conf"
export GL_USER=bob
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
lu=$P/live/shared/uploads
tu=$P/test/shared/uploads

# --- Test's settings file from its template; Live and Test deployed ---------
git push -q origin master:test 2>/dev/null
check "Test's missing settings file is written from its template" \
	grep -qx '<?php $env = "test"; $db = "wp_test"; $at = "'"$P/test"'";' "$P/test/shared/settings.php"
mkdir -p "$P/live/shared" && echo '<?php $env = "live";' >"$P/live/shared/settings.php"
git push -q origin master:live 2>/dev/null
check "Live is deployed" test -L "$P/live/current"
mkdir -p "$lu/2026" && echo live-photo >"$lu/a.jpg" && echo live-b >"$lu/2026/b.jpg" && ln -s a.jpg "$lu/link.jpg"
echo live-private >"$P/live/shared/private/p.txt"
echo test-old >"$tu/old.jpg"
check "before: nginx serves Test's own upload" test "$(get test/uploads/old.jpg)" = 200

# --- a Test promotion with -o clone-content -------------------------------
commit "second"
git push -q origin master 2>/dev/null
push -o dry-run -o clone-content origin master:test
check "a dry run says it would clone Live's content into Test" says "would clone the content of live (its shared directories) into $P/test/shared"
check "  ... and clones nothing" test -e "$tu/old.jpg"
push -o clone-content origin master:test
check "a Test promotion with -o clone-content is accepted" pushed_ok
check "  ... it says what it cloned" says "remote: workflow: test: content of live: 2 paths, 3 files, [0-9]* bytes"
check "  ... Test has Live's uploads on disk" sh -c 'grep -qx live-photo "$1/a.jpg" && grep -qx live-b "$1/2026/b.jpg"' - "$tu"
check "  ... a symlink stays a symlink" test "$(readlink "$tu/link.jpg")" = a.jpg
check "  ... and its other shared path" grep -qx live-private "$P/test/shared/private/p.txt"
check "  ... nginx serves Live's upload from Test" sh -c '[ "$(curl -s "$1")" = live-b ]' - "http://127.0.0.1:$PORT/test/uploads/2026/b.jpg"
check "  ... Test's old uploads are set aside, not mixed with the new" test ! -e "$tu/old.jpg"
check "  ... and nginx no longer serves them" test "$(get test/uploads/old.jpg)" = 404
check "  ... Test's settings file (from its template) is its own, not Live's" grep -q '$env = "test"' "$P/test/shared/settings.php"
check "  ... the copies are files of their own (no hard link to Live's)" \
	test "$(stat -c %i "$tu/a.jpg")" != "$(stat -c %i "$lu/a.jpg")"
echo written-in-test >"$tu/a.jpg"
check "a write through Test's copy does not change Live's file" grep -qx live-photo "$lu/a.jpg"
check "the deploy record says what was cloned, from where" last_record_says "content of live: 2 paths, 3 files"
check "  ... with the clone as a result of its own" grep -q "clone-content" "$T/show"

# --- a copy that fails changes nothing -------------------------------------
d=$P/live/shared/private; i=0; while [ $i -lt 130 ]; do d=$d/d; i=$((i + 1)); done; mkdir -p "$d"
commit "third"
git push -q origin master 2>/dev/null
push -o clone-content origin master:test
check "a clone that cannot copy fails the deploy, saying why" says "clone-content failed: cannot copy .*deeper than 128 directories"
check "  ... and Test's content is as it was (the path copied before it not swapped in)" grep -qx written-in-test "$tu/a.jpg"
check "  ... nothing is left half-copied in its place" test ! -e "$P/test/shared/private/d"
rm -rf "$P/live/shared/private/d"

# --- into Live: refused unless an admin says -o content-up -----------------
git push -q origin master:test 2>/dev/null
before=$(tip live)
push -o clone-content origin master:live
check "-o clone-content on a Live promotion is refused" refused
check "  ... with a one-line reason" says "content never moves up into live by accident"
check "  ... naming who may" says "workflow.admins (ann)"
check "  ... Live did not move" at live "$before"
check "  ... Live's uploads are unchanged" grep -qx live-photo "$lu/a.jpg"
push -o clone-content -o content-up origin master:live
check "-o content-up by one who is not an admin is refused too" says "bob may not move content up into live"
check "  ... and Live's uploads are unchanged" grep -qx live-photo "$lu/a.jpg"
GL_USER=ann push -o clone-content -o content-up origin master:live
check "an admin's -o clone-content -o content-up is accepted" pushed_ok
check "  ... Live has Test's content" grep -qx written-in-test "$lu/a.jpg"
check "  ... and nginx serves it" sh -c '[ "$(curl -s "$1")" = written-in-test ]' - "http://127.0.0.1:$PORT/live/uploads/a.jpg"
check "  ... Live's settings file is its own: shared files are never cloned" grep -qx '<?php $env = "live";' "$P/live/shared/settings.php"
commit "fifth"
git push -q origin master 2>/dev/null
push -o clone-content -o clone-from=dev origin master:test
check "a source without a path is refused with a one-line reason" says "dev has no content to clone (it has no path)"

# --- the command line ------------------------------------------------------
echo live-again >"$lu/a.jpg" && echo test-only >"$tu/only-test.jpg"
wf clone-content live test >"$T/cli" 2>&1
check "git-workflow clone-content live test copies Live's content into Test" grep -qx live-again "$tu/a.jpg"
check "  ... Test's old files set aside" test ! -e "$tu/only-test.jpg"
check "  ... saying what it copied" grep -q "^test: content of live: 2 paths, 3 files" "$T/cli"
check "  ... recorded" last_record_says "content of live: 2 paths"
mv "$P/test/shared/private" "$T/private-elsewhere" && ln -s "$T/private-elsewhere" "$P/test/shared/private"
echo live-3 >"$lu/a.jpg"
rc=0; wf clone-content live test >"$T/cli" 2>&1 || rc=$?
check "a shared path the admin made a symlink is not replaced, saying why" \
	sh -c '[ "$1" = 1 ] && grep -q "private is a symlink (its content is elsewhere)" "$2"' - "$rc" "$T/cli"
check "  ... and nothing is (the uploads copied before it not swapped in)" grep -qx live-again "$tu/a.jpg"
rm "$P/test/shared/private" && mv "$T/private-elsewhere" "$P/test/shared/private"
echo live-again >"$lu/a.jpg"
rc=0; wf clone-content test live >"$T/cli" 2>&1 || rc=$?
check "into Live without --content-up it is refused" sh -c '[ "$1" = 1 ] && grep -q "content never moves up into live" "$2"' - "$rc" "$T/cli"
check "  ... and Live is unchanged" grep -qx live-again "$lu/a.jpg"
rc=0; wf clone-content test nowhere >"$T/cli" 2>&1 || rc=$?
check "an env that does not exist is named" sh -c '[ "$1" != 0 ] && grep -q "no env .nowhere." "$2"' - "$rc" "$T/cli"
echo live-before-lock >"$lu/a.jpg"
# it takes Test's deploy lock as a deploy does: not under a running deploy
commit "fourth"
git push -q origin master 2>/dev/null
(WF_TEST_PAUSE=deploy-after-tag git push origin master:test >"$T/bg.out" 2>&1) &
bg=$!
i=0
while [ ! -s "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
rc=0; wf clone-content live test >"$T/cli" 2>&1 || rc=$?
check "while a deploy of Test runs, clone-content waits for none and says so" \
	sh -c '[ "$1" = 1 ] && grep -q "a deploy to test is in progress" "$2"' - "$rc" "$T/cli"
check "  ... and copies nothing" grep -qx live-again "$tu/a.jpg"
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
wait $bg

# --- a branch env: content, settings from the template, shared_owner --------
git checkout -q -b md/Feature_X
commit "feature" feature.txt
push origin md/Feature_X
md=$P/md/feature-x/shared
check "a new branch env is made" pushed_ok
check "  ... with Live's uploads (multidev.clone_content)" grep -qx live-before-lock "$md/uploads/a.jpg"
check "  ... its settings file from the template, with its name and database" \
	grep -qx '<?php $env = "feature-x"; $db = "wp_feature_x"; $at = "'"$P/md/feature-x"'";' "$md/settings.php"
check "  ... its shared paths owned by shared_owner" test "$(stat -c %U:%G "$md/uploads" "$md/settings.php" | sort -u)" = nobody:nogroup
check "  ... and the content cloned in too" test "$(stat -c %U:%G "$md/uploads/a.jpg" "$md/uploads/2026/b.jpg")" = "nobody:nogroup
nobody:nogroup"
check "  ... Live's files keep their owner" test "$(stat -c %U "$lu/a.jpg")" = "$(id -un)"
check "  ... the creation record says the content was cloned" grep -q "shared paths cloned" "$T/origin.git/workflow/records/"*.json
commit "feature 2" feature.txt
echo md-own >"$md/uploads/own.jpg"
push origin md/Feature_X
check "a later push to it clones nothing" sh -c '[ "$1" = 0 ] && ! grep -q "content of live" "$2" && [ -e "$3/own.jpg" ]' - "$rc" "$OUT" "$md/uploads"
commit "feature 3" feature.txt
push -o clone-content -o clone-from=test origin md/Feature_X
check "  ... but -o clone-content -o clone-from=test does" sh -c '[ "$1" = 0 ] && grep -qx live-again "$2/a.jpg" && [ ! -e "$2/own.jpg" ]' - "$rc" "$md/uploads"

# --- hard links where the config says they are safe; Dev -----------------
sed -e 's|^live = { branch = "live"; |live = { branch = "live"; clone_hardlinks = true; |' \
	-e "1a dev = { path = \"$P/dev\"; shared = [ \"uploads\" ]; };" "$T/workflow.conf" >"$T/origin.git/workflow.conf"
wf clone-content --content-up test live >"$T/cli" 2>&1
check "with clone_hardlinks an upload is a hard link to the source's" \
	test "$(stat -c %i "$lu/a.jpg")" = "$(stat -c %i "$tu/a.jpg")"
check "  ... the clone says so" grep -q "(hard-linked); its shared files kept" "$T/cli"
check "  ... a shared file never is" test "$(stat -c %i "$P/live/shared/settings.php")" != "$(stat -c %i "$P/test/shared/settings.php")"
git checkout -q master
commit "dev"
push -o clone-content origin master
check "a Dev deploy with -o clone-content gets Live's uploads" sh -c '[ "$1" = 0 ] && grep -qx live-again "$2/a.jpg"' - "$rc" "$P/dev/shared/uploads"

done_testing
