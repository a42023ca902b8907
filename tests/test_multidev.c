/* Multidev: the config group, branch env names, and what a push does to
 * branch envs (common/core/multidev.c, config_multidev.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "multidev.h"
#include "util.h"
#include "config_fixture.h"

TestSuite(multidev, .fini = teardown);

#define MD "multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wf-md-unit\"; max = 2; };"

static void load(const char *text)
{
	int rc = wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err));
	cr_assert_eq(rc, 0, "unexpected error: %s", err);
}

static void load_err(const char *text, const char *want)
{
	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), -1);
	cr_assert(strstr(err, want), "got: %s", err);
}

Test(multidev, config_loads)
{
	load("multidev = { branches = [ \"md/*\", \"feature-*\" ]; path = \"/tmp/wf-md-unit/\"; max = 3;\n"
	     " shared = [ \"files\" ]; create = ( { name = \"clone\"; run = [ \"true\" ]; when = \"clone-content\"; } ); };");
	cr_assert_eq(cfg.multidev.n_branches, 2);
	cr_assert_str_eq(cfg.multidev.rel.path, "/tmp/wf-md-unit");
	cr_assert_eq(cfg.multidev.max, 3);
	cr_assert_eq(cfg.multidev.rel.keep, WF_KEEP_DEFAULT);
	cr_assert_eq(cfg.multidev.n_create, 1);
}

Test(multidev, config_errors_name_file_and_line)
{
	load_err("multidev = {\n branches = [ \"md/*\" ];\n};", "t.conf:1: 'multidev' needs 'path'");
	load_err("multidev = { path = \"/tmp/x\"; };", "'multidev' needs 'branches'");
	load_err("multidev = { branches = [ \"md/*\" ];\n path = \"/tmp/x\";\n max = 0; };",
		 "t.conf:3: 'multidev.max' must be between 1 and 1000");
	load_err("multidev = { branches = [\n \"*\" ]; path = \"/tmp/x\"; };", "t.conf:2: 'multidev.branches' entry '*'");
	load_err("multidev = { branches = [ \"mas*\" ]; path = \"/tmp/x\"; };", "matches 'master', the branch of dev");
	load_err("multidev = { branches = [ \"md/**\" ]; path = \"/tmp/x\"; };", "entry 'md/**' must be a glob");
	load_err("multidev = { branches = [ \"md/\" ]; path = \"/tmp/x\"; };", "entry 'md/' must be a glob");
	load_err("multidev = { branches = [ \"md/*\" ]; keep = 2; };", "'multidev' needs 'path'");
	load_err("multidev = { branches = [ \"t?st\" ]; path = \"/tmp/x\"; };", "matches 'test', the branch of test");
	load_err("multidev = { branches = [ \"md/*\" ]; path = \"relative\"; };", "'multidev.path' must be an absolute path");
	load_err("multidev = { branches = [ \"md/*\" ]; path = \"/tmp/x\"; bogus = 1; };", "unknown key 'bogus' in multidev");
	load_err("multidev = { branches = [ \"md/*\" ]; path = \"/tmp/x\";\n hosts = ( { target = \"deploy@web1:/var/www/md\"; } ); };",
		 "t.conf:2: 'multidev.hosts': branch environments run on the git host");
	load_err("live = { path = \"/tmp/x/live\"; };\nmultidev = { branches = [ \"md/*\" ]; path = \"/tmp/x\"; };",
		 "overlap");
}

static int name_of(const char *branch, char name[WF_MD_NAME_MAX + 1])
{
	char why[512];
	return wf_multidev_name(&cfg.multidev, branch, name, why, sizeof(why));
}

Test(multidev, names_are_dns_labels)
{
	char name[WF_MD_NAME_MAX + 1];
	char longb[200];

	load(MD);
	cr_assert_eq(name_of("md/Feature_X.2", name), 0);
	cr_assert_str_eq(name, "feature-x-2");
	cr_assert_eq(name_of("md/..", name), -1);
	cr_assert_eq(name_of("md/.", name), -1);
	cr_assert_eq(name_of("md/a/b", name), -1);
	cr_assert_eq(name_of("md/-x", name), -1);
	cr_assert_eq(name_of("md/x\ny", name), -1);
	cr_assert_eq(name_of("md/caf\xc3\xa9", name), -1);
	cr_assert_eq(name_of("md/live", name), -1);
	cr_assert_eq(name_of("other/x", name), -1);
	snprintf(longb, sizeof(longb), "md/%064d", 0);
	cr_assert_eq(name_of(longb, name), -1);
	snprintf(longb, sizeof(longb), "md/%063d", 0);
	cr_assert_eq(name_of(longb, name), 0);
}

static struct wf_update upd(const char *ref, const char *new)
{
	struct wf_update u;
	memset(&u, 0, sizeof(u));
	strcpy(u.old_oid, "0000000000000000000000000000000000000000");
	strcpy(u.new_oid, new);
	u.ref = (char *)ref;
	return u;
}

/* wf_multidev_decide over commands of u[i] decided d[i]: d and p get
 * what it made of each. */
static void decide(struct wf_update *u, size_t n, const struct wf_md_known *known, size_t n_known,
		   struct wf_decision *d, struct wf_md_plan *p)
{
	struct wf_command c[8];

	for (size_t i = 0; i < n; i++)
		c[i].u = &u[i], c[i].d = d[i];
	wf_multidev_decide(&cfg, c, n, known, n_known);
	for (size_t i = 0; i < n; i++)
		d[i] = c[i].d, p[i] = c[i].plan;
}

#define A "1111111111111111111111111111111111111111"
#define Z "0000000000000000000000000000000000000000"

Test(multidev, decide_create_deploy_delete_and_refusals)
{
	struct wf_md_known known[] = { { "a", "md/a" } };
	struct wf_update u[] = { upd("refs/heads/md/a", A), upd("refs/heads/md/b", A), upd("refs/heads/md/B", A),
				 upd("refs/heads/md/c", A), upd("refs/heads/other", A) };
	struct wf_decision *d = calloc(5, sizeof(*d));
	struct wf_md_plan p[5];

	load(MD);
	for (int i = 0; i < 5; i++)
		d[i].action = WF_ALLOW;
	decide(u, 5, known, 1, d, p);
	cr_assert_eq(p[0].op, WF_MD_DEPLOY);
	cr_assert_eq(p[1].op, WF_MD_CREATE);
	cr_assert_str_eq(p[1].name, "b");
	/* md/B would be b as well */
	cr_assert_eq(d[2].action, WF_REFUSE);
	cr_assert(strstr(d[2].reason, "which another branch of this push makes"), "%s", d[2].reason);
	/* max = 2: a and b */
	cr_assert_eq(d[3].action, WF_REFUSE);
	cr_assert(strstr(d[3].reason, "at most 2"), "%s", d[3].reason);
	cr_assert_eq(p[4].op, WF_MD_NONE);
	cr_assert_eq(d[4].action, WF_ALLOW);
	wf_decisions_free(d, 5);
}

/* Issue 24, point 11: a deletion in the same push makes no room, since
 * git may refuse it after the hooks decided (receive.denyDeletes). */
Test(multidev, decide_name_taken_and_delete_makes_no_room)
{
	struct wf_md_known known[] = { { "a", "md/a" }, { "b", "md/b" } };
	struct wf_update u[] = { upd("refs/heads/md/A", A), upd("refs/heads/md/b", Z), upd("refs/heads/md/c", A) };
	struct wf_decision *d = calloc(3, sizeof(*d));
	struct wf_md_plan p[3];

	load(MD);
	for (int i = 0; i < 3; i++)
		d[i].action = WF_ALLOW;
	decide(u, 3, known, 2, d, p);
	cr_assert_eq(d[0].action, WF_REFUSE);
	cr_assert(strstr(d[0].reason, "which branch 'md/a' already is"), "%s", d[0].reason);
	cr_assert_eq(p[1].op, WF_MD_DELETE);
	cr_assert_str_eq(p[1].name, "b");
	cr_assert_eq(p[2].op, WF_MD_NONE);
	cr_assert_eq(d[2].action, WF_REFUSE);
	cr_assert(strstr(d[2].reason, "there are 2 of at most 2"), "%s", d[2].reason);
	cr_assert(strstr(d[2].hint, "then push again"), "%s", d[2].hint);
	wf_decisions_free(d, 3);
}

Test(multidev, env_is_built_from_the_group)
{
	struct wf_env e;

	load(MD);
	wf_multidev_env(&cfg, "foo", "md/foo", &e);
	cr_assert_str_eq(e.rel.path, "/tmp/wf-md-unit/foo");
	cr_assert_str_eq(e.ref, "refs/heads/md/foo");
	cr_assert(e.tagless && e.multidev);
	wf_multidev_env_free(&e);
}

Test(multidev, ages)
{
	cr_assert_eq(wf_parse_age("14d"), 14 * 86400);
	cr_assert_eq(wf_parse_age("12h"), 12 * 3600);
	cr_assert_eq(wf_parse_age("30m"), 1800);
	cr_assert_eq(wf_parse_age("90s"), 90);
	cr_assert_eq(wf_parse_age("14"), -1);
	cr_assert_eq(wf_parse_age("0s"), 0);
	cr_assert_eq(wf_parse_age("-1d"), -1);
	cr_assert_eq(wf_parse_age("2w"), -1);
	cr_assert_eq(wf_parse_age(""), -1);
}
