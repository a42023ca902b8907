/* git-workflow restore-db ENV RELEASE | clone-db FROM TO [--into-live]
 * (docs/database.md): what a rollback with -o restore-db and a clone of
 * content do to a database, for an admin on the server, under the deploy
 * lock of the env whose database is replaced. */
#include "cli.h"
#include "content_db.h"
#include "db_deploy.h"
#include "lock.h"
#include "multidev_registry.h"
#include "release_names.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int do_restore(struct wf_session *s, const struct wf_env *env, void *arg)
{
	return wf_db_restore_release(s, env, arg) ? 1 : 0;
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

	if (wf_content_db(s, arg, to, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "git-workflow: clone-db: %s\n", err);
	return 1;
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
