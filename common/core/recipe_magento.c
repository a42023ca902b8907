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

const struct wf_recipe wf_recipe_magento = {
	.name = "magento",
	.shared = shared,
	.shared_files = shared_files,
	.build = build,
	.steps = steps,
	.maint_on = maint_on,
	.maint_off = maint_off,
	.check_timeout = 60,
};
