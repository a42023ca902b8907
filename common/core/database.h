/* The database of a site (docs/database.md), the pure part: the `database`
 * group of workflow.conf (config_database.c), the database each env uses
 * (a branch env's name made from its env name) and the argv and
 * environment of each client tool.  The connection is always a file on
 * the server (a MySQL option file, a libpq service file): no password is
 * ever in the config, an argv, the output or a record. */
#ifndef WF_DATABASE_H
#define WF_DATABASE_H

#include <stddef.h>
#include "config.h"
#include "recipe.h"

enum wf_db_engine { WF_DB_MYSQL, WF_DB_MARIADB, WF_DB_POSTGRESQL };

/* Longest database name (PostgreSQL's identifier limit). */
#define WF_DB_NAME_MAX 63
/* The dump, load, drop and create tools' default timeout (s). */
#define WF_DB_TIMEOUT_DEFAULT 3600

/* One env's database: database.dev / .test / .live / .multidev. */
struct wf_db_env {
	int set;                /* the group is there */
	char *name;             /* the database; multidev: a template with ${WF_ENV} or ${WF_ENV_ID} */
	char *options_file;     /* mysql/mariadb: --defaults-extra-file; postgresql: PGSERVICEFILE */
	char *service;          /* postgresql: the service of options_file (default: the group's name) */
	char *passfile;         /* postgresql: PGPASSFILE (NULL: libpq's default, ~/.pgpass) */
	int snapshot;           /* a snapshot before its steps (default: live only) */
	int create;             /* multidev: created with the branch env (default 0) */
	struct wf_step *sanitize; /* run on it after a copy from another env */
	size_t n_sanitize;
	/* the env's recipe when name or options_file is not given: read from
	 * the CMS's settings file in path/shared/ (db_recipe.c) */
	const struct wf_recipe *recipe;
};

struct wf_database {
	enum wf_db_engine engine;
	int timeout;            /* seconds for one dump, load, drop or create */
	struct wf_db_env dev, test, live, multidev;
};

/* One env's database, resolved: its real name, its connection files. */
struct wf_db_target {
	enum wf_db_engine engine;
	int timeout;
	char name[WF_DB_NAME_MAX + 1];
	const char *options_file, *service, *passfile;
	const struct wf_db_env *conf;
	const char *env;        /* the env's name, for messages */
	/* name "" or options_file NULL: read from the CMS's settings file
	 * (wf_db_open); recipe is the env's, path its path */
	const struct wf_recipe *recipe;
	const char *path;
	char cnf[4096];         /* the option file wf_db_open wrote ("" none), removed by wf_db_close; */
	char pass[4096];        /* PostgreSQL: the service file, and this passfile */
	char prefix[65];        /* the CMS's table prefix (WF_DB_PREFIX) */
};

/* A connection read from a CMS's settings file (db_conn.c): each field
 * malloc'd, NULL when not given. */
struct wf_db_conn {
	char *name, *user, *password, *host, *port, *socket, *prefix;
};
/* The recipe's PHP output (db_read in recipe.h): six NUL-ended fields,
 * the host split into host, port and socket.  0, or -1 when it is not
 * that. */
int wf_db_conn_parse(const char *buf, size_t len, struct wf_db_conn *c);
/* The MySQL option file ([client]) that carries c, or NULL with err (a
 * value an option file cannot hold).  Malloc'd. */
char *wf_db_conn_cnf(const struct wf_db_conn *c, char *err, size_t errlen);
/* PostgreSQL: the connection service file's text (service [name]: host,
 * port, user) and the password file's (*:*:*:*:password, ':' and '\'
 * escaped), or NULL with err.  Malloc'd. */
char *wf_db_conn_pgservice(const struct wf_db_conn *c, const char *service, char *err, size_t errlen);
char *wf_db_conn_pgpass(const struct wf_db_conn *c, char *err, size_t errlen);
void wf_db_conn_free(struct wf_db_conn *c);

enum wf_db_op {
	WF_DB_DUMP,             /* the database as SQL on stdout */
	WF_DB_LOAD,             /* SQL on stdin into the database */
	WF_DB_DROP,             /* drop it if it exists */
	WF_DB_CREATE,           /* create it, empty */
};

/* The group the config has for env (Dev, Test, Live by name, a branch env
 * by env->multidev), NULL when none. */
const struct wf_db_env *wf_db_env_conf(const struct wf_config *c, const struct wf_env *env);

/* env's database: 0 (t filled in), 1 when it has none, -1 with err (a
 * branch env's name that is no database name, or one a fixed env uses). */
int wf_db_target(const struct wf_config *c, const struct wf_env *env, struct wf_db_target *t, char *err,
		 size_t errlen);

/* The argv of op on t (NULL-terminated, malloc'd: wf_db_strv_free).  An
 * op PostgreSQL does in two tools has no second one here: DROP and
 * CREATE are dropdb and createdb. */
char **wf_db_argv(const struct wf_db_target *t, enum wf_db_op op);
/* The "NAME=value" variables a tool (or a sanitize step) runs with:
 * WF_DB_ENGINE, WF_DB_NAME, WF_DB_OPTIONS_FILE, WF_DB_PREFIX (a CMS's
 * table prefix, "" when none), and for PostgreSQL
 * PGSERVICEFILE, PGSERVICE, PGDATABASE, PGPASSFILE.  NULL-terminated,
 * malloc'd. */
char **wf_db_env_vars(const struct wf_db_target *t);
void wf_db_strv_free(char **v);

const char *wf_db_engine_name(enum wf_db_engine e);

/* config_database.c: the group (after the envs: a snapshot needs the
 * env's path), and freeing it */
struct ld;
struct config_setting_t;
int wf_cfg_load_database(struct ld *ld, const struct config_setting_t *root, struct wf_config *c);
void wf_cfg_database_free(struct wf_config *c);

#endif
