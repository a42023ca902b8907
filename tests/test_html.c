/* The dashboard's HTML escaper (common/core/html.c): pushed text always shows
 * as text, whatever markup or bytes it holds. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "text.h"

static char *html(const char *s, size_t len, unsigned flags)
{
	struct sbuf sb = SBUF_INIT;
	wf_html_escape(&sb, s, len, flags);
	return sbuf_detach(&sb);
}

Test(html, markup_characters_become_entities)
{
	const char *m = "<script>alert(\"x\" & 'y')</script>";
	char *h = html(m, strlen(m), 0);
	cr_assert_str_eq(h, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
	free(h);
}

Test(html, an_attribute_cannot_be_closed)
{
	const char *m = "x\" onmouseover=\"alert(1)";
	char *h = html(m, strlen(m), 0);
	cr_assert_null(strchr(h, '"'));
	cr_assert_null(strchr(h, '<'));
	free(h);
}

Test(html, utf8_kept_controls_and_invalid_bytes_shown_escaped)
{
	const char m[] = "caf\xc3\xa9 \x1b[2J\x07 \xff\xfe <b>";
	char *h = html(m, sizeof(m) - 1, 0);
	cr_assert_str_eq(h, "caf\xc3\xa9 \\x1b[2J\\x07 \\xff\\xfe &lt;b&gt;");
	for (const char *p = h; *p; p++)
		cr_assert((unsigned char)*p >= 0x20, "a raw control byte at %zu", (size_t)(p - h));
	free(h);
}

Test(html, nul_bytes_in_output_are_not_raw)
{
	const char m[] = "a\0b<";
	char *h = html(m, sizeof(m) - 1, WF_TEXT_OUTPUT);
	cr_assert_str_eq(h, "a\\x00b&lt;");
	free(h);
}

Test(html, output_keeps_lines_and_drops_colour)
{
	const char *m = "\x1b[31mred\x1b[m\n\tnext & last\r\n";
	char *h = html(m, strlen(m), WF_TEXT_OUTPUT);
	cr_assert_str_eq(h, "red\n\tnext &amp; last\\r\n");
	free(h);
	/* a field is one line */
	h = html(m, strlen(m), 0);
	cr_assert_null(strchr(h, '\n'));
	free(h);
}

Test(html, an_entity_in_the_text_is_escaped_again)
{
	/* "&lt;" typed by a pusher shows as "&lt;", not as "<" */
	char *h = html("&lt;", 4, 0);
	cr_assert_str_eq(h, "&amp;lt;");
	free(h);
}

Test(html, line_is_capped_at_a_character_boundary)
{
	struct sbuf sb = SBUF_INIT;
	wf_html_line(&sb, "\xc3\xa9\xc3\xa9<", 3, NULL);
	cr_assert_str_eq(sb.buf, "\xc3\xa9...");
	sbuf_reset(&sb);
	wf_html_line(&sb, NULL, 10, "<none>");
	cr_assert_str_eq(sb.buf, "&lt;none&gt;");
	sbuf_free(&sb);
}

Test(html, the_title_of_a_page_is_escaped)
{
	struct sbuf sb = SBUF_INIT;
	wf_html_begin(&sb, "</title><script>x</script>", "body{}");
	wf_html_end(&sb);
	cr_assert_null(strstr(sb.buf, "<script>"));
	cr_assert_not_null(strstr(sb.buf, "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>"));
	cr_assert_not_null(strstr(sb.buf, "</body>\n</html>\n"));
	sbuf_free(&sb);
}
