/* The `database` group of workflow.conf (docs/database.md):
 *
 *     database = {
 *       engine = "mariadb";            # "mysql", "mariadb" or "postgresql"
 *       live = { name = "site_live"; options_file = "/etc/site/live.my.cnf"; };
 *       test = { name = "site_test"; options_file = "/etc/site/test.my.cnf"; sanitize = ( ... ); };
 *       multidev = { name = "site_md_${WF_ENV}"; options_file = "..."; create = true; };
 *     };
 *
 * The connection is a file the admin put on the server; the config names
 * it, never a password.  An env with a recipe needs no group: its
 * connection is read from the CMS's own settings file (db_recipe.c). */
#include "config_internal.h"
#include "database.h"
#include "recipe.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

static const char *const db_keys[] = { "engine", "timeout", "dev", "test", "live", "multidev", NULL };
static const char *const env_keys[] = { "name", "options_file", "service", "passfile", "snapshot", "sanitize",
					NULL };
static const char *const md_keys[] = { "name", "options_file", "service", "passfile", "create", "sanitize",
				       NULL };

/* A file of the server: an absolute path. */
static int get_file(struct ld *ld, const config_setting_t *g, const char *key, const char *where, char **out)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, key, where, &s, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (v[0] != '/')
		return wf_cfg_fail(ld, s, "'%s.%s' must be an absolute path of the server, not '%s'", where, key, v);
	*out = xstrdup(v);
	return 0;
}

/* A database name: [A-Za-z0-9_], a branch env's with ${WF_ENV} (or
 * ${WF_ENV_ID}, as in templates: the same here) in it once (else every
 * branch env would share, and drop, one database). */
static const char *env_var(const char *v, size_t *len)
{
	const char *p = strstr(v, "${WF_ENV_ID}");

	*len = p ? 12 : 9;
	return p ? p : strstr(v, "${WF_ENV}");
}

static int get_name(struct ld *ld, const config_setting_t *g, const char *where, int md, int optional, char **out)
{
	config_setting_t *s;
	const char *v, *p;
	size_t len, vl = 0;

	if (wf_cfg_get_string(ld, g, "name", where, &s, &v) < 0)
		return -1;
	if (!v && optional)
		return 0;
	if (!v)
		return wf_cfg_fail(ld, g, "'%s' needs a name: the database's name", where);
	p = md ? env_var(v, &vl) : NULL;
	if (md && (!p || strstr(strstr(v, "${WF_ENV") + 1, "${WF_ENV")))
		return wf_cfg_fail(ld, s, "'%s.name' must have ${WF_ENV} in it once (each branch env its own "
				   "database), as in \"site_md_${WF_ENV}\", not '%s'", where, v);
	len = strlen(v) - vl;
	for (const char *c = v; *c; c++) {
		if (p && c == p) {
			c += vl - 1;
			continue;
		}
		if (!wf_cfg_valid_charset((char[]){ *c, 0 }, "_", 1))
			return wf_cfg_fail(ld, s, "'%s.name' may only have A-Z a-z 0-9 _%s, not '%s'", where,
					   md ? " and ${WF_ENV}" : "", v);
	}
	if (!len || len > WF_DB_NAME_MAX || (!p && v[0] >= '0' && v[0] <= '9'))
		return wf_cfg_fail(ld, s, "'%s.name' must be 1 to %d characters, not starting with a digit: '%s'",
				   where, WF_DB_NAME_MAX, v);
	*out = xstrdup(v);
	return 0;
}

/* What the env's recipe fills (docs/recipes.md): the connection and the
 * name, from the CMS's settings file, when the group does not give them
 * (read into an option file; for PostgreSQL a service and a password
 * file), and the sanitize steps when it has no `sanitize` of its own. */
static int from_recipe(struct ld *ld, const config_setting_t *g, const char *where, const struct wf_recipe *rp,
		       const struct wf_env *env, struct wf_db_env *e)
{
	int md = !env, remote = env && env->rel.n_hosts;

	if (!e->options_file && (!rp || md || remote))
		return wf_cfg_fail(ld, g, "'%s' needs options_file: the client's option file on the server (a MySQL "
				   "option file, a PostgreSQL service file), which holds the connection and its "
				   "password%s", where, !rp || md ? "" : " (with hosts, the CMS's file is on the web "
				   "servers)");
	/* a branch env's connection stays the config's: its name makes it
	 * its own, and it is dropped with the env */
	if (rp && !md && (!e->name || !e->options_file))
		e->recipe = rp;
	if (rp && !(g && config_setting_get_member(g, "sanitize")))
		wf_cfg_recipe_steps(rp->sanitize, &e->sanitize, &e->n_sanitize);
	return 0;
}

/* database.<key>: its group, or with none, for an env with a recipe rp,
 * what the recipe fills (a branch env, env NULL: its sanitize steps only). */
static int load_env(struct ld *ld, const config_setting_t *db, const char *key, struct wf_db_env *e,
		    const struct wf_env *env, const struct wf_recipe *rp)
{
	config_setting_t *g, *s = NULL;
	const char *v = NULL;
	char *where = xasprintf("database.%s", key);
	int md = !env, rc = -1;

	if (wf_cfg_get_group(ld, db, key, where, &g) < 0)
		goto out;
	if (!g && (!rp || md)) {
		rc = 0;
		goto out;
	}
	e->set = 1;
	e->snapshot = !strcmp(key, "live");
	if (g && (wf_cfg_check_keys(ld, g, where, md ? md_keys : env_keys) < 0 ||
		  get_name(ld, g, where, md, rp && !md, &e->name) < 0 ||
		  get_file(ld, g, "options_file", where, &e->options_file) < 0 ||
		  get_file(ld, g, "passfile", where, &e->passfile) < 0 ||
		  wf_cfg_get_string(ld, g, "service", where, &s, &v) < 0 ||
		  wf_cfg_get_bool(ld, g, md ? "create" : "snapshot", where, md ? &e->create : &e->snapshot) < 0 ||
		  wf_cfg_load_steps(ld, g, "sanitize", where, &e->sanitize, &e->n_sanitize) < 0))
		goto out;
	if (from_recipe(ld, g ? g : db, where, rp, env, e) < 0)
		goto out;
	if (v && !wf_cfg_valid_charset(v, "._-", 1)) {
		wf_cfg_fail(ld, s, "'%s.service' must be made of A-Z a-z 0-9 . _ -, not '%s'", where, v);
		goto out;
	}
	e->service = xstrdup(v ? v : key);
	/* a snapshot is kept beside the releases of the env */
	if (env && e->snapshot && !env->rel.path) {
		wf_cfg_fail(ld, g && config_setting_get_member(g, "snapshot") ? config_setting_get_member(g, "snapshot") : db,
			    "'%s.snapshot' needs '%s.path': a snapshot is kept beside the release it goes with", where,
			    key);
		goto out;
	}
	rc = 0;
out:
	free(where);
	return rc;
}

static int load_engine(struct ld *ld, const config_setting_t *g, struct wf_database *db)
{
	static const char *const names[] = { "mysql", "mariadb", "postgresql" };
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, "engine", "database", &s, &v) < 0)
		return -1;
	for (int i = 0; v && i < 3; i++)
		if (!strcmp(v, names[i])) {
			db->engine = (enum wf_db_engine)i;
			return 0;
		}
	return wf_cfg_fail(ld, s ? s : g, "'database.engine' must be \"mysql\", \"mariadb\" or \"postgresql\"%s%s%s",
			   v ? ", not '" : "", v ? v : "", v ? "'" : "");
}

int wf_cfg_load_database(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g;
	struct wf_database *db;

	if (wf_cfg_get_group(ld, root, "database", "database", &g) < 0)
		return -1;
	if (!g)
		return 0;
	db = c->database = xcalloc(1, sizeof(*db));
	db->timeout = WF_DB_TIMEOUT_DEFAULT;
	if (wf_cfg_check_keys(ld, g, "database", db_keys) < 0 || load_engine(ld, g, db) < 0 ||
	    wf_cfg_get_timeout(ld, g, "timeout", "database", &db->timeout) < 0 ||
	    load_env(ld, g, "dev", &db->dev, &c->dev, wf_recipe_find(c->dev.rel.recipe)) < 0 ||
	    load_env(ld, g, "test", &db->test, &c->test, wf_recipe_find(c->test.rel.recipe)) < 0 ||
	    load_env(ld, g, "live", &db->live, &c->live, wf_recipe_find(c->live.rel.recipe)) < 0 ||
	    load_env(ld, g, "multidev", &db->multidev, NULL, wf_recipe_find(c->multidev.rel.recipe)) < 0)
		return -1;
	/* sanitize steps keep what the others keep of their output */
	for (int k = 0; k < 4; k++) {
		struct wf_db_env *e = k == 0 ? &db->dev : k == 1 ? &db->test : k == 2 ? &db->live : &db->multidev;
		for (size_t i = 0; i < e->n_sanitize; i++)
			e->sanitize[i].max_output = (size_t)c->max_output;
	}
	return 0;
}

static void env_free(struct wf_db_env *e)
{
	free(e->name);
	free(e->options_file);
	free(e->service);
	free(e->passfile);
	for (size_t i = 0; i < e->n_sanitize; i++)
		wf_cfg_step_free(&e->sanitize[i]);
	free(e->sanitize);
}

void wf_cfg_database_free(struct wf_config *c)
{
	struct wf_database *db = c->database;

	if (!db)
		return;
	env_free(&db->dev);
	env_free(&db->test);
	env_free(&db->live);
	env_free(&db->multidev);
	free(db);
	c->database = NULL;
}
