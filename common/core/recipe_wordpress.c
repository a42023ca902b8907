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
};
