/* Counting new ^old from the commit-graph (see commit_graph.h): a
 * dashboard's "N commits on test not yet on live" while Live is absent is
 * the whole history, and libgit2 inflates every commit of it to count them
 * (100,000 commits: about a second).  Here a commit of the graph costs a
 * bit in a bitmap and a read of its parent positions.  The hidden side is
 * marked first, all of it; then every commit the tip reaches that is not
 * marked yet is one to count.  Commits newer than the graph are read with
 * libgit2 until the walk reaches the graph, as the ancestry walk does. */
#include "commit_graph_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct count {
	const struct wf_cgraph *g;
	git_repository *repo;
	unsigned char *seen;            /* over graph positions */
	uint32_t *stack;
	size_t n_stack, cap_stack;
	git_oid *outside;               /* seen, outside the graph; to visit from next */
	size_t n_outside, next_outside;
	long found;                     /* commits newly seen */
};

/* A graph position: counted and onto the stack the first time only. */
static int mark_pos(void *ctx, uint32_t pos)
{
	struct count *w = ctx;

	if (w->seen[pos / 8] & (1u << (pos % 8)))
		return 0;
	w->seen[pos / 8] |= 1u << (pos % 8);
	if (w->n_stack == w->cap_stack) {
		w->cap_stack = w->cap_stack ? 2 * w->cap_stack : 1024;
		w->stack = xrealloc(w->stack, w->cap_stack * sizeof(*w->stack));
	}
	w->stack[w->n_stack++] = pos;
	w->found++;
	return 0;
}

/* 0, or -1 when too many commits are outside the graph */
static int mark_oid(struct count *w, const git_oid *id)
{
	int64_t pos = wf_cgraph_find(w->g, id);
	int rc;

	if (pos >= 0)
		return mark_pos(w, (uint32_t)pos);
	rc = wf_cgraph_outside_add(&w->outside, &w->n_outside, id);
	w->found += rc == 1;
	return rc < 0 ? -1 : 0;
}

/* Everything from from that is not seen yet, until more than cap are
 * found: 0, or -1 when the graph cannot answer. */
static int mark_all(struct count *w, const git_oid *from, long cap)
{
	int rc = mark_oid(w, from);

	while (rc == 0 && w->found <= cap) {
		if (w->next_outside < w->n_outside) {
			/* newer than the graph: its parents from libgit2 */
			git_commit *c = NULL;
			git_oid id;
			git_oid_cpy(&id, &w->outside[w->next_outside++]);
			if (git_commit_lookup(&c, w->repo, &id) < 0)
				return -1;
			for (unsigned int i = 0; rc == 0 && i < git_commit_parentcount(c); i++)
				rc = mark_oid(w, git_commit_parent_id(c, i));
			git_commit_free(c);
		} else if (w->n_stack) {
			rc = wf_cgraph_each_parent(w->g, w->stack[--w->n_stack], mark_pos, w);
		} else {
			break;
		}
	}
	return rc;
}

long wf_cgraph_count(struct wf_cgraph *g, git_repository *repo, const git_oid *tip, const git_oid *hide,
		     long cap)
{
	struct count w;
	long n = -1;

	memset(&w, 0, sizeof(w));
	w.g = g;
	w.repo = repo;
	w.seen = xcalloc((size_t)g->n / 8 + 1, 1);
	/* the hidden side whole (no cap: it is not what is counted) */
	if (!hide || mark_all(&w, hide, (long)g->n + WF_CGRAPH_MAX_OUTSIDE) == 0) {
		w.found = 0;
		w.n_stack = 0;
		if (mark_all(&w, tip, cap) == 0)
			n = w.found > cap ? cap + 1 : w.found;
	}
	free(w.seen);
	free(w.stack);
	free(w.outside);
	return n;
}
