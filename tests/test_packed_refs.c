/* packed-refs read by prefix must find what a line-by-line filter finds,
 * sorted or not, peel lines or not, at the file's either end; and an env's
 * deploy tags are its loose ones with the packed ones a loose file does not
 * shadow, by number. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "deploy_refs.h"
#include "packed_refs.h"
#include "repo.h"
#include "util.h"

static char dir[64];

#define A40 "1111111111111111111111111111111111111111"
#define B40 "2222222222222222222222222222222222222222"

static void setup(void)
{
	strcpy(dir, "/tmp/wf_packed_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	strcat(dir, "/");
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(packed_refs, .init = setup, .fini = teardown);

static void write_file(const char *text)
{
	char *path = xasprintf("%spacked-refs", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* "name[^peeled];" per ref found */
static int collect(void *ctx, const char *name, size_t len, const char *peeled)
{
	struct sbuf *sb = ctx;
	sbuf_addf(sb, "%.*s%s%.2s;", (int)len, name, peeled ? "^" : "", peeled ? peeled : "");
	return 0;
}

static char *found(const char *prefix)
{
	struct sbuf sb = SBUF_INIT;
	cr_assert_eq(wf_packed_refs_each(dir, prefix, collect, &sb), 0);
	sbuf_adds(&sb, "");
	return sbuf_detach(&sb);
}

static const char refs[] = A40 " refs/heads/live\n"
			   B40 " refs/tags/deploy_live_1\n^" A40 "\n"
			   A40 " refs/tags/deploy_live_10\n"
			   B40 " refs/tags/deploy_live_2\n^" B40 "\n"
			   A40 " refs/tags/deploy_livex_1\n"
			   A40 " refs/tags/deploy_test_1\n^" A40 "\n";

Test(packed_refs, sorted_range_with_peels)
{
	char *s, *text = xasprintf("# pack-refs with: peeled fully-peeled sorted \n%s", refs);
	write_file(text);
	s = found("refs/tags/deploy_live_");
	cr_assert_str_eq(s, "refs/tags/deploy_live_1^11;refs/tags/deploy_live_10;refs/tags/deploy_live_2^22;");
	free(s);
	s = found("refs/tags/deploy_test_");
	cr_assert_str_eq(s, "refs/tags/deploy_test_1^11;");
	free(s);
	s = found("refs/heads/");
	cr_assert_str_eq(s, "refs/heads/live;");
	free(s);
	s = found("refs/tags/zzz");
	cr_assert_str_eq(s, "");
	free(s);
	free(text);
}

Test(packed_refs, unsorted_and_headerless_files_are_read_whole)
{
	char *s;
	write_file(A40 " refs/tags/deploy_live_2\n" A40 " refs/heads/a\n" B40 " refs/tags/deploy_live_1\n^" A40 "\n");
	s = found("refs/tags/deploy_live_");
	cr_assert_str_eq(s, "refs/tags/deploy_live_2;refs/tags/deploy_live_1^11;");
	free(s);
}

Test(packed_refs, no_file_is_no_refs)
{
	char *s = found("refs/tags/");
	cr_assert_str_eq(s, "");
	free(s);
}

/* 2,000 refs: every prefix of every name answered as the filter does */
Test(packed_refs, binary_search_agrees_with_a_filter)
{
	struct sbuf text = SBUF_INIT;
	char name[64];

	sbuf_adds(&text, "# pack-refs with: peeled fully-peeled sorted \n");
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "refs/tags/t%04d", i);
		sbuf_addf(&text, A40 " %s\n%s", name, i % 3 ? "" : "^" B40 "\n");
	}
	write_file(text.buf);
	for (int i = 0; i < 2000; i += 37) {
		for (int cut = 11; cut <= 15; cut++) {
			struct sbuf want = SBUF_INIT;
			char *got;
			snprintf(name, sizeof(name), "refs/tags/t%04d", i);
			name[cut] = '\0';
			for (int j = 0; j < 2000; j++) {
				char other[64];
				snprintf(other, sizeof(other), "refs/tags/t%04d", j);
				if (!strncmp(other, name, strlen(name)))
					sbuf_addf(&want, "%s%s;", other, j % 3 ? "" : "^22");
			}
			sbuf_adds(&want, "");
			got = found(name);
			cr_assert_str_eq(got, want.buf, "prefix %s", name);
			free(got);
			sbuf_free(&want);
		}
	}
	sbuf_free(&text);
}

/* A loose deploy tag shadows its packed line (and that line's peel). */
Test(packed_refs, deploy_refs_loose_over_packed)
{
	struct wf_config c;
	struct wf_repo r;
	struct wf_deploy_ref *t = NULL;
	char err[256], *cmd, *path;
	long n;

	cmd = xasprintf("cd '%s' && export HOME='%s' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=T "
			"GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org && "
			"git init -q r && cd r && git commit -q --allow-empty -m 1 && git commit -q --allow-empty -m 2 && "
			"git tag -a -m x deploy_live_1 HEAD~1 && git tag -a -m x deploy_live_3 HEAD && "
			"git tag deploy_live_x && git tag deploy_test_2 && git pack-refs --all && "
			"git update-ref refs/tags/deploy_live_1 HEAD && git tag deploy_live_2 HEAD",
			dir, dir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	memset(&c, 0, sizeof(c));
	c.tag_prefix = "deploy";
	path = xasprintf("%sr", dir);
	cr_assert_eq(wf_repo_open_path(&r, path, err, sizeof(err)), 0, "%s", err);
	r.c = &c;
	n = wf_deploy_refs(&r, "live", &t);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(t[0].name, "deploy_live_1");
	cr_assert_eq(t[0].has_peeled, 0, "deploy_live_1 is loose now");
	cr_assert_eq(t[1].n, 2);
	cr_assert_eq(t[1].has_peeled, 0);
	cr_assert_eq(t[2].n, 3);
	cr_assert_eq(t[2].has_peeled, 1, "deploy_live_3 is packed with its peel");
	wf_deploy_refs_free(t, n);
	wf_repo_close(&r);
	free(path);
}
