#!/bin/sh
# recipe = "wordpress" end to end (issue 25, points 3 and 4): Debian's own
# WordPress, committed and deployed by real pushes to an env that says
# only recipe, url, maintenance and php_fpm; served by nginx + PHP-FPM,
# its database in a MariaDB the test starts.  The recipe's shared paths,
# its PHP-CLI steps (no wp-cli: a real database upgrade) and its
# maintenance mode run for real: a visitor gets WordPress's 503 while the
# steps run, the site again after, after a failed step too.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs nginx php-fpm php-mysql libfcgi-bin mariadb-server wordpress curl
FPM=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
[ -n "$FPM" ] || skip_all "no php-fpm binary"
[ -f /usr/share/wordpress/wp-load.php ] || skip_all "no /usr/share/wordpress"
P=$T/site
sock=$T/fpm.sock

# --- MariaDB on loopback, its data in $T ---------------------------------------
mariadb-install-db --no-defaults --datadir="$T/db" --user=root --auth-root-authentication-method=socket \
	--skip-test-db >"$T/db-install.log" 2>&1 ||
	{ sed 's/^/# /' "$T/db-install.log"; echo "Bail out! mariadb-install-db failed"; exit 1; }
db_conf() {
	cat >"$T/my.cnf" <<CONF
[mariadbd]
datadir = $T/db
socket = $T/db.sock
port = $1
bind-address = 127.0.0.1
user = root
pid-file = $T/db.pid
log-error = $T/db.err
skip-log-bin
innodb-buffer-pool-size = 16M
CONF
}
start_server mariadb db_conf /usr/sbin/mariadbd --defaults-file="$T/my.cnf"
DB_PORT=$PORT
sql() { mariadb --no-defaults -S "$T/db.sock" -u root "$@"; }
sql -e "CREATE DATABASE wp; CREATE USER 'wp'@'127.0.0.1' IDENTIFIED BY 'wp-secret';
	GRANT ALL ON wp.* TO 'wp'@'127.0.0.1';" || { echo "Bail out! cannot create the database"; exit 1; }

# --- PHP-FPM (a pool of the test's own) and nginx in front -----------------------
start_php_fpm 3 "php_admin_value[opcache.enable] = 1
php_admin_value[opcache.validate_timestamps] = 0"
start_wordpress_nginx "$P/test/current" "$sock"
URL=http://127.0.0.1:$PORT/
code() { curl -s -o "${2:-/dev/null}" -w '%{http_code}' "$1"; }

# conf [STEPS]: Test runs WordPress by its recipe, with STEPS (the env's
# own steps, instead of the recipe's) when given
conf() {
	cat >"$T/origin.git/workflow.conf" <<CONF
test = { path = "$P/test"; recipe = "wordpress"; url = "$URL"; maintenance = true;
  php_fpm = "$sock";
  ${1:-}
};
CONF
}
printf 'test = { branch = "test"; };\n' >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
conf

# --- Debian's WordPress, committed (its config is a shared file, not in git) -----
(cd /usr/share/wordpress && tar -chf - --exclude=./wp-content/languages --exclude=./wp-config.php \
	--exclude=./.htaccess .) | tar -xf -
printf 'wp-config.php\n' >.gitignore
git add -A && git commit -q -m "WordPress from Debian"
git push -q origin master 2>/dev/null

push origin master:test
check "a recipe's shared file that is missing refuses the deploy, naming it" \
	sh -c '[ "$1" != 0 ] && grep -q "shared file .*/shared/wp-config.php is missing: create it there" "$2"' - "$rc" "$OUT"
check "  ... and nothing is made in its place" test ! -e "$P/test/shared/wp-config.php"

# the site's config, on the server only; WordPress installed once
mkdir -p "$P/test/shared"
cat >"$P/test/shared/wp-config.php" <<CONF
<?php
define('DB_NAME', 'wp'); define('DB_USER', 'wp'); define('DB_PASSWORD', 'wp-secret');
define('DB_HOST', '127.0.0.1:$DB_PORT'); define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
define('WP_HOME', '${URL%/}'); define('WP_SITEURL', '${URL%/}');
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
CONF
cp "$P/test/shared/wp-config.php" wp-config.php
php -r 'define("WP_INSTALLING", true); require "./wp-load.php"; require_once ABSPATH . "wp-admin/includes/upgrade.php";
	wp_install("Recipe blog", "admin", "admin@example.org", true, "", "admin-secret");' >"$T/wp-install.log" 2>&1
# an older database, as after WordPress's code is upgraded
sql wp -e "UPDATE wp_options SET option_value = '53000' WHERE option_name = 'db_version'"
db_version() { sql wp -N -e "SELECT option_value FROM wp_options WHERE option_name = 'db_version'"; }

push origin master:test
check "with its shared file there, WordPress deploys by its recipe" \
	sh -c '[ "$1" = 0 ] && grep -q "current is now releases/deploy_test_1" "$2"' - "$rc" "$OUT"
check "  ... the recipe's database upgrade ran wp_upgrade() with PHP's CLI" \
	says "\[db-upgrade\] database version 53000, now [1-9][0-9]*"
v=$(db_version)
check "  ... and the database is upgraded" sh -c '[ "$1" != 53000 ] && [ -n "$1" ]' - "$v"
check "  ... then its cache flush" says "step cache-flush: ok"
check "  ... maintenance on before the switch, off after the steps, before the check" \
	sh -c 'grep "maintenance mode: o\|current is now\|step db-upgrade: ok\|check home: ok" "$1" |
		sed "s/ (.*//; s/ *\$//" | tr "\n" "|" | grep -q "^remote: workflow: maintenance mode: on for test, until its steps are done|remote: workflow: test: current is now releases/deploy_test_1|remote: workflow: step db-upgrade: ok|remote: workflow: maintenance mode: off for test|remote: workflow: check home: ok|\$"' - "$OUT"
check "  ... the shared uploads and config are links into shared/" \
	sh -c '[ -L "$1/wp-content/uploads" ] && [ -L "$1/wp-config.php" ]' - "$P/test/releases/deploy_test_1"
check "  ... WordPress answers through nginx, and no maintenance file is left" \
	sh -c '[ "$(curl -s -o /dev/null -w "%{http_code}" "$1")" = 200 ] && [ ! -e "$2/.maintenance" ]' - "$URL" \
	"$P/test/releases/deploy_test_1"
check "  ... the record lists maintenance on and off as steps" \
	sh -c '"$1" -C "$2" show 2 >"$3" 2>&1; grep -q "maintenance-on" "$3" && grep -q "maintenance-off" "$3"' - \
	"$WF_CLI" "$T/origin.git" "$T/show1"
check "  ... the database password is in neither the output nor the record" \
	sh -c '! grep -q "wp-secret" "$1" "$2"' - "$OUT" "$T/show1"

# --- a visitor during the steps gets WordPress's maintenance page -----------------
# The env's own step (it wins over the recipe's) waits until a visitor got
# the 503, and lists the releases that have a .maintenance file meanwhile.
cat >"$T/visitor.sh" <<EOF
while [ ! -e "$T/saw-503" ]; do
	c=\$(curl -s -o "$T/visit" -w '%{http_code}' "$URL")
	[ "\$c" = 503 ] && grep -q "Briefly unavailable for scheduled maintenance" "$T/visit" && touch "$T/saw-503"
	[ "\$c" = 200 ] || [ "\$c" = 503 ] || echo "\$c" >>"$T/other-answers"
	sleep 0.05
done
EOF
conf "steps = ( { name = \"visitor\"; timeout = 20; run = [ \"sh\", \"-c\",
  \"while [ ! -e $T/saw-503 ]; do sleep 0.1; done; echo a visitor got the maintenance page; ls -d \$WF_PATH/releases/*/.maintenance\" ]; } );"
spawn "$T/visitor.log" sh "$T/visitor.sh"
commit "B"
git push -q origin master 2>/dev/null
push origin master:test
check "maintenance on: a visitor got WordPress's 503 while the steps ran" \
	sh -c '[ "$1" = 0 ] && grep -q "\[visitor\] a visitor got the maintenance page" "$2"' - "$rc" "$OUT"
check "  ... only the release switched to had .maintenance; the one before never did" \
	sh -c '[ "$(grep -c "\[visitor\] .*/.maintenance" "$1")" = 1 ] && grep -q "\[visitor\] $2/releases/deploy_test_2/.maintenance" "$1"' - \
	"$OUT" "$P/test"
check "  ... off after the steps: the site answers again, and passed its check" \
	sh -c 'grep -q "check home: ok" "$1" && [ "$(curl -s -o /dev/null -w "%{http_code}" "$2")" = 200 ] &&
		[ ! -e "$3/.maintenance" ]' - "$OUT" "$URL" "$P/test/releases/deploy_test_2"
check "  ... the visitor got nothing but the site and its maintenance page" test ! -e "$T/other-answers"

# --- a step that fails: the code goes back, and maintenance still ends ------------
conf "steps = ( { name = \"boom\"; run = [ \"sh\", \"-c\", \"ls \$WF_RELEASE/.maintenance && exit 3\" ]; } );"
commit "C"
git push -q origin master 2>/dev/null
push origin master:test
check "a step that fails in maintenance fails the deploy, which goes back" \
	sh -c 'grep -q "step boom: failed (exit 3)" "$1" && [ "$(readlink "$2/current")" = releases/deploy_test_2 ]' - "$OUT" "$P/test"
check "  ... the step ran in maintenance (the release had .maintenance)" says "\[boom\] $P/test/releases/deploy_test_3/.maintenance"
check "  ... maintenance off all the same, after going back" \
	sh -c 'grep "is back on\|maintenance mode: off" "$1" | sed "s/ *\$//" | tr "\n" "|" | grep -q "is back on.*|.*maintenance mode: off for test|\$" &&
		! grep -q "maintenance mode may still be on" "$1"' - "$OUT"
check "  ... no release is left with .maintenance, and the site answers" \
	sh -c '! ls "$1"/releases/*/.maintenance 2>/dev/null && [ "$(curl -s -o /dev/null -w "%{http_code}" "$2")" = 200 ]' - \
	"$P/test" "$URL"

# --- the deploy runner killed while maintenance is on: repair turns it off --------
conf
commit "D"
git push -q origin master 2>/dev/null
pause=$T/origin.git/workflow/paused.maintenance-on
(WF_TEST_PAUSE=maintenance-on git push origin master:test >"$T/bg.out" 2>&1) &
bg=$!
i=0; while [ ! -s "$pause" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
killed=$(cat "$pause" 2>/dev/null)
[ -n "$killed" ] && kill -KILL "$killed"
rm -f "$pause"
wait $bg
check "a runner killed with maintenance on (before the switch) leaves .maintenance in its release" \
	sh -c '[ -n "$1" ] && [ -e "$2/releases/deploy_test_4/.maintenance" ]' - "$killed" "$P/test"
"$WF_CLI" -C "$T/origin.git" repair >"$OUT" 2>&1
check "  ... repair switches to it and turns maintenance off there" \
	sh -c '[ "$(readlink "$2/current")" = releases/deploy_test_4 ] && grep -q "repair: the interrupted deploy to test had turned maintenance mode on: turning it off" "$1" &&
		grep -q "maintenance mode: off for test" "$1" && ! ls "$2"/releases/*/.maintenance 2>/dev/null' - "$OUT" "$P/test"
check "  ... and the site answers again" sh -c '[ "$(curl -s -o /dev/null -w "%{http_code}" "$1")" = 200 ]' - "$URL"
done_testing
