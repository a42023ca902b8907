/* Ancestry from the commit-graph must give libgit2's answer, for every
 * pair of commits of a history with merges, an octopus merge and commits
 * newer than the graph; and a graph it cannot trust must be declined. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commit_graph.h"
#include "repo.h"
#include "util.h"

static char dir[64];

static void sh(const char *script)
{
	char *cmd = xasprintf("cd '%s' && export HOME='%s' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=T "
			      "GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org; "
			      "c() { echo \"$1\" >>\"${2:-f}\"; git add \"${2:-f}\"; git commit -q -m \"$1\"; }; %s",
			      dir, dir, script);
	cr_assert_eq(system(cmd), 0, "failed: %s", script);
	free(cmd);
}

static void setup(void)
{
	strcpy(dir, "/tmp/wf_cgraph_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	sh("git init -q -b master r && cd r && c 1 && c 2 && git checkout -q -b side && c s1 s && c s2 s && "
	   "git checkout -q master && c 3 && git merge -q --no-edit side && "
	   "git checkout -q -b o1 && c o1 o1 && git checkout -q master && git checkout -q -b o2 && c o2 o2 && "
	   "git checkout -q master && c 4 && git merge -q --no-edit o1 o2 >/dev/null && c 5 && "
	   "git checkout -q -b old HEAD~3 && c old old && git checkout -q master && "
	   "git commit-graph write --reachable && "
	   /* newer than the graph: commits and a merge the graph lacks */
	   "c 6 && git checkout -q -b late side && c late l && git checkout -q master && "
	   "git merge -q --no-edit late && c 7");
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
	free(cmd);
}

static git_repository *open_repo(void)
{
	git_repository *repo;
	char *path = xasprintf("%s/r", dir);
	git_libgit2_init();
	cr_assert_eq(git_repository_open(&repo, path), 0);
	free(path);
	return repo;
}

static size_t all_commits(git_oid *out, size_t max)
{
	char *cmd = xasprintf("git -C '%s/r' rev-list --all", dir);
	FILE *f = popen(cmd, "r");
	char line[128];
	size_t n = 0;

	cr_assert_not_null(f);
	while (n < max && fgets(line, sizeof(line), f)) {
		line[40] = 0;
		cr_assert_eq(git_oid_fromstr(&out[n++], line), 0);
	}
	pclose(f);
	free(cmd);
	return n;
}

Test(commit_graph, same_answers_as_libgit2, .init = setup, .fini = teardown)
{
	git_repository *repo = open_repo();
	struct wf_cgraph *g = wf_cgraph_open(repo);
	git_oid c[64];
	size_t n = all_commits(c, 64);
	int answered = 0, yes = 0, no = 0;

	cr_assert_not_null(g, "the graph git wrote should be usable");
	cr_assert_gt(n, 15);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = git_oid_equal(&c[i], &c[j]) ? 1 : git_graph_descendant_of(repo, &c[j], &c[i]);
			int got = wf_cgraph_is_ancestor(g, repo, &c[i], &c[j]);
			cr_assert_geq(want, 0);
			if (got < 0)
				continue; /* declined: the hooks ask libgit2 */
			cr_assert_eq(got, want, "pair %zu %zu: graph says %d, libgit2 %d", i, j, got, want);
			answered++;
			yes += got == 1;
			no += got == 0;
		}
	/* commits newer than the graph are declined as ancestors only */
	cr_assert_gt(answered, (int)(n * n / 2));
	cr_assert_gt(yes, 0);
	cr_assert_gt(no, 0);
	wf_cgraph_free(g);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

static void expect_declined(const char *script)
{
	git_repository *repo;
	sh(script);
	repo = open_repo();
	cr_assert_null(wf_cgraph_open(repo), "after: %s", script);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

Test(commit_graph, truncated_graph_is_declined, .init = setup, .fini = teardown)
{
	expect_declined("truncate -s 200 r/.git/objects/info/commit-graph");
}

Test(commit_graph, foreign_file_is_declined, .init = setup, .fini = teardown)
{
	expect_declined("printf 'CGPH\\002\\001\\003\\000%01000d' 0 >r/.git/objects/info/commit-graph");
}

Test(commit_graph, disabled_graph_is_declined, .init = setup, .fini = teardown)
{
	expect_declined("git -C r config core.commitGraph false");
}

Test(commit_graph, grafts_are_declined, .init = setup, .fini = teardown)
{
	expect_declined("git -C r rev-parse HEAD >r/.git/info/grafts");
}

Test(commit_graph, no_graph_is_declined, .init = setup, .fini = teardown)
{
	expect_declined("rm r/.git/objects/info/commit-graph");
}

/* The commits a deploy lists (new ^old), walked with the graph's help,
 * are exactly git rev-list's. */
static char *sorted_lines(const char *text)
{
	char *path = xasprintf("%s/lines", dir), *cmd;
	FILE *f = fopen(path, "w");
	struct sbuf sb = SBUF_INIT;
	char line[256];

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cmd = xasprintf("cut -c1-12 '%s' | sort", path);
	f = popen(cmd, "r");
	while (fgets(line, sizeof(line), f))
		sbuf_adds(&sb, line);
	pclose(f);
	free(cmd);
	free(path);
	return sb.buf ? sbuf_detach(&sb) : xstrdup("");
}

Test(commit_graph, commit_list_matches_rev_list, .init = setup, .fini = teardown)
{
	struct wf_repo r;
	char err[256], *path = xasprintf("%s/r", dir);
	git_oid c[64];
	size_t n;
	const char *tips[] = { "master", "late", "o2" };
	int used_graph = 0;

	cr_assert_eq(wf_repo_open_path(&r, path, err, sizeof(err)), 0, "%s", err);
	n = all_commits(c, 64);
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < 3; t++) {
			char old[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1], *cmd, line[128];
			struct sbuf got = SBUF_INIT, want = SBUF_INIT;
			char *g, *w, *ref = xasprintf("refs/heads/%s", tips[t]);
			FILE *f;

			git_oid_tostr(old, sizeof(old), &c[i]);
			cr_assert_eq(wf_repo_ref_tip(&r, ref, new), 0);
			free(ref);
			cr_assert_geq(wf_repo_commit_list(&r, old, new, 1000, &got), 0);
			used_graph |= r.cgraph && wf_cgraph_has(r.cgraph, &c[i]);
			cmd = xasprintf("git -C '%s' rev-list %s ^%s", path, new, old);
			f = popen(cmd, "r");
			while (fgets(line, sizeof(line), f))
				sbuf_adds(&want, line);
			pclose(f);
			free(cmd);
			g = sorted_lines(got.buf ? got.buf : "");
			w = sorted_lines(want.buf ? want.buf : "");
			cr_assert_str_eq(g, w, "%s..%s", old, tips[t]);
			free(g);
			free(w);
			sbuf_free(&got);
			sbuf_free(&want);
		}
	cr_assert(used_graph, "the graph should have been used");
	wf_repo_close(&r);
	free(path);
}

/* git rev-list --count new [^old] */
static long rev_list_count(const char *new, const char *old)
{
	char *cmd = xasprintf("git -C '%s/r' rev-list --count %s %s%s", dir, new, old ? "^" : "", old ? old : "");
	FILE *f = popen(cmd, "r");
	long n = -1;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%ld", &n), 1);
	pclose(f);
	free(cmd);
	return n;
}

/* Every commit, counted from every tip with and without a hidden one:
 * linear runs, merges, the octopus, and commits newer than the graph on
 * either side; from the graph and through wf_repo_commit_count. */
Test(commit_graph, count_matches_rev_list, .init = setup, .fini = teardown)
{
	struct wf_repo r;
	char err[256], *path = xasprintf("%s/r", dir);
	git_oid c[64];
	size_t n;

	cr_assert_eq(wf_repo_open_path(&r, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(wf_repo_cgraph(&r));
	n = all_commits(c, 64);
	for (size_t i = 0; i <= n; i++)
		for (size_t j = 0; j < n; j++) {
			char old[GIT_OID_HEXSZ + 1], new[GIT_OID_HEXSZ + 1];
			long want, got;
			int more = 1;
			git_oid_tostr(new, sizeof(new), &c[j]);
			git_oid_tostr(old, sizeof(old), &c[i < n ? i : 0]);
			want = rev_list_count(new, i < n ? old : NULL);
			got = wf_cgraph_count(r.cgraph, r.git, &c[j], i < n ? &c[i] : NULL, 1000);
			cr_assert_eq(got, want, "%s ^%s: graph %ld, git %ld", new, i < n ? old : "-", got, want);
			got = wf_repo_commit_count(&r, i < n ? old : WF_ZERO_OID, new, 1000, &more);
			cr_assert_eq(got, want, "%s ^%s: %ld, git %ld", new, i < n ? old : "-", got, want);
			cr_assert_eq(more, 0);
		}
	wf_repo_close(&r);
	free(path);
}

Test(commit_graph, count_stops_at_cap, .init = setup, .fini = teardown)
{
	git_repository *repo = open_repo();
	struct wf_cgraph *g = wf_cgraph_open(repo);
	git_oid head;
	long all;

	cr_assert_eq(git_reference_name_to_id(&head, repo, "refs/heads/master"), 0);
	all = rev_list_count("master", NULL);
	cr_assert_gt(all, 10);
	cr_assert_eq(wf_cgraph_count(g, repo, &head, NULL, all), all);
	cr_assert_eq(wf_cgraph_count(g, repo, &head, NULL, 5), 6, "more than the cap is cap + 1");
	cr_assert_eq(wf_cgraph_count(g, repo, &head, &head, 5), 0);
	wf_cgraph_free(g);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

/* No graph: counted by libgit2, exact up to the cap, then the cap and
 * *more. */
Test(commit_graph, count_without_graph, .init = setup, .fini = teardown)
{
	struct wf_repo r;
	char err[256], *path = xasprintf("%s/r", dir), new[GIT_OID_HEXSZ + 1], old[GIT_OID_HEXSZ + 1];
	long all = rev_list_count("master", NULL), part = rev_list_count("master", "side");
	int more = 0;

	sh("rm r/.git/objects/info/commit-graph");
	cr_assert_eq(wf_repo_open_path(&r, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_null(wf_repo_cgraph(&r));
	cr_assert_eq(wf_repo_ref_tip(&r, "refs/heads/master", new), 0);
	cr_assert_eq(wf_repo_ref_tip(&r, "refs/heads/side", old), 0);
	cr_assert_eq(wf_repo_commit_count(&r, WF_ZERO_OID, new, 1000, &more), all);
	cr_assert_eq(more, 0);
	cr_assert_eq(wf_repo_commit_count(&r, WF_ZERO_OID, new, all, &more), all);
	cr_assert_eq(more, 0, "exactly the cap is not more");
	cr_assert_eq(wf_repo_commit_count(&r, WF_ZERO_OID, new, 4, &more), 4);
	cr_assert_eq(more, 1);
	cr_assert_eq(wf_repo_commit_count(&r, old, new, 1000, &more), part);
	cr_assert_eq(more, 0);
	wf_repo_close(&r);
	free(path);
}

/* From nothing (an env's first deploy): the newest max, read one by one,
 * with or without a graph. */
Test(commit_graph, commit_list_from_nothing, .init = setup, .fini = teardown)
{
	for (int pass = 0; pass < 2; pass++) {
		struct wf_repo r;
		struct sbuf got = SBUF_INIT;
		char err[256], *path = xasprintf("%s/r", dir), new[GIT_OID_HEXSZ + 1];
		long all = rev_list_count("master", NULL);

		if (pass)
			sh("rm r/.git/objects/info/commit-graph");
		cr_assert_eq(wf_repo_open_path(&r, path, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(wf_repo_ref_tip(&r, "refs/heads/master", new), 0);
		cr_assert_eq(wf_repo_commit_list(&r, WF_ZERO_OID, new, 3, &got), 3);
		cr_assert_eq(strncmp(got.buf, new, 12), 0, "the tip first: %s", got.buf);
		sbuf_reset(&got);
		cr_assert_eq(wf_repo_commit_list(&r, WF_ZERO_OID, new, 1000, &got), all);
		sbuf_free(&got);
		wf_repo_close(&r);
		free(path);
	}
}
