/* git-workflow restore-db ENV RELEASE | clone-db FROM TO [--into-live]
 * (docs/database.md): what a rollback with -o restore-db and a clone of
 * content do to a database, for an admin on the server, under the deploy
 * lock of the env whose database is replaced. */
#include "cli.h"
#include "content_db.h"
#include "db_deploy.h"
#include "lock.h"
#include "multidev_registry.h"
#include "record.h"
#include "release.h"
#include "release_names.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Dev, Test, Live, or a branch env of the registry; NULL (said) if none. */
static const struct wf_env *env_named(struct wf_session *s, const char *cmd, const char *name)
{
	const struct wf_env *env = NULL;
	struct wf_md_entry e;

	if (!strcmp(name, "dev") || !strcmp(name, "test") || !strcmp(name, "live"))
		env = wf_session_env(s, name, NULL);
	else if (wf_release_name_ok(name) && wf_md_read(s->repo.git_dir, name, &e) == 0) {
		char *ref = xasprintf("refs/heads/%s", e.branch);
		env = wf_session_env(s, name, ref);
		free(ref);
		wf_md_entry_free(&e);
	}
	if (!env)
		fprintf(stderr, "git-workflow: %s: no env '%s' (dev, test, live, or a branch environment: git-workflow "
			"multidev list)\n", cmd, name);
	return env;
}

/* fn under env's deploy lock: no deploy runs meanwhile. */
static int locked(struct cli *x, struct wf_session *s, const char *cmd, const struct wf_env *env,
		  int (*fn)(struct wf_session *s, const struct wf_env *env, void *arg), void *arg)
{
	struct wf_lock_info holder;
	char err[512];
	int rc, l = wf_lock_acquire(x->r.git_dir, (long)getpid(), s->pusher, env->name, &holder, err, sizeof(err));

	if (l != 0) {
		fprintf(stderr, "git-workflow: %s: %s: %s\n", cmd, env->name,
			l < 0 ? err : "a deploy to it is in progress; run this again when it has finished");
		return 1;
	}
	rc = fn(s, env, arg);
	wf_lock_release(x->r.git_dir, (long)getpid());
	return rc;
}

/* Its record, as a deploy's: what was done to which database, or that it
 * failed (the dashboard and git-workflow log list it). */
static void record(struct wf_session *s, const char *kind, const struct wf_env *env, const char *what, int failed)
{
	struct wf_record r;

	wf_record_start(&r, kind, failed ? "failed" : "ok", env->name, env->ref, s->pusher, NULL, NULL);
	r.message = (char *)what;
	if (wf_record_write(s->repo.git_dir, &r) < 0)
		fprintf(stderr, "git-workflow: warning: could not record it in %sworkflow/records\n", s->repo.git_dir);
}

static int do_restore(struct wf_session *s, const struct wf_env *env, void *arg)
{
	const char *release = arg;
	char cur[WF_RELEASE_NAME_MAX] = "", *what;
	char *snap = env->rel.path && wf_release_name_ok(release) ? wf_db_snapshot_path(&env->rel, release) : NULL;
	struct stat st;
	int rc, exists = snap && stat(snap, &st) == 0;

	free(snap);
	if (!exists)    /* said by wf_db_restore_release: nothing done, nothing to record */
		return wf_db_restore_release(s, env, release) ? 1 : 0;
	if (wf_release_current(&env->rel, cur) != 0)
		cur[0] = '\0';
	/* the snapshot of one release under another's code: said, since the
	 * code may not read that schema */
	if (cur[0] && strcmp(cur, release))
		fprintf(stderr, "git-workflow: restore-db: warning: %s's current serves releases/%s, not %s: the "
			"database goes back to what %s's code left, under %s's code\n", env->name, cur, release,
			release, cur);
	rc = wf_db_restore_release(s, env, release) ? 1 : 0;
	what = xasprintf("database restored to the snapshot of releases/%s%s%s", release, rc ? ": FAILED" : "",
			 cur[0] && strcmp(cur, release) ? " (current served another release)" : "");
	record(s, "restore-db", env, what, rc);
	free(what);
	return rc;
}

int cli_restore_db(struct cli *x)
{
	struct wf_session s;
	const struct wf_env *env;
	int rc = 1;

	cli_session(x, &s);
	if ((env = env_named(&s, "restore-db", x->argv[0])))
		rc = locked(x, &s, "restore-db", env, do_restore, x->argv[1]);
	cli_session_end(&s);
	return rc;
}

static int do_clone(struct wf_session *s, const struct wf_env *to, void *arg)
{
	char err[512];

	const struct wf_env *from = arg;
	char *what;
	int rc = wf_content_db(s, from, to, err, sizeof(err)) == 0 ? 0 : 1;

	if (rc)
		fprintf(stderr, "git-workflow: clone-db: %s\n", err);
	what = rc ? xasprintf("database of %s: %s", from->name, err)
		  : xasprintf("database of %s cloned in (its old one dropped)", from->name);
	record(s, "clone-db", to, what, rc);
	free(what);
	return rc;
}

int cli_clone_db(struct cli *x)
{
	struct wf_session s;
	const struct wf_env *from, *to;
	int live = x->argc == 3 && !strcmp(x->argv[2], "--into-live"), rc = 1;

	if (x->argc == 3 && !live) {
		fprintf(stderr, "git-workflow: clone-db takes FROM TO [--into-live]\n");
		return 2;
	}
	cli_session(x, &s);
	from = env_named(&s, "clone-db", x->argv[0]);
	to = from ? env_named(&s, "clone-db", x->argv[1]) : NULL;
	/* content moves down; into Live only when the admin says so */
	if (to && !strcmp(to->name, "live") && !live)
		fprintf(stderr, "git-workflow: clone-db: that replaces Live's database: add --into-live if you mean "
			"it\n");
	else if (to && from == to)
		fprintf(stderr, "git-workflow: clone-db: FROM and TO are the same env\n");
	else if (to)
		rc = locked(x, &s, "clone-db", to, do_clone, (void *)from);
	cli_session_end(&s);
	return rc;
}
