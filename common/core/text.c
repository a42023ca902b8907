#include "text.h"

#include <string.h>

size_t wf_utf8_char(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2; min = 0x80; c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; min = 0x800; c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; min = 0x10000; c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void esc_byte(struct sbuf *sb, unsigned char c)
{
	if (c == '\n')
		sbuf_adds(sb, "\\n");
	else if (c == '\r')
		sbuf_adds(sb, "\\r");
	else if (c == '\t')
		sbuf_adds(sb, "\\t");
	else
		sbuf_addf(sb, "\\x%02x", c);
}

/* Length of a colour sequence (ESC [ digits ; : m) at p, else 0: the one
 * terminal sequence step output may keep, since it only paints. */
static size_t sgr_len(const unsigned char *p, size_t n)
{
	size_t i = 2;

	if (n < 3 || p[0] != 0x1b || p[1] != '[')
		return 0;
	while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == ';' || p[i] == ':'))
		i++;
	return i < n && p[i] == 'm' ? i + 1 : 0;
}

void wf_text_escape(struct sbuf *sb, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t i = 0;

	while (s && i < len) {
		unsigned cp;
		size_t n = wf_utf8_char(p + i, len - i, &cp), sgr;

		if (n == 0) {
			esc_byte(sb, p[i++]);
			continue;
		}
		if ((flags & WF_TEXT_OUTPUT) && (sgr = sgr_len(p + i, len - i))) {
			if (flags & WF_TEXT_COLOR)
				sbuf_add(sb, p + i, sgr);
			i += sgr;
			continue;
		}
		if (cp == '\\' && (flags & WF_TEXT_STORE))
			sbuf_adds(sb, "\\\\");
		else if ((cp == '\n' || cp == '\t') && (flags & WF_TEXT_OUTPUT))
			sbuf_add(sb, p + i, 1);
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))  /* C0, DEL, C1 */
			for (size_t k = 0; k < n; k++)
				esc_byte(sb, p[i + k]);
		else
			sbuf_add(sb, p + i, n);
		i += n;
	}
}

void wf_text_line(struct sbuf *sb, const char *s, size_t len)
{
	wf_text_escape(sb, s, len, 0);
}

void wf_text_store(struct sbuf *sb, const char *s, size_t len)
{
	wf_text_escape(sb, s, len, WF_TEXT_STORE);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int wf_unescape(const char *s, struct sbuf *out)
{
	for (; *s; s++) {
		char c;
		int h, l;

		if (*s != '\\') {
			sbuf_add(out, s, 1);
			continue;
		}
		switch (*++s) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '\\': c = '\\'; break;
		case '"': c = '"'; break;
		case 'x':
			h = s[1] ? hexval(s[1]) : -1;
			l = h >= 0 && s[2] ? hexval(s[2]) : -1;
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h * 16 + l);
			s += 2;
			break;
		default:
			return -1;
		}
		sbuf_add(out, &c, 1);
	}
	return 0;
}

size_t wf_text_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (len <= max)
		return len;
	/* back off over continuation bytes to the start of a character */
	while (max > 0 && (p[max] & 0xc0) == 0x80)
		max--;
	return max;
}

void wf_json_content(struct sbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (s && i < len) {
		unsigned cp;
		size_t n = wf_utf8_char(p + i, len - i, &cp);

		if (n == 0) {
			sbuf_adds(sb, "\\ufffd");
			i++;
			continue;
		}
		switch (cp) {
		case '"': sbuf_adds(sb, "\\\""); break;
		case '\\': sbuf_adds(sb, "\\\\"); break;
		case '\n': sbuf_adds(sb, "\\n"); break;
		case '\r': sbuf_adds(sb, "\\r"); break;
		case '\t': sbuf_adds(sb, "\\t"); break;
		case '\b': sbuf_adds(sb, "\\b"); break;
		case '\f': sbuf_adds(sb, "\\f"); break;
		default:
			/* U+2028/2029 are legal JSON but end a line in JavaScript */
			if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
				sbuf_addf(sb, "\\u%04x", cp);
			else
				sbuf_add(sb, p + i, n);
		}
		i += n;
	}
}

void wf_json_string(struct sbuf *sb, const char *s, size_t len)
{
	sbuf_adds(sb, "\"");
	wf_json_content(sb, s, s ? len : 0);
	sbuf_adds(sb, "\"");
}
