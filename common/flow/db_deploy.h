/* The database in the push pipeline (docs/database.md): a snapshot of an
 * env's database before its steps, kept beside the release whose code it
 * went with and pruned with it; a rollback that restores it on
 * -o restore-db; a branch env's database created and dropped with it; one
 * env's database copied into another's (content_db.c).  Each tool runs as
 * a step (argv, its own process group, a timeout), its output kept. */
#ifndef WF_DB_DEPLOY_H
#define WF_DB_DEPLOY_H

#include "database.h"
#include "deploy.h"
#include "session.h"

/* env's database (wf_db_target), its connection read from its CMS's
 * settings file when its recipe gives it (db_recipe.c): 0, 1 when it has
 * none, -1 with err (the file missing, or not naming the database).
 * wf_db_close removes the option file it wrote. */
int wf_db_open(struct wf_session *s, const struct wf_env *env, struct wf_db_target *t, char *err, size_t errlen);
void wf_db_close(struct wf_db_target *t);
/* The same for a t wf_db_target filled (read only when needed): 0 or -1. */
int wf_db_connect(struct wf_session *s, struct wf_db_target *t, char *err, size_t errlen);

/* releases/<release>.db.sql.gz of rc (malloc'd): the database as the
 * code of <release> left it. */
char *wf_db_snapshot_path(const struct wf_release_conf *rc, const char *release);

/* A deploy for what is no deploy (a CLI command, a branch env's removal):
 * env, no job, its steps' results not kept. */
void wf_db_deploy_for(struct wf_deploy *d, struct wf_step_ctx *cx, const struct wf_env *env);

/* Run op on t as a step named after it (what: "database"), its stdin and
 * stdout the files in and out (-1: none, the output).  1 when it failed. */
int wf_db_run(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
	      const struct wf_db_target *t, enum wf_db_op op, int in, int out);
/* t's database replaced by the SQL fd holds (from its start): dropped,
 * created empty, loaded, never mixed with what it had.  1 when it failed. */
int wf_db_replace(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		  const struct wf_db_target *t, int fd);
/* A new temp file of dir (made 0700 if need be), 0600, unlinked at once:
 * only the fd names it, nothing is left behind.  -1 (errno) */
int wf_db_tmp(const char *dir);
/* t's database dumped into a temp file of dir (wf_db_tmp).  The fd, or
 * -1 (said). */
int wf_db_dump_tmp(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		   const struct wf_db_target *t, const char *dir);

/* The runner, right after the switch of deploy d (d->cx.prev the release
 * before): its env's snapshot when it has one (releases/<prev>.db.sql.gz),
 * then on a rollback the snapshot of the release it goes back to restored
 * (-o restore-db) or said to be there.  1 when this failed (as a failed
 * step: the deploy goes back). */
int wf_db_before_steps(struct wf_session *s, struct wf_deploy *d);
/* A deploy that failed after its snapshot and went back to d->cx.prev:
 * said (and noted) that its database was not restored, and how to. */
void wf_db_after_undo(struct wf_session *s, struct wf_deploy *d);
/* pre-receive, a rollback to release with -o restore-db (NULL: no kept
 * release, one is placed anew): 1 when env has a database but no snapshot
 * goes with release (said: the push is refused), else 0. */
int wf_db_no_snapshot(struct wf_session *s, const struct wf_env *env, const char *release);
/* -o dry-run: what deploy d would do to its env's database (the
 * snapshot, a rollback's restore), said; nothing done. */
void wf_db_describe(struct wf_session *s, const struct wf_deploy *d);
/* git-workflow restore-db ENV RELEASE: env's database replaced by the
 * snapshot of release.  0, or 1 (said). */
int wf_db_restore_release(struct wf_session *s, const struct wf_env *env, const char *release);

/* A new branch env's database created (multidev.create), before its create
 * steps.  1 when it failed. */
int wf_db_md_create(struct wf_session *s, const struct wf_deploy *d, struct wf_step_ctx *cx);
/* A branch env removed: its database dropped.  0, or -1; *note says what
 * was done (malloc'd, NULL when it has none). */
int wf_db_md_drop(struct wf_session *s, const struct wf_env *env, char **note);

#endif
