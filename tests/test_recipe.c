/* Recipes (common/core/recipe*.c, config_recipe.c): what each fills, in
 * which order, and that an env's own keys win. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "recipe.h"
#include "util.h"
#include "config_fixture.h"

static void load_err(const char *text, const char *want)
{
	load_refused(text);
	cr_assert_str_eq(err, want);
	wf_config_free(&cfg);
}

/* steps[i] runs argv want (space-joined), in that order, and nothing more */
static void argvs(const struct wf_step *st, size_t n, const char *const *want)
{
	size_t k = 0;

	for (; want[k]; k++) {
		struct sbuf sb = SBUF_INIT;
		cr_assert_lt(k, n, "step %zu missing: want '%s'", k, want[k]);
		for (size_t i = 0; i < st[k].run_len; i++)
			sbuf_addf(&sb, "%s%s", i ? " " : "", st[k].run[i]);
		cr_assert_str_eq(sb.buf, want[k], "step %zu (%s)", k, st[k].name);
		cr_assert_null(st[k].run[st[k].run_len]);
		cr_assert_eq(st[k].shell, 0, "a recipe's steps are argv, no shell");
		sbuf_free(&sb);
	}
	cr_assert_eq(k, n, "%zu steps, want %zu", n, k);
}

static void names(const struct wf_step *st, size_t n, const char *const *want)
{
	size_t k = 0;
	for (; want[k]; k++) {
		cr_assert_lt(k, n);
		cr_assert_str_eq(st[k].name, want[k]);
	}
	cr_assert_eq(k, n);
}

TestSuite(recipe, .fini = teardown);

Test(recipe, drupal_commands_and_order)
{
	const struct wf_release_conf *r;

	load_ok("live = { path = \"/tmp/wf-recipe/live\"; recipe = \"drupal\"; maintenance = true;\n"
		"  url = \"https://www.example.org/\"; };\n");
	r = &cfg.live.rel;
	cr_assert_str_eq(r->recipe, "drupal");
	cr_assert_eq(r->n_shared, 3);
	cr_assert_eq(r->n_shared_files, 1);
	cr_assert_str_eq(r->shared[0], "web/sites/default/files");
	cr_assert_str_eq(r->shared[1], "private");
	cr_assert_str_eq(r->shared[2], "web/sites/default/settings.local.php");
	argvs(r->build, r->n_build,
	      (const char *const[]){ "composer install --no-dev --optimize-autoloader --no-interaction", NULL });
	argvs(cfg.live.steps, cfg.live.n_steps,
	      (const char *const[]){ "vendor/bin/drush updatedb -y", "vendor/bin/drush config:import -y",
				     "vendor/bin/drush cache:rebuild", NULL });
	names(cfg.live.steps, cfg.live.n_steps, (const char *const[]){ "updatedb", "config-import", "cache-rebuild", NULL });
	argvs(r->maint_on, r->n_maint_on,
	      (const char *const[]){ "vendor/bin/drush state:set system.maintenance_mode 1 --input-format=integer",
				     "vendor/bin/drush cache:rebuild", NULL });
	argvs(r->maint_off, r->n_maint_off,
	      (const char *const[]){ "vendor/bin/drush state:set system.maintenance_mode 0 --input-format=integer",
				     "vendor/bin/drush cache:rebuild", NULL });
	cr_assert_eq(r->n_checks, 1);
	cr_assert_str_eq(r->checks[0].url, "https://www.example.org/");
	cr_assert_str_eq(r->checks[0].method, "GET");
	/* what the config gives every step: the output limit */
	cr_assert_gt(cfg.live.steps[0].max_output, 0);
	cr_assert_gt(r->maint_on[0].max_output, 0);
}

Test(recipe, magento_commands_and_order)
{
	const struct wf_release_conf *r;

	load_ok("test = { path = \"/tmp/wf-recipe/test\"; recipe = \"magento\"; maintenance = true; };\n");
	r = &cfg.test.rel;
	argvs(r->build, r->n_build,
	      (const char *const[]){ "composer install --no-dev --no-interaction", "bin/magento setup:di:compile",
				     "bin/magento setup:static-content:deploy -f", NULL });
	argvs(cfg.test.steps, cfg.test.n_steps,
	      (const char *const[]){ "bin/magento setup:upgrade --keep-generated", "bin/magento cache:flush", NULL });
	argvs(r->maint_on, r->n_maint_on, (const char *const[]){ "bin/magento maintenance:enable", NULL });
	argvs(r->maint_off, r->n_maint_off, (const char *const[]){ "bin/magento maintenance:disable", NULL });
	cr_assert_str_eq(r->shared[0], "pub/media");
	cr_assert_str_eq(r->shared[r->n_shared - 1], "app/etc/env.php");
	cr_assert_eq(r->n_shared_files, 1);
	/* no url: no check */
	cr_assert_eq(r->n_checks, 0);
}

Test(recipe, wordpress_is_php_cli_only)
{
	const struct wf_release_conf *r;

	load_ok("dev = { path = \"/tmp/wf-recipe/dev\"; recipe = \"wordpress\"; maintenance = true; };\n");
	r = &cfg.dev.rel;
	cr_assert_eq(r->n_build, 0);
	names(cfg.dev.steps, cfg.dev.n_steps, (const char *const[]){ "db-upgrade", "cache-flush", NULL });
	for (size_t i = 0; i < cfg.dev.n_steps; i++) {
		cr_assert_str_eq(cfg.dev.steps[i].run[0], "php");
		cr_assert_str_eq(cfg.dev.steps[i].run[1], "-r");
		cr_assert_not_null(strstr(cfg.dev.steps[i].run[2], "require './wp-load.php'"));
	}
	cr_assert_not_null(strstr(cfg.dev.steps[0].run[2], "wp_upgrade()"));
	/* .maintenance written beside and renamed: never a file another release shares */
	cr_assert_not_null(strstr(r->maint_on[0].run[2], "rename($t, '.maintenance')"));
	cr_assert_not_null(strstr(r->maint_off[0].run[2], "unlink('.maintenance')"));
	cr_assert_str_eq(r->shared[0], "wp-content/uploads");
	cr_assert_str_eq(r->shared[1], "wp-config.php");
}

Test(recipe, the_envs_own_keys_win)
{
	const struct wf_release_conf *r;

	load_ok("live = { path = \"/tmp/wf-recipe/live\"; recipe = \"wordpress\";\n"
		"  shared_files = [ \"wp-env.php\" ];\n"
		"  steps = ( { name = \"mine\"; run = [ \"true\" ]; } );\n"
		"  maintenance = { on = [ \"touch\", \"m\" ]; off = [ \"rm\", \"-f\", \"m\" ]; }; };\n"
		"multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wf-recipe/md\"; recipe = \"drupal\";\n"
		"  build = ( ); };\n");
	r = &cfg.live.rel;
	/* shared from the recipe, shared_files the env's */
	cr_assert_eq(r->n_shared, 2);
	cr_assert_str_eq(r->shared[0], "wp-content/uploads");
	cr_assert_str_eq(r->shared[1], "wp-env.php");
	cr_assert_eq(r->n_shared_files, 1);
	names(cfg.live.steps, cfg.live.n_steps, (const char *const[]){ "mine", NULL });
	argvs(r->maint_on, r->n_maint_on, (const char *const[]){ "touch m", NULL });
	argvs(r->maint_off, r->n_maint_off, (const char *const[]){ "rm -f m", NULL });
	names(r->maint_on, r->n_maint_on, (const char *const[]){ "maintenance-on", NULL });
	/* a branch env takes the recipe too; its empty build stays empty */
	cr_assert_eq(cfg.multidev.rel.n_shared, 3);
	cr_assert_eq(cfg.multidev.rel.n_shared_files, 1);
	cr_assert_eq(cfg.multidev.rel.n_build, 0);
	cr_assert_eq(cfg.multidev.n_steps, 3);
	/* without maintenance = true, no maintenance */
	cr_assert_eq(cfg.multidev.rel.n_maint_on, 0);
}

/* a template may name the recipe's shared file (docs/content.md) */
Test(recipe, a_template_for_the_recipes_shared_file)
{
	load_ok("multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wf-recipe/md\"; recipe = \"wordpress\";\n"
		"  templates = ( { file = \"wp-config.php\"; source = \"/etc/workflow/wp-config.php.in\"; } ); };\n");
	cr_assert_eq(cfg.multidev.rel.n_templates, 1);
	cr_assert_str_eq(cfg.multidev.rel.shared[cfg.multidev.rel.n_shared - 1], "wp-config.php");
}

Test(recipe, maintenance_as_steps)
{
	load_ok("test = { maintenance = { on = ( { name = \"lb-drain\"; url = \"http://lb.example/drain\"; },\n"
		"                            { name = \"flag\"; run = [ \"touch\", \"flag\" ]; } );\n"
		"  off = [ \"rm\", \"flag\" ]; };\n"
		"  steps = ( { name = \"s\"; run = [ \"true\" ]; } ); };\n");
	names(cfg.test.rel.maint_on, cfg.test.rel.n_maint_on, (const char *const[]){ "lb-drain", "flag", NULL });
	cr_assert_str_eq(cfg.test.rel.maint_on[0].method, "POST");
}

Test(recipe, bad_config)
{
	load_err("test = { path = \"/tmp/wf-recipe/t\"; recipe = \"joomla\"; };\n",
		 "t.conf:1: 'test.recipe' must be one of \"drupal\", \"magento\", \"wordpress\", not 'joomla'");
	load_err("test = { recipe = \"drupal\"; };\n",
		 "t.conf:1: 'test.recipe' needs 'test.path' (what a recipe fills, shared paths, build and checks, is "
		 "a release's)");
	load_err("test = { maintenance = true; };\n",
		 "t.conf:1: 'test.maintenance = true' takes the recipe's commands: set 'test.recipe', or give them: "
		 "maintenance = { on = [ ... ]; off = [ ... ]; }");
	load_err("test = { maintenance = { on = [ \"a\" ]; }; };\n",
		 "t.conf:1: 'test.maintenance' needs 'on' and 'off', the commands that turn maintenance mode on and "
		 "off (argv: [ \"bin/magento\", \"maintenance:enable\" ])");
	load_err("test = { maintenance = { on = [ \"a\" ]; off = [ \"b\" ]; of = 1; }; };\n",
		 "t.conf:1: unknown key 'of' in test.maintenance (known: on, off)");
	load_err("test = { maintenance = \"yes\"; };\n",
		 "t.conf:1: 'test.maintenance' must be true, false or { on = [ ... ]; off = [ ... ]; }");
	load_err("test = { path = \"/tmp/wf-recipe/t\"; url = \"https://x/\"; };\n",
		 "t.conf:1: 'test.url' is the address a recipe checks: set 'test.recipe', or write the check in "
		 "'test.checks'");
	load_err("test = { path = \"/tmp/wf-recipe/t\"; recipe = \"wordpress\"; url = \"ftp://x/\"; };\n",
		 "t.conf:1: 'test.url' must be an http:// or https:// URL, not 'ftp://x/'");
	load_err("test = { path = \"/tmp/wf-recipe/t\"; recipe = \"wordpress\";\n  shared = [ \"wp-config.php\" ]; };\n",
		 "t.conf:2: 'test.shared' entry 'wp-config.php' overlaps 'wp-config.php' of recipe \"wordpress\": "
		 "set both shared and shared_files");
}

Test(recipe, lookup)
{
	cr_assert_eq(wf_recipe_find("drupal"), &wf_recipe_drupal);
	cr_assert_eq(wf_recipe_find("magento"), &wf_recipe_magento);
	cr_assert_eq(wf_recipe_find("wordpress"), &wf_recipe_wordpress);
	cr_assert_null(wf_recipe_find("Drupal"));
	cr_assert_null(wf_recipe_find(NULL));
}
