/* recipe = "magento" (Magento 2 / Adobe Commerce; docs/cms-magento.md).
 * The code is compiled and the static files made per release, in the
 * build; after the switch only the database is upgraded, keeping what the
 * build generated. */
#include "recipe.h"

#include <stddef.h>

#define MAGENTO "bin/magento"

/* the shop's uploads and the state that outlives a release (as Deployer's
 * magento2 recipe); var/cache, generated/ and pub/static are per release */
static const char *const shared[] = { "pub/media", "pub/sitemap", "var/backups", "var/export", "var/import",
				      "var/importexport", "var/log", "var/report", "var/session", "var/tmp", NULL };
/* the credentials and the crypt key */
static const char *const shared_files[] = { "app/etc/env.php", NULL };

static const struct wf_recipe_step build[] = {
	{ "composer", (const char *const[]){ "composer", "install", "--no-dev", "--no-interaction", NULL }, 1200 },
	{ "di-compile", (const char *const[]){ MAGENTO, "setup:di:compile", NULL }, 1800 },
	{ "static-content", (const char *const[]){ MAGENTO, "setup:static-content:deploy", "-f", NULL }, 1800 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step steps[] = {
	{ "setup-upgrade", (const char *const[]){ MAGENTO, "setup:upgrade", "--keep-generated", NULL }, 1800 },
	{ "cache-flush", (const char *const[]){ MAGENTO, "cache:flush", NULL }, 0 },
	{ NULL, NULL, 0 },
};

/* var/.maintenance.flag in the release that is switched to */
static const struct wf_recipe_step maint_on[] = {
	{ "maintenance-on", (const char *const[]){ MAGENTO, "maintenance:enable", NULL }, 0 },
	{ NULL, NULL, 0 },
};

static const struct wf_recipe_step maint_off[] = {
	{ "maintenance-off", (const char *const[]){ MAGENTO, "maintenance:disable", NULL }, 0 },
	{ NULL, NULL, 0 },
};

/* app/etc/env.php returns an array: db.connection.default */
static const char db_read[] =
	"ob_start(); $e = include $argv[1]; ob_end_clean(); $c = $e['db']['connection']['default'] ?? [];"
	" foreach (['dbname', 'username', 'password', 'host', 'port'] as $k)"
	" echo is_scalar($c[$k] ?? '') ? ($c[$k] ?? '') : '', \"\\0\";"
	" echo is_scalar($e['db']['table_prefix'] ?? '') ? ($e['db']['table_prefix'] ?? '') : '', \"\\0\";";
static const char *const db_files[] = { "app/etc/env.php", NULL };

/* The base URLs made the env's own: WF_URL (its `url`) reaches
 * bin/magento as an argument through the environment, the script fixed
 * here; then customers' e-mails scrubbed (WF_DB_PREFIX is A-Z a-z 0-9 _,
 * checked). */
#define BASE_URL(which)                                                                                   \
	"[ -n \"$WF_URL\" ] || { echo \"no url for $WF_ENV: " which " is left as copied\"; exit 0; };"          \
	" exec bin/magento config:set " which " \"${WF_URL%/}/\""
static const struct wf_recipe_step sanitize[] = {
	{ "base-url", (const char *const[]){ "sh", "-c", BASE_URL("web/unsecure/base_url"), NULL }, 0 },
	{ "secure-base-url", (const char *const[]){ "sh", "-c", BASE_URL("web/secure/base_url"), NULL }, 0 },
	{ "customer-emails",
	  (const char *const[]){ "sh", "-c",
				 "c=mysql; [ \"$WF_DB_ENGINE\" = mariadb ] && c=mariadb;"
				 " exec \"$c\" --defaults-extra-file=\"$WF_DB_OPTIONS_FILE\" \"$WF_DB_NAME\" -e"
				 " \"UPDATE ${WF_DB_PREFIX}customer_entity SET email = CONCAT('customer-', entity_id,"
				 " '@example.invalid')\"",
				 NULL },
	  0 },
	{ NULL, NULL, 0 },
};

const struct wf_recipe wf_recipe_magento = {
	.name = "magento",
	.shared = shared,
	.shared_files = shared_files,
	.build = build,
	.steps = steps,
	.maint_on = maint_on,
	.maint_off = maint_off,
	.check_timeout = 60,
	.db_files = db_files,
	.db_key = "db.connection.default.dbname",
	.db_read = db_read,
	.sanitize = sanitize,
};
