#!/bin/sh
# recipe = "drupal" and "magento" through real pushes (issue 25, point 4):
# the recipe's commands run in the release, in their order, maintenance on
# before the switch and off after the steps, and off again after a failed
# step and the switch back.  drush and bin/magento are stand-ins committed
# with the site that log what they are asked (no Drupal or Magento here;
# their build, composer, is set to none by the env's own key).  With
# `database = { engine = "mariadb"; }`, each env's connection is read from
# its settings file (real PHP) and handed to stand-in client tools in an
# option file; then the recipe's sanitize commands, in their order.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

P=$T/site
LOG=$T/cms.log
printf 'test = { branch = "test"; };\n' >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
# the stand-in: one line per call, with where current pointed then
stub() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<EOF
#!/bin/sh
echo "\$(basename "\$0") \$* | current=\$(readlink "\$WF_PATH/current") | in \$(basename "\$PWD")" >>"$LOG"
[ "\$1" = "$2" ] && [ -e "$T/fail" ] && { echo "$2 failed"; exit 1; }
exit 0
EOF
	chmod 755 "$1"
}
stub vendor/bin/drush updatedb
stub bin/magento setup:upgrade
git add -A && commit "a site"
git push -q origin master 2>/dev/null

conf() {
	cat >"$T/origin.git/workflow.conf" <<CONF
test = { path = "$P/test"; recipe = "$1"; maintenance = true; build = ( ); };
CONF
}
conf drupal
mkdir -p "$P/test/shared/web/sites/default"
echo '<?php // the server only' >"$P/test/shared/web/sites/default/settings.local.php"
push origin master:test
check "a Drupal env deploys by its recipe" pushed_ok
: >"$LOG"
commit "B"
git push -q origin master 2>/dev/null
push origin master:test
cat >"$T/want" <<EOF
drush state:set system.maintenance_mode 1 --input-format=integer | current=releases/deploy_test_1 | in deploy_test_2
drush cache:rebuild | current=releases/deploy_test_1 | in deploy_test_2
drush updatedb -y | current=releases/deploy_test_2 | in deploy_test_2
drush config:import -y | current=releases/deploy_test_2 | in deploy_test_2
drush cache:rebuild | current=releases/deploy_test_2 | in deploy_test_2
drush state:set system.maintenance_mode 0 --input-format=integer | current=releases/deploy_test_2 | in deploy_test_2
drush cache:rebuild | current=releases/deploy_test_2 | in deploy_test_2
EOF
check "drupal: maintenance on before the switch, updatedb, config:import, cache:rebuild, then off" \
	sh -c '[ "$1" = 0 ] && diff -u "$2" "$3" >&2' - "$rc" "$T/want" "$LOG"
check "  ... the settings file is linked into the release from shared/" \
	test -L "$P/test/releases/deploy_test_2/web/sites/default/settings.local.php"

: >"$LOG"; touch "$T/fail"
commit "C"
git push -q origin master 2>/dev/null
push origin master:test
rm -f "$T/fail"
cat >"$T/want" <<EOF
drush state:set system.maintenance_mode 1 --input-format=integer | current=releases/deploy_test_2 | in deploy_test_3
drush cache:rebuild | current=releases/deploy_test_2 | in deploy_test_3
drush updatedb -y | current=releases/deploy_test_3 | in deploy_test_3
drush state:set system.maintenance_mode 0 --input-format=integer | current=releases/deploy_test_2 | in deploy_test_3
drush cache:rebuild | current=releases/deploy_test_2 | in deploy_test_3
EOF
check "drupal: a failed updatedb goes back, and maintenance is turned off after that" \
	sh -c 'grep -q "step updatedb: failed" "$1" && diff -u "$2" "$3" >&2' - "$OUT" "$T/want" "$LOG"
check "  ... said, and recorded as steps" \
	sh -c 'grep -q "maintenance mode: off for test" "$1" && "$2" -C "$3" show 3 | grep -q "maintenance-off-cache"' - \
	"$OUT" "$WF_CLI" "$T/origin.git"

# --- Magento --------------------------------------------------------------------
conf magento
mkdir -p "$P/test/shared/app/etc"
echo '<?php return [];' >"$P/test/shared/app/etc/env.php"
: >"$LOG"
commit "D"
git push -q origin master 2>/dev/null
push origin master:test
cat >"$T/want" <<EOF
magento maintenance:enable | current=releases/deploy_test_2 | in deploy_test_4
magento setup:upgrade --keep-generated | current=releases/deploy_test_4 | in deploy_test_4
magento cache:flush | current=releases/deploy_test_4 | in deploy_test_4
magento maintenance:disable | current=releases/deploy_test_4 | in deploy_test_4
EOF
check "magento: maintenance:enable before the switch, setup:upgrade --keep-generated, cache:flush, then disable" \
	sh -c '[ "$1" = 0 ] && diff -u "$2" "$3" >&2' - "$rc" "$T/want" "$LOG"
check "  ... its shared paths are links into shared/" \
	sh -c '[ -L "$1/pub/media" ] && [ -L "$1/var/log" ] && [ -L "$1/app/etc/env.php" ] && [ ! -L "$1/var" ]' - \
	"$P/test/releases/deploy_test_4"

# --- a push that turns every step off needs no maintenance -----------------------
printf 'test = { path = "%s/test"; recipe = "magento"; maintenance = true; build = ( );\n  steps = ( { name = "upgrade"; run = [ "bin/magento", "setup:upgrade" ]; when = "update"; } ); };\n' \
	"$P" >"$T/origin.git/workflow.conf"
: >"$LOG"
commit "E"
git push -q origin master 2>/dev/null
push -o no-update origin master:test
check "no step runs (-o no-update): no maintenance either" \
	sh -c '[ "$1" = 0 ] && grep -q "step upgrade: skipped" "$2" && ! grep -q "maintenance" "$2" && [ ! -s "$3" ]' - "$rc" "$OUT" "$LOG"
# --- a branch env by the recipe: its settings file from a template -------------------
printf '<?php $databases["default"]["default"]["database"] = "drupal_${WF_ENV_ID}";\n' >"$T/settings.in"
cat >"$T/origin.git/workflow.conf" <<CONF
multidev = { branches = [ "md/*" ]; path = "$P/md"; recipe = "drupal"; build = ( );
  templates = ( { file = "web/sites/default/settings.local.php"; source = "$T/settings.in"; } ); };
CONF
: >"$LOG"
push origin master:md/feature-x
check "a branch env by the drupal recipe gets its settings file from its template" \
	sh -c '[ "$1" = 0 ] && grep -q "drupal_feature_x" "$2/md/feature-x/shared/web/sites/default/settings.local.php"' - "$rc" "$P"
check "  ... and runs the recipe's steps in its release" \
	sh -c '[ "$(cut -d"|" -f1 "$1" | tr "\n" ",")" = "drush updatedb -y ,drush config:import -y ,drush cache:rebuild ," ]' - "$LOG"
# --- the database by the recipes: the connection read from the CMS's file ------------
# Stand-ins for the client tools, first on PATH: each logs its argv and the
# option file it was given (mode and text): the password must be there,
# never in an argv.
mkdir -p "$T/bin"
for tool in mariadb mariadb-dump; do
	cat >"$T/bin/$tool" <<EOF
#!/bin/sh
echo "$tool \$*" >>"$T/db.log"
for a; do case "\$a" in --defaults-extra-file=*) f=\${a#*=}
	echo "  mode \$(stat -c %a "\$f")" >>"$T/db.log"; sed 's/^/  /' "\$f" >>"$T/db.log";; esac; done
[ "$tool" = mariadb-dump ] && echo "-- the dump"
[ "$tool" = mariadb ] && [ "\$3" != -e ] && cat >/dev/null
exit 0
EOF
	chmod 755 "$T/bin/$tool"
done
clone() { : >"$T/db.log"; : >"$LOG"; rc=0; PATH=$T/bin:$PATH "$WF_CLI" -C "$T/origin.git" clone-db live test >"$OUT" 2>&1 || rc=$?; }
argvs() { grep -v '^  ' "$T/db.log" | sed 's/--defaults-extra-file=[^ ]*/--defaults-extra-file=F/' >"$T/argvs"; }

cat >"$T/origin.git/workflow.conf" <<CONF
live = { path = "$P/live"; recipe = "drupal"; build = ( ); };
test = { path = "$P/test"; recipe = "drupal"; build = ( ); url = "https://test.example.org/"; };
database = { engine = "mariadb"; };
CONF
mkdir -p "$P/live/shared/web/sites/default"
drupal_settings() { # ENV DB USER PASS HOST PORT
	cat >"$P/$1/shared/web/sites/default/settings.local.php" <<CONF
<?php
\$databases['default']['default'] = [ 'database' => '$2', 'username' => '$3', 'password' => '$4',
  'host' => '$5', 'port' => '$6', 'driver' => 'mysql', 'prefix' => '' ];
echo "a settings file that prints";
CONF
}
drupal_settings live drupal_live dlive Drupal-live-pw 10.0.0.5 3307
drupal_settings test drupal_test dtest Drupal-test-pw localhost ""
clone
cat >"$T/want" <<EOF
mariadb-dump --defaults-extra-file=F --single-transaction --no-tablespaces --triggers --routines drupal_live
mariadb --defaults-extra-file=F -e DROP DATABASE IF EXISTS \`drupal_test\`
mariadb --defaults-extra-file=F -e CREATE DATABASE \`drupal_test\`
mariadb --defaults-extra-file=F drupal_test
EOF
argvs
check "drupal: clone-db reads each env's database from its settings.local.php: dump Live's, drop, create, load Test's" \
	sh -c '[ "$1" = 0 ] && diff -u "$2" "$3" >&2' - "$rc" "$T/want" "$T/argvs"
check "  ... the connection in a 0600 option file: Live's user, password, host and port" \
	sh -c 'sed -n "/^mariadb-dump/,/^mariadb /p" "$1" | tr -d "\n" | grep -q "  mode 600  \[client\]  user=\"dlive\"  password=\"Drupal-live-pw\"  host=\"10.0.0.5\"  port=3307"' - "$T/db.log"
check "  ... Test's with Test's" sh -c 'grep -c "password=\"Drupal-test-pw\"" "$1" | grep -qx 3' - "$T/db.log"
check "  ... never a password in an argv or the output" \
	sh -c '! grep -v "^  " "$1" | grep -q "pw" && ! grep -q "pw" "$2"' - "$T/db.log" "$OUT"
check "  ... then drush sql:sanitize -y, in Test's current release" \
	sh -c '[ "$(cut -d"|" -f1,3 "$1")" = "drush sql:sanitize -y | in $(basename "$(readlink "$2/current")")" ]' - "$LOG" "$P/test"
check "  ... and the option files are gone" sh -c '! ls "$1"/workflow/tmp/*.cnf 2>/dev/null' - "$T/origin.git"
printf '<?php $databases = [];\n' >"$P/test/shared/web/sites/default/settings.local.php"
clone
check "drupal: a settings file that names no database: refused in one line, naming it and the key" \
	sh -c '[ "$1" != 0 ] && grep -q "settings.local.php does not name the database (\$databases\[.default.\]\[.default.\]\[.database.\])" "$2" &&
		[ ! -s "$3" ]' - "$rc" "$OUT" "$T/db.log"

sed -i 's/"drupal"/"magento"/' "$T/origin.git/workflow.conf"
mkdir -p "$P/live/shared/app/etc"
magento_env() { # ENV DB PASS HOST
	printf "<?php return [ 'db' => [ 'table_prefix' => 'm_', 'connection' => [ 'default' => [ 'host' => '%s',\n 'dbname' => '%s', 'username' => 'shop', 'password' => '%s', 'active' => '1' ] ] ] ];\n" \
		"$4" "$2" "$3" >"$P/$1/shared/app/etc/env.php"
}
magento_env live shop_live Mage-live-pw db.example:3308
magento_env test shop_test Mage-test-pw /run/mysqld/mysqld.sock
clone
check "magento: clone-db reads app/etc/env.php: Live's host and port, Test's socket" \
	sh -c '[ "$1" = 0 ] && grep -q "^mariadb-dump .* shop_live\$" "$2" && tr -d "\n" <"$2" | grep -q "password=\"Mage-live-pw\"  host=\"db.example\"  port=3308" &&
		grep -q "^  socket=\"/run/mysqld/mysqld.sock\"" "$2"' - "$rc" "$T/db.log"
cat >"$T/want" <<EOF
magento config:set web/unsecure/base_url https://test.example.org/ 
magento config:set web/secure/base_url https://test.example.org/ 
EOF
check "  ... then the base URLs made Test's url, in Test's release" sh -c 'cut -d"|" -f1 "$1" | diff -u "$2" - >&2' - "$LOG" "$T/want"
check "  ... then customers' e-mails scrubbed, with the table prefix" \
	sh -c 'grep -v "^  " "$1" | tail -1 | grep -qx "mariadb --defaults-extra-file=[^ ]* shop_test -e UPDATE m_customer_entity SET email = CONCAT(.customer-., entity_id, .@example.invalid.)"' - "$T/db.log"
# PostgreSQL: a service file and a password file, each mode 0600
for tool in pg_dump psql dropdb createdb; do
	cat >"$T/bin/$tool" <<EOF
#!/bin/sh
echo "$tool \$* | \$PGSERVICE \$PGDATABASE" >>"$T/db.log"
echo "  modes \$(stat -c %a "\$PGSERVICEFILE") \$(stat -c %a "\$PGPASSFILE")" >>"$T/db.log"
sed 's/^/  /' "\$PGSERVICEFILE" "\$PGPASSFILE" >>"$T/db.log"
[ "$tool" = pg_dump ] && echo "-- the dump"
[ "$tool" = psql ] && cat >/dev/null
exit 0
EOF
	chmod 755 "$T/bin/$tool"
done
sed -i 's/"magento"/"drupal"/; s/"mariadb"/"postgresql"/' "$T/origin.git/workflow.conf"
drupal_settings live drupal_live dlive 'Pg:live-pw' /run/postgresql ""
drupal_settings test drupal_test dtest Pg-test-pw 127.0.0.1 5433
clone
check "drupal on postgresql: each env's connection as a service file and a password file, both 0600" \
	sh -c '[ "$1" = 0 ] && tr -d "\n" <"$2" | grep -q "^pg_dump --no-owner --no-privileges --dbname drupal_live | live drupal_live  modes 600 600  \[live\]  host=/run/postgresql  user=dlive  \*:\*:\*:\*:Pg\\\\:live-pw" &&
		grep -q "^createdb drupal_test | test drupal_test" "$2" && grep -q "^  port=5433" "$2"' - "$rc" "$T/db.log"
check "  ... no password in an argv" sh -c '! grep -v "^  " "$1" | grep -q "pw"' - "$T/db.log"
check "  ... the files are gone after" sh -c '! ls "$1"/workflow/tmp/*.cnf 2>/dev/null' - "$T/origin.git"
done_testing
