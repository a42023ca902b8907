/* The database group and the client tools' argv (common/core/database.c,
 * config_database.c): what is refused, each env's database name, and that
 * no argv ever carries more than file names and the database's name. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "database.h"
#include "multidev.h"
#include "util.h"
#include "config_fixture.h"

TestSuite(database, .fini = teardown);

#define ENVS "live = { path = \"/tmp/wf-db-unit/live\"; }; test = { path = \"/tmp/wf-db-unit/test\"; };\n" \
	     "multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wf-db-unit/md\"; };\n"
#define MY "options_file = \"/etc/site/my.cnf\";"

static void load(const char *db)
{
	char *text = xasprintf(ENVS "%s", db);
	int rc = wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err));

	free(text);
	cr_assert_eq(rc, 0, "unexpected error: %s", err);
}

static void load_err(const char *db, const char *want)
{
	char *text = xasprintf(ENVS "%s", db);
	int rc = wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err));

	free(text);
	cr_assert_eq(rc, -1, "loaded, expected: %s", want);
	cr_assert(strstr(err, want), "got '%s', expected '%s'", err, want);
}

static char *joined(char **v)
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 0; v[i]; i++)
		sbuf_addf(&sb, "%s%s", i ? " " : "", v[i]);
	wf_db_strv_free(v);
	return sbuf_detach(&sb);
}

Test(database, none_without_the_group)
{
	struct wf_db_target t;

	load("");
	cr_assert_null(cfg.database);
	cr_assert_eq(wf_db_target(&cfg, &cfg.live, &t, err, sizeof(err)), 1);
}

Test(database, refusals)
{
	load_err("database = { live = { name = \"x\"; " MY " }; };", "'database.engine' must be \"mysql\", \"mariadb\" or \"postgresql\"");
	load_err("database = { engine = \"oracle\"; };", "not 'oracle'");
	load_err("database = { engine = \"mysql\"; live = { " MY " }; };", "t.conf:3: 'database.live' needs a name");
	load_err("database = { engine = \"mysql\"; live = { name = \"site_live\"; }; };", "needs options_file");
	load_err("database = { engine = \"mysql\"; live = { name = \"site_live\"; options_file = \"my.cnf\"; }; };",
		 "'database.live.options_file' must be an absolute path");
	load_err("database = { engine = \"mysql\"; live = { name = \"site-live\"; " MY " }; };",
		 "'database.live.name' may only have A-Z a-z 0-9 _");
	load_err("database = { engine = \"mysql\"; live = { name = \"x; DROP\"; " MY " }; };", "may only have");
	load_err("database = { engine = \"mysql\"; multidev = { name = \"site_md\"; " MY " }; };",
		 "'database.multidev.name' must have ${WF_ENV} in it once");
	load_err("database = { engine = \"mysql\"; multidev = { name = \"a_${WF_ENV}_${WF_ENV_ID}\"; " MY " }; };",
		 "in it once");
	load_err("database = { engine = \"mysql\"; live = { name = \"x\"; password = \"p\"; " MY " }; };",
		 "unknown key 'password' in database.live");
	load_err("database = { engine = \"mysql\"; dev = { name = \"x\"; snapshot = true; " MY " }; };",
		 "'database.dev.snapshot' needs 'dev.path'");
}

Test(database, live_snapshots_by_default)
{
	load("database = { engine = \"mariadb\"; live = { name = \"site_live\"; " MY " };"
	     " test = { name = \"site_test\"; " MY " }; };");
	cr_assert_eq(cfg.database->live.snapshot, 1);
	cr_assert_eq(cfg.database->test.snapshot, 0);
	cr_assert_eq(cfg.database->timeout, WF_DB_TIMEOUT_DEFAULT);
}

Test(database, mariadb_argv)
{
	struct wf_db_target t;
	char *a;

	load("database = { engine = \"mariadb\"; live = { name = \"site_live\"; " MY " }; };");
	cr_assert_eq(wf_db_target(&cfg, &cfg.live, &t, err, sizeof(err)), 0, "%s", err);
	a = joined(wf_db_argv(&t, WF_DB_DUMP));
	cr_assert_str_eq(a, "mariadb-dump --defaults-extra-file=/etc/site/my.cnf --single-transaction --no-tablespaces "
			    "--triggers --routines site_live");
	free(a);
	a = joined(wf_db_argv(&t, WF_DB_DROP));
	cr_assert_str_eq(a, "mariadb --defaults-extra-file=/etc/site/my.cnf -e DROP DATABASE IF EXISTS `site_live`");
	free(a);
	a = joined(wf_db_argv(&t, WF_DB_LOAD));
	cr_assert_str_eq(a, "mariadb --defaults-extra-file=/etc/site/my.cnf site_live");
	free(a);
}

Test(database, postgresql_service_in_the_environment)
{
	struct wf_db_target t;
	char *a;

	load("database = { engine = \"postgresql\"; live = { name = \"site_live\"; options_file = \"/etc/pg_service.conf\";"
	     " passfile = \"/etc/site.pgpass\"; }; };");
	cr_assert_eq(wf_db_target(&cfg, &cfg.live, &t, err, sizeof(err)), 0, "%s", err);
	a = joined(wf_db_argv(&t, WF_DB_DUMP));
	cr_assert_str_eq(a, "pg_dump --no-owner --no-privileges --dbname site_live");
	free(a);
	a = joined(wf_db_env_vars(&t));
	cr_assert_str_eq(a, "WF_DB_ENGINE=postgresql WF_DB_NAME=site_live WF_DB_OPTIONS_FILE=/etc/pg_service.conf WF_DB_PREFIX= "
			    "PGSERVICEFILE=/etc/pg_service.conf PGSERVICE=live PGDATABASE=site_live PGPASSFILE=/etc/site.pgpass");
	free(a);
}

Test(database, branch_env_names)
{
	struct wf_db_target t;
	struct wf_env e;

	load("database = { engine = \"mysql\"; live = { name = \"site_md_live\"; " MY " };"
	     " multidev = { name = \"site_md_${WF_ENV}\"; " MY " }; };");
	wf_multidev_env(&cfg, "feature-x", "md/feature-x", &e);
	cr_assert_eq(wf_db_target(&cfg, &e, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "site_md_feature_x");
	wf_multidev_env_free(&e);
	wf_config_free(&cfg);
	/* ${WF_ENV_ID}, as templates name it: the same */
	load("database = { engine = \"mysql\"; multidev = { name = \"md_${WF_ENV_ID}_db\"; " MY " }; };");
	wf_multidev_env(&cfg, "feature-x", "md/feature-x", &e);
	cr_assert_eq(wf_db_target(&cfg, &e, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(t.name, "md_feature_x_db");
	wf_multidev_env_free(&e);
	wf_config_free(&cfg);
	load("database = { engine = \"mysql\"; live = { name = \"site_md_live\"; " MY " };"
	     " multidev = { name = \"site_md_${WF_ENV}\"; " MY " }; };");
	/* never one of the fixed envs' databases: that would be dropped */
	wf_multidev_env(&cfg, "live", "md/live", &e);
	cr_assert_eq(wf_db_target(&cfg, &e, &t, err, sizeof(err)), -1);
	cr_assert(strstr(err, "'site_md_live', is live's: refused"), "%s", err);
	wf_multidev_env_free(&e);
}
