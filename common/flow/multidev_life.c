/* A branch env's life after pre-receive: its create steps once, its
 * removal with the branch, the pruning of what removal kept. */
#include "multidev_flow.h"
#include "db_deploy.h"
#include "content_clone.h"
#include "multidev_registry.h"
#include "notify_hooks.h"
#include "record.h"
#include "release.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A record of a branch env made or removed, and its event. */
static void record_md(struct wf_session *s, const struct wf_env *env, const char *kind, int failed,
		      const char *oid, const char *note)
{
	struct wf_record r;

	wf_record_start(&r, kind, failed ? "failed" : "ok", env->name, env->ref, s->pusher, NULL, oid);
	/* what happened is the record's message: git-workflow log shows it */
	r.message = (char *)note;
	if (wf_record_write(s->repo.git_dir, &r) < 0)
		wf_say("workflow: warning: could not record that %s was %s", env->name, strrchr(kind, '.') + 1);
	wf_notify_record(s, &r);
}

/* Where the create steps clone from: the env's current release ("" when
 * it has no path), malloc'd. */
static char *source_path(struct wf_session *s, const char *from)
{
	const struct wf_env *src = wf_session_env(s, from, NULL);
	struct wf_md_entry e;
	char *ref;

	if (!src && wf_md_read(s->repo.git_dir, from, &e) == 0) {
		ref = xasprintf("refs/heads/%s", e.branch);
		src = wf_session_env(s, from, ref);
		free(ref);
		wf_md_entry_free(&e);
	}
	/* empty when it has no path or no release yet: nothing to copy from */
	if (!src || !src->rel.path || wf_release_current(&src->rel, (char[WF_RELEASE_NAME_MAX]){ 0 }) != 0)
		return xstrdup("");
	return xasprintf("%s/current", src->rel.path);
}

/* Content into a branch env: asked with -o clone-content, or for a new
 * one by multidev.clone_content (unless -o no-clone-content). */
static int want_content(struct wf_session *s, int made)
{
	return s->opts.clone_content > 0 || (!made && s->config.multidev.clone_content && !s->opts.clone_content);
}

int wf_md_create_steps(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx,
		       struct wf_record_steps *out)
{
	const struct wf_multidev *m = &s->config.multidev;
	const char *from = s->opts.clone_from ? s->opts.clone_from : "live";
	struct wf_md_entry e;
	char *path, *note;
	int failed, r = wf_md_read(s->repo.git_dir, d->env->name, &e);
	int content = want_content(s, r == 0 && !strcmp(e.create, "ok"));

	if (r == 0 && !strcmp(e.create, "ok")) {
		wf_md_entry_free(&e);
		return content && wf_content_deploy(s, d, from, out);
	}
	if (r != 0) {
		/* its entry was lost: the env is made again from here */
		memset(&e, 0, sizeof(e));
		snprintf(e.name, sizeof(e.name), "%s", d->env->name);
		e.branch = xstrdup(d->env->branch);
		e.created_by = xstrdup(s->pusher);
		e.created = (long long)time(NULL);
	}
	path = source_path(s, from);
	cx->clone_from = from;
	cx->clone_from_path = path;
	wf_say("workflow: %s %s: %s%zu create step%s (content from %s%s)", d->env->name,
	       r == 0 && !strcmp(e.create, "failed") ? "is made, but its create steps failed last time; again"
						     : "is a new branch environment",
	       content ? "its shared paths cloned, then " : "", m->n_create, m->n_create == 1 ? "" : "s", from,
	       *path ? "" : ", which has no release to copy files from");
	/* its own database first (database.multidev.create), then the files
	 * (and database) cloned into it: the create steps may work on them */
	failed = wf_db_md_create(s, d, cx);
	if (!failed)
		failed = content && wf_content_deploy(s, d, from, out);
	if (!failed)
		failed = wf_deploy_steps(s, d, m->create, m->n_create, cx, "create", out);
	if (failed)
		wf_say("workflow: the create steps of %s failed; the next push to %s runs them again", d->env->name,
		       d->env->branch);
	cx->clone_from = cx->clone_from_path = NULL;
	snprintf(e.create, sizeof(e.create), "%s", failed ? "failed" : "ok");
	if (wf_md_write(s->repo.git_dir, &e) < 0)
		wf_say("workflow: warning: could not note the create steps of %s: %s", e.name, strerror(errno));
	note = xasprintf("branch %s at %s, content from %s%s; create steps %s%s", d->env->branch, d->env->rel.path,
			 from, content ? " (shared paths cloned)" : "", failed ? "failed" : "ok",
			 failed ? " (they run again on the next push)" : "");
	record_md(s, d->env, "multidev.created", failed, d->new_oid, note);
	free(note);
	free(path);
	wf_md_entry_free(&e);
	return failed;
}

/* Move env's shared/ to multidev.path/.deleted/<name>-<time>; where it
 * went (malloc'd), "" when there was none, NULL when it could not move. */
static char *keep_shared(const struct wf_multidev *m, const struct wf_env *env)
{
	char *shared = xasprintf("%s/shared", env->rel.path), *dir = xasprintf("%s/.deleted", m->rel.path), *to = NULL;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (lstat(shared, &st) < 0 && errno == ENOENT) {
		to = xstrdup("");
	} else if (wf_mkdir_p(dir, 0775) == 0) {
		for (int k = 0; k < 100 && !to; k++) {
			to = k ? xasprintf("%s/%s-%s-%d", dir, env->name, stamp, k) : xasprintf("%s/%s-%s", dir, env->name, stamp);
			if (rename(shared, to) < 0) {
				int e = errno;
				free(to);
				to = NULL;
				if (e != EEXIST && e != ENOTEMPTY)
					break;
			}
		}
	}
	free(shared);
	free(dir);
	return to;
}

int wf_md_delete(struct wf_session *s, const struct wf_env *env, const char *why)
{
	char *kept = keep_shared(&s->config.multidev, env), *note, *db = NULL;
	int rc = 0;

	if (!kept) {
		wf_say("workflow: cannot keep %s/shared under %s/.deleted: %s; the branch environment %s is left as "
		       "it is (git-workflow multidev delete %s removes it once that is fixed)", env->rel.path,
		       s->config.multidev.rel.path, strerror(errno), env->name, env->name);
		return -1;
	}
	if (wf_remove_tree(env->rel.path) < 0 && errno != ENOENT) {
		wf_say("workflow: warning: could not remove all of %s: %s", env->rel.path, strerror(errno));
		rc = -1;
	}
	wf_md_remove(s->repo.git_dir, env->name);
	wf_release_store_gc(&env->rel);
	/* its database goes with it (a failure said, the env gone all the same) */
	if (wf_db_md_drop(s, env, &db) < 0)
		rc = -1;
	note = *kept ? xasprintf("%s; its shared files are kept in %s%s%s", why, kept, db ? "; " : "", db ? db : "")
		     : xasprintf("%s; it had no shared files%s%s", why, db ? "; " : "", db ? db : "");
	free(db);
	wf_say("workflow: the branch environment %s is deleted: %s%s", env->name, note,
	       *kept ? " (git-workflow multidev prune --older 14d removes what was kept 14 days ago or earlier)" : "");
	record_md(s, env, "multidev.deleted", rc < 0, NULL, note);
	free(note);
	free(kept);
	return rc;
}

/* When a kept directory was deleted: the last "-YYYYmmdd-HHMMSS" in its
 * name (a "-k" may follow); -1 when none. */
static long long kept_time(const char *name)
{
	long long t = -1;

	for (const char *p = strchr(name, '-'); p; p = strchr(p + 1, '-')) {
		struct tm tm;
		int n = 0;
		memset(&tm, 0, sizeof(tm));
		if (sscanf(p, "-%4d%2d%2d-%2d%2d%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			   &tm.tm_sec, &n) == 6 && n == 16 && (!p[n] || p[n] == '-')) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			t = (long long)timegm(&tm);
		}
	}
	return t;
}

int wf_md_prune(struct wf_session *s, long long age)
{
	char *dir = xasprintf("%s/.deleted", s->config.multidev.rel.path);
	DIR *d = opendir(dir);
	struct dirent *e;
	long long now = (long long)time(NULL);
	int n = 0;

	if (!d) {
		free(dir);
		return errno == ENOENT ? 0 : -1;
	}
	while ((e = readdir(d))) {
		long long t = e->d_name[0] == '.' ? -1 : kept_time(e->d_name);
		char *p;
		if (t < 0 || now - t < age)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (wf_remove_tree(p) == 0) {
			printf("removed %s\n", p);
			n++;
		}
		free(p);
	}
	closedir(d);
	free(dir);
	return n;
}
