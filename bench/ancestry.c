/* ancestry: time the hooks' ancestry query alone.
 *
 *   ancestry GIT_DIR ANCESTOR DESCENDANT RUNS
 *
 * Opens the repository once and answers "is ANCESTOR an ancestor of
 * DESCENDANT?" RUNS times each way: with the commit-graph (what the hooks'
 * is_ancestor does first, common/commit_graph.c, the graph opened anew each
 * time) and with libgit2's git_graph_descendant_of (their fallback).  Prints
 * "graph_us libgit2_us graph_answer libgit2_answer", medians in
 * microseconds, answers 1 yes, 0 no, -1 declined.  bench/run compares them
 * with git merge-base --is-ancestor. */
#include <git2.h>
#include "commit_graph.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	git_repository *repo;
	git_oid anc, desc;
	int runs = argc == 5 ? atoi(argv[4]) : 0, answer = -1, ganswer = -1;
	double *t, *tg;

	if (argc != 5 || runs < 1) {
		fprintf(stderr, "usage: ancestry GIT_DIR ANCESTOR DESCENDANT RUNS\n");
		return 2;
	}
	git_libgit2_init();
	if (git_repository_open(&repo, argv[1]) < 0 || git_oid_fromstr(&anc, argv[2]) < 0 ||
	    git_oid_fromstr(&desc, argv[3]) < 0) {
		fprintf(stderr, "ancestry: %s\n", git_error_last() ? git_error_last()->message : "bad oid");
		return 2;
	}
	t = calloc(runs, sizeof(*t));
	tg = calloc(runs, sizeof(*tg));
	for (int i = 0; i < runs; i++) {
		double t0 = now_us();
		struct wf_cgraph *g = wf_cgraph_open(repo);
		ganswer = g ? wf_cgraph_is_ancestor(g, repo, &anc, &desc) : -1;
		wf_cgraph_free(g);
		tg[i] = now_us() - t0;
	}
	for (int i = 0; i < runs; i++) {
		double t0 = now_us();
		answer = git_graph_descendant_of(repo, &desc, &anc);
		t[i] = now_us() - t0;
	}
	qsort(t, runs, sizeof(*t), cmp);
	qsort(tg, runs, sizeof(*tg), cmp);
	printf("%.0f %.0f %d %d\n", tg[runs / 2], t[runs / 2], ganswer, answer);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}
