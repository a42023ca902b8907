/* The release keys of workflow.conf (path, keep, shared, build, checks). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "util.h"
#include "config_fixture.h"

static void load_err(const char *text, const char *want)
{
	load_refused(text);
	cr_assert_str_eq(err, want);
	cr_assert_null(cfg.test.rel.path);
}

TestSuite(config_release, .fini = teardown);

Test(config_release, without_path_nothing_changes)
{
	load_ok("test = { branch = \"test\"; };");
	cr_assert_null(cfg.test.rel.path);
	cr_assert_null(cfg.live.rel.path);
	cr_assert_null(cfg.dev.rel.path);
}

Test(config_release, full_env)
{
	load_ok("test = { path = \"/tmp/wfrel/test/\"; keep = 3;\n"
		"  shared = [ \"sites/default/files\", \"settings.local.php\" ];\n"
		"  build = ( { name = \"composer\"; run = [ \"true\" ]; timeout = 900; } );\n"
		"  checks = ( { name = \"home\"; url = \"http://localhost/\"; },\n"
		"             { name = \"post\"; url = \"http://localhost/\"; method = \"POST\"; },\n"
		"             { name = \"cli\"; run = [ \"true\" ]; } ); };");
	cr_assert_str_eq(cfg.test.rel.path, "/tmp/wfrel/test");
	cr_assert_eq(cfg.test.rel.keep, 3);
	cr_assert_eq(cfg.test.rel.n_shared, 2);
	cr_assert_str_eq(cfg.test.rel.shared[0], "sites/default/files");
	cr_assert_eq(cfg.test.rel.n_build, 1);
	cr_assert_eq(cfg.test.rel.build[0].timeout, 900);
	cr_assert_eq(cfg.test.rel.n_checks, 3);
	/* a check asks with GET unless it says otherwise */
	cr_assert_str_eq(cfg.test.rel.checks[0].method, "GET");
	cr_assert_str_eq(cfg.test.rel.checks[1].method, "POST");
	cr_assert_gt(cfg.test.rel.build[0].max_output, 0);
}

Test(config_release, keep_defaults_to_5)
{
	load_ok("live = { path = \"/tmp/wfrel/live\"; }; dev = { path = \"/tmp/wfrel/dev\"; };");
	cr_assert_eq(cfg.live.rel.keep, 5);
	cr_assert_str_eq(cfg.dev.rel.path, "/tmp/wfrel/dev");
}

Test(config_release, relative_path)
{
	load_err("test = {\n path = \"www/test\"; };",
		 "t.conf:2: 'test.path' must be an absolute path the hooks can write, not 'www/test'");
}

Test(config_release, dotdot_path)
{
	load_err("test = {\n path = \"/tmp/../etc\"; };",
		 "t.conf:2: 'test.path' must be an absolute path the hooks can write, not '/tmp/../etc'");
}

Test(config_release, not_writable)
{
	if (geteuid() == 0)
		cr_skip_test("root can write anywhere");
	load_err("test = {\n path = \"/proc/x\"; };",
		 "t.conf:2: 'test.path' must be an absolute path the hooks can write, not '/proc/x'");
}

Test(config_release, same_path_twice)
{
	load_err("test = { path = \"/tmp/wfrel/a\"; };\nlive = {\n path = \"/tmp/wfrel/a/\"; };",
		 "t.conf:3: 'test.path' and 'live.path' overlap ('/tmp/wfrel/a', '/tmp/wfrel/a'): each "
		 "environment needs a place of its own");
}

Test(config_release, nested_paths)
{
	load_err("dev = { path = \"/tmp/wfrel/a\"; };\ntest = {\n path = \"/tmp/wfrel/a/test\"; };",
		 "t.conf:3: 'dev.path' and 'test.path' overlap ('/tmp/wfrel/a', '/tmp/wfrel/a/test'): each "
		 "environment needs a place of its own");
}

Test(config_release, keep_below_1)
{
	load_err("test = { path = \"/tmp/wfrel/t\";\n keep = 0; };",
		 "t.conf:2: 'test.keep' must be between 1 and 1000 releases, not 0");
}

Test(config_release, shared_dotdot)
{
	load_err("test = { path = \"/tmp/wfrel/t\";\n shared = [ \"files/../../etc\" ]; };",
		 "t.conf:2: 'test.shared' entry 'files/../../etc' must be a relative path inside the release "
		 "(no '..', not absolute, no '.git')");
}

Test(config_release, shared_absolute)
{
	load_err("test = { path = \"/tmp/wfrel/t\";\n shared = [ \"/var/files\" ]; };",
		 "t.conf:2: 'test.shared' entry '/var/files' must be a relative path inside the release "
		 "(no '..', not absolute, no '.git')");
}

Test(config_release, shared_overlap)
{
	load_err("test = { path = \"/tmp/wfrel/t\";\n shared = [ \"var\", \"var/log\" ]; };",
		 "t.conf:2: 'test.shared' entries 'var' and 'var/log' overlap");
}

Test(config_release, keys_need_path)
{
	load_err("test = {\n shared = [ \"files\" ]; };", "t.conf:2: 'test.shared' needs 'test.path' (where the releases go)");
}

Test(config_release, bad_build_step)
{
	load_err("test = { path = \"/tmp/wfrel/t\";\n build = ( { run = [ \"x\" ]; } ); };",
		 "t.conf:2: 'test.build[0]' has no name");
}

Test(config_release, relpath)
{
	cr_assert(wf_relpath_ok("a/b/c.php"));
	cr_assert(wf_relpath_ok(".htaccess"));
	cr_assert(wf_relpath_ok("a..b"));
	cr_assert_not(wf_relpath_ok(""));
	cr_assert_not(wf_relpath_ok("/a"));
	cr_assert_not(wf_relpath_ok("a//b"));
	cr_assert_not(wf_relpath_ok("a/"));
	cr_assert_not(wf_relpath_ok("a/../b"));
	cr_assert_not(wf_relpath_ok("./a"));
	cr_assert_not(wf_relpath_ok("x/.GIT/config"));
}

/* Issue 24, point 9: one place under two names (a symlink) is one place. */
Test(config_release, a_path_that_is_a_symlink_to_another_envs)
{
	cr_assert_eq(system("rm -rf /tmp/wfrel-ln && mkdir -p /tmp/wfrel-ln/test && ln -s test /tmp/wfrel-ln/live"), 0);
	load_err("test = { path = \"/tmp/wfrel-ln/test\"; };\nlive = {\n path = \"/tmp/wfrel-ln/live\"; };",
		 "t.conf:3: 'test.path' and 'live.path' overlap ('/tmp/wfrel-ln/test', '/tmp/wfrel-ln/test'): each "
		 "environment needs a place of its own");
	/* a symlink into another env's place, not there yet, all the same */
	cr_assert_eq(system("rm -rf /tmp/wfrel-ln && mkdir -p /tmp/wfrel-ln && ln -s test/sub /tmp/wfrel-ln/live"), 0);
	load_err("test = { path = \"/tmp/wfrel-ln/test\"; };\nlive = {\n path = \"/tmp/wfrel-ln/live\"; };",
		 "t.conf:3: 'test.path' and 'live.path' overlap ('/tmp/wfrel-ln/test', '/tmp/wfrel-ln/test/sub'): "
		 "each environment needs a place of its own");
	cr_assert_eq(system("rm -rf /tmp/wfrel-ln"), 0);
}
