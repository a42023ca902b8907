#!/bin/sh
# recipe = "wordpress" fills in the database (issue 25, points 2 and 4):
# `database = { engine = "mariadb"; }` and nothing else; each env's
# connection is read from its own wp-config.php in path/shared/ (PHP's
# tokenizer, run as argv), the password handed to the tools in a 0600
# option file that is removed after.  Against a real MariaDB, Debian's
# WordPress and nginx + PHP-FPM: a Live deploy takes its snapshot; a Test
# promotion with -o clone-content gives Test Live's posts, with siteurl
# and home made Test's and users' e-mails scrubbed by the recipe's
# sanitize steps; nginx serves Test with Live's post.  No password is
# shown or kept anywhere.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs nginx php-fpm php-mysql mariadb-server mariadb-client wordpress curl
FPM=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
[ -n "$FPM" ] || skip_all "no php-fpm binary"
[ -f /usr/share/wordpress/wp-load.php ] || skip_all "no /usr/share/wordpress"
P=$T/site
sock=$T/fpm.sock
ALL=$T/all-pushes.out
: >"$ALL"
push_all() { push "$@"; cat "$OUT" >>"$ALL"; }

# --- MariaDB: each env its own database, user and password ------------------------
start_mariadb "$T/mariadb"
rnd() { od -An -N5 -tx1 /dev/urandom | tr -d ' \n'; }
# the option file's quoting is exercised: '#' starts a comment there, '"' quotes
LPASS="Live#pw\"$(rnd)"
TPASS="Test#pw\"$(rnd)"
sqlq() { printf '%s' "$1" | sed "s/'/''/g; s/\\\\/\\\\\\\\/g"; }
mariadb_root "CREATE USER wplive@'%' IDENTIFIED BY '$(sqlq "$LPASS")'; GRANT ALL ON \`wp\\_live\`.* TO wplive@'%';
	CREATE USER wptest@'%' IDENTIFIED BY '$(sqlq "$TPASS")'; GRANT ALL ON \`wp\\_test\`.* TO wptest@'%';
	CREATE DATABASE wp_live; CREATE DATABASE wp_test;" || { echo "Bail out! cannot create the databases"; exit 1; }
root_sql() { mariadb --defaults-file="$MARIADB_DIR/root.cnf" -N -B "$@"; }

# --- PHP-FPM and nginx serving Test --------------------------------------------------
start_php_fpm 2 ""
start_wordpress_nginx "$P/test/current" "$sock"
TURL=http://127.0.0.1:$PORT
LURL=https://live.example.org

# --- the config: recipes and a database engine, nothing else ---------------------
cat >"$T/workflow.conf" <<CONF
test = { path = "$P/test"; recipe = "wordpress"; url = "$TURL/"; };
live = { path = "$P/live"; recipe = "wordpress"; };
database = { engine = "mariadb"; };
CONF
setup --conf "$T/workflow.conf"

# each env's wp-config.php, on the server only
wp_config() { # ENV DB USER PASS
	mkdir -p "$P/$1/shared"
	cat >"$P/$1/shared/wp-config.php" <<CONF
<?php
// define('DB_NAME', 'not_this_one');
define( 'DB_NAME', '$2' );
define('DB_USER', '$3');
define('DB_PASSWORD', '$(printf '%s' "$4" | sed "s/'/\\\\'/g")');
define('DB_HOST', '127.0.0.1:$MARIADB_PORT');
define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
CONF
}
wp_config live wp_live wplive "$LPASS"
wp_config test wp_test wptest "$TPASS"

(cd /usr/share/wordpress && tar -chf - --exclude=./wp-content/languages --exclude=./wp-config.php \
	--exclude=./.htaccess .) | tar -xf -
printf 'wp-config.php\n' >.gitignore
git add -A && git commit -q -m "WordPress from Debian"
# WordPress installed in each database, with its env's config
for e in live test; do
	cp "$P/$e/shared/wp-config.php" wp-config.php
	php -r 'define("WP_INSTALLING", true); require "./wp-load.php"; require_once ABSPATH . "wp-admin/includes/upgrade.php";
		wp_install("Blog", "admin", "admin@example.org", true, "", "admin-pw");' >"$T/wp-install-$e.log" 2>&1 ||
		{ sed 's/^/# /' "$T/wp-install-$e.log"; echo "Bail out! wp_install failed"; exit 1; }
done
rm -f wp-config.php
root_sql wp_live -e "UPDATE wp_options SET option_value = '$LURL' WHERE option_name IN ('siteurl', 'home')"
root_sql wp_test -e "UPDATE wp_options SET option_value = '$TURL' WHERE option_name IN ('siteurl', 'home')"

release() {
	commit "$1"
	git push -q origin master master:test 2>/dev/null
	fetch
	push_all origin test:live
}
release B
check "Live deploys by its recipe, its database named only in wp-config.php" \
	sh -c '[ "$1" = 0 ] && grep -q "current is now releases/deploy_live_1" "$2"' - "$rc" "$OUT"
check "  ... no snapshot on the first deploy, naming the database read from wp-config.php" \
	says "no snapshot of database wp_live: there is no release before this one"
release C
check "the next Live deploy saves Live's database, read with wp-config.php's user and password" \
	sh -c '[ "$1" = 0 ] && grep -q "database wp_live saved before the steps as releases/deploy_live_1.db.sql.gz" "$2"' - "$rc" "$OUT"
check "  ... a snapshot beside the release, mode 0600, with WordPress's tables" \
	sh -c '[ "$(stat -c %a "$1")" = 600 ] && zcat "$1" | grep -q "CREATE TABLE .wp_posts."' - "$P/live/releases/deploy_live_1.db.sql.gz"
check "  ... and the option file it was given is gone" sh -c '! ls "$1"/workflow/tmp/*.cnf 2>/dev/null' - "$T/origin.git"

# --- content down: Live's posts into Test, made Test's ------------------------------
TITLE="Live post $(rnd)"
root_sql wp_live -e "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt,
	post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type)
	VALUES (1, NOW(), UTC_TIMESTAMP(), 'from Live', '$TITLE', '', 'publish', 'live-post', '', '', NOW(), UTC_TIMESTAMP(), '', 'post')"
commit D
git push -q origin master 2>/dev/null
# what a runner killed before removing its option file would leave
dead=$(sh -c 'echo $$')
mkdir -p "$T/origin.git/workflow/tmp"
echo "password=left" >"$T/origin.git/workflow/tmp/db-$dead-Abc123.cnf"
push_all -o clone-content origin master:test
check "a Test promotion with -o clone-content copies Live's database into Test's" \
	sh -c '[ "$1" = 0 ] && grep -q "database: live (wp_live) into test (wp_test)" "$2"' - "$rc" "$OUT"
check "  ... Test's database has Live's post" \
	test "$(root_sql wp_test -e "SELECT COUNT(*) FROM wp_posts WHERE post_title = '$TITLE'")" = 1
check "  ... the recipe's sanitize steps ran, in Test's release" \
	sh -c 'grep -q "sanitize wp-urls: ok" "$1" && grep -q "sanitize wp-emails: ok" "$1"' - "$OUT"
opts=$(root_sql wp_test -e "SELECT option_value FROM wp_options WHERE option_name IN ('siteurl', 'home')" | sort -u)
check "  ... siteurl and home are Test's url, not Live's" test "$opts" = "$TURL"
mails=$(root_sql wp_test -e "SELECT user_email FROM wp_users" | tr '\n' ' ')
check "  ... users' e-mails are scrubbed" test "$mails" = "user-1@example.invalid "
check "  ... Live's own database is as it was" \
	test "$(root_sql wp_live -e "SELECT user_email FROM wp_users")" = "admin@example.org"
curl -s "$TURL/" >"$T/test-page.html"
check "  ... and nginx serves Test with Live's post" grep -q "$TITLE" "$T/test-page.html"
check "  ... an option file left by a process that is gone is removed" test ! -e "$T/origin.git/workflow/tmp/db-$dead-Abc123.cnf"

# --- a wp-config.php that names no database ----------------------------------------
sed -i "/'DB_NAME'/d" "$P/test/shared/wp-config.php"
rc=0; "$WF_CLI" -C "$T/origin.git" clone-db live test >"$OUT" 2>&1 || rc=$?
check "a wp-config.php without DB_NAME: the copy is refused, in one line naming the file and the key" \
	sh -c '[ "$1" != 0 ] && grep -q "$2/shared/wp-config.php does not name the database (DB_NAME)" "$3"' - "$rc" "$P/test" "$OUT"
cat "$OUT" >>"$ALL"
check "  ... and Test's database is left as it was" \
	test "$(root_sql wp_test -e "SELECT COUNT(*) FROM wp_posts WHERE post_title = '$TITLE'")" = 1
rm "$P/test/shared/wp-config.php"
rc=0; "$WF_CLI" -C "$T/origin.git" clone-db live test >"$OUT" 2>&1 || rc=$?
check "  ... a missing wp-config.php: refused, naming it" \
	sh -c '[ "$1" != 0 ] && grep -q "$2/shared/wp-config.php is missing: recipe \"wordpress\" reads test.s database connection from it" "$3"' - \
	"$rc" "$P/test" "$OUT"
cat "$OUT" >>"$ALL"

# --- a Live deploy whose wp-config.php names no database goes back ------------------
wp_config test wp_test wptest "$TPASS"
cp "$P/live/shared/wp-config.php" "$T/live-wp-config.php"
sed -i "/'DB_NAME'/d" "$P/live/shared/wp-config.php"
release E
check "a Live deploy whose wp-config.php names no database fails before its steps, naming the file and the key" \
	sh -c 'grep -q "live: database.live: $1/shared/wp-config.php does not name the database (DB_NAME)" "$2" &&
		grep -q "live FAILED" "$2" && ! grep -q "step db-upgrade: running" "$2"' - "$P/live" "$OUT"
check "  ... and current goes back to the release before" \
	test "$(readlink "$P/live/current")" = releases/deploy_live_2
cp "$T/live-wp-config.php" "$P/live/shared/wp-config.php"

# --- no password anywhere --------------------------------------------------------------
for pw in "$LPASS" "$TPASS"; do
	check "the password is in no push output" sh -c '! grep -qF -- "$1" "$2"' - "$pw" "$ALL"
	check "  ... nor in the records, run logs, journals or temp files" sh -c '! grep -rqF -- "$1" "$2"' - "$pw" \
		"$T/origin.git/workflow"
done
check "no option file is left behind" sh -c '! ls "$1"/workflow/tmp/*.cnf 2>/dev/null' - "$T/origin.git"
done_testing
