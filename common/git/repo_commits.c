/* The commits a deploy brings (old..new), for tags, records and the
 * dry run: from git's commit-graph when it has them, else a revwalk. */
#include "repo.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void list_line(struct wf_repo *r, const git_oid *id, git_commit *known, struct sbuf *out)
{
	git_commit *c = known;
	char hex[13];

	git_oid_tostr(hex, sizeof(hex), id);
	if (c || git_commit_lookup(&c, r->git, id) == 0) {
		const char *s = git_commit_summary(c);
		sbuf_addf(out, "%s ", hex);
		wf_text_line(out, s ? s : "", s ? strlen(s) : 0);
		sbuf_adds(out, "\n");
		if (!known)
			git_commit_free(c);
	}
}

/* new ^old, newest first by commit date, at most max, when the commit-graph
 * holds old (so it says which commits old already has).  libgit2's revwalk
 * walks the whole range before the first commit once a commit is hidden or
 * an order asked for (50,000 commits: ~0.7 s); this reads about max
 * commits.  -1 if a commit cannot be read. */
static long commit_list_graph(struct wf_repo *r, const git_oid *old, const git_oid *new, size_t max,
			      struct sbuf *out)
{
	struct item { git_oid id; git_time_t when; } *heap = NULL;
	git_oid *seen = NULL;
	size_t n_heap = 0, n_seen = 0, cap = 0;
	long count = 0;
	int rc = 0;

	seen = xmalloc(sizeof(*seen));
	git_oid_cpy(&seen[n_seen++], new);
	heap = xmalloc(sizeof(*heap));
	git_oid_cpy(&heap[0].id, new);
	heap[0].when = 0;
	n_heap = cap = 1;
	while (n_heap && (size_t)count < max && rc == 0) {
		struct item top = heap[0];
		git_commit *c = NULL;
		size_t i = 0;

		/* pop the newest */
		heap[0] = heap[--n_heap];
		for (;;) {
			size_t l = 2 * i + 1, b = i;
			if (l < n_heap && heap[l].when > heap[b].when)
				b = l;
			if (l + 1 < n_heap && heap[l + 1].when > heap[b].when)
				b = l + 1;
			if (b == i)
				break;
			struct item t = heap[i];
			heap[i] = heap[b];
			heap[b] = t;
			i = b;
		}
		if (wf_cgraph_is_ancestor(r->cgraph, r->git, &top.id, old) == 1)
			continue; /* old has it, and so all its ancestors */
		if (git_commit_lookup(&c, r->git, &top.id) < 0) {
			rc = -1;
			break;
		}
		list_line(r, &top.id, c, out);
		count++;
		for (unsigned int p = 0; p < git_commit_parentcount(c); p++) {
			const git_oid *pid = git_commit_parent_id(c, p);
			git_commit *pc = NULL;
			size_t k;
			for (k = 0; k < n_seen && !git_oid_equal(&seen[k], pid); k++)
				;
			if (k < n_seen)
				continue;
			seen = xrealloc(seen, (n_seen + 1) * sizeof(*seen));
			git_oid_cpy(&seen[n_seen++], pid);
			if (git_commit_lookup(&pc, r->git, pid) < 0) {
				rc = -1;
				break;
			}
			if (n_heap == cap)
				heap = xrealloc(heap, (cap *= 2) * sizeof(*heap));
			git_oid_cpy(&heap[n_heap].id, pid);
			heap[n_heap].when = git_commit_time(pc);
			git_commit_free(pc);
			/* sift up */
			for (k = n_heap++; k > 0 && heap[(k - 1) / 2].when < heap[k].when; k = (k - 1) / 2) {
				struct item t = heap[k];
				heap[k] = heap[(k - 1) / 2];
				heap[(k - 1) / 2] = t;
			}
		}
		git_commit_free(c);
	}
	free(heap);
	free(seen);
	return rc < 0 ? -1 : count;
}

long wf_repo_commit_list(struct wf_repo *r, const char *old, const char *new, size_t max,
			 struct sbuf *out)
{
	git_revwalk *w = NULL;
	git_oid o, n, id;
	long count = 0;

	if (git_oid_fromstr(&n, new) < 0)
		return -1;
	if (max > 0 && !wf_is_zero_oid(old) && git_oid_fromstr(&o, old) == 0 && wf_repo_cgraph(r) &&
	    wf_cgraph_has(r->cgraph, &o))
		return commit_list_graph(r, &o, &n, max, out);
	if (git_revwalk_new(&w, r->git) < 0)
		return -1;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push(w, &n) < 0 ||
	    (!wf_is_zero_oid(old) && (git_oid_fromstr(&o, old) < 0 || git_revwalk_hide(w, &o) < 0))) {
		git_revwalk_free(w);
		return -1;
	}
	while ((max == 0 || (size_t)count < max) && git_revwalk_next(&id, w) == 0) {
		list_line(r, &id, NULL, out);
		count++;
	}
	git_revwalk_free(w);
	return count;
}


long wf_repo_commit_times(struct wf_repo *r, const char *old, const char *new, size_t max, long long **times,
			  int *capped)
{
	git_revwalk *w = NULL;
	git_oid o, n, id;
	long count = 0;

	*times = NULL;
	*capped = 0;
	if (git_oid_fromstr(&n, new) < 0 || git_revwalk_new(&w, r->git) < 0)
		return -1;
	/* time order alone lets libgit2 walk lazily: the newest max, not the range */
	git_revwalk_sorting(w, GIT_SORT_TIME);
	if (git_revwalk_push(w, &n) < 0 ||
	    (old && !wf_is_zero_oid(old) && (git_oid_fromstr(&o, old) < 0 || git_revwalk_hide(w, &o) < 0))) {
		git_revwalk_free(w);
		return -1;
	}
	*times = xcalloc(max ? max : 1, sizeof(**times));
	while (git_revwalk_next(&id, w) == 0) {
		git_commit *c = NULL;

		if ((size_t)count == max) {
			*capped = 1;
			break;
		}
		if (git_commit_lookup(&c, r->git, &id) < 0)
			continue; /* a commit that cannot be read says nothing of its time */
		(*times)[count++] = (long long)git_commit_time(c);
		git_commit_free(c);
	}
	git_revwalk_free(w);
	return count;
}
