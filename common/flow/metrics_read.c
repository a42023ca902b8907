/* Delivery metrics from the records and the commits (metrics_read.h). */
#include "metrics_read.h"
#include "policy.h"
#include "record.h"

#include <stdlib.h>
#include <string.h>

struct facts {
	struct wf_metrics_fact *v;
	size_t n, cap;
	size_t commits;                 /* walked so far, of WF_METRICS_ALL_COMMITS */
	int capped;
};

/* A deploy that ran: one of the deploy kinds, ended ok, failed or
 * interrupted (not refused, not a dry run). */
static int ran(const struct wf_record *rec)
{
	const char *s = rec->status ? rec->status : "";

	return rec->kind && rec->env && wf_is_deploy_kind(rec->kind) &&
	       (!strcmp(s, "ok") || !strcmp(s, "failed") || !strcmp(s, "interrupted"));
}

static enum wf_metrics_kind kind_of(const char *k)
{
	return !strcmp(k, "rollback") ? WF_METRICS_ROLLBACK : !strcmp(k, "hotfix") ? WF_METRICS_HOTFIX
										  : WF_METRICS_DEPLOY;
}

/* The commit times of what an ok Live deploy brought (old..new). */
static void commits(struct wf_repo *r, struct facts *fs, struct wf_metrics_fact *f, const struct wf_record *rec)
{
	size_t left = WF_METRICS_ALL_COMMITS - fs->commits;
	long long *t = NULL;
	int capped = 0;
	long n;

	if (!f->live || !f->ok || f->kind == WF_METRICS_ROLLBACK || !rec->new_oid || !wf_is_hex_oid(rec->new_oid))
		return;
	if (!left) {
		fs->capped = 1;
		return;
	}
	n = wf_repo_commit_times(r, rec->old_oid, rec->new_oid,
				 left < WF_METRICS_DEPLOY_COMMITS ? left : WF_METRICS_DEPLOY_COMMITS, &t, &capped);
	if (n <= 0) {
		free(t);
		return;
	}
	fs->capped |= capped;
	fs->commits += (size_t)n;
	f->commit_times = t;
	f->n_commits = (size_t)n;
}

static void add(struct wf_repo *r, struct facts *fs, const struct wf_record *rec)
{
	struct wf_metrics_fact *f;

	if (fs->n == fs->cap)
		fs->v = xrealloc(fs->v, (fs->cap = fs->cap * 2 + 64) * sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->env = xstrdup(rec->env);
	f->live = !strcmp(rec->env, r->c->live.name);
	f->kind = kind_of(rec->kind);
	f->ok = !strcmp(rec->status, "ok");
	f->time = rec->time;
	commits(r, fs, f, rec);
}

/* The records back to the window's start (and the slack), newest first;
 * facts end up oldest first. */
static int read_facts(struct wf_repo *r, long long from, struct facts *fs)
{
	long last = wf_record_last(r->git_dir), read = 0;
	int capped = 0;

	for (long i = last; i >= 1; i--) {
		struct wf_record rec;

		if (read++ == WF_METRICS_RECORDS_MAX) {
			capped = 1;
			break;
		}
		/* one that cannot be read is named by log, and says no fact here */
		if (wf_record_read(r->git_dir, i, &rec) != 0)
			continue;
		if (rec.time < from - WF_METRICS_SLACK) {
			wf_record_free(&rec);
			break;
		}
		if (rec.time >= from && ran(&rec))
			add(r, fs, &rec);
		wf_record_free(&rec);
	}
	for (size_t a = 0, b = fs->n; b > a + 1; a++, b--) {
		struct wf_metrics_fact t = fs->v[a];
		fs->v[a] = fs->v[b - 1];
		fs->v[b - 1] = t;
	}
	return capped;
}

void wf_metrics_gather(struct wf_repo *r, long long now, long long since, struct wf_metrics *m)
{
	struct facts fs = { 0 };
	const char *order[2] = { r->c->test.name, r->c->live.name };
	int capped = read_facts(r, now - since, &fs);

	wf_metrics_compute(fs.v, fs.n, now, since, order, 2, m);
	m->records_capped = capped;
	m->commits_capped = fs.capped;
	for (size_t i = 0; i < fs.n; i++) {
		free((char *)fs.v[i].env);
		free((long long *)fs.v[i].commit_times);
	}
	free(fs.v);
}
