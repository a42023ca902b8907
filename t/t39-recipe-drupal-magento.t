#!/bin/sh
# recipe = "drupal" and "magento" through real pushes (issue 25, point 4):
# the recipe's commands run in the release, in their order, maintenance on
# before the switch and off after the steps, and off again after a failed
# step and the switch back.  drush and bin/magento are stand-ins committed
# with the site that log what they are asked (no Drupal or Magento here;
# their build, composer, is set to none by the env's own key).
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
done_testing
