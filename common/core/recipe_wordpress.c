/* recipe = "wordpress" (docs/cms-wordpress.md).  Debian has no wp-cli:
 * the steps are PHP CLI alone (php -r, code fixed here, nothing pushed),
 * each loading WordPress from the release with WP_INSTALLING set, as
 * wp-admin/upgrade.php does (no plugins; past a .maintenance file).  A
 * WordPress that could not load (its database down: WordPress says so and
 * exits 0) fails the step all the same. */
#include "recipe.h"

#include <stddef.h>

#define WP_LOAD                                                                                              \
	"define('WP_INSTALLING', true); $ok = false;"                                                        \
	" register_shutdown_function(function () use (&$ok) { if (!$ok) {"                                    \
	" fwrite(STDERR, \"workflow: WordPress did not load from \" . getcwd() . \" (see above)\\n\"); exit(1); } });" \
	" require './wp-load.php';"

static const char *const shared[] = { "wp-content/uploads", NULL };
static const char *const shared_files[] = { "wp-config.php", NULL };

/* wp_upgrade(), what /wp-admin/upgrade.php runs: nothing when the
 * database is at the code's version or WordPress is not installed yet */
static const char db_upgrade[] =
	WP_LOAD
	" if (!is_blog_installed()) { $ok = true; echo \"WordPress is not installed yet: no database upgrade\\n\"; return; }"
	" require_once ABSPATH . 'wp-admin/includes/upgrade.php';"
	" $from = get_option('db_version'); wp_upgrade(); $ok = true;"
	" if ((int) get_option('db_version') !== (int) $wp_db_version) {"
	" fwrite(STDERR, \"the database is at version \" . get_option('db_version') . \", not $wp_db_version\\n\"); exit(1); }"
	" echo \"database version $from, now \" . get_option('db_version') . \"\\n\";";

static const char cache_flush[] =
	WP_LOAD " $ok = true; echo wp_cache_flush() ? \"object cache flushed\\n\" : \"object cache NOT flushed\\n\";";

/* .maintenance in the release switched to (ABSPATH, the served root):
 * written beside and renamed, a new name in that release only, never
 * a file another release shares (release files are links to one copy).
 * Its time is when it was made: WordPress ends a maintenance older than
 * 10 minutes by itself, should the deploy never say "off". */
static const char maint_on_php[] =
	"$t = '.maintenance.wf-tmp';"
	" if (file_put_contents($t, '<?php $upgrading = ' . time() . \";\\n\") === false || !rename($t, '.maintenance')) exit(1);"
	" echo getcwd() . \"/.maintenance written: WordPress answers 503 (maintenance)\\n\";";

static const char maint_off_php[] =
	"if (file_exists('.maintenance') && !unlink('.maintenance')) exit(1);"
	" echo getcwd() . \"/.maintenance removed\\n\";";

/* wp-config.php is read, never run (it loads WordPress at its end): its
 * define('DB_...', 'literal') calls and $table_prefix, from PHP's own
 * tokenizer; a value that is no literal (getenv(...)) is not read. */
static const char db_read[] =
	"$s = @file_get_contents($argv[1]); if ($s === false) exit(2);"
	" $t = array_values(array_filter(token_get_all($s), function ($x) {"
	" return !is_array($x) || !in_array($x[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT]); }));"
	" $str = function ($x) { if (!is_array($x) || $x[0] !== T_CONSTANT_ENCAPSED_STRING) return null;"
	" $v = substr($x[1], 1, -1);"
	" return $x[1][0] === \"'\" ? strtr($v, ['\\\\\\\\' => '\\\\', \"\\\\'\" => \"'\"]) : stripcslashes($v); };"
	" $d = []; $p = 'wp_';"
	" for ($i = 0; $i + 4 < count($t); $i++) {"
	" if (is_array($t[$i]) && $t[$i][0] === T_STRING && strtolower($t[$i][1]) === 'define' && $t[$i + 1] === '('"
	" && ($k = $str($t[$i + 2])) !== null && $t[$i + 3] === ',' && ($v = $str($t[$i + 4])) !== null) $d[$k] = $v;"
	" if (is_array($t[$i]) && $t[$i][0] === T_VARIABLE && $t[$i][1] === '$table_prefix' && $t[$i + 1] === '='"
	" && ($v = $str($t[$i + 2])) !== null) $p = $v; }"
	" foreach (['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_HOST'] as $k) echo $d[$k] ?? '', \"\\0\";"
	" echo \"\\0\", $p, \"\\0\";";
static const char *const db_files[] = { "wp-config.php", NULL };

/* After a copy from another env (Live's database into Test's): its
 * addresses made the env's own (WF_URL, its `url`), users' e-mails
 * scrubbed.  Through WordPress's own $wpdb, in the env's current release. */
static const char san_urls[] =
	WP_LOAD " $ok = true; $u = rtrim((string) getenv('WF_URL'), '/');"
	" if ($u === '') { echo \"no url for this env: siteurl and home are left as copied\\n\"; return; }"
	" update_option('siteurl', $u); update_option('home', $u); echo \"siteurl and home: $u\\n\";";
static const char san_emails[] =
	WP_LOAD " $ok = true;"
	" $n = $wpdb->query(\"UPDATE $wpdb->users SET user_email = CONCAT('user-', ID, '@example.invalid')\");"
	" if ($n === false) exit(1); echo \"$n users' e-mails made user-ID@example.invalid\\n\";";

static const struct wf_recipe_step sanitize[] = {
	{ "wp-urls", (const char *const[]){ "php", "-r", san_urls, NULL }, 0 },
	{ "wp-emails", (const char *const[]){ "php", "-r", san_emails, NULL }, 0 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step steps[] = {
	{ "db-upgrade", (const char *const[]){ "php", "-r", db_upgrade, NULL }, 900 },
	{ "cache-flush", (const char *const[]){ "php", "-r", cache_flush, NULL }, 0 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step build[] = { { NULL, NULL, 0 } };

static const struct wf_recipe_step maint_on[] = {
	{ "maintenance-on", (const char *const[]){ "php", "-r", maint_on_php, NULL }, 0 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step maint_off[] = {
	{ "maintenance-off", (const char *const[]){ "php", "-r", maint_off_php, NULL }, 0 },
	{ NULL, NULL, 0 },
};

const struct wf_recipe wf_recipe_wordpress = {
	.name = "wordpress",
	.shared = shared,
	.shared_files = shared_files,
	.build = build,
	.steps = steps,
	.maint_on = maint_on,
	.maint_off = maint_off,
	.check_timeout = 30,
	.db_files = db_files,
	.db_key = "DB_NAME",
	.db_read = db_read,
	.sanitize = sanitize,
};
