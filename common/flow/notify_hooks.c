#include "notify_hooks.h"
#include "event.h"
#include "notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COMMITS 50          /* listed in an event; commits_total says how many in all */
#define MAX_COUNTED 100000

char *wf_repo_name(const char *git_dir)
{
	char *p = xstrdup(git_dir), *base;
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	if (n > 5 && !strcmp(p + n - 5, "/.git")) {
		n -= 5;
		p[n] = '\0';
	}
	base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".git"))
		base[n - 4] = '\0';
	base = xstrdup(base);
	free(p);
	return base;
}

/* The commits a deploy brings (in new, not in old), newest first, with
 * their summaries as pushed: the JSON writer escapes them. */
static size_t collect_commits(struct wf_session *s, const char *old, const char *new,
			      struct wf_event_commit **out, size_t *total)
{
	git_revwalk *w = NULL;
	git_oid o, n, id;
	size_t count = 0, listed = 0;

	*out = xcalloc(MAX_COMMITS, sizeof(**out));
	*total = 0;
	if (!new || git_oid_fromstr(&n, new) < 0 || git_revwalk_new(&w, s->repo.git) < 0)
		return 0;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push(w, &n) < 0 ||
	    (old && !wf_is_zero_oid(old) && (git_oid_fromstr(&o, old) < 0 || git_revwalk_hide(w, &o) < 0))) {
		git_revwalk_free(w);
		return 0;
	}
	while (count < MAX_COUNTED && git_revwalk_next(&id, w) == 0) {
		count++;
		if (listed < MAX_COMMITS) {
			git_commit *c = NULL;
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &id);
			(*out)[listed].id = xstrdup(hex);
			if (git_commit_lookup(&c, s->repo.git, &id) == 0) {
				const char *sum = git_commit_summary(c);
				(*out)[listed].summary = xstrdup(sum ? sum : "");
				git_commit_free(c);
			} else {
				(*out)[listed].summary = xstrdup("");
			}
			listed++;
		}
	}
	git_revwalk_free(w);
	*total = count;
	return listed;
}

static void free_commits(struct wf_event_commit *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)c[i].id);
		free((char *)c[i].summary);
	}
	free(c);
}

void wf_notify_deploy(struct wf_session *s, const struct wf_deploy *d, const char *status, const char *tag,
		      const char *message, const struct wf_record_step *steps, size_t n_steps,
		      const char *note, long record)
{
	struct wf_event ev;
	struct wf_event_step *st;
	struct wf_event_commit *commits;
	char *repo;

	if (!s->config.n_webhooks)
		return;
	repo = wf_repo_name(s->repo.git_dir);
	st = xcalloc(n_steps + 1, sizeof(*st));
	memset(&ev, 0, sizeof(ev));
	ev.kind = wf_deploy_kind_word(d->kind);
	ev.status = status;
	ev.repository = repo;
	ev.env = d->env->name;
	ev.ref = d->ref;
	ev.tag = tag;
	ev.from = d->old_oid;
	ev.to = d->new_oid;
	ev.pusher = s->pusher;
	/* the message as pushed: the JSON writer escapes it */
	ev.message = s->opts.message && *s->opts.message ? s->opts.message : message;
	ev.note = note;
	ev.time = (long long)time(NULL);
	ev.record = record;
	ev.n_commits = collect_commits(s, d->old_oid, d->new_oid, &commits, &ev.commits_total);
	ev.commits = commits;
	for (size_t i = 0; i < n_steps; i++) {
		st[i].name = steps[i].name;
		st[i].exit_status = steps[i].exit_status;
		st[i].timed_out = steps[i].timed_out;
		st[i].duration = steps[i].duration;
	}
	ev.steps = st;
	ev.n_steps = n_steps;
	wf_notify_emit(s->repo.git_dir, &s->config, &ev);
	free_commits(commits, ev.n_commits);
	free(st);
	free(repo);
}

/* What every event has: kind, status, where, who, when.  The
 * repository's name (malloc'd) is ev->repository; NULL when no webhook
 * would take an event (nothing to build). */
static char *event_base(struct wf_session *s, struct wf_event *ev, const char *kind, const char *status,
			const char *env, const char *ref, long record)
{
	if (!s->config_ok || !s->config.n_webhooks)
		return NULL;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->status = status;
	ev->repository = wf_repo_name(s->repo.git_dir);
	ev->env = env;
	ev->ref = ref;
	ev->pusher = s->pusher;
	ev->time = (long long)time(NULL);
	ev->record = record;
	return (char *)ev->repository;
}

void wf_notify_interrupted(struct wf_session *s, const struct wf_env *env, const char *kind, const char *tag,
			   const char *old, const char *new, const char *pusher, const char *message,
			   const char *note, long record)
{
	struct wf_event ev;
	struct wf_event_commit *commits;
	char *repo = event_base(s, &ev, kind, "interrupted", env->name, env->ref, record);

	if (!repo)
		return;
	ev.tag = tag;
	ev.from = old;
	ev.to = new;
	ev.pusher = pusher;
	ev.message = message;
	ev.note = note;
	ev.n_commits = collect_commits(s, old, new, &commits, &ev.commits_total);
	ev.commits = commits;
	wf_notify_emit(s->repo.git_dir, &s->config, &ev);
	free_commits(commits, ev.n_commits);
	free(repo);
}

void wf_notify_refusal(struct wf_session *s, const struct wf_update *u, const struct wf_env *env,
		       const char *reason, long record)
{
	struct wf_event ev;
	char *repo = event_base(s, &ev, "refused", "refused", env ? env->name : NULL, u->ref, record);

	if (!repo)
		return;
	ev.from = u->old_oid;
	ev.to = wf_is_zero_oid(u->new_oid) ? NULL : u->new_oid;
	ev.message = reason;
	wf_notify_emit(s->repo.git_dir, &s->config, &ev);
	free(repo);
}

void wf_notify_multidev(struct wf_session *s, const struct wf_env *env, const char *status, const char *oid,
			const char *note, long record)
{
	struct wf_event ev;
	char *repo = event_base(s, &ev, "multidev", status, env->name, env->ref, record);

	if (!repo)
		return;
	ev.to = oid;
	ev.note = note;
	wf_notify_emit(s->repo.git_dir, &s->config, &ev);
	free(repo);
}

const char *wf_spool_fix_hint(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
		return "Free space there";
	case EROFS:
		return "Its file system is mounted read-only: mount it read-write";
	case EACCES:
	case EPERM:
		return "Make it writable by the user the hooks run as";
	case ENOTDIR:
	case EEXIST:
		return "Something that is not a directory is in its way: move it aside";
	default:
		return "Make it a directory the hooks can write";
	}
}
