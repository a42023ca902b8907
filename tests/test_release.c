/* The pure rules of releases (common/release_names.c) and the store. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fileio.h"
#include "release.h"
#include "util.h"

Test(release, links_inside)
{
	cr_assert(wf_release_link_ok("a.php", "b.php"));
	cr_assert(wf_release_link_ok("a/b.php", "../c.php"));
	cr_assert(wf_release_link_ok("a/b/c", "../../x"));
	cr_assert(wf_release_link_ok("a", "./b/./c"));
	cr_assert(wf_release_link_ok("a", "b/../c"));
}

Test(release, links_outside)
{
	cr_assert_not(wf_release_link_ok("a.php", "/etc/passwd"));
	cr_assert_not(wf_release_link_ok("a.php", "../x"));
	cr_assert_not(wf_release_link_ok("a/b", "../../x"));
	cr_assert_not(wf_release_link_ok("a", "b/../../x"));
	cr_assert_not(wf_release_link_ok("a", ""));
}

static struct wf_release_conf conf(char **shared, size_t n)
{
	struct wf_release_conf rc;
	memset(&rc, 0, sizeof(rc));
	rc.path = "/srv/site";
	rc.keep = 5;
	rc.shared = shared;
	rc.n_shared = n;
	return rc;
}

Test(release, tracks_shared)
{
	char *sh[] = { "sites/default/files", "app/etc/env.php" };
	struct wf_release_conf rc = conf(sh, 2);

	cr_assert_str_eq(wf_release_tracks_shared(&rc, "sites/default/files", 1), "sites/default/files");
	cr_assert_str_eq(wf_release_tracks_shared(&rc, "sites/default/files/a.jpg", 0), "sites/default/files");
	cr_assert_str_eq(wf_release_tracks_shared(&rc, "app/etc/env.php", 0), "app/etc/env.php");
	/* a file where the link's parent must be a directory */
	cr_assert_str_eq(wf_release_tracks_shared(&rc, "sites/default", 0), "sites/default/files");
	cr_assert_null(wf_release_tracks_shared(&rc, "sites/default", 1));
	cr_assert_null(wf_release_tracks_shared(&rc, "sites/default/settings.php", 0));
	cr_assert_null(wf_release_tracks_shared(&rc, "sites/default/files2", 0));
	cr_assert_null(wf_release_tracks_shared(&rc, "app/etc/env.php.dist", 0));
}

Test(release, shared_target)
{
	char *t = wf_release_shared_target("files");
	cr_assert_str_eq(t, "../../shared/files");
	free(t);
	t = wf_release_shared_target("sites/default/files");
	cr_assert_str_eq(t, "../../../../shared/sites/default/files");
	free(t);
}

Test(release, names)
{
	cr_assert(wf_release_name_ok("deploy_test_7"));
	cr_assert(wf_release_name_ok("dev-3-abc123"));
	cr_assert_not(wf_release_name_ok(""));
	cr_assert_not(wf_release_name_ok(".."));
	cr_assert_not(wf_release_name_ok("a/b"));
	cr_assert_not(wf_release_name_ok(".hidden"));
	cr_assert_not(wf_release_name_ok("-x"));
}

/* Markers, the list, current, keep and the store's clean-up, on disk. */
Test(release, set_on_disk)
{
	char tmpl[] = "/tmp/wfrelXXXXXX";
	char *dir = mkdtemp(tmpl), cur[WF_RELEASE_NAME_MAX];
	struct wf_release_conf rc = conf(NULL, 0);
	struct wf_release_info info, *l;
	const char *names[] = { "r1", "r2", "r3", "r4" };

	cr_assert_not_null(dir);
	rc.path = dir;
	rc.keep = 2;
	for (int i = 0; i < 4; i++) {
		char *d = wf_release_dir(&rc, names[i]);
		cr_assert_eq(wf_mkdir_p(d, 0755), 0);
		free(d);
		memset(&info, 0, sizeof(info));
		strcpy(info.name, names[i]);
		strcpy(info.commit, "0123456789abcdef0123456789abcdef01234567");
		info.time = 1000 + i;
		if (i < 3)
			cr_assert_eq(wf_release_mark(&rc, &info), 0);
	}
	cr_assert_eq(wf_release_list(&rc, &l), 3);
	cr_assert_str_eq(l[0].name, "r1");
	free(l);
	/* r4 has no marker: unfinished */
	wf_release_remove_unfinished(&rc);
	{
		char *r4 = wf_release_dir(&rc, "r4");
		cr_assert_neq(access(r4, F_OK), 0);
		free(r4);
	}
	cr_assert_eq(wf_release_switch(&rc, "r1"), 0);
	cr_assert_eq(wf_release_current(&rc, cur), 0);
	cr_assert_str_eq(cur, "r1");
	/* keep 2 of r1 (current), r2 (the one before), r3: one goes, and
	 * only r3 is neither */
	cr_assert_eq(wf_release_prune(&rc, "r2"), 1);
	cr_assert_eq(wf_release_read(&rc, "r3", &info), 1);
	cr_assert_eq(wf_release_read(&rc, "r1", &info), 0);
	cr_assert_eq(wf_remove_tree(dir), 0);
}
