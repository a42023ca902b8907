/* The commits a deploy brings (old..new), for tags, records, events, the
 * dashboard and the dry run, listed and counted: the one commit walker.
 * Listing reads about as many commits as it lists; counting reads none
 * from git's commit-graph.  Only without a graph does a walk grow with the
 * range, and then it stops at the caller's cap. */
#include "repo.h"
#include "text.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of a list: "abcdef123456 subject\n" (a commit that cannot be
 * read is left out). */
static int list_line(void *ctx, const git_oid *id, git_commit *c)
{
	struct sbuf *out = ctx;
	char hex[13];

	git_oid_tostr(hex, sizeof(hex), id);
	if (c) {
		const char *s = git_commit_summary(c);
		sbuf_addf(out, "%s ", hex);
		wf_text_line(out, s ? s : "", s ? strlen(s) : 0);
		sbuf_adds(out, "\n");
	}
	return 0;
}

/* Commits to visit, newest commit date on top. */
struct dated { git_oid id; git_time_t when; };
struct heap {
	struct dated *a;
	size_t n, cap;
};

static void heap_push(struct heap *h, const git_oid *id, git_time_t when)
{
	size_t k;

	if (h->n == h->cap)
		h->a = xrealloc(h->a, (h->cap = h->cap ? 2 * h->cap : 16) * sizeof(*h->a));
	git_oid_cpy(&h->a[h->n].id, id);
	h->a[h->n].when = when;
	for (k = h->n++; k > 0 && h->a[(k - 1) / 2].when < h->a[k].when; k = (k - 1) / 2) {
		struct dated t = h->a[k];
		h->a[k] = h->a[(k - 1) / 2];
		h->a[(k - 1) / 2] = t;
	}
}

static struct dated heap_pop(struct heap *h)
{
	struct dated top = h->a[0];
	size_t i = 0;

	h->a[0] = h->a[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, b = i;
		if (l < h->n && h->a[l].when > h->a[b].when)
			b = l;
		if (l + 1 < h->n && h->a[l + 1].when > h->a[b].when)
			b = l + 1;
		if (b == i)
			break;
		struct dated t = h->a[i];
		h->a[i] = h->a[b];
		h->a[b] = t;
		i = b;
	}
	return top;
}

/* The parents of c not seen yet onto the heap; -1 if one cannot be read. */
static int push_parents(struct wf_repo *r, git_commit *c, struct heap *h, git_oid **seen, size_t *n_seen)
{
	for (unsigned int p = 0; p < git_commit_parentcount(c); p++) {
		const git_oid *pid = git_commit_parent_id(c, p);
		git_commit *pc = NULL;
		size_t k;
		for (k = 0; k < *n_seen && !git_oid_equal(&(*seen)[k], pid); k++)
			;
		if (k < *n_seen)
			continue;
		*seen = xrealloc(*seen, (*n_seen + 1) * sizeof(**seen));
		git_oid_cpy(&(*seen)[(*n_seen)++], pid);
		if (git_commit_lookup(&pc, r->git, pid) < 0)
			return -1;
		heap_push(h, pid, git_commit_time(pc));
		git_commit_free(pc);
	}
	return 0;
}

/* new ^old, newest first by commit date, at most max, when old is NULL or
 * the commit-graph holds it (so it says which commits old already has).
 * libgit2's revwalk walks the whole range before the first commit once a
 * commit is hidden or an order asked for (50,000 commits: ~0.7 s); this
 * reads about max commits.  -1 if a commit cannot be read. */
static long walk_dated(struct wf_repo *r, const git_oid *old, const git_oid *new, size_t max,
		       wf_commit_fn fn, void *ctx)
{
	struct heap h = { NULL, 0, 0 };
	git_oid *seen = xmalloc(sizeof(*seen));
	size_t n_seen = 0;
	long count = 0;
	int rc = 0;

	git_oid_cpy(&seen[n_seen++], new);
	heap_push(&h, new, 0);
	while (h.n && (size_t)count < max && rc == 0) {
		struct dated top = heap_pop(&h);
		git_commit *c = NULL;

		if (old && wf_cgraph_is_ancestor(r->cgraph, r->git, &top.id, old) == 1)
			continue; /* old has it, and so all its ancestors */
		if (git_commit_lookup(&c, r->git, &top.id) < 0) {
			rc = -1;
			break;
		}
		fn(ctx, &top.id, c);
		count++;
		rc = push_parents(r, c, &h, &seen, &n_seen);
		git_commit_free(c);
	}
	free(h.a);
	free(seen);
	return rc < 0 ? -1 : count;
}

long wf_repo_commit_walk(struct wf_repo *r, const char *old, const char *new, size_t max, wf_commit_fn fn,
			 void *ctx)
{
	git_revwalk *w = NULL;
	git_oid o, n, id;
	long count = 0;
	int hide = old && !wf_is_zero_oid(old);

	if (git_oid_fromstr(&n, new) < 0 || (hide && git_oid_fromstr(&o, old) < 0))
		return -1;
	if (max > 0 && (!hide || (wf_repo_cgraph(r) && wf_cgraph_has(r->cgraph, &o))))
		return walk_dated(r, hide ? &o : NULL, &n, max, fn, ctx);
	/* no limit asked for, or no graph to say what old has: libgit2 */
	if (git_revwalk_new(&w, r->git) < 0)
		return -1;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push(w, &n) < 0 || (hide && git_revwalk_hide(w, &o) < 0)) {
		git_revwalk_free(w);
		return -1;
	}
	while ((max == 0 || (size_t)count < max) && git_revwalk_next(&id, w) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, r->git, &id) < 0)
			c = NULL;
		fn(ctx, &id, c);
		git_commit_free(c);
		count++;
	}
	git_revwalk_free(w);
	return count;
}

long wf_repo_commit_list(struct wf_repo *r, const char *old, const char *new, size_t max,
			 struct sbuf *out)
{
	return wf_repo_commit_walk(r, old, new, max, list_line, out);
}

/* Without a graph: libgit2, unsorted (with nothing hidden, it then reads
 * one commit per commit counted), stopped after cap. */
static long count_walk(struct wf_repo *r, const git_oid *old, const git_oid *new, long cap, int *more)
{
	git_revwalk *w = NULL;
	git_oid id;
	long count = 0;

	if (git_revwalk_new(&w, r->git) < 0)
		return -1;
	if (git_revwalk_push(w, new) < 0 || (old && git_revwalk_hide(w, old) < 0)) {
		git_revwalk_free(w);
		return -1;
	}
	while (count <= cap && git_revwalk_next(&id, w) == 0)
		count++;
	git_revwalk_free(w);
	if (count > cap) {
		*more = 1;
		count = cap;
	}
	return count;
}

long wf_repo_commit_count(struct wf_repo *r, const char *old, const char *new, long cap, int *more)
{
	git_oid o, n;
	int hide = old && !wf_is_zero_oid(old);
	long count;

	*more = 0;
	if (git_oid_fromstr(&n, new) < 0 || (hide && git_oid_fromstr(&o, old) < 0))
		return -1;
	if (wf_repo_cgraph(r) &&
	    (count = wf_cgraph_count(r->cgraph, r->git, &n, hide ? &o : NULL, LONG_MAX - 1)) >= 0)
		return count;
	return count_walk(r, hide ? &o : NULL, &n, cap, more);
}

struct times {
	long long *v;
	size_t n, max;
};

static int add_time(void *ctx, const git_oid *id, git_commit *c)
{
	struct times *t = ctx;

	(void)id;
	/* a commit that cannot be read says nothing of its time */
	if (c && t->n < t->max)
		t->v[t->n++] = (long long)git_commit_time(c);
	return 0;
}

long wf_repo_commit_times(struct wf_repo *r, const char *old, const char *new, size_t max, long long **times,
			  int *capped)
{
	struct times t = { xcalloc(max + 1, sizeof(long long)), 0, max };
	/* one more than max: whether there were more */
	long n = wf_repo_commit_walk(r, old, new, max + 1, add_time, &t);

	*times = t.v;
	*capped = n > (long)max;
	return n < 0 ? -1 : (long)t.n;
}
