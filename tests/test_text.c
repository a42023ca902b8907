/* Text as people wrote it (issue 17): UTF-8 kept, control characters and
 * invalid UTF-8 escaped once; step output made safe for a terminal; HTTP
 * step values escaped for where they land; host push options left alone. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "notify_hooks.h"
#include "push_options.h"
#include "subst.h"
#include "text.h"

#include <errno.h>

static char *esc(const char *s, size_t len, unsigned flags)
{
	struct sbuf sb = SBUF_INIT;
	wf_text_escape(&sb, s, len, flags);
	return sbuf_detach(&sb);
}

#define CAFE "caf\xc3\xa9"

Test(text, utf8_quotes_and_backslashes_kept_in_a_line)
{
	const char *m = "Release \"1.0\" " CAFE " \\ back";
	char *l = esc(m, strlen(m), 0);
	cr_assert_str_eq(l, m);
	free(l);
}

Test(text, controls_and_invalid_utf8_escaped_once)
{
	const char m[] = "a\nb\rc\td\x1b[2J\x7f\xe9\xff \xc2\x9b";
	char *l = esc(m, sizeof(m) - 1, 0);
	cr_assert_str_eq(l, "a\\nb\\rc\\td\\x1b[2J\\x7f\\xe9\\xff \\xc2\\x9b");
	/* escaping the escaped line again changes nothing: shown escaped once */
	char *again = esc(l, strlen(l), 0);
	cr_assert_str_eq(again, l);
	free(l);
	free(again);
}

Test(text, store_round_trips_every_byte_and_keeps_utf8)
{
	char all[256];
	struct sbuf st = SBUF_INIT, back = SBUF_INIT;
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	all[255] = 0;
	wf_text_store(&st, all, 255);
	cr_assert_null(strchr(st.buf, '\n'));
	cr_assert_eq(wf_unescape(st.buf, &back), 0);
	cr_assert_eq(back.len, 255);
	cr_assert_eq(memcmp(back.buf, all, 255), 0);
	sbuf_free(&st);
	sbuf_free(&back);

	const char *m = "Release \"1.0\" " CAFE " a\\nb";
	wf_text_store(&st, m, strlen(m));
	cr_assert_str_eq(st.buf, "Release \"1.0\" " CAFE " a\\\\nb");
	cr_assert_eq(wf_unescape(st.buf, &back), 0);
	cr_assert_str_eq(back.buf, m);
	sbuf_free(&st);
	sbuf_free(&back);
}

Test(text, old_records_still_unescape)
{
	struct sbuf back = SBUF_INIT;
	cr_assert_eq(wf_unescape("Release \\\"1.0\\\" caf\\xc3\\xa9", &back), 0);
	cr_assert_str_eq(back.buf, "Release \"1.0\" " CAFE);
	sbuf_free(&back);
}

Test(text, output_keeps_lines_and_tabs_drops_colour)
{
	const char o[] = "\x1b[1;31mred\x1b[0m\tok\nline\r\x1b]0;title\x07\x00" "end";
	char *plain = esc(o, sizeof(o) - 1, WF_TEXT_OUTPUT);
	cr_assert_str_eq(plain, "red\tok\nline\\r\\x1b]0;title\\x07\\x00end");
	char *col = esc(o, sizeof(o) - 1, WF_TEXT_OUTPUT | WF_TEXT_COLOR);
	cr_assert_str_eq(col, "\x1b[1;31mred\x1b[0m\tok\nline\\r\\x1b]0;title\\x07\\x00end");
	free(plain);
	free(col);
}

Test(text, cut_at_a_character_boundary)
{
	cr_assert_eq(wf_text_cut(CAFE, 5, 10), 5);
	cr_assert_eq(wf_text_cut(CAFE, 5, 4), 3);
	cr_assert_eq(wf_text_cut("abcdef", 6, 4), 4);
}

Test(text, json_content_is_one_escaper_with_length)
{
	struct sbuf sb = SBUF_INIT;
	wf_json_string(&sb, "a\0b\"\\" CAFE "\xff", 11);
	cr_assert_str_eq(sb.buf, "\"a\\u0000b\\\"\\\\" CAFE "\\ufffd\"");
	sbuf_free(&sb);
}

static char *env[] = { "WF_MESSAGE=Release " CAFE " \"quoted\" \\ back\nx", "WF_TAG=deploy_test_1", NULL };

Test(subst, json_body_value_is_a_valid_string)
{
	char *b = wf_subst("{\"msg\": \"${WF_MESSAGE}\", \"t\": \"${WF_TAG}\"}", env, WF_SUBST_JSON);
	cr_assert_str_eq(b, "{\"msg\": \"Release " CAFE " \\\"quoted\\\" \\\\ back\\nx\", \"t\": \"deploy_test_1\"}");
	free(b);
}

Test(subst, url_gets_the_real_bytes_percent_encoded)
{
	char *u = wf_subst("http://h/p?m=${WF_MESSAGE}&t=${WF_TAG}", env, WF_SUBST_URL);
	cr_assert_str_eq(u, "http://h/p?m=Release%20caf%C3%A9%20%22quoted%22%20%5C%20back%0Ax&t=deploy_test_1");
	free(u);
}

Test(subst, header_loses_control_characters_raw_body_is_verbatim)
{
	char *h = wf_subst("X-Msg: ${WF_MESSAGE}", env, WF_SUBST_HEADER);
	cr_assert_null(strchr(h, '\n'));
	cr_assert(strstr(h, CAFE));
	free(h);
	char *r = wf_subst("${WF_TAG} ${WF_NOPE} ${wf_tag} ${WF_}", env, WF_SUBST_RAW);
	cr_assert_str_eq(r, "deploy_test_1  ${wf_tag} ${WF_}");
	free(r);
}

Test(subst, body_mode_from_content_type)
{
	char *json[] = { "X-A: b", "content-type:  application/json; charset=utf-8" };
	char *api[] = { "Content-Type: application/vnd.api+json" };
	char *form[] = { "Content-Type: text/plain" };
	cr_assert_eq(wf_subst_body_mode(json, 2), WF_SUBST_JSON);
	cr_assert_eq(wf_subst_body_mode(api, 1), WF_SUBST_JSON);
	cr_assert_eq(wf_subst_body_mode(form, 1), WF_SUBST_RAW);
	cr_assert_eq(wf_subst_body_mode(NULL, 0), WF_SUBST_RAW);
}

Test(push_options_host, host_options_left_alone_ours_still_checked)
{
	const char *raw[] = { "ci.skip", "merge_request.create", "merge_request.target=main", "topic=x" };
	const char *host[] = { "topic" };
	struct wf_push_options o;
	char err[1024];
	cr_assert_eq(wf_push_options_parse_host(raw, 4, NULL, 0, host, 1, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(o.n_toggles, 0);
	cr_assert_eq(o.n_raw, 4);
	wf_push_options_free(&o);
	const char *bad[] = { "ci.skip", "updte" };
	cr_assert_eq(wf_push_options_parse_host(bad, 2, NULL, 0, host, 1, &o, err, sizeof(err)), -1);
	cr_assert(strstr(err, "unknown push option 'updte'; known options: message=TEXT, dry-run, drop-hotfix, clone-from=ENV, override=REASON, keep-env, no-keep-env, clone-content"), "%s", err);
}

Test(push_options_host, conventional_names_known_without_steps_with_a_note)
{
	const char *raw[] = { "update", "no-clone-content" };
	const char *steps[] = { "update" };
	struct wf_push_options o;
	char err[512];
	cr_assert_eq(wf_push_options_parse(raw, 2, NULL, 0, &o, err, sizeof(err)), 0, "%s", err);
	/* clone-content is the hooks' own (docs/content.md): never unused */
	cr_assert_str_eq(o.note, "-o update");
	cr_assert_eq(o.n_toggles, 2);
	cr_assert_eq(o.clone_content, -1);
	wf_push_options_free(&o);
	cr_assert_eq(wf_push_options_parse(raw, 2, steps, 1, &o, err, sizeof(err)), 0, "%s", err);
	cr_assert_null(o.note);
	wf_push_options_free(&o);
}

Test(messages, spool_hint_says_what_is_wrong)
{
	cr_assert_str_eq(wf_spool_fix_hint(ENOSPC), "Free space there");
	cr_assert(strstr(wf_spool_fix_hint(EROFS), "read-only"));
	cr_assert(strstr(wf_spool_fix_hint(EACCES), "writable"));
	cr_assert(strstr(wf_spool_fix_hint(ENOTDIR), "not a directory"));
}
