/* Each env's database and the client tools' argv (database.h).  Only
 * file names go on a command line: the option file (MySQL, MariaDB) or
 * the service file (PostgreSQL) holds the host, the user and the
 * password, so that `ps` and the records never see a password. */
#include "database.h"
#include "subst.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wf_db_engine_name(enum wf_db_engine e)
{
	return e == WF_DB_MYSQL ? "mysql" : e == WF_DB_MARIADB ? "mariadb" : "postgresql";
}

const struct wf_db_env *wf_db_env_conf(const struct wf_config *c, const struct wf_env *env)
{
	const struct wf_database *db = c->database;
	const struct wf_db_env *e = NULL;

	if (!db || !env)
		return NULL;
	if (env->multidev)
		e = &db->multidev;
	else if (!strcmp(env->name, "live"))
		e = &db->live;
	else if (!strcmp(env->name, "test"))
		e = &db->test;
	else if (!strcmp(env->name, "dev"))
		e = &db->dev;
	return e && e->set ? e : NULL;
}

/* A branch env's database name: ${WF_ENV} is its env name with '-' as '_'
 * (env names are a-z 0-9 '-', never '_': two envs never share one). */
static int md_name(const struct wf_config *c, const struct wf_env *env, const struct wf_db_env *e, char *out,
		   char *err, size_t errlen)
{
	const struct wf_db_env *fixed[] = { &c->database->dev, &c->database->test, &c->database->live };
	char *v = xasprintf("WF_ENV=%s", env->name), *id = xasprintf("WF_ENV_ID=%s", env->name);
	char *vars[] = { v, id, NULL }, *name;
	int rc = 0;

	for (char *p = v; *p; p++)
		if (*p == '-')
			*p = '_';
	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	name = wf_subst(e->name, vars, WF_SUBST_RAW);
	if (strlen(name) > WF_DB_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						     "0123456789_") != strlen(name)) {
		snprintf(err, errlen, "the database name of %s, '%.80s', is not one (A-Z a-z 0-9 _, at most %d)",
			 env->name, name, WF_DB_NAME_MAX);
		rc = -1;
	}
	/* the fixed envs' databases are never a branch env's to drop */
	for (int i = 0; i < 3 && rc == 0; i++)
		if (fixed[i]->set && fixed[i]->name && !strcmp(fixed[i]->name, name)) {
			snprintf(err, errlen, "the database name of %s, '%s', is %s's: refused", env->name, name,
				 i == 0 ? "dev" : i == 1 ? "test" : "live");
			rc = -1;
		}
	if (rc == 0)
		snprintf(out, WF_DB_NAME_MAX + 1, "%s", name);
	free(name);
	free(v);
	free(id);
	return rc;
}

int wf_db_target(const struct wf_config *c, const struct wf_env *env, struct wf_db_target *t, char *err,
		 size_t errlen)
{
	const struct wf_db_env *e = wf_db_env_conf(c, env);

	memset(t, 0, sizeof(*t));
	if (!e)
		return 1;
	t->engine = c->database->engine;
	t->timeout = c->database->timeout;
	t->options_file = e->options_file;
	t->service = e->service;
	t->passfile = e->passfile;
	t->conf = e;
	t->env = env->name;
	t->recipe = e->recipe;
	t->path = env->rel.path;
	if (env->multidev)
		return md_name(c, env, e, t->name, err, errlen);
	snprintf(t->name, sizeof(t->name), "%s", e->name ? e->name : "");
	return 0;
}

static char **strv(const char *const *v)
{
	size_t n = 0;
	char **r;

	while (v[n])
		n++;
	r = xcalloc(n + 1, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

/* MySQL and MariaDB: the option file first (the tools want it so). */
static char **my_argv(const struct wf_db_target *t, enum wf_db_op op)
{
	int maria = t->engine == WF_DB_MARIADB;
	char *defaults = xasprintf("--defaults-extra-file=%s", t->options_file), *sql = NULL, **r;
	const char *client = maria ? "mariadb" : "mysql";

	if (op == WF_DB_DUMP) {
		/* one consistent read without locking the site's tables */
		const char *v[] = { maria ? "mariadb-dump" : "mysqldump", defaults, "--single-transaction",
				    "--no-tablespaces", "--triggers", "--routines", t->name, NULL };
		r = strv(v);
	} else if (op == WF_DB_LOAD) {
		const char *v[] = { client, defaults, t->name, NULL };
		r = strv(v);
	} else {
		/* the name is A-Z a-z 0-9 _ (checked): nothing to escape */
		sql = op == WF_DB_DROP ? xasprintf("DROP DATABASE IF EXISTS `%s`", t->name)
				       : xasprintf("CREATE DATABASE `%s`", t->name);
		const char *v[] = { client, defaults, "-e", sql, NULL };
		r = strv(v);
	}
	free(sql);
	free(defaults);
	return r;
}

/* PostgreSQL: the service (PGSERVICEFILE, PGSERVICE) says where and who. */
static char **pg_argv(const struct wf_db_target *t, enum wf_db_op op)
{
	if (op == WF_DB_DUMP) {
		const char *v[] = { "pg_dump", "--no-owner", "--no-privileges", "--dbname", t->name, NULL };
		return strv(v);
	}
	if (op == WF_DB_LOAD) {
		const char *v[] = { "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--dbname", t->name, NULL };
		return strv(v);
	}
	if (op == WF_DB_DROP) {
		/* --force: the site's own connections do not keep it */
		const char *v[] = { "dropdb", "--if-exists", "--force", t->name, NULL };
		return strv(v);
	}
	const char *v[] = { "createdb", t->name, NULL };
	return strv(v);
}

char **wf_db_argv(const struct wf_db_target *t, enum wf_db_op op)
{
	return t->engine == WF_DB_POSTGRESQL ? pg_argv(t, op) : my_argv(t, op);
}

char **wf_db_env_vars(const struct wf_db_target *t)
{
	char **v = xcalloc(10, sizeof(*v));
	int k = 0;

	v[k++] = xasprintf("WF_DB_ENGINE=%s", wf_db_engine_name(t->engine));
	v[k++] = xasprintf("WF_DB_NAME=%s", t->name);
	v[k++] = xasprintf("WF_DB_OPTIONS_FILE=%s", t->options_file ? t->options_file : "");
	v[k++] = xasprintf("WF_DB_PREFIX=%s", t->prefix);
	if (t->engine == WF_DB_POSTGRESQL) {
		v[k++] = xasprintf("PGSERVICEFILE=%s", t->options_file);
		v[k++] = xasprintf("PGSERVICE=%s", t->service);
		v[k++] = xasprintf("PGDATABASE=%s", t->name);
		if (t->passfile)
			v[k++] = xasprintf("PGPASSFILE=%s", t->passfile);
	}
	return v;
}

void wf_db_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
