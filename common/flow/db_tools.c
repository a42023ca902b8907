/* The database tools as steps (db_deploy.h): dump, drop, create, load. */
#include "database.h"
#include "db_deploy.h"
#include "steps.h"
#include "fileio.h"
#include "release.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *wf_db_snapshot_path(const struct wf_release_conf *rc, const char *release)
{
	char *dir = wf_release_dir(rc, release), *p = xasprintf("%s.db.sql.gz", dir);

	free(dir);
	return p;
}

void wf_db_deploy_for(struct wf_deploy *d, struct wf_step_ctx *cx, const struct wf_env *env)
{
	memset(d, 0, sizeof(*d));
	memset(cx, 0, sizeof(*cx));
	d->kind = WF_PROMOTE;
	d->env = env;
	d->cx.out = NULL;
}

int wf_db_tmp(const char *dir)
{
	char *tmpl = xasprintf("%s/db-XXXXXX", dir);
	int fd;

	if (wf_mkdir_p(dir, 0700) < 0) {
		free(tmpl);
		return -1;
	}
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	return fd;
}

static const char *op_word(enum wf_db_op op)
{
	return op == WF_DB_DUMP ? "dump" : op == WF_DB_LOAD ? "load" : op == WF_DB_DROP ? "drop" : "create";
}

int wf_db_run(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
	      const struct wf_db_target *t, enum wf_db_op op, int in, int out)
{
	char **argv = wf_db_argv(t, op), **vars = wf_db_env_vars(t);
	struct wf_step st;
	size_t n = 0;
	int failed;

	while (argv[n])
		n++;
	memset(&st, 0, sizeof(st));
	st.name = xasprintf("%s %s", op_word(op), t->name);
	st.run = argv;
	st.run_len = n;
	st.timeout = t->timeout;
	st.default_on = 1;
	st.max_output = (size_t)s->config.max_output;
	/* a file from its start; a pipe as it comes */
	if (in >= 0 && lseek(in, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		wf_say("workflow: database %s: cannot read its input: %s", st.name, strerror(errno));
		failed = 1;
	} else {
		wf_steps_stdin(in);
		wf_steps_stdout(out);
		failed = wf_deploy_run_step(s, d, &st, cx, vars, "database");
		wf_steps_stdin(-1);
		wf_steps_stdout(-1);
	}
	free(st.name);
	wf_db_strv_free(argv);
	wf_db_strv_free(vars);
	return failed;
}

int wf_db_replace(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		  const struct wf_db_target *t, int fd)
{
	return wf_db_run(s, d, cx, t, WF_DB_DROP, -1, -1) || wf_db_run(s, d, cx, t, WF_DB_CREATE, -1, -1) ||
	       wf_db_run(s, d, cx, t, WF_DB_LOAD, fd, -1);
}

int wf_db_dump_tmp(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		   const struct wf_db_target *t, const char *dir)
{
	int fd = wf_db_tmp(dir);

	if (fd < 0) {
		wf_say("workflow: database: cannot make a temp file in %s: %s", dir, strerror(errno));
		return -1;
	}
	if (wf_db_run(s, d, cx, t, WF_DB_DUMP, -1, fd)) {
		close(fd);
		return -1;
	}
	return fd;
}
