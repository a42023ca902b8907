#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "freeze.h"
#include "config_ints.h"
#include "util.h"
#include "config_fixture.h"

#ifndef WF_SYSCONFDIR
#define WF_SYSCONFDIR "/etc"
#endif

/* Load text that must be refused with exactly the message want. */
static void load_err(const char *text, const char *want)
{
	load_refused(text);
	cr_assert_str_eq(err, want);
	cr_assert_null(strchr(err, '\n'));
	/* freed and zeroed: safe to free again */
	cr_assert_null(cfg.tag_prefix);
	cr_assert_null(cfg.test.steps);
	wf_config_free(&cfg);
}

static void check_defaults(const struct wf_config *c)
{
	cr_assert_str_eq(c->tag_prefix, "deploy");
	/* no host variable is trusted unless the config names it */
	cr_assert_eq(c->n_identity_vars, 0);
	cr_assert_null(c->identity_vars[0]);
	cr_assert_str_eq(c->dev_branch, "master");
	cr_assert_str_eq(c->dev_ref, "refs/heads/master");
	cr_assert_eq(c->dev_allow_force, 0);
	cr_assert_str_eq(c->test.name, "test");
	cr_assert_str_eq(c->test.branch, "test");
	cr_assert_str_eq(c->test.ref, "refs/heads/test");
	cr_assert_eq(c->test.on_failure, WF_ON_FAILURE_STOP);
	cr_assert_eq(c->test.hotfix, 0);
	cr_assert_eq(c->test.n_steps, 0);
	cr_assert_str_eq(c->live.name, "live");
	cr_assert_str_eq(c->live.branch, "live");
	cr_assert_str_eq(c->live.ref, "refs/heads/live");
	cr_assert_eq(c->live.on_failure, WF_ON_FAILURE_STOP);
	cr_assert_eq(c->live.hotfix, 1);
	cr_assert_eq(c->live.n_steps, 0);
	cr_assert_eq(c->n_hotfix_users, 0);
	cr_assert_eq(c->notify_connect_timeout, 2);
	cr_assert_eq(c->notify_timeout, 5);
	cr_assert_eq(c->n_webhooks, 0);
}

TestSuite(config, .fini = teardown);
TestSuite(config_errors, .fini = teardown);

Test(config, defaults)
{
	wf_config_defaults(&cfg);
	check_defaults(&cfg);
	cr_assert_null(cfg.path);
}

Test(config, empty_file_is_all_defaults)
{
	load_ok("# nothing\n");
	check_defaults(&cfg);
	cr_assert_str_eq(cfg.path, "t.conf");
}

Test(config, shipped_conf_loads_with_the_defaults)
{
	const char *src = getenv("WF_SRCDIR");
	char *path = xasprintf("%s/conf/workflow.conf", src && *src ? src : ".");
	int rc = wf_config_load_file(&cfg, path, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_str_eq(cfg.path, path);
	check_defaults(&cfg);
	free(path);
}

static const char full[] =
	"workflow = {\n"
	"  tag_prefix = \"rel\";\n"
	"  identity_vars = [ \"MY_USER\" ];\n"
	"};\n"
	"dev = { branch = \"main\"; allow_force = true; };\n"
	"test = {\n"
	"  branch = \"staging\"; on_failure = \"rollback\"; hotfix = true;\n"
	"  steps = (\n"
	"    { name = \"clone-content\"; when = \"clone-content\"; default = false;\n"
	"      run = [ \"drush\", \"@site.test\", \"sql-sync\", \"@site.live\", \"@self\", \"-y\" ]; timeout = 1800; },\n"
	"    { name = \"wp\"; shell = true; when = \"clone-content\";\n"
	"      run = [ \"wp @live db export - | wp @test db import -\" ]; },\n"
	"    { name = \"ping\"; url = \"https://ci.example.org/x\";\n"
	"      headers = [ \"Content-Type: application/json\" ]; body = \"{\\\"tag\\\": \\\"${WF_TAG}\\\"}\"; when = \"update\"; }\n"
	"  );\n"
	"};\n"
	"live = { branch = \"prod\"; hotfix = false;\n"
	"  steps = ( { name = \"cc\"; when = \"cache-clear\"; run = [ \"drush\", \"cr\" ]; },\n"
	"            { name = \"put\"; url = \"http://h/\"; method = \"PUT\"; when = \"update\"; } ); };\n"
	"hotfix = { users = [ \"alice\", \"bob\" ]; };\n"
	"notify = {\n"
	"  connect_timeout = 3; timeout = 10;\n"
	"  webhooks = (\n"
	"    { url = \"https://hooks.example.org/d\"; events = [ \"deploy\", \"refused\" ];\n"
	"      format = \"slack\"; secret_file = \"/etc/workflow/s\"; },\n"
	"    { url = \"https://h2.example.org/\"; }\n"
	"  );\n"
	"};\n";

Test(config, full_config_fields)
{
	const struct wf_step *s;
	load_ok(full);
	cr_assert_str_eq(cfg.tag_prefix, "rel");
	cr_assert_eq(cfg.n_identity_vars, 1);
	cr_assert_str_eq(cfg.identity_vars[0], "MY_USER");
	cr_assert_null(cfg.identity_vars[1]);
	cr_assert_str_eq(cfg.dev_branch, "main");
	cr_assert_str_eq(cfg.dev_ref, "refs/heads/main");
	cr_assert_eq(cfg.dev_allow_force, 1);

	cr_assert_str_eq(cfg.test.branch, "staging");
	cr_assert_str_eq(cfg.test.ref, "refs/heads/staging");
	cr_assert_eq(cfg.test.on_failure, WF_ON_FAILURE_ROLLBACK);
	cr_assert_eq(cfg.test.hotfix, 1);
	cr_assert_eq(cfg.test.n_steps, 3);

	s = &cfg.test.steps[0];
	cr_assert_str_eq(s->name, "clone-content");
	cr_assert_eq(s->run_len, 6);
	cr_assert_str_eq(s->run[0], "drush");
	cr_assert_str_eq(s->run[5], "-y");
	cr_assert_null(s->run[6]);
	cr_assert_eq(s->shell, 0);
	cr_assert_null(s->url);
	cr_assert_null(s->method);
	cr_assert_str_eq(s->when, "clone-content");
	cr_assert_eq(s->default_on, 0);
	cr_assert_eq(s->timeout, 1800);

	s = &cfg.test.steps[1];
	cr_assert_eq(s->shell, 1);
	cr_assert_eq(s->run_len, 1);
	cr_assert_str_eq(s->run[0], "wp @live db export - | wp @test db import -");
	cr_assert_eq(s->default_on, 1);
	cr_assert_eq(s->timeout, WF_STEP_TIMEOUT_DEFAULT);

	s = &cfg.test.steps[2];
	cr_assert_str_eq(s->name, "ping");
	cr_assert_null(s->run);
	cr_assert_eq(s->run_len, 0);
	cr_assert_str_eq(s->url, "https://ci.example.org/x");
	cr_assert_str_eq(s->method, "POST");
	cr_assert_eq(s->n_headers, 1);
	cr_assert_str_eq(s->headers[0], "Content-Type: application/json");
	cr_assert_str_eq(s->body, "{\"tag\": \"${WF_TAG}\"}");
	cr_assert_str_eq(s->when, "update");

	cr_assert_str_eq(cfg.live.branch, "prod");
	cr_assert_eq(cfg.live.on_failure, WF_ON_FAILURE_STOP);
	cr_assert_eq(cfg.live.hotfix, 0);
	cr_assert_eq(cfg.live.n_steps, 2);
	cr_assert_str_eq(cfg.live.steps[1].method, "PUT");
	cr_assert_null(cfg.live.steps[1].body);

	cr_assert_eq(cfg.n_hotfix_users, 2);
	cr_assert_str_eq(cfg.hotfix_users[0], "alice");
	cr_assert_str_eq(cfg.hotfix_users[1], "bob");

	cr_assert_eq(cfg.notify_connect_timeout, 3);
	cr_assert_eq(cfg.notify_timeout, 10);
	cr_assert_eq(cfg.n_webhooks, 2);
	cr_assert_str_eq(cfg.webhooks[0].url, "https://hooks.example.org/d");
	cr_assert_eq(cfg.webhooks[0].n_events, 2);
	cr_assert_str_eq(cfg.webhooks[0].events[0], "deploy");
	cr_assert_str_eq(cfg.webhooks[0].events[1], "refused");
	cr_assert_str_eq(cfg.webhooks[0].format, "slack");
	cr_assert_str_eq(cfg.webhooks[0].secret_file, "/etc/workflow/s");
	/* defaults of a bare webhook: every event, json, unsigned */
	cr_assert_eq(cfg.webhooks[1].n_events, 6);
	cr_assert_str_eq(cfg.webhooks[1].events[4], "refused");
	cr_assert_str_eq(cfg.webhooks[1].format, "json");
	cr_assert_null(cfg.webhooks[1].secret_file);
}

Test(config, step_options_dedup_in_config_order)
{
	size_t n = 99;
	const char **o;
	load_ok(full);
	o = wf_config_step_options(&cfg, &n);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(o[0], "clone-content");
	cr_assert_str_eq(o[1], "update");
	cr_assert_str_eq(o[2], "cache-clear");
	free(o);
}

Test(config, step_options_none)
{
	size_t n = 99;
	const char **o;
	wf_config_defaults(&cfg);
	o = wf_config_step_options(&cfg, &n);
	cr_assert_not_null(o);
	cr_assert_eq(n, 0);
	free(o);
}

Test(config, env_by_ref_and_name)
{
	load_ok(full);
	cr_assert_eq(wf_config_env_by_ref(&cfg, "refs/heads/staging"), &cfg.test);
	cr_assert_eq(wf_config_env_by_ref(&cfg, "refs/heads/prod"), &cfg.live);
	cr_assert_null(wf_config_env_by_ref(&cfg, "refs/heads/test"));
	cr_assert_null(wf_config_env_by_ref(&cfg, "refs/heads/main"));
	cr_assert_null(wf_config_env_by_ref(&cfg, "refs/hotfix/live"));
	cr_assert_eq(wf_config_env_by_name(&cfg, "test"), &cfg.test);
	cr_assert_eq(wf_config_env_by_name(&cfg, "live"), &cfg.live);
	cr_assert_null(wf_config_env_by_name(&cfg, "staging"));
	cr_assert_null(wf_config_env_by_name(&cfg, "dev"));
}

Test(config, env_by_ref_defaults)
{
	wf_config_defaults(&cfg);
	cr_assert_eq(wf_config_env_by_ref(&cfg, "refs/heads/test"), &cfg.test);
	cr_assert_eq(wf_config_env_by_ref(&cfg, "refs/heads/live"), &cfg.live);
	cr_assert_null(wf_config_env_by_ref(&cfg, "refs/heads/master"));
	cr_assert_null(wf_config_env_by_ref(&cfg, "test"));
}

Test(config, path_order)
{
	char dir[] = "/tmp/wfcfgXXXXXX";
	char *p, *f;
	FILE *fp;
	cr_assert_not_null(mkdtemp(dir));
	unsetenv("WF_CONFIG");
	p = wf_config_path(dir);
	cr_assert_str_eq(p, WF_SYSCONFDIR "/workflow/workflow.conf");
	free(p);
	f = xasprintf("%s/workflow.conf", dir);
	fp = fopen(f, "w");
	cr_assert_not_null(fp);
	fclose(fp);
	p = wf_config_path(dir);
	cr_assert_str_eq(p, f);
	free(p);
	setenv("WF_CONFIG", "/x/y.conf", 1);
	p = wf_config_path(dir);
	cr_assert_str_eq(p, "/x/y.conf");
	free(p);
	setenv("WF_CONFIG", "", 1);
	p = wf_config_path(dir);
	cr_assert_str_eq(p, f);
	free(p);
	unsetenv("WF_CONFIG");
	unlink(f);
	rmdir(dir);
	free(f);
}

Test(config_errors, missing_file)
{
	cr_assert_eq(wf_config_load_file(&cfg, "/nonexistent/dir/workflow.conf", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "/nonexistent/dir/workflow.conf: cannot read config: No such file or directory");
	cr_assert_null(cfg.tag_prefix);
}

Test(config_errors, file_error_names_the_file)
{
	char path[] = "/tmp/wfcfgXXXXXX";
	int fd = mkstemp(path);
	char *want;
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "dev = {\n  branch = \"main\";\n  alow_force = true;\n};\n", 51), 51);
	close(fd);
	cr_assert_eq(wf_config_load_file(&cfg, path, err, sizeof(err)), -1);
	want = xasprintf("%s:3: unknown key 'alow_force' in dev (known: branch, allow_force, steps, path, keep, shared, build, checks, hosts, ssh, "
			 "steps_on, hosts_parallel, min_free, min_free_inodes, release_file, shared_files, php_fpm, templates, shared_owner, clone_hardlinks, recipe, url, maintenance)", path);
	cr_assert_str_eq(err, want);
	free(want);
	unlink(path);
}

Test(config_errors, parse_error)
{
	load_err("workflow = {\n  tag_prefix = \"x\";\n  identity_vars = = [ \"A\" ];\n};\n", "t.conf:3: syntax error");
}

Test(config_errors, unknown_top_level_key)
{
	load_err("dev = { branch = \"master\"; };\n\nstaging = { branch = \"s\"; };\n",
		 "t.conf:3: unknown key 'staging' in top level (known: workflow, dev, test, live, hotfix, notify, dashboard, multidev, freeze, database)");
}

Test(config_errors, unknown_key_in_workflow)
{
	load_err("workflow = {\n  tag_prefx = \"x\";\n};\n",
		 "t.conf:2: unknown key 'tag_prefx' in workflow (known: tag_prefix, identity_vars, host_options, max_output, wait, http_wait, admins)");
}

Test(config_errors, unknown_key_in_step)
{
	load_err("test = {\n  steps = (\n    { name = \"a\"; run = [ \"true\" ]; },\n"
		 "    { name = \"b\";\n      run = [ \"true\" ];\n      tiemout = 5; }\n  );\n};\n",
		 "t.conf:6: unknown key 'tiemout' in test.steps[1] (known: name, run, shell, url, method, headers, "
		 "body, expect, body_lines, when, default, timeout)");
}

Test(config_errors, unknown_key_in_webhook)
{
	load_err("notify = { webhooks = (\n { url = \"https://x/\";\n secret = \"s\"; } ); };\n",
		 "t.conf:3: unknown key 'secret' in notify.webhooks[0] (known: url, events, format, secret_file)");
}

Test(config_errors, wrong_type)
{
	load_err("test = {\n  branch = \"test\";\n  on_failure = 1;\n};\n", "t.conf:3: 'test.on_failure' must be a string");
}

Test(config_errors, wrong_type_bool)
{
	load_err("\ndev = { allow_force = 1; };\n", "t.conf:2: 'dev.allow_force' must be a boolean (true or false)");
}

Test(config_errors, wrong_type_section)
{
	load_err("live = \"prod\";\n", "t.conf:1: 'live' must be a group { ... }");
}

Test(config_errors, bad_on_failure)
{
	load_err("live = {\n  on_failure = \"revert\";\n};\n",
		 "t.conf:2: 'live.on_failure' must be \"stop\" or \"rollback\", not 'revert'");
}

Test(config_errors, step_with_run_and_url)
{
	load_err("test = { steps = (\n  { name = \"x\";\n    run = [ \"true\" ];\n    url = \"https://h/\"; }\n); };\n",
		 "t.conf:4: step 'x' needs exactly one of 'run' or 'url' (it has both)");
}

Test(config_errors, step_with_neither_run_nor_url)
{
	load_err("test = { steps = (\n  { name = \"x\"; when = \"update\"; }\n); };\n",
		 "t.conf:2: step 'x' needs exactly one of 'run' or 'url' (it has neither)");
}

Test(config_errors, step_without_name)
{
	load_err("test = { steps = (\n  { run = [ \"true\" ]; }\n); };\n", "t.conf:2: 'test.steps[0]' has no name");
}

Test(config_errors, run_empty)
{
	load_err("test = { steps = (\n  { name = \"x\";\n run = [ ]; }\n); };\n",
		 "t.conf:3: 'test.steps[0].run' must be a non-empty array of strings");
}

Test(config_errors, run_not_strings)
{
	load_err("test = { steps = (\n  { name = \"x\";\n run = [ 1, 2 ]; }\n); };\n",
		 "t.conf:3: 'test.steps[0].run' must be an array of strings");
}

Test(config_errors, shell_with_two_elements)
{
	load_err("live = { steps = (\n  { name = \"x\"; shell = true;\n    run = [ \"echo\", \"hi\" ]; }\n); };\n",
		 "t.conf:3: step 'x': with 'shell = true', 'run' must have exactly one element (the script), not 2");
}

Test(config_errors, bad_step_timeout)
{
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    timeout = 0; }\n); };\n",
		 "t.conf:3: 'test.steps[0].timeout' must be between 1 and 86400 seconds, not 0");
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    timeout = 86401; }\n); };\n",
		 "t.conf:3: 'test.steps[0].timeout' must be between 1 and 86400 seconds, not 86401");
	load_err("notify = {\n timeout = \"5\"; };\n", "t.conf:2: 'notify.timeout' must be an integer (seconds)");
}

Test(config_errors, bad_when)
{
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    when = \"no-update\"; }\n); };\n",
		 "t.conf:3: 'test.steps[0].when' must not start with 'no-' (that prefix turns it off): 'no-update'");
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    when = \"dry-run\"; }\n); };\n",
		 "t.conf:3: 'test.steps[0].when' cannot be 'dry-run': that push option is reserved");
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    when = \"Update\"; }\n); };\n",
		 "t.conf:3: 'test.steps[0].when' must be made of a-z 0-9 -, not 'Update'");
}

Test(config_errors, bad_event)
{
	load_err("notify = { webhooks = (\n  { url = \"https://h/\";\n    events = [ \"deploy\",\n \"pushed\" ]; }\n); };\n",
		 "t.conf:4: 'notify.webhooks[0].events': unknown event 'pushed' (known: deploy, hotfix, rollback, "
		 "failure, refused, multidev)");
}

Test(config_errors, bad_format)
{
	load_err("notify = { webhooks = (\n  { url = \"https://h/\";\n    format = \"xml\"; }\n); };\n",
		 "t.conf:3: 'notify.webhooks[0].format' must be \"json\" or \"slack\", not 'xml'");
}

Test(config_errors, duplicate_branch_names)
{
	load_err("dev = { branch = \"main\"; };\ntest = {\n  branch = \"main\";\n};\n",
		 "t.conf:3: 'dev.branch' and 'test.branch' are both 'main': each environment needs its own branch");
	/* live given as "test" collides with the default test branch */
	load_err("live = {\n  branch = \"test\"; };\n",
		 "t.conf:2: 'test.branch' and 'live.branch' are both 'test': each environment needs its own branch");
}

Test(config_errors, bad_branch_name)
{
	load_err("test = {\n  branch = \"a..b\"; };\n", "t.conf:2: 'test.branch' is not a valid branch name: 'a..b'");
	load_err("dev = {\n  branch = \"\"; };\n", "t.conf:2: 'dev.branch' is not a valid branch name: ''");
}

Test(config_errors, branch_given_as_a_ref)
{
	load_err("test = {\n  branch = \"refs/heads/test\"; };\n",
		 "t.conf:2: 'test.branch' must be a short branch name such as \"test\", not the ref 'refs/heads/test'");
	load_err("live = { branch = \"refs/tags/live\"; };\n",
		 "t.conf:1: 'live.branch' must be a short branch name such as \"live\", not the ref 'refs/tags/live'");
}

Test(config_errors, integers_out_of_32_bits)
{
	load_err("test = { steps = (\n  { name = \"x\"; run = [ \"true\" ];\n    timeout = 4294967297; }\n); };\n",
		 "t.conf:3: the integer 4294967297 is out of range (from -2147483648 to 2147483647)");
	load_err("notify = {\n # 99999999999 in a comment is fine\n timeout = -4294966696; };\n",
		 "t.conf:3: the integer -4294966696 is out of range (from -2147483648 to 2147483647)");
	load_err("notify = { timeout = 0x100000000; };\n",
		 "t.conf:1: the integer 0x100000000 is out of range (from -2147483648 to 2147483647)");
	/* a 64-bit literal is read whole, and so refused by the range check */
	load_err("notify = { timeout = 4294967297L; };\n",
		 "t.conf:1: 'notify.timeout' must be between 1 and 86400 seconds, not 4294967297");
}

Test(config, digits_in_strings_names_and_floats_are_not_integers)
{
	const char *t = "/* 99999999999\n */ s = \"99999999999\"; x99999999999 = 1.99999999999;\n"
			"y = .99999999999e3; z = 99999999999L; w = 0x7fffffff; v = -2147483648;\n";
	char tok[48];
	int line = 0;
	cr_assert_eq(wf_config_find_wide_int(t, strlen(t), &line, tok, sizeof(tok)), 0);
	cr_assert_eq(wf_config_find_wide_int("a = 1;\n\nb = 2147483648;", 24, &line, tok, sizeof(tok)), 1);
	cr_assert_eq(line, 3);
	cr_assert_str_eq(tok, "2147483648");
	load_ok("test = { steps = ( { name = \"s99999999999\"; run = [ \"sleep\", \"99999999999\" ];\n"
		"  timeout = 10; } ); };\n");
}

Test(config_errors, bad_tag_prefix)
{
	load_err("workflow = {\n  tag_prefix = \"de ploy\"; };\n",
		 "t.conf:2: 'workflow.tag_prefix' must be non-empty and made of A-Z a-z 0-9 . _ -, not 'de ploy'");
	load_err("workflow = {\n  tag_prefix = \"\"; };\n",
		 "t.conf:2: 'workflow.tag_prefix' must be non-empty and made of A-Z a-z 0-9 . _ -, not ''");
}

Test(config_errors, duplicate_step_names)
{
	load_err("test = { steps = (\n  { name = \"a\"; run = [ \"true\" ]; },\n  { name = \"a\"; run = [ \"false\" ]; }\n); };\n",
		 "t.conf:3: duplicate step name 'a' in test.steps");
}

Test(config_errors, error_is_truncated_safely)
{
	char small[16];
	memset(small, 'x', sizeof(small));
	cr_assert_eq(wf_config_load_string(&cfg, "bogus = 1;\n", "t.conf", small, sizeof(small)), -1);
	cr_assert_str_eq(small, "t.conf:1: unkno");
}

/* dashboard = { dir = ...; } (common/core/dashboard_config.c) */
Test(config, dashboard_dir, .fini = teardown)
{
	load_ok("dashboard = { dir = \"/var/www/dash\"; };\n");
	cr_assert_str_eq(cfg.dashboard_dir, "/var/www/dash");
}

Test(config, dashboard_dir_default_is_empty, .fini = teardown)
{
	load_ok("dev = { branch = \"master\"; };\n");
	cr_assert_str_eq(cfg.dashboard_dir, "");
}

Test(config_errors, dashboard_dir_wrong)
{
	load_err("dashboard = {\n  dir = \"\";\n};\n", "t.conf:2: 'dashboard.dir' must not be empty");
	load_err("dashboard = ( 1 );\n", "t.conf:1: 'dashboard' must be a group { dir = \"...\"; }");
}

Test(config_freeze, windows_and_overriders_load)
{
	load_ok("live = { freeze = ( { from = \"Fri 16:00\"; to = \"Mon 08:00\"; tz = \"Europe/Berlin\"; },\n"
		"  { from = \"2026-12-20\"; to = \"2027-01-04\"; } ); };\n"
		"freeze = { overriders = [ \"alice\", \"bob\" ]; };\n");
	cr_assert_eq(cfg.live.n_freeze, 2);
	cr_assert(cfg.live.freeze[0].weekly);
	cr_assert_str_eq(cfg.live.freeze[0].tz, "Europe/Berlin");
	cr_assert_eq(cfg.live.freeze[1].weekly, 0);
	cr_assert_null(cfg.live.freeze[1].tz);
	cr_assert_eq(cfg.test.n_freeze, 0);
	cr_assert_eq(cfg.n_freeze_overriders, 2);
	cr_assert_str_eq(cfg.freeze_overriders[1], "bob");
	wf_config_free(&cfg);
}

Test(config_freeze, bad_windows_name_their_line)
{
	load_err("live = {\n  freeze = ( { from = \"Friday\"; to = \"Mon 08:00\"; } );\n};\n",
		 "t.conf:2: 'live.freeze' from 'Friday' must be a weekday and time (\"Fri 16:00\") or a date "
		 "(\"2026-12-20\" or \"2026-12-20 18:00\")");
	load_err("live = {\n  freeze = ( { from = \"Fri 16:00\"; to = \"2027-01-04\"; } );\n};\n",
		 "t.conf:2: a window of 'live.freeze' has a weekday at one end and a date at the other: use two "
		 "weekdays or two dates");
	load_err("live = {\n  freeze = ( { from = \"2027-01-04\"; to = \"2026-12-20\"; } );\n};\n",
		 "t.conf:2: a window of 'live.freeze' ends (2026-12-20) before it begins (2027-01-04)");
	load_err("test = {\n  freeze = ( { from = \"Fri 16:00\"; to = \"Mon 08:00\";\n    tz = \"Mars/Olympus\"; } );\n};\n",
		 "t.conf:3: 'test.freeze' tz 'Mars/Olympus' is no time zone this machine knows (a name under "
		 "/usr/share/zoneinfo, such as \"Europe/Berlin\" or \"UTC\")");
	load_err("live = {\n  freeze = ( { to = \"Mon 08:00\"; } );\n};\n",
		 "t.conf:2: a window of 'live.freeze' needs 'from'");
	load_err("live = { freeze = { from = \"Fri 16:00\"; to = \"Mon 08:00\"; }; };\n",
		 "t.conf:1: 'live.freeze' must be a list of windows: ( { from = \"Fri 16:00\"; to = \"Mon 08:00\"; "
		 "tz = \"Europe/Berlin\"; } )");
	load_err("freeze = { users = [ \"a\" ]; };\n",
		 "t.conf:1: unknown key 'users' in freeze (known: overriders)");
}

Test(config_floor, parse_and_compare)
{
	struct wf_floor f;

	cr_assert_eq(wf_floor_parse("10%", 0, &f), 0);
	cr_assert_eq(f.pct, 10);
	cr_assert(wf_floor_under(&f, 9, 100));
	cr_assert(!wf_floor_under(&f, 10, 100));
	cr_assert_eq(wf_floor_parse("2G", 0, &f), 0);
	cr_assert_eq(f.amount, 2LL << 30);
	cr_assert(wf_floor_under(&f, (2ULL << 30) - 1, 1ULL << 40));
	cr_assert_eq(wf_floor_parse("500M", 0, &f), 0);
	cr_assert_eq(f.amount, 500LL << 20);
	cr_assert_eq(wf_floor_parse("50000", 1, &f), 0);
	cr_assert_eq(f.amount, 50000);
	cr_assert_eq(wf_floor_parse("5G", 1, &f), -1);  /* inodes have no size unit */
	cr_assert_eq(wf_floor_parse("0%", 0, &f), -1);
	cr_assert_eq(wf_floor_parse("100%", 0, &f), -1);
	cr_assert_eq(wf_floor_parse("lots", 0, &f), -1);
	cr_assert_eq(wf_floor_parse("2GB", 0, &f), -1);
	cr_assert_eq(wf_floor_parse("-1", 0, &f), -1);
	memset(&f, 0, sizeof(f));
	cr_assert(!wf_floor_under(&f, 0, 100)); /* none set: never under */
}
