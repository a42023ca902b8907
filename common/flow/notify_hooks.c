#include "notify_hooks.h"
#include "event.h"
#include "notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COMMITS 50          /* listed in an event; commits_total says how many in all */
#define MAX_COUNTED 10000       /* without a commit-graph, counted up to this */

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

struct collected {
	struct wf_event_commit *c;
	size_t n;
};

static int collect_one(void *ctx, const git_oid *id, git_commit *c)
{
	struct collected *k = ctx;
	char hex[GIT_OID_HEXSZ + 1];
	const char *sum = c ? git_commit_summary(c) : NULL;

	if (k->n == MAX_COMMITS)
		return 0;
	git_oid_tostr(hex, sizeof(hex), id);
	k->c[k->n].id = xstrdup(hex);
	k->c[k->n].summary = xstrdup(sum ? sum : "");
	k->n++;
	return 0;
}

/* The commits a deploy brings (in new, not in old), newest first, with
 * their summaries as pushed (the JSON writer escapes them), and how many in
 * all: the repository's one commit walker lists them, and counts them from
 * the commit-graph (without one: up to MAX_COUNTED). */
static size_t collect_commits(struct wf_session *s, const char *old, const char *new,
			      struct wf_event_commit **out, size_t *total)
{
	struct collected k = { xcalloc(MAX_COMMITS, sizeof(*k.c)), 0 };
	int more = 0;
	long n;

	*out = k.c;
	*total = 0;
	if (!new || !wf_is_hex_oid(new) || (old && !wf_is_hex_oid(old)))
		return 0;
	if (!old)
		old = WF_ZERO_OID;
	if (wf_repo_commit_walk(&s->repo, old, new, MAX_COMMITS, collect_one, &k) < 0)
		return k.n;
	n = wf_repo_commit_count(&s->repo, old, new, MAX_COUNTED, &more);
	*total = n < 0 ? k.n : (size_t)n;
	return k.n;
}

static void free_commits(struct wf_event_commit *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)c[i].id);
		free((char *)c[i].summary);
	}
	free(c);
}

/* The event's kind and status from the record's: 0, or 1 when a record of
 * that kind makes no event (repair, adopt). */
static int event_kind(const struct wf_record *r, struct wf_event *ev)
{
	if (wf_is_deploy_kind(r->kind)) {
		ev->kind = r->kind;
		ev->status = !strcmp(r->status, "ok") ? "succeeded" : r->status;
	} else if (!strcmp(r->kind, "refused")) {
		ev->kind = ev->status = "refused";
	} else if (!strncmp(r->kind, "multidev.", 9)) {
		ev->kind = "multidev";
		ev->status = !strcmp(r->kind + 9, "created") && !strcmp(r->status, "failed") ? "failed" : r->kind + 9;
	} else {
		return 1;
	}
	return 0;
}

void wf_notify_record(struct wf_session *s, const struct wf_record *r)
{
	struct wf_event ev;
	struct wf_event_step *st = NULL;
	struct wf_event_commit *commits = NULL;
	int deploy = wf_is_deploy_kind(r->kind), md = !strncmp(r->kind, "multidev.", 9);

	memset(&ev, 0, sizeof(ev));
	if (!s->config_ok || !s->config.n_webhooks || event_kind(r, &ev))
		return;
	ev.repository = wf_repo_name(s->repo.git_dir);
	ev.env = r->env && *r->env ? r->env : NULL;
	ev.ref = r->ref;
	ev.tag = r->tag;
	ev.from = md ? NULL : r->old_oid;
	ev.to = !deploy && wf_is_zero_oid(r->new_oid) ? NULL : r->new_oid;
	ev.pusher = r->pusher;
	/* a branch env's record says what happened as its message */
	ev.message = md ? NULL : r->message;
	ev.note = md ? r->message : r->note;
	ev.time = r->time;
	ev.record = r->seq;
	if (deploy) {
		ev.n_commits = collect_commits(s, r->old_oid, r->new_oid, &commits, &ev.commits_total);
		ev.commits = commits;
		st = xcalloc(r->n_steps + 1, sizeof(*st));
		for (size_t i = 0; i < r->n_steps; i++) {
			st[i].name = r->steps[i].name;
			st[i].exit_status = r->steps[i].exit_status;
			st[i].timed_out = r->steps[i].timed_out;
			st[i].duration = r->steps[i].duration;
		}
		ev.steps = st;
		ev.n_steps = r->n_steps;
	}
	wf_notify_emit(s->repo.git_dir, &s->config, &ev);
	free_commits(commits, ev.n_commits);
	free(st);
	free((char *)ev.repository);
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
