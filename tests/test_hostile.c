/* Hostile input at the unit level (issue 6; the end-to-end side is
 * t/t07-hostile.t): what a pusher or the host controls is data, comes out
 * as one printable line, and never forges a line anywhere. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hook_input.h"
#include "identity.h"
#include "push_options.h"
#include "text.h"
#include "util.h"

static int printable_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

Test(hostile, escaping_every_byte_is_printable_and_round_trips)
{
	char all[256];
	struct sbuf esc = SBUF_INIT, back = SBUF_INIT;
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	all[255] = '\0';
	wf_text_store(&esc, all, 255);
	cr_assert(printable_line(esc.buf), "%s", esc.buf);
	cr_assert_eq(wf_unescape(esc.buf, &back), 0);
	cr_assert_eq(back.len, 255);
	cr_assert_eq(memcmp(back.buf, all, 255), 0);
	sbuf_free(&esc);
	sbuf_free(&back);
}

Test(hostile, unescape_rejects_truncated_escapes)
{
	struct sbuf out = SBUF_INIT;
	cr_assert_eq(wf_unescape("abc\\", &out), -1);
	sbuf_reset(&out);
	cr_assert_eq(wf_unescape("\\x4", &out), -1);
	sbuf_reset(&out);
	cr_assert_eq(wf_unescape("\\q", &out), -1);
	sbuf_free(&out);
}

Test(hostile, pusher_name_with_control_bytes_is_escaped)
{
	const char *vars[] = { "WF_TEST_HOSTILE_USER" };
	char *who;

	setenv("WF_TEST_HOSTILE_USER", "$(touch x)\nkind: hotfix\033[2J", 1);
	who = wf_identity(vars, 1);
	cr_assert(printable_line(who), "%s", who);
	cr_assert_str_eq(who, "$(touch x)\\nkind: hotfix\\x1b[2J");
	free(who);

	/* plain and UTF-8 names are kept as they are, so hotfix.users matches */
	setenv("WF_TEST_HOSTILE_USER", "jos\xc3\xa9", 1);
	who = wf_identity(vars, 1);
	cr_assert_str_eq(who, "jos\xc3\xa9");
	free(who);
	unsetenv("WF_TEST_HOSTILE_USER");
}

Test(hostile, push_option_with_newline_gives_a_one_line_error)
{
	const char *steps[] = { "update" };
	const char *raw[] = { "update", "bogus\nremote: workflow: deploy ok\033[1A" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 2, steps, 1, &o, err, sizeof(err)), -1);
	cr_assert(printable_line(err), "%s", err);
	cr_assert(strstr(err, "'bogus\\nremote: workflow: deploy ok\\x1b[1A'"), "%s", err);
}

Test(hostile, message_option_keeps_shell_syntax_as_data)
{
	const char *raw[] = { "message=$(rm -rf /); `id` | sh" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 1, NULL, 0, &o, err, sizeof(err)), 0);
	cr_assert_str_eq(o.message, "$(rm -rf /); `id` | sh");
	wf_push_options_free(&o);
}

Test(hostile, ref_names_with_control_bytes_are_refused)
{
	cr_assert_not(wf_ref_name_ok("refs/heads/a\nb"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a\033b"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a\177b"));
	cr_assert_not(wf_ref_name_ok("refs/heads/a b"));
	/* git allows these bytes; they stay data (never reach a shell) */
	cr_assert(wf_ref_name_ok("refs/heads/x$(touch${IFS}y)"));
	cr_assert(wf_ref_name_ok("refs/heads/caf\xe9"));
}

Test(hostile, hook_input_error_quotes_the_ref_on_one_line)
{
	const char *in = "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 "
			 "refs/heads/a\033[2J..b\n";
	struct wf_update *u;
	size_t n;
	char err[512];
	cr_assert_eq(wf_hook_input_parse(in, strlen(in), &u, &n, err, sizeof(err)), -1);
	cr_assert(printable_line(err), "%s", err);
	cr_assert(strstr(err, "refs/heads/a\\x1b[2J..b"), "%s", err);
}

Test(hostile, config_path_has_no_double_slash)
{
	char dir[] = "/tmp/wfhostXXXXXX", *withslash, *f, *p;
	FILE *fp;
	cr_assert_not_null(mkdtemp(dir));
	unsetenv("WF_CONFIG");
	f = xasprintf("%s/workflow.conf", dir);
	fp = fopen(f, "w");
	cr_assert_not_null(fp);
	fclose(fp);
	withslash = xasprintf("%s/", dir);
	p = wf_config_path(withslash);
	cr_assert_str_eq(p, f);
	free(p);
	unlink(f);
	rmdir(dir);
	free(f);
	free(withslash);
}
