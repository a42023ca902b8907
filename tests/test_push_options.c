#include <criterion/criterion.h>
#include <string.h>
#include "push_options.h"

static const char *steps[] = { "clone-content", "update", "cache-clear" };

Test(push_options, known_options)
{
	const char *raw[] = { "message=Release 1.2", "no-update", "clone-content", "dry-run" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 4, steps, 3, &o, err, sizeof(err)), 0);
	cr_assert_str_eq(o.message, "Release 1.2");
	cr_assert(o.dry_run);
	cr_assert(!o.drop_hotfix);
	cr_assert_eq(o.n_toggles, 2);
	cr_assert_str_eq(o.toggles[0], "no-update");
	cr_assert_str_eq(o.toggles[1], "clone-content");
	cr_assert_eq(o.n_raw, 4);
	wf_push_options_free(&o);
}

Test(push_options, unknown_option_lists_known_ones)
{
	const char *raw[] = { "bogus" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 1, steps, 3, &o, err, sizeof(err)), -1);
	cr_assert(strstr(err, "unknown push option 'bogus'"), "%s", err);
	cr_assert(strstr(err, "message=TEXT, dry-run, drop-hotfix, clone-from=ENV, override=REASON, keep-env, no-keep-env, clone-content, no-clone-content, update, no-update"), "%s", err);
}

Test(push_options, value_on_a_toggle_is_unknown)
{
	const char *raw[] = { "update=yes" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 1, steps, 3, &o, err, sizeof(err)), -1);
}

Test(push_options, hostile_option_is_escaped_in_the_error)
{
	const char *raw[] = { "x\n$(rm -rf /)" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 1, steps, 3, &o, err, sizeof(err)), -1);
	cr_assert_null(strchr(err, '\n'));
}

Test(push_options, from_env)
{
	char **raw;
	size_t n;
	char err[256];
	setenv("GIT_PUSH_OPTION_COUNT", "2", 1);
	setenv("GIT_PUSH_OPTION_0", "message=hi", 1);
	setenv("GIT_PUSH_OPTION_1", "no-update", 1);
	cr_assert_eq(wf_push_options_from_env(&raw, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(raw[1], "no-update");
	wf_strv_free(raw, n);
	setenv("GIT_PUSH_OPTION_COUNT", "3", 1);
	cr_assert_eq(wf_push_options_from_env(&raw, &n, err, sizeof(err)), -1);
	setenv("GIT_PUSH_OPTION_COUNT", "x", 1);
	cr_assert_eq(wf_push_options_from_env(&raw, &n, err, sizeof(err)), -1);
	unsetenv("GIT_PUSH_OPTION_COUNT");
	cr_assert_eq(wf_push_options_from_env(&raw, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 0);
}

Test(push_options, drop_hotfix)
{
	const char *raw[] = { "drop-hotfix" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 1, steps, 3, &o, err, sizeof(err)), 0);
	cr_assert(o.drop_hotfix);
	cr_assert(!o.dry_run);
	cr_assert_eq(o.n_toggles, 0);
	wf_push_options_free(&o);
}
