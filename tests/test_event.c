/* Webhook event documents: fields, subscriptions, and JSON escaping of
 * whatever a pusher managed to put into a message. */
#include <criterion/criterion.h>
#include <string.h>
#include "event.h"
#include "util.h"

static char *json_of(const char *s, size_t len)
{
	struct sbuf sb = SBUF_INIT;
	wf_json_string(&sb, s, len);
	return sbuf_detach(&sb);
}

#define JSON_IS(in, expect) do { \
		char *j_ = json_of(in, sizeof(in) - 1); \
		cr_assert_str_eq(j_, expect); \
		free(j_); \
	} while (0)

Test(json_string, plain_and_quotes)
{
	JSON_IS("Release 1.2", "\"Release 1.2\"");
	JSON_IS("say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\"");
}

Test(json_string, control_characters)
{
	JSON_IS("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	JSON_IS("\x01\x1b[31m\x7f", "\"\\u0001\\u001b[31m\\u007f\"");
	JSON_IS("\b\f", "\"\\b\\f\"");
}

Test(json_string, nul_inside_is_escaped)
{
	JSON_IS("a\0b", "\"a\\u0000b\"");
}

Test(json_string, valid_utf8_passes_through)
{
	JSON_IS("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80", "\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80\"");
}

Test(json_string, invalid_utf8_becomes_replacement)
{
	JSON_IS("a\xffz", "\"a\\ufffdz\"");                 /* stray byte */
	JSON_IS("\xc0\xaf", "\"\\ufffd\\ufffd\"");          /* overlong '/' */
	JSON_IS("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	JSON_IS("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	JSON_IS("end\xe2\x9c", "\"end\\ufffd\\ufffd\"");    /* truncated at the end */
}

Test(json_string, line_separators_escaped)
{
	JSON_IS("a\xe2\x80\xa8" "b", "\"a\\u2028b\"");
}

static struct wf_event sample(void)
{
	static const struct wf_event_commit commits[] = { { "1111111111111111111111111111111111111111", "fix \"it\"" } };
	static const struct wf_event_step steps[] = { { "updatedb", 0, 0, 1.5 }, { "cache", 124, 1, 2.0 } };
	struct wf_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = "deploy";
	ev.status = "failed";
	ev.repository = "site";
	ev.env = "test";
	ev.ref = "refs/heads/test";
	ev.tag = "deploy_test_3";
	ev.from = "0000000000000000000000000000000000000000";
	ev.to = "2222222222222222222222222222222222222222";
	ev.pusher = "alice";
	ev.message = "Release <1.2> & more\n";
	ev.time = 1732500000;
	ev.record = 7;
	ev.commits = commits;
	ev.n_commits = 1;
	ev.commits_total = 3;
	ev.steps = steps;
	ev.n_steps = 2;
	return ev;
}

Test(event, json_document)
{
	struct wf_event ev = sample();
	struct sbuf sb = SBUF_INIT;
	wf_event_json(&ev, &sb);
	cr_assert_str_eq(sb.buf,
		"{\"event\":\"deploy.failed\",\"kind\":\"deploy\",\"status\":\"failed\",\"repository\":\"site\","
		"\"env\":\"test\",\"ref\":\"refs/heads/test\",\"tag\":\"deploy_test_3\",\"from\":null,"
		"\"to\":\"2222222222222222222222222222222222222222\",\"pusher\":\"alice\","
		"\"message\":\"Release <1.2> & more\\n\",\"note\":null,"
		"\"commits\":[{\"id\":\"1111111111111111111111111111111111111111\",\"summary\":\"fix \\\"it\\\"\"}],"
		"\"commits_total\":3,\"steps\":[{\"name\":\"updatedb\",\"status\":\"ok\",\"exit_status\":0,"
		"\"timed_out\":false,\"duration\":1.500},{\"name\":\"cache\",\"status\":\"timed_out\","
		"\"exit_status\":124,\"timed_out\":true,\"duration\":2.000}],\"record\":7,"
		"\"time\":\"2024-11-25T02:00:00Z\"}\n");
	sbuf_free(&sb);
}

Test(event, refused_name_and_nulls)
{
	struct wf_event ev;
	struct sbuf sb = SBUF_INIT;
	char buf[64];
	memset(&ev, 0, sizeof(ev));
	ev.kind = "refused";
	ev.status = "refused";
	ev.ref = "refs/heads/live";
	cr_assert_str_eq(wf_event_name(&ev, buf), "refused");
	wf_event_json(&ev, &sb);
	cr_assert(strstr(sb.buf, "\"env\":null,"));
	cr_assert(strstr(sb.buf, "\"commits\":[],\"commits_total\":0,\"steps\":[],\"record\":null"));
	sbuf_free(&sb);
}

Test(event, slack_body_escapes_markup)
{
	struct wf_event ev = sample();
	struct sbuf sb = SBUF_INIT;
	const char *head = "{\"text\":\"*deploy to test failed* in site: deploy_test_3 (222222222222) by alice\\n";
	wf_event_body(&ev, "slack", &sb);
	cr_assert(!strncmp(sb.buf, head, strlen(head)), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "Release &lt;1.2&gt; &amp; more"));
	cr_assert(strstr(sb.buf, "- step cache: timed_out (2.0 s)"));
	cr_assert(!strstr(sb.buf, "<1.2>"));
	sbuf_free(&sb);
}

Test(event, subscriptions)
{
	char *deploy_only[] = { "deploy" }, *fail_only[] = { "failure" }, *refused[] = { "refused" };
	struct wf_webhook w = { "http://x", deploy_only, 1, "json", NULL };
	struct wf_event ev = sample();

	cr_assert(wf_event_wanted(&w, &ev));              /* deploy.failed: kind matches */
	ev.kind = "hotfix";
	cr_assert_not(wf_event_wanted(&w, &ev));
	w.events = fail_only;
	cr_assert(wf_event_wanted(&w, &ev));              /* hotfix.failed: a failure */
	ev.status = "interrupted";
	cr_assert(wf_event_wanted(&w, &ev));              /* repair found it unfinished */
	ev.status = "succeeded";
	cr_assert_not(wf_event_wanted(&w, &ev));
	w.events = refused;
	ev.kind = "refused";
	ev.status = "refused";
	cr_assert(wf_event_wanted(&w, &ev));
}
