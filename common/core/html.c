#include "html.h"
#include "text.h"

#include <string.h>

/* After wf_text_escape the text is valid UTF-8 without control bytes
 * (but \n and \t with WF_TEXT_OUTPUT), so only markup is left to escape. */
static void entities(struct sbuf *sb, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *e;
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		sbuf_add(sb, s + start, i - start);
		sbuf_adds(sb, e);
		start = i + 1;
	}
	sbuf_add(sb, s + start, len - start);
}

void wf_html_escape(struct sbuf *sb, const char *s, size_t len, unsigned flags)
{
	struct sbuf t = SBUF_INIT;

	if (!s)
		return;
	wf_text_escape(&t, s, len, flags & (WF_TEXT_OUTPUT | WF_TEXT_STORE));
	entities(sb, t.buf ? t.buf : "", t.len);
	sbuf_free(&t);
}

void wf_html_line(struct sbuf *sb, const char *s, size_t max, const char *dflt)
{
	size_t len, n;

	if (!s)
		s = dflt ? dflt : "";
	len = strlen(s);
	n = wf_text_cut(s, len, max);
	wf_html_escape(sb, s, n, 0);
	if (n < len)
		sbuf_adds(sb, "...");
}

void wf_html_begin(struct sbuf *sb, const char *title, const char *css)
{
	sbuf_adds(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	wf_html_line(sb, title, 200, "");
	sbuf_adds(sb, "</title>\n<style>\n");
	sbuf_adds(sb, css ? css : "");
	sbuf_adds(sb, "</style>\n</head>\n<body>\n");
}

void wf_html_end(struct sbuf *sb)
{
	sbuf_adds(sb, "</body>\n</html>\n");
}
