/* Content down (docs/content.md): the config keys, the policy's content
 * rule (refused into Live but for an admin's -o content-up, refused
 * where there is no content to clone), the source's default and the
 * template variables. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "command.h"
#include "config.h"
#include "content.h"
#include "policy.h"
#include "subst.h"
#include "util.h"
#include "config_fixture.h"

static void load(const char *text)
{
	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), 0, "%s", err);
}

#define ENVS "workflow = { admins = [ \"ann\" ]; };\n" \
	"test = { path = \"/tmp/wfcontent/test\"; shared = [ \"up\" ]; };\n" \
	"live = { path = \"/tmp/wfcontent/live\"; shared = [ \"up\" ]; };\n"

TestSuite(content, .fini = teardown);

Test(content, keys_load)
{
	load("test = { path = \"/tmp/wfcontent/test\"; shared = [ \"up\" ]; shared_files = [ \"conf/s.php\" ];\n"
	     " templates = ( { file = \"conf/s.php\"; source = \"/etc/wf/s.php.in\"; } );\n"
	     " shared_owner = \"www-data:www-data\"; clone_hardlinks = true; };\n"
	     "multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wfcontent/md\"; clone_content = true;\n"
	     " shared_owner = \"nobody:nogroup\"; };\n"
	     "workflow = { admins = [ \"ann\", \"bob\" ]; };");
	cr_assert_eq(cfg.test.rel.n_templates, 1);
	cr_assert_str_eq(cfg.test.rel.templates[0].file, "conf/s.php");
	cr_assert_str_eq(cfg.test.rel.templates[0].source, "/etc/wf/s.php.in");
	cr_assert_str_eq(cfg.test.rel.shared_owner, "www-data:www-data");
	cr_assert_eq(cfg.test.rel.clone_hardlinks, 1);
	cr_assert_eq(cfg.multidev.clone_content, 1);
	cr_assert_str_eq(cfg.multidev.rel.shared_owner, "nobody:nogroup");
	cr_assert_eq(cfg.n_admins, 2);
	cr_assert_str_eq(cfg.admins[1], "bob");
	cr_assert_not_null(wf_content_template(&cfg.test.rel, "conf/s.php"));
	cr_assert_null(wf_content_template(&cfg.test.rel, "up"));
	cr_assert(!wf_content_is_file(&cfg.test.rel, 0));
	cr_assert(wf_content_is_file(&cfg.test.rel, 1));
}

static void load_err(const char *text, const char *want)
{
	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), -1);
	cr_assert(strstr(err, want), "%s", err);
}

Test(content, bad_keys_refused)
{
	load_err("test = { path = \"/tmp/wfcontent/test\"; shared = [ \"up\" ];\n"
		 " templates = ( { file = \"up\"; source = \"/etc/x\"; } ); };",
		 "t.conf:2: 'test.templates' entry: 'file' must name one of test.shared_files");
	load_err("test = { path = \"/tmp/wfcontent/test\"; shared_files = [ \"s\" ];\n"
		 " templates = ( { file = \"s\"; source = \"rel/x\"; } ); };",
		 "'source' must be the absolute path of the template on this server");
	load_err("test = { path = \"/tmp/wfcontent/test\";\n shared_owner = \"www-data\"; };",
		 "t.conf:2: 'test.shared_owner' must be \"user:group\"");
	load_err("test = { path = \"/tmp/wfcontent/test\";\n shared_owner = \"a;b:c\"; };", "must be \"user:group\"");
	load_err("test = { shared_owner = \"a:b\"; };", "'test.shared_owner' needs 'test.path'");
	load_err("multidev = { branches = [ \"md/*\" ]; path = \"/tmp/wfcontent/md\";\n clone_content = 1; };",
		 "t.conf:2: 'multidev.clone_content' must be a boolean");
}

Test(content, source_defaults)
{
	load(ENVS);
	cr_assert_str_eq(wf_content_source(&cfg, &cfg.test, NULL), "live");
	cr_assert_str_eq(wf_content_source(&cfg, &cfg.live, NULL), "test");
	cr_assert_str_eq(wf_content_source(&cfg, &cfg.test, "dev"), "dev");
}

/* The content rule over one decided command (the rest of the policy has
 * made it a promotion of env). */
static struct wf_decision *decide(const struct wf_env *env, const char *pusher, int clone, int up,
				  const char *from)
{
	static struct wf_update u;
	static struct wf_command c;
	struct wf_push p = { &c, 1, pusher, 0, NULL, 0, clone, up, from };

	free(c.d.reason);
	free(c.d.hint);
	memset(&c, 0, sizeof(c));
	memset(&u, 0, sizeof(u));
	u.ref = env->ref;
	c.u = &u;
	c.d.action = WF_PROMOTE;
	c.d.env = env;
	wf_policy_content(&cfg, &p);
	return &c.d;
}

Test(content, into_live_only_by_an_admin_with_content_up)
{
	struct wf_decision *d;

	load(ENVS);
	d = decide(&cfg.live, "ann", 1, 0, NULL);
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert(strstr(d->reason, "content never moves up into live by accident"), "%s", d->reason);
	cr_assert(strstr(d->hint, "workflow.admins (ann)"), "%s", d->hint);
	d = decide(&cfg.live, "eve", 1, 1, NULL);
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert_str_eq(d->reason, "eve may not move content up into live (-o content-up is for workflow.admins)");
	d = decide(&cfg.live, NULL, 1, 1, NULL);
	cr_assert_eq(d->action, WF_REFUSE);
	d = decide(&cfg.live, "ann", 1, 1, NULL);
	cr_assert_eq(d->action, WF_PROMOTE);
	/* no clone asked: content-up alone changes nothing */
	d = decide(&cfg.live, "eve", 0, 1, NULL);
	cr_assert_eq(d->action, WF_PROMOTE);
	d = decide(&cfg.live, "eve", -1, 0, NULL);
	cr_assert_eq(d->action, WF_PROMOTE);
}

Test(content, down_is_allowed_and_sources_checked)
{
	struct wf_decision *d;

	load(ENVS);
	d = decide(&cfg.test, "eve", 1, 0, NULL);
	cr_assert_eq(d->action, WF_PROMOTE);
	d = decide(&cfg.test, "eve", 1, 0, "test");
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert_str_eq(d->reason, "-o clone-content: test cannot take its content from itself");
	d = decide(&cfg.test, "eve", 1, 0, "dev");
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert_str_eq(d->reason, "-o clone-content: dev has no content to clone (it has no path)");
	d = decide(&cfg.test, "eve", 1, 0, "feature");
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert_str_eq(d->reason, "-o clone-content: feature has no content to clone (no such env)");
}

Test(content, no_path_refused)
{
	struct wf_decision *d;
	char *hint, *why;

	load("test = { path = \"/tmp/wfcontent/test\"; };");
	d = decide(&cfg.test, "eve", 1, 0, NULL);
	cr_assert_eq(d->action, WF_REFUSE);
	cr_assert_str_eq(d->reason, "-o clone-content: live's content is not on this machine (it has no path)");
	why = wf_content_refusal(&cfg, "live", &cfg.dev, 1, 0, NULL, &hint);
	cr_assert_str_eq(why, "-o clone-content: master's shared paths are not on this machine (it has no path)");
	free(why);
	free(hint);
	/* an env without a path: the option toggles steps only, as it did */
	wf_config_free(&cfg);
	load("live = { path = \"/tmp/wfcontent/live\"; };");
	d = decide(&cfg.test, "eve", 1, 0, NULL);
	cr_assert_eq(d->action, WF_PROMOTE);
	/* but never into live without content-up, path or not (a step may clone) */
	wf_config_free(&cfg);
	load("test = { path = \"/tmp/wfcontent/test\"; };");
	d = decide(&cfg.live, "eve", 1, 0, NULL);
	cr_assert_eq(d->action, WF_REFUSE);
}

/* the command line: no admin asked, --content-up is enough */
Test(content, cli_into_live_needs_content_up_only)
{
	char *hint, *why;

	load(ENVS);
	why = wf_content_refusal(&cfg, "test", &cfg.live, 0, 0, "root", &hint);
	cr_assert_not_null(why);
	free(why);
	free(hint);
	cr_assert_null(wf_content_refusal(&cfg, "test", &cfg.live, 1, 0, "root", &hint));
}

Test(content, template_vars)
{
	char **v = wf_content_template_vars("search-page", "/srv/md/search-page");
	char *out = wf_subst("define('DB_NAME', 'wp_${WF_ENV_ID}'); // ${WF_ENV} at ${WF_ENV_PATH} ${WF_BRANCH}$", v,
			     WF_SUBST_RAW);

	cr_assert_str_eq(out, "define('DB_NAME', 'wp_search_page'); // search-page at /srv/md/search-page $");
	free(out);
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
