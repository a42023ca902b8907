/* The database in a deploy (db_deploy.h, docs/database.md): a snapshot
 * before the steps, named after the release whose code left the database
 * so, restored only when a rollback says -o restore-db (or an admin runs
 * git-workflow restore-db); never behind anyone's back: what is lost is
 * said with the snapshot's time. */
#include "content.h"
#include "content_clone.h"
#include "database.h"
#include "db_deploy.h"
#include "release.h"
#include "zfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* The snapshot of release, its time in when: 0, or -1 when none. */
static int snapshot_at(const struct wf_env *env, const char *release, char *when, size_t len, char **path)
{
	struct stat st;

	*path = wf_db_snapshot_path(&env->rel, release);
	if (stat(*path, &st) < 0)
		return -1;
	utc(st.st_mtime, when, len);
	return 0;
}

/* The database as cx->prev's code left it, into releases/<prev>.db.sql.gz:
 * the dump compressed as it comes, by a thread (zfile.h). */
static int snapshot(struct wf_session *s, struct wf_deploy *d, const struct wf_db_target *t)
{
	const struct wf_env *env = d->env;
	struct wf_step_ctx *cx = &d->cx;
	char *path = wf_db_snapshot_path(&env->rel, cx->prev), when[64];
	time_t at = time(NULL);
	struct timespec ts[2] = { { at, 0 }, { at, 0 } };
	struct wf_zpipe *z;
	struct stat st;
	int fd, failed = 1, dumped;

	/* taken as the dump begins: a write after it is not in it */
	utc(at, when, sizeof(when));
	if (!(z = wf_gzip_pipe(path, &fd))) {
		wf_say("workflow: %s: cannot start the snapshot %s: %s; the deploy goes back before its steps run",
		       env->branch, path, strerror(errno));
		goto out;
	}
	dumped = !wf_db_run(s, d, cx, t, WF_DB_DUMP, -1, fd);
	if (wf_zpipe_finish(z, dumped) < 0 || !dumped || utimensat(AT_FDCWD, path, ts, 0) < 0 || stat(path, &st) < 0) {
		if (dumped)
			wf_say("workflow: %s: cannot write the snapshot %s: %s; the deploy goes back before its steps run",
			       env->branch, path, strerror(errno));
		else
			wf_say("workflow: %s: the snapshot of database %s failed: the deploy goes back before its steps "
			       "run", env->branch, t->name);
		goto out;
	}
	wf_say("workflow: %s: database %s saved before the steps as releases/%s.db.sql.gz (%lld KB, taken %s): "
	       "what a rollback to %s restores with -o restore-db", env->branch, t->name, cx->prev,
	       (long long)(st.st_size + 1023) / 1024, when, cx->prev);
	d->note = wf_join_note(d->note, xasprintf("database %s saved as releases/%s.db.sql.gz (%s)", t->name,
						  cx->prev, when));
	failed = 0;
out:
	free(path);
	return failed;
}

/* t's database replaced by the snapshot at path, uncompressed as the
 * load tool reads it, by a thread (zfile.h). */
static int restore(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		   const struct wf_db_target *t, const char *path, const struct wf_env *env)
{
	struct wf_zpipe *z;
	int fd, failed;

	if (!(z = wf_gunzip_pipe(path, &fd))) {
		wf_say("workflow: %s: cannot read the snapshot %s: %s", env->branch, path, strerror(errno));
		return 1;
	}
	failed = wf_db_replace(s, d, cx, t, fd);
	if (wf_zpipe_finish(z, 1) < 0 && !failed) {
		wf_say("workflow: %s: the snapshot %s cannot be read whole: %s", env->branch, path, strerror(errno));
		failed = 1;
	}
	return failed;
}

/* A rollback to cx->release: its snapshot restored on -o restore-db, or
 * said to be there. */
static int rollback(struct wf_session *s, struct wf_deploy *d, const struct wf_db_target *t)
{
	const struct wf_env *env = d->env;
	const char *to = d->cx.release;
	char when[64], *path;
	int failed = 0;

	if (d->kind != WF_ROLLBACK) {
		if (s->opts.restore_db)
			wf_say("workflow: %s: -o restore-db is for a rollback; this %s leaves the database as it is",
			       env->branch, wf_deploy_kind_word(d->kind));
		return 0;
	}
	if (snapshot_at(env, to, when, sizeof(when), &path) < 0) {
		if (s->opts.restore_db) {
			wf_say("workflow: %s: -o restore-db: there is no snapshot of the database for releases/%s "
			       "(none was taken, or it was pruned): the rollback goes back, nothing changed", env->branch,
			       to);
			failed = 1;
		}
	} else if (!s->opts.restore_db) {
		wf_say("workflow: %s: the database is left as it is. A snapshot taken %s goes with releases/%s: a "
		       "rollback pushed with -o restore-db restores it, as does 'git-workflow restore-db %s %s' on the "
		       "server (what was written since %s is lost then)", env->branch, when, to, env->name, to, when);
	} else {
		wf_say("workflow: %s: -o restore-db: database %s goes back to its snapshot of releases/%s, taken %s: "
		       "everything written to it since %s is LOST", env->branch, t->name, to, when, when);
		failed = restore(s, d, &d->cx, t, path, env);
		if (failed)
			wf_say("workflow: %s: the restore of database %s failed and it may be partly loaded; the code "
			       "goes back: restore the snapshot taken before this rollback with 'git-workflow "
			       "restore-db %s %s' on the server", env->branch, t->name, env->name, d->cx.prev);
		else
			wf_say("workflow: %s: database %s restored to the snapshot of %s (what was written since is "
			       "gone)", env->branch, t->name, when);
		d->note = wf_join_note(d->note, xasprintf("database %s %s the snapshot of releases/%s (%s)%s", t->name,
							  failed ? "NOT restored to" : "restored to", to, when,
							  failed ? "" : ": writes since then lost"));
	}
	free(path);
	return failed;
}

int wf_db_before_steps(struct wf_session *s, struct wf_deploy *d)
{
	struct wf_db_target t;
	char err[256];
	int r = wf_db_target(&s->config, d->env, &t, err, sizeof(err)), failed;
	int snap = r == 0 && t.conf->snapshot && d->cx.prev[0] && strcmp(d->cx.prev, d->cx.release);

	if (r > 0 || !d->env->rel.path || !d->cx.release[0])
		return 0;
	/* the CMS's file is read only when the database is used */
	if (r == 0 && (snap || d->kind == WF_ROLLBACK || (t.conf->snapshot && !d->cx.prev[0])))
		r = wf_db_connect(s, &t, err, sizeof(err));
	if (r < 0) {
		wf_say("workflow: %s: %s", d->env->branch, err);
		return 1;
	}
	if (t.conf->snapshot && !d->cx.prev[0])
		wf_say("workflow: %s: no snapshot of database %s: there is no release before this one to go back to",
		       d->env->branch, t.name);
	failed = (snap && snapshot(s, d, &t)) || rollback(s, d, &t);
	wf_db_close(&t);
	return failed;
}

void wf_db_after_undo(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	struct wf_db_target t;
	char err[256], when[64], *path = NULL;
	struct stat st;

	if (!env->rel.path || !d->cx.prev[0] || wf_db_open(s, env, &t, err, sizeof(err)) != 0)
		return;
	/* only a snapshot this deploy took is from before its steps */
	if (snapshot_at(env, d->cx.prev, when, sizeof(when), &path) == 0 && stat(path, &st) == 0 &&
	    (long long)st.st_mtime >= d->cx.since) {
		wf_say("workflow: %s: only the code went back: database %s was NOT restored and keeps what this "
		       "deploy did to it. Its snapshot from before the steps, taken %s, is releases/%s.db.sql.gz: "
		       "restore it with 'git-workflow restore-db %s %s' on the server (what was written since %s is "
		       "lost then)", env->branch, t.name, when, d->cx.prev, env->name, d->cx.prev, when);
		d->note = wf_join_note(d->note, xasprintf("database %s not restored (snapshot: releases/%s.db.sql.gz, "
							  "%s)", t.name, d->cx.prev, when));
	} else {
		wf_say("workflow: %s: only the code went back: database %s was not restored (this deploy took no "
		       "snapshot of it): it keeps what any step that ran did to it", env->branch, t.name);
		d->note = wf_join_note(d->note, xasprintf("database %s not restored", t.name));
	}
	free(path);
	wf_db_close(&t);
}

int wf_db_no_snapshot(struct wf_session *s, const struct wf_env *env, const char *release)
{
	struct wf_db_target t;
	char err[256], when[64], *path = NULL;
	int r = wf_db_target(&s->config, env, &t, err, sizeof(err)), none;

	if (r != 0)
		return 0;
	/* only the name, for the message: what the config says, else the env's */
	if (!t.name[0])
		snprintf(t.name, sizeof(t.name), "of %s", env->name);
	none = !release || snapshot_at(env, release, when, sizeof(when), &path) < 0;
	if (none && release)
		wf_say("workflow: %s: -o restore-db: there is no snapshot of database %s for releases/%s (none was "
		       "taken, or it was pruned): push refused, nothing moved; push without -o restore-db to roll "
		       "back the code alone", env->branch, t.name, release);
	else if (none)
		wf_say("workflow: %s: -o restore-db: the commit it goes back to has no kept release (pruned by keep), "
		       "so no snapshot of database %s: push refused, nothing moved; push without -o restore-db to "
		       "roll back the code alone", env->branch, t.name);
	free(path);
	return none;
}

/* -o clone-content replaces the target's database: the most destructive
 * part of it, so the dry run names both databases. */
static void describe_clone(struct wf_session *s, const struct wf_env *env, const struct wf_db_target *t)
{
	const struct wf_env *from;
	struct wf_db_target f;
	char err[256];

	if (env->multidev || s->opts.clone_content <= 0 ||
	    !(from = wf_content_env(s, wf_content_source(&s->config, env, s->opts.clone_from))) ||
	    wf_db_target(&s->config, from, &f, err, sizeof(err)) != 0)
		return;
	if (!f.name[0]) /* read from the CMS's file when it runs */
		snprintf(f.name, sizeof(f.name), "of %s", from->name);
	wf_say("dry-run: %s: would replace database %s by a copy of %s's database %s (dropped, created, loaded), "
	       "then run %zu sanitize step%s", env->branch, t->name, from->name, f.name, t->conf->n_sanitize,
	       t->conf->n_sanitize == 1 ? "" : "s");
}

void wf_db_describe(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	char cur[WF_RELEASE_NAME_MAX], when[64], *path = NULL;
	struct wf_release_info kept;
	struct wf_db_target t;
	char err[256];

	if (wf_db_target(&s->config, env, &t, err, sizeof(err)) != 0 || !env->rel.path)
		return;
	if (!t.name[0]) /* read from the CMS's file when it runs */
		snprintf(t.name, sizeof(t.name), "of %s", env->name);
	describe_clone(s, env, &t);
	if (t.conf->snapshot && wf_release_current(&env->rel, cur) == 0)
		wf_say("dry-run: %s: would save database %s as releases/%s.db.sql.gz before the steps", env->branch,
		       t.name, cur);
	if (d->kind != WF_ROLLBACK || wf_release_find_commit(&env->rel, d->new_oid, &kept) != 0)
		return;
	if (snapshot_at(env, kept.name, when, sizeof(when), &path) < 0)
		wf_say("dry-run: %s: %s", env->branch, s->opts.restore_db ? "-o restore-db would fail the rollback: "
		       "there is no snapshot for that release" : "would leave the database as it is");
	else if (s->opts.restore_db)
		wf_say("dry-run: %s: would restore database %s to its snapshot of releases/%s, taken %s: what was "
		       "written since is lost", env->branch, t.name, kept.name, when);
	else
		wf_say("dry-run: %s: would leave the database as it is (a snapshot taken %s goes with releases/%s: "
		       "-o restore-db restores it)", env->branch, when, kept.name);
	free(path);
}

int wf_db_restore_release(struct wf_session *s, const struct wf_env *env, const char *release)
{
	struct wf_deploy d;
	struct wf_step_ctx cx;
	struct wf_db_target t;
	char err[256], when[64], *path = NULL;
	int r = wf_db_open(s, env, &t, err, sizeof(err)), failed = 1;

	if (r != 0 || !env->rel.path) {
		wf_db_close(&t);
		wf_say("git-workflow: restore-db: %s", r < 0 ? err : "that env has no database (database.ENV) or no path");
		return 1;
	}
	if (!wf_release_name_ok(release) || snapshot_at(env, release, when, sizeof(when), &path) < 0) {
		wf_say("git-workflow: restore-db: %s has no snapshot for '%s' (git-workflow releases %s lists the "
		       "releases; a snapshot is releases/NAME.db.sql.gz)", env->name, release, env->name);
		free(path);
		wf_db_close(&t);
		return 1;
	}
	wf_say("workflow: %s: database %s goes back to its snapshot of releases/%s, taken %s: everything written "
	       "to it since %s is LOST", env->name, t.name, release, when, when);
	wf_db_deploy_for(&d, &cx, env);
	failed = restore(s, &d, &cx, &t, path, env);
	wf_say("workflow: %s: database %s %s", env->name, t.name,
	       failed ? "NOT restored: see the output above (it may be partly loaded)" : "restored");
	free(path);
	wf_db_close(&t);
	return failed;
}

int wf_db_md_create(struct wf_session *s, const struct wf_deploy *d, struct wf_step_ctx *cx)
{
	struct wf_db_target t;
	char err[256];
	int r = wf_db_open(s, d->env, &t, err, sizeof(err)), failed;

	if (r > 0 || (r == 0 && !t.conf->create)) {
		wf_db_close(&t);
		return 0;
	}
	if (r < 0) {
		wf_say("workflow: %s: %s", d->env->name, err);
		return 1;
	}
	/* one left by an env of that name whose drop failed is this one's now */
	failed = wf_db_run(s, d, cx, &t, WF_DB_DROP, -1, -1) || wf_db_run(s, d, cx, &t, WF_DB_CREATE, -1, -1);
	wf_db_close(&t);
	return failed;
}

int wf_db_md_drop(struct wf_session *s, const struct wf_env *env, char **note)
{
	struct wf_deploy d;
	struct wf_step_ctx cx;
	struct wf_db_target t;
	char err[256];
	int r = wf_db_open(s, env, &t, err, sizeof(err)), failed;

	*note = NULL;
	if (r > 0)
		return 0;
	if (r < 0) {
		wf_say("workflow: %s: %s; its database is left alone", env->name, err);
		*note = xasprintf("its database was not dropped: %s", err);
		return -1;
	}
	wf_db_deploy_for(&d, &cx, env);
	failed = wf_db_run(s, &d, &cx, &t, WF_DB_DROP, -1, -1);
	wf_db_close(&t);
	*note = failed ? xasprintf("its database %s could not be dropped (see the output)", t.name)
		       : xasprintf("its database %s dropped", t.name);
	return failed ? -1 : 0;
}
