/* Inside the commit-graph reader: what commit_graph.c (open, ancestry)
 * and commit_graph_count.c (counting) share.  Nothing else includes it. */
#ifndef WF_COMMIT_GRAPH_INT_H
#define WF_COMMIT_GRAPH_INT_H

#include "commit_graph.h"

#include <stddef.h>
#include <stdint.h>

#define HASH_LEN 20
#define CDAT_LEN (HASH_LEN + 16)
/* Commits outside the graph read with libgit2 before giving up on it:
 * those pushed since it was written are few; more means a stale graph. */
#define WF_CGRAPH_MAX_OUTSIDE 10000

struct wf_cgraph {
	const unsigned char *map;
	size_t size;
	const unsigned char *fanout, *oids, *cdat, *edges;
	uint32_t n, n_edges;
};

/* Position of id in the graph, or -1. */
int64_t wf_cgraph_find(const struct wf_cgraph *g, const git_oid *id);
/* fn(ctx, p) for each parent position p of the commit at pos, in order,
 * until fn returns nonzero: then that.  0 when all were visited, -1 when
 * the graph names a position it does not have. */
int wf_cgraph_each_parent(const struct wf_cgraph *g, uint32_t pos, int (*fn)(void *ctx, uint32_t parent),
			  void *ctx);
/* Add id to the set ids[0..n) of commits outside the graph (a list:
 * they are few).  1 added, 0 already there, -1 full. */
int wf_cgraph_outside_add(git_oid **ids, size_t *n, const git_oid *id);

#endif
