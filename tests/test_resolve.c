/* wf_resolve_path: through every link, dangling or not; and the outcome
 * look-up by commit. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outcome.h"
#include "record.h"
#include "resolve.h"

static char root[PATH_MAX];

static void mk(void)
{
	char tmpl[] = "/tmp/wf-resolve-XXXXXX";
	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_not_null(realpath(tmpl, root));
}

static void rm(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

static char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int k;
	char *b = buf[k++ % 4];
	if (snprintf(b, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		abort();
	return b;
}

TestSuite(resolve, .init = mk, .fini = rm);

Test(resolve, a_dangling_link_is_followed)
{
	char out[PATH_MAX];

	cr_assert_eq(mkdir(at("rel"), 0755), 0);
	cr_assert_eq(symlink("../live/shared/settings.php", at("rel/s")), 0);
	cr_assert_eq(wf_resolve_path(at("rel/s"), out), 0);
	cr_assert_str_eq(out, at("live/shared/settings.php"));
	cr_assert(!wf_path_under(out, at("rel")));
}

/* Issue 24, point 10: an in-tree hop, then ".." past what it names. */
Test(resolve, a_climb_through_a_link_is_seen)
{
	char out[PATH_MAX];

	cr_assert_eq(mkdir(at("rel"), 0755), 0);
	cr_assert_eq(mkdir(at("rel/x"), 0755), 0);
	cr_assert_eq(mkdir(at("rel/x/y"), 0755), 0);
	cr_assert_eq(symlink("../..", at("rel/x/y/a")), 0);
	cr_assert_eq(symlink("x/y/a/../live/shared/s.php", at("rel/b")), 0);
	cr_assert_eq(wf_resolve_path(at("rel/b"), out), 0);
	cr_assert_str_eq(out, at("live/shared/s.php"));
	cr_assert(!wf_path_under(out, at("rel")));
	/* and one that stays inside */
	cr_assert_eq(symlink("x/y/a/x/new.php", at("rel/c")), 0);
	cr_assert_eq(wf_resolve_path(at("rel/c"), out), 0);
	cr_assert_str_eq(out, at("rel/x/new.php"));
	cr_assert(wf_path_under(out, at("rel")));
}

Test(resolve, loops_and_relative_paths_are_errors)
{
	char out[PATH_MAX];

	cr_assert_eq(symlink("b", at("a")), 0);
	cr_assert_eq(symlink("a", at("b")), 0);
	cr_assert_eq(wf_resolve_path(at("a"), out), -1);
	cr_assert_eq(wf_resolve_path("a/b", out), -1);
	cr_assert(wf_path_under("/x/yz", "/x/yz"));
	cr_assert(!wf_path_under("/x/yz", "/x/y"));
}

TestSuite(outcome, .init = mk, .fini = rm);

static struct wf_record rec(const char *kind, const char *status, const char *oid, const char *tag)
{
	struct wf_record r;
	memset(&r, 0, sizeof(r));
	r.kind = (char *)kind;
	r.status = (char *)status;
	r.env = "test";
	r.ref = "refs/heads/test";
	r.pusher = "alice";
	r.old_oid = "0000000000000000000000000000000000000000";
	r.new_oid = (char *)oid;
	r.tag = (char *)tag;
	r.message = "m";
	return r;
}

#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

Test(outcome, the_last_record_of_a_commit_says_how_it_ended)
{
	char gd[PATH_MAX + 2];
	struct wf_outcome o;
	struct wf_record r;

	snprintf(gd, sizeof(gd), "%s/", root);
	cr_assert_eq(wf_outcome_read(gd, "test", A, &o), 1);
	cr_assert_eq(wf_outcome_write(gd, "test", A, "running", NULL, 0), 0);
	cr_assert_eq(wf_outcome_read(gd, "test", A, &o), 0);
	cr_assert_str_eq(o.state, "running");
	r = rec("deploy", "failed", A, "deploy_test_2");
	cr_assert_eq(wf_record_write(gd, &r), 0);
	cr_assert_eq(wf_outcome_read(gd, "test", A, &o), 0);
	cr_assert_str_eq(o.state, "failed");
	cr_assert_str_eq(o.tag, "deploy_test_2");
	cr_assert_eq(o.record, r.seq);
	/* a refusal or another commit's record changes nothing */
	r = rec("refused", "refused", A, NULL);
	cr_assert_eq(wf_record_write(gd, &r), 0);
	r = rec("deploy", "ok", B, "deploy_test_3");
	cr_assert_eq(wf_record_write(gd, &r), 0);
	cr_assert_eq(wf_outcome_read(gd, "test", A, &o), 0);
	cr_assert_str_eq(o.state, "failed");
	cr_assert_eq(wf_outcome_read(gd, "test", B, &o), 0);
	cr_assert_str_eq(o.state, "ok");
	/* a name with a '/' is no key */
	cr_assert_eq(wf_outcome_read(gd, "../x", A, &o), 1);
	cr_assert_eq(wf_outcome_write(gd, "test", "../../x", "ok", NULL, 0), -1);
}

/* A repository from before outcomes: derived from its records once. */
Test(outcome, derived_from_older_records)
{
	char gd[PATH_MAX + 2], cmd[PATH_MAX + 64];
	struct wf_outcome o;
	struct wf_record r;

	snprintf(gd, sizeof(gd), "%s/", root);
	r = rec("deploy", "ok", A, "deploy_test_1");
	cr_assert_eq(wf_record_write(gd, &r), 0);
	r = rec("deploy", "interrupted", B, "deploy_test_2");
	cr_assert_eq(wf_record_write(gd, &r), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/workflow/outcome'", root);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(wf_outcome_read(gd, "test", A, &o), 0);
	cr_assert_str_eq(o.state, "ok");
	cr_assert_eq(wf_outcome_read(gd, "test", B, &o), 0);
	cr_assert_str_eq(o.state, "interrupted");
}

/* Issue 24, point 8: a tree deeper than the fd limit is removed all the
 * same (two descriptors at most), read-only directories too. */
TestSuite(rmtree, .init = mk, .fini = rm);

#include <fcntl.h>
#include <sys/resource.h>
#include "rmtree.h"

Test(rmtree, deeper_than_the_fd_limit)
{
	struct rlimit lim = { 32, 32 };
	int fd = open(root, O_RDONLY | O_DIRECTORY), next;

	cr_assert(fd >= 0);
	for (int i = 0; i < 1100; i++) {
		cr_assert_eq(mkdirat(fd, "a", 0755), 0);
		next = openat(fd, "a", O_RDONLY | O_DIRECTORY);
		cr_assert(next >= 0);
		if (i % 100 == 0)
			cr_assert((close(openat(next, "f", O_WRONLY | O_CREAT, 0644)), 1));
		close(fd);
		fd = next;
	}
	fchmod(fd, 0555);
	close(fd);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	cr_assert_eq(wf_remove_tree(at("a")), 0, "%s", strerror(errno));
	cr_assert_eq(access(at("a"), F_OK), -1);
}

Test(rmtree, a_symlink_is_removed_not_followed)
{
	cr_assert_eq(mkdir(at("keep"), 0755), 0);
	cr_assert_eq(close(open(at("keep/f"), O_WRONLY | O_CREAT, 0644)), 0);
	cr_assert_eq(mkdir(at("gone"), 0755), 0);
	cr_assert_eq(symlink("../keep", at("gone/link")), 0);
	cr_assert_eq(wf_remove_tree(at("gone")), 0);
	cr_assert_eq(access(at("keep/f"), F_OK), 0);
}
