#include <criterion/criterion.h>
#include <string.h>
#include "hook_input.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define Z "0000000000000000000000000000000000000000"

static int parse(const char *s, struct wf_update **u, size_t *n, char *err)
{
	return wf_hook_input_parse(s, strlen(s), u, n, err, 256);
}

Test(hook_input, parses_lines)
{
	struct wf_update *u;
	size_t n;
	char err[256];
	cr_assert_eq(parse(A " " B " refs/heads/master\n" Z " " A " refs/heads/test\n", &u, &n, err), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(u[0].old_oid, A);
	cr_assert_str_eq(u[0].new_oid, B);
	cr_assert_str_eq(u[0].ref, "refs/heads/master");
	cr_assert(wf_update_is_create(&u[1]));
	cr_assert_not(wf_update_is_delete(&u[1]));
	wf_updates_free(u, n);
}

Test(hook_input, empty_input_is_no_updates)
{
	struct wf_update *u;
	size_t n = 9;
	char err[256];
	cr_assert_eq(parse("", &u, &n, err), 0);
	cr_assert_eq(n, 0);
}

static void assert_bad(const char *input, const char *msg_part)
{
	struct wf_update *u;
	size_t n;
	char err[256] = "";
	cr_assert_eq(wf_hook_input_parse(input, strlen(input), &u, &n, err, sizeof(err)), -1, "accepted: %s", input);
	cr_assert(strstr(err, msg_part), "message '%s' lacks '%s'", err, msg_part);
}

Test(hook_input, malformed_lines_are_errors)
{
	assert_bad(A " " B " refs/heads/master", "no newline");
	assert_bad(A " " B "\n", "line 1 is malformed");
	assert_bad(A "  " B " refs/heads/x\n", "malformed");
	assert_bad("111 " B " refs/heads/x\n", "malformed");
	assert_bad(A " " B " refs/heads/x\n" "garbage\n", "line 2 is malformed");
	assert_bad("1111111111111111111111111111111111111ABC " B " refs/heads/x\n", "malformed");
	assert_bad(A " " B " heads/master\n", "not a valid ref name");
	assert_bad(A " " B " refs/heads/a b\n", "not a valid ref name");
	assert_bad(A " " B " refs/heads/$(x)..y\n", "not a valid ref name");
	assert_bad(Z " " Z " refs/heads/x\n", "both object names are zero");
}

Test(hook_input, nul_byte_is_an_error)
{
	char buf[] = A " " B " refs/heads/x\0y\n";
	struct wf_update *u;
	size_t n;
	char err[256];
	cr_assert_eq(wf_hook_input_parse(buf, sizeof(buf) - 1, &u, &n, err, sizeof(err)), -1);
	cr_assert(strstr(err, "NUL"));
}

Test(hook_input, ref_names)
{
	cr_assert(wf_ref_name_ok("refs/heads/feature/x-1"));
	cr_assert(wf_ref_name_ok("refs/hotfix/live"));
	cr_assert_not(wf_ref_name_ok("refs/heads/x.lock"));
	cr_assert_not(wf_ref_name_ok("refs/heads/.hidden"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a\nb"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a@{1}"));
	cr_assert_not(wf_ref_name_ok("refs/heads//a"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a/"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a`b`"  "~"));
}
