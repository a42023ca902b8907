/* Ancestry answered from git's commit-graph file.
 *
 * libgit2 1.5 does not read the commit-graph when it answers
 * git_graph_descendant_of: it inflates every commit between the two tips
 * from the packs (~0.5 s for 50,000 commits), where git merge-base
 * --is-ancestor reads them from objects/info/commit-graph and stops below
 * the ancestor's generation number.  This does the same: a depth-first walk
 * from the descendant over the graph's parent positions, skipping every
 * commit whose topological level is not above the ancestor's (it cannot
 * reach it).  Commits newer than the graph (the push's own) are read with
 * libgit2 until the walk reaches the graph.
 *
 * Whenever the graph cannot answer for sure (no file, a format or chain it
 * does not know, a bound out of range, the ancestor not in the graph, no
 * generation numbers, too many commits outside it, grafts or a shallow
 * repository, core.commitGraph = false), it says so and the caller asks
 * libgit2: the answer is the same, only slower. */
#ifndef WF_COMMIT_GRAPH_H
#define WF_COMMIT_GRAPH_H

#include <git2.h>

struct wf_cgraph;

/* The commit-graph of repo's object directory, or NULL when there is none
 * this code can use. */
struct wf_cgraph *wf_cgraph_open(git_repository *repo);
void wf_cgraph_free(struct wf_cgraph *g);
/* Is anc an ancestor of desc (or desc itself)?  1 yes, 0 no, -1 the graph
 * cannot tell: ask libgit2. */
int wf_cgraph_is_ancestor(struct wf_cgraph *g, git_repository *repo, const git_oid *anc,
			  const git_oid *desc);
/* Is id in the graph with a usable generation number?  Then the graph holds
 * all its ancestors too (git writes it closed under parents), and
 * wf_cgraph_is_ancestor(g, repo, x, id) answers for every x in the graph;
 * an x outside it is no ancestor of id. */
int wf_cgraph_has(struct wf_cgraph *g, const git_oid *id);
/* How many commits tip reaches that hide (NULL: none) does not: git
 * rev-list --count tip ^hide, without inflating a commit of the graph
 * (commit_graph_count.c).  cap + 1 when there are more than cap; -1 when
 * the graph cannot answer (a bad graph, too many commits outside it, one
 * unreadable): ask libgit2. */
long wf_cgraph_count(struct wf_cgraph *g, git_repository *repo, const git_oid *tip, const git_oid *hide,
		     long cap);

#endif
