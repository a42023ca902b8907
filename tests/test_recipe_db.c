/* What a recipe fills in the database (common/core/config_database.c,
 * recipe_*.c, db_conn.c; docs/recipes.md): the connection read from the
 * CMS's settings file unless the env's group gives it, the sanitize steps
 * unless it has its own, their commands and order; the fields the
 * recipe's PHP prints, the host as the CMSes write it, the option file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "database.h"
#include "recipe.h"
#include "util.h"
#include "config_fixture.h"

TestSuite(recipe_db, .fini = teardown);

static void load(const char *recipe, const char *db)
{
	char *text = xasprintf("live = { path = \"/tmp/wf-rdb/live\"; recipe = \"%s\"; };\n"
			       "test = { path = \"/tmp/wf-rdb/test\"; recipe = \"%s\"; url = \"https://test.example.org/\"; };\n"
			       "database = { %s };\n", recipe, recipe, db);
	int rc = wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err));

	free(text);
	cr_assert_eq(rc, 0, "unexpected error: %s", err);
}

/* steps[i] is named want[i] and runs argv[0..] joined */
static void steps(const struct wf_step *st, size_t n, const char *const *name, const char *const *run)
{
	size_t k = 0;

	for (; name[k]; k++) {
		struct sbuf sb = SBUF_INIT;
		cr_assert_lt(k, n, "step %zu missing: want %s", k, name[k]);
		cr_assert_str_eq(st[k].name, name[k]);
		for (size_t i = 0; i < st[k].run_len; i++)
			sbuf_addf(&sb, "%s%s", i ? " " : "", st[k].run[i]);
		if (run[k])
			cr_assert_str_eq(sb.buf, run[k], "step %s", name[k]);
		cr_assert_eq(st[k].shell, 0, "argv, never shell = true");
		cr_assert_gt(st[k].max_output, 0);
		sbuf_free(&sb);
	}
	cr_assert_eq(k, n, "%zu steps, want %zu", n, k);
}

Test(recipe_db, wordpress_fills_the_connection_and_sanitize)
{
	struct wf_db_target t;
	char **vars;

	load("wordpress", "engine = \"mariadb\";");
	cr_assert(cfg.database->live.set && cfg.database->test.set);
	cr_assert_eq(cfg.database->live.recipe, &wf_recipe_wordpress);
	cr_assert_null(cfg.database->live.name);
	cr_assert_null(cfg.database->live.options_file);
	cr_assert(cfg.database->live.snapshot);
	cr_assert_not(cfg.database->test.snapshot);
	cr_assert_eq(wf_db_target(&cfg, &cfg.test, &t, err, sizeof(err)), 0);
	cr_assert_str_eq(t.name, "");
	cr_assert_eq(t.recipe, &wf_recipe_wordpress);
	cr_assert_str_eq(t.path, "/tmp/wf-rdb/test");
	cr_assert_str_eq(wf_recipe_wordpress.db_files[0], "wp-config.php");
	cr_assert_str_eq(wf_recipe_wordpress.db_key, "DB_NAME");
	/* the file is read, never run: PHP's tokenizer, nothing loads WordPress */
	cr_assert_not_null(strstr(wf_recipe_wordpress.db_read, "token_get_all($s)"));
	cr_assert_null(strstr(wf_recipe_wordpress.db_read, "require"));
	steps(cfg.database->test.sanitize, cfg.database->test.n_sanitize,
	      (const char *const[]){ "wp-urls", "wp-emails", NULL }, (const char *const[]){ NULL, NULL });
	cr_assert_str_eq(cfg.database->test.sanitize[0].run[0], "php");
	cr_assert_not_null(strstr(cfg.database->test.sanitize[0].run[2], "getenv('WF_URL')"));
	cr_assert_not_null(strstr(cfg.database->test.sanitize[0].run[2], "update_option('siteurl', $u)"));
	cr_assert_not_null(strstr(cfg.database->test.sanitize[1].run[2], "CONCAT('user-', ID, '@example.invalid')"));
	/* the table prefix reaches the steps */
	snprintf(t.prefix, sizeof(t.prefix), "wp_");
	vars = wf_db_env_vars(&t);
	cr_assert_str_eq(vars[3], "WF_DB_PREFIX=wp_");
	wf_db_strv_free(vars);
}

Test(recipe_db, the_groups_own_keys_win)
{
	load("wordpress", "engine = \"mariadb\";\n"
	     "live = { name = \"site_live\"; options_file = \"/etc/site/live.cnf\"; };\n"
	     "test = { name = \"site_test\"; sanitize = ( ); };");
	/* both given: the recipe reads nothing; its sanitize all the same */
	cr_assert_null(cfg.database->live.recipe);
	cr_assert_str_eq(cfg.database->live.options_file, "/etc/site/live.cnf");
	cr_assert_eq(cfg.database->live.n_sanitize, 2);
	/* the name given, the connection from wp-config.php; sanitize = ( ) is none */
	cr_assert_eq(cfg.database->test.recipe, &wf_recipe_wordpress);
	cr_assert_str_eq(cfg.database->test.name, "site_test");
	cr_assert_eq(cfg.database->test.n_sanitize, 0);
}

Test(recipe_db, drupal_sanitize_is_drush)
{
	load("drupal", "engine = \"mysql\";");
	cr_assert_str_eq(wf_recipe_drupal.db_files[0], "web/sites/default/settings.local.php");
	cr_assert_str_eq(wf_recipe_drupal.db_files[1], "web/sites/default/settings.php");
	cr_assert_null(wf_recipe_drupal.db_files[2]);
	cr_assert_not_null(strstr(wf_recipe_drupal.db_read, "['default']['default']"));
	steps(cfg.database->test.sanitize, cfg.database->test.n_sanitize, (const char *const[]){ "sql-sanitize", NULL },
	      (const char *const[]){ "vendor/bin/drush sql:sanitize -y" });
	cr_assert_eq(cfg.database->test.sanitize[0].timeout, 900);
}

Test(recipe_db, magento_base_urls_then_emails)
{
	const struct wf_step *st;

	load("magento", "engine = \"mariadb\";");
	cr_assert_str_eq(wf_recipe_magento.db_files[0], "app/etc/env.php");
	cr_assert_not_null(strstr(wf_recipe_magento.db_read, "['db']['connection']['default']"));
	st = cfg.database->test.sanitize;
	steps(st, cfg.database->test.n_sanitize,
	      (const char *const[]){ "base-url", "secure-base-url", "customer-emails", NULL },
	      (const char *const[]){ NULL, NULL, NULL });
	/* a fixed script: the url comes in as $WF_URL, quoted, never spliced */
	for (int i = 0; i < 3; i++) {
		cr_assert_str_eq(st[i].run[0], "sh");
		cr_assert_str_eq(st[i].run[1], "-c");
		cr_assert_null(strstr(st[i].run[2], "example.org"));
	}
	cr_assert_not_null(strstr(st[0].run[2], "exec bin/magento config:set web/unsecure/base_url \"${WF_URL%/}/\""));
	cr_assert_not_null(strstr(st[1].run[2], "exec bin/magento config:set web/secure/base_url \"${WF_URL%/}/\""));
	cr_assert_not_null(strstr(st[2].run[2], "--defaults-extra-file=\"$WF_DB_OPTIONS_FILE\""));
	cr_assert_not_null(strstr(st[2].run[2], "UPDATE ${WF_DB_PREFIX}customer_entity SET email"));
}

Test(recipe_db, refusals)
{
	const char *pg = "live = { path = \"/tmp/wf-rdb/live\"; recipe = \"drupal\"; };\n"
			 "database = { engine = \"postgresql\"; };\n";
	const char *norecipe = "live = { path = \"/tmp/wf-rdb/live\"; };\n"
			       "database = { engine = \"mariadb\"; live = { name = \"l\"; }; };\n";

	/* PostgreSQL too: a service file and a password file are written */
	cr_assert_eq(wf_config_load_string(&cfg, pg, "t.conf", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cfg.database->live.recipe, &wf_recipe_drupal);
	cr_assert_str_eq(cfg.database->live.service, "live");
	wf_config_free(&cfg);
	cr_assert_eq(wf_config_load_string(&cfg, norecipe, "t.conf", err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "'database.live' needs options_file"), "%s", err);
	cr_assert_null(strstr(err, "recipe"), "%s", err);
	wf_config_free(&cfg);
	/* with hosts, the CMS's file is on the web servers */
	cr_assert_eq(wf_config_load_string(&cfg, "live = { path = \"/tmp/wf-rdb/live\"; recipe = \"wordpress\";\n"
					   "  hosts = ( { target = \"deploy@web1.example:/srv/live\"; } ); };\n"
					   "database = { engine = \"mariadb\"; };\n", "t.conf", err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "(with hosts, the CMS's file is on the web servers)"), "%s", err);
	wf_config_free(&cfg);
	/* without a recipe, an env with no group has no database */
	cr_assert_eq(wf_config_load_string(&cfg, "live = { path = \"/tmp/wf-rdb/live\"; };\n"
					   "database = { engine = \"mariadb\"; };\n", "t.conf", err, sizeof(err)), 0);
	cr_assert_not(cfg.database->live.set);
}

/* a branch env's connection stays the config's (its name makes it its
 * own, and it is dropped with the env); the recipe's sanitize is its */
Test(recipe_db, a_branch_env_takes_the_recipes_sanitize_only)
{
	const char *md = "multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wf-rdb/md\"; recipe = \"wordpress\"; };\n"
			 "database = { engine = \"mariadb\"; multidev = { name = \"wp_md_${WF_ENV}\"; %s }; };\n";
	char *text = xasprintf(md, "options_file = \"/etc/md.cnf\";");

	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), 0, "%s", err);
	free(text);
	cr_assert_null(cfg.database->multidev.recipe);
	cr_assert_eq(cfg.database->multidev.n_sanitize, 2);
	wf_config_free(&cfg);
	text = xasprintf(md, "");
	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), -1);
	free(text);
	cr_assert_not_null(strstr(err, "'database.multidev' needs options_file"), "%s", err);
}

static void conn(const char *host, const char *port, const char *want_host, const char *want_port,
		 const char *want_socket)
{
	struct sbuf sb = SBUF_INIT;
	struct wf_db_conn c;

	sbuf_addf(&sb, "db%cu%cpw%c%s%c%s%cwp_%c", 0, 0, 0, host, 0, port, 0, 0);
	cr_assert_eq(wf_db_conn_parse(sb.buf, sb.len, &c), 0);
	cr_assert_str_eq(c.name, "db");
	cr_assert_str_eq(c.prefix, "wp_");
#define EQ(a, b) ((b) ? (a) && !strcmp((a), (b)) : !(a))
	cr_assert(EQ(c.host, want_host), "%s: host %s", host, c.host);
	cr_assert(EQ(c.port, want_port), "%s: port %s", host, c.port);
	cr_assert(EQ(c.socket, want_socket), "%s: socket %s", host, c.socket);
	wf_db_conn_free(&c);
	sbuf_free(&sb);
}

Test(recipe_db, hosts_as_the_cmses_write_them)
{
	conn("127.0.0.1:3307", "", "127.0.0.1", "3307", NULL);
	conn("db.example", "", "db.example", NULL, NULL);
	conn("localhost:/run/mysqld/mysqld.sock", "", "localhost", NULL, "/run/mysqld/mysqld.sock");
	conn("/run/mysqld/mysqld.sock", "", NULL, NULL, "/run/mysqld/mysqld.sock");
	conn("[::1]:3308", "", "::1", "3308", NULL);
	conn("", "", "localhost", NULL, NULL);
	/* Drupal's port, apart, wins */
	conn("db", "3309", "db", "3309", NULL);
}

Test(recipe_db, what_php_printed_must_be_six_fields)
{
	struct wf_db_conn c;

	cr_assert_eq(wf_db_conn_parse("a\0b\0c\0", 6, &c), -1);
	cr_assert_eq(wf_db_conn_parse("a\0b\0c\0d\0e\0f\0g", 13, &c), -1);
	cr_assert_eq(wf_db_conn_parse("", 0, &c), -1);
}

Test(recipe_db, postgresql_service_and_password_files)
{
	struct wf_db_conn c = { 0 };
	char *text;

	c.user = xstrdup("drupal");
	c.password = xstrdup("a:b\\c#d");
	c.host = xstrdup("127.0.0.1");
	c.port = xstrdup("5433");
	text = wf_db_conn_pgservice(&c, "test", err, sizeof(err));
	cr_assert_str_eq(text, "[test]\nhost=127.0.0.1\nport=5433\nuser=drupal\n");
	free(text);
	/* the password only in the password file, ':' and '\\' escaped */
	text = wf_db_conn_pgpass(&c, err, sizeof(err));
	cr_assert_str_eq(text, "*:*:*:*:a\\:b\\\\c#d\n");
	free(text);
	free(c.host);
	c.host = NULL;
	c.socket = xstrdup("/run/postgresql");
	free(c.port);
	c.port = NULL;
	text = wf_db_conn_pgservice(&c, "live", err, sizeof(err));
	cr_assert_str_eq(text, "[live]\nhost=/run/postgresql\nuser=drupal\n");
	free(text);
	free(c.password);
	c.password = xstrdup("x\ny");
	cr_assert_null(wf_db_conn_pgpass(&c, err, sizeof(err)));
	cr_assert_str_eq(err, "its password has a line break, which a connection file cannot hold");
	wf_db_conn_free(&c);
}

Test(recipe_db, option_file)
{
	struct wf_db_conn c = { 0 };
	char *text;

	c.user = xstrdup("wp");
	c.password = xstrdup("a\"b#c\\d");
	c.host = xstrdup("127.0.0.1");
	c.port = xstrdup("3307");
	text = wf_db_conn_cnf(&c, err, sizeof(err));
	cr_assert_str_eq(text, "[client]\nuser=\"wp\"\npassword=\"a\\\"b#c\\\\d\"\nhost=\"127.0.0.1\"\nport=3307\n");
	free(text);
	free(c.password);
	c.password = xstrdup("two\nlines");
	cr_assert_null(wf_db_conn_cnf(&c, err, sizeof(err)));
	cr_assert_str_eq(err, "its password has a line break, which a MySQL option file cannot hold");
	free(c.password);
	c.password = NULL;
	free(c.port);
	c.port = xstrdup("33x");
	cr_assert_null(wf_db_conn_cnf(&c, err, sizeof(err)));
	cr_assert_str_eq(err, "its port '33x' is not a number");
	wf_db_conn_free(&c);
}
