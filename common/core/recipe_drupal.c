/* recipe = "drupal" (Drupal 9, 10, 11 with composer and drush as a
 * composer dependency, vendor/bin/drush; docs/cms-drupal.md). */
#include "recipe.h"

#include <stddef.h>

#define DRUSH "vendor/bin/drush"

static const char *const shared[] = { "web/sites/default/files", "private", NULL };
/* settings.php (tracked) includes it: the database credentials live on
 * the server only */
static const char *const shared_files[] = { "web/sites/default/settings.local.php", NULL };

static const struct wf_recipe_step build[] = {
	{ "composer",
	  (const char *const[]){ "composer", "install", "--no-dev", "--optimize-autoloader", "--no-interaction", NULL },
	  900 },
	{ NULL, NULL, 0 },
};

/* what `drush deploy` does, as steps of their own in the record */
static const struct wf_recipe_step steps[] = {
	{ "updatedb", (const char *const[]){ DRUSH, "updatedb", "-y", NULL }, 900 },
	{ "config-import", (const char *const[]){ DRUSH, "config:import", "-y", NULL }, 900 },
	{ "cache-rebuild", (const char *const[]){ DRUSH, "cache:rebuild", NULL }, 0 },
	{ NULL, NULL, 0 },
};

/* the state is in the database, for every release; the cache rebuild
 * stops the page cache answering with pages made before */
static const struct wf_recipe_step maint_on[] = {
	{ "maintenance-on",
	  (const char *const[]){ DRUSH, "state:set", "system.maintenance_mode", "1", "--input-format=integer", NULL }, 0 },
	{ "maintenance-on-cache", (const char *const[]){ DRUSH, "cache:rebuild", NULL }, 0 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step maint_off[] = {
	{ "maintenance-off",
	  (const char *const[]){ DRUSH, "state:set", "system.maintenance_mode", "0", "--input-format=integer", NULL }, 0 },
	{ "maintenance-off-cache", (const char *const[]){ DRUSH, "cache:rebuild", NULL }, 0 },
	{ NULL, NULL, 0 },
};

/* The settings file is PHP that only assigns ($databases, $settings):
 * it is run, in a function, its output dropped; the site's connection is
 * $databases['default']['default']. */
static const char db_read[] =
	"function wf_read($f) { $app_root = dirname($f, 4); $site_path = 'sites/default';"
	" $databases = []; $settings = []; $config = []; ob_start(); include $f; ob_end_clean(); return $databases; }"
	" $c = wf_read($argv[1])['default']['default'] ?? [];"
	" foreach (['database', 'username', 'password', 'host', 'port', 'prefix'] as $k)"
	" echo is_scalar($c[$k] ?? '') ? ($c[$k] ?? '') : '', \"\\0\";";
/* the recipe's shared file, else a settings.php the env shares itself */
static const char *const db_files[] = { "web/sites/default/settings.local.php", "web/sites/default/settings.php",
					NULL };

/* drush's own: users' e-mails and passwords scrubbed (and what modules
 * add), in the env's current release */
static const struct wf_recipe_step sanitize[] = {
	{ "sql-sanitize", (const char *const[]){ DRUSH, "sql:sanitize", "-y", NULL }, 900 },
	{ NULL, NULL, 0 },
};

const struct wf_recipe wf_recipe_drupal = {
	.name = "drupal",
	.shared = shared,
	.shared_files = shared_files,
	.build = build,
	.steps = steps,
	.maint_on = maint_on,
	.maint_off = maint_off,
	.check_timeout = 30,
	.db_files = db_files,
	.db_key = "$databases['default']['default']['database']",
	.db_read = db_read,
	.sanitize = sanitize,
};
