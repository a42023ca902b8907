/* An env's database connection read from its CMS's own settings file
 * (docs/database.md): the file the web server reads, in path/shared/
 * (never one from the repository, never pushed text), read by the
 * recipe's PHP run as argv (php -r CODE -- FILE, the code fixed in the
 * recipe); the password goes into a 0600 option file of
 * $GIT_DIR/workflow/tmp/ that the tools get with --defaults-extra-file (for
 * PostgreSQL a service file and a password file, PGSERVICEFILE, PGPASSFILE),
 * removed when done: never printed, recorded or on a command line. */
#include "database.h"
#include "db_deploy.h"
#include "capture.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* path/shared/<the recipe's settings file>: the first there (malloc'd),
 * or NULL with err. */
static char *settings_file(const struct wf_db_target *t, char *err, size_t errlen)
{
	const struct wf_recipe *rp = t->recipe;

	for (size_t i = 0; rp->db_files[i]; i++) {
		char *f = xasprintf("%s/shared/%s", t->path, rp->db_files[i]);
		if (access(f, F_OK) == 0)
			return f;
		free(f);
	}
	snprintf(err, errlen, "database.%s: %s/shared/%s is missing: recipe \"%s\" reads %s's database connection "
		 "from it (create it, or set database.%s.name and options_file)", t->env, t->path, rp->db_files[0],
		 rp->name, t->env, t->env);
	return NULL;
}

static int name_ok(const char *v, size_t max)
{
	return strlen(v) <= max &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(v);
}

/* Option files of processes that are gone (killed before wf_db_close):
 * a password is not left behind for long.  Named db-<pid>-XXXXXX.cnf. */
static void sweep(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		long pid;
		char *end;
		if (strncmp(e->d_name, "db-", 3) || (pid = strtol(e->d_name + 3, &end, 10)) <= 0 || *end != '-' ||
		    strcmp(e->d_name + strlen(e->d_name) - 4, ".cnf") || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}

/* text as a new file of $GIT_DIR/workflow/tmp/, 0600, its name in path
 * (PATH_MAX), text wiped.  0, or -1 with err. */
static int write_tmp(struct wf_session *s, const struct wf_db_target *t, char *path, char *text, char *err,
		     size_t errlen)
{
	char *dir = xasprintf("%s/workflow/tmp", s->repo.git_dir);
	size_t len = strlen(text), at = 0;
	int fd = -1;

	snprintf(path, 4096, "%s/db-%ld-XXXXXX.cnf", dir, (long)getpid());
	if (wf_mkdir_p(dir, 0700) == 0) {
		sweep(dir);
		fd = mkostemps(path, 4, O_CLOEXEC);
	}
	free(dir);
	while (fd >= 0 && at < len) {
		ssize_t w = write(fd, text + at, len - at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		at += (size_t)w;
	}
	explicit_bzero(text, len);
	free(text);
	if (fd < 0 || at < len || close(fd) < 0) {
		snprintf(err, errlen, "database.%s: cannot write a connection file in %s/workflow/tmp: %s", t->env,
			 s->repo.git_dir, strerror(errno));
		if (fd >= 0)
			unlink(path);
		path[0] = '\0';
		return -1;
	}
	return 0;
}

/* The connection into files the tools get: MySQL, MariaDB an option file;
 * PostgreSQL a service file and a password file. */
static int write_conn(struct wf_session *s, struct wf_db_target *t, const struct wf_db_conn *c, char *err,
		      size_t errlen)
{
	int pg = t->engine == WF_DB_POSTGRESQL;
	char *text = pg ? wf_db_conn_pgservice(c, t->service, err, errlen) : wf_db_conn_cnf(c, err, errlen);
	char *pass = pg && text ? wf_db_conn_pgpass(c, err, errlen) : NULL;

	if (!text || (pg && !pass)) {
		free(text);
		return -1;
	}
	if (write_tmp(s, t, t->cnf, text, err, errlen) < 0) {
		if (pass) {
			explicit_bzero(pass, strlen(pass));
			free(pass);
		}
		return -2;
	}
	if (pg && write_tmp(s, t, t->pass, pass, err, errlen) < 0) {
		unlink(t->cnf);
		t->cnf[0] = '\0';
		return -2;
	}
	t->options_file = t->cnf;
	if (pg)
		t->passfile = t->pass;
	return 0;
}

/* What the connection fills into t: the name unless the config gave it,
 * the option file unless the config gave one, the table prefix. */
static int fill(struct wf_session *s, struct wf_db_target *t, const struct wf_db_conn *c, const char *file,
		char *err, size_t errlen)
{
	int rc;

	if (!t->name[0] && !*c->name) {
		snprintf(err, errlen, "database.%s: %s does not name the database (%s): set it there, or set "
			 "database.%s.name", t->env, file, t->recipe->db_key, t->env);
		return -1;
	}
	if (!t->name[0] && !name_ok(c->name, WF_DB_NAME_MAX)) {
		snprintf(err, errlen, "database.%s: %s names the database '%.64s' (%s): the workflow handles names of "
			 "A-Z a-z 0-9 _ (at most %d)", t->env, file, c->name, t->recipe->db_key, WF_DB_NAME_MAX);
		return -1;
	}
	if (!name_ok(c->prefix, sizeof(t->prefix) - 1)) {
		snprintf(err, errlen, "database.%s: the table prefix in %s is not A-Z a-z 0-9 _", t->env, file);
		return -1;
	}
	if (!t->name[0])
		snprintf(t->name, sizeof(t->name), "%s", c->name);
	snprintf(t->prefix, sizeof(t->prefix), "%s", c->prefix);
	if (t->options_file)
		return 0;
	if ((rc = write_conn(s, t, c, err, errlen)) == -1) {
		char why[128];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "database.%s: the connection in %s: %s", t->env, file, why);
	}
	return rc < 0 ? -1 : 0;
}

static int read_settings(struct wf_session *s, struct wf_db_target *t, char *err, size_t errlen)
{
	char *file = settings_file(t, err, errlen), *out = NULL;
	struct wf_db_conn c;
	size_t len = 0;
	int rc = -1, st;

	if (!file)
		return -1;
	/* a warning on stdout would garble the fields: PHP's go to stderr */
	char *argv[] = { "php", "-d", "display_errors=stderr", "-r", (char *)t->recipe->db_read, "--", file, NULL };
	st = wf_capture(argv, NULL, 65536, 60, &out, &len);
	if (st != 0)
		snprintf(err, errlen, "database.%s: php could not read the connection from %s (%s): 'php -l %s' checks "
			 "it", t->env, file, st < 0 ? strerror(errno) : st == 127 ? "no php"
			 : st == 128 + SIGALRM ? "it took over 60 s" : "it failed", file);
	else if (wf_db_conn_parse(out, len, &c) < 0)
		snprintf(err, errlen, "database.%s: php printed no connection from %s", t->env, file);
	else {
		rc = fill(s, t, &c, file, err, errlen);
		if (c.password)
			explicit_bzero(c.password, strlen(c.password));
		wf_db_conn_free(&c);
	}
	if (out) {
		explicit_bzero(out, len);
		free(out);
	}
	free(file);
	return rc;
}

int wf_db_connect(struct wf_session *s, struct wf_db_target *t, char *err, size_t errlen)
{
	return t->recipe && !t->cnf[0] && (!t->name[0] || !t->options_file) ? read_settings(s, t, err, errlen) : 0;
}

int wf_db_open(struct wf_session *s, const struct wf_env *env, struct wf_db_target *t, char *err, size_t errlen)
{
	int r = wf_db_target(&s->config, env, t, err, errlen);

	return r != 0 ? r : wf_db_connect(s, t, err, errlen);
}

void wf_db_close(struct wf_db_target *t)
{
	if (t->cnf[0])
		unlink(t->cnf);
	if (t->pass[0])
		unlink(t->pass);
	t->cnf[0] = t->pass[0] = '\0';
}
