/* Base64 (RFC 4648, with padding) for the compressed step output in deploy
 * records. */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void wf_b64_encode(struct sbuf *sb, const unsigned char *in, size_t len)
{
	char q[4];
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = b64chars[v >> 6 & 63];
		q[3] = b64chars[v & 63];
		sbuf_add(sb, q, 4);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = q[3] = '=';
		sbuf_add(sb, q, 4);
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = b64chars[v >> 6 & 63];
		q[3] = '=';
		sbuf_add(sb, q, 4);
	}
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;
	return p ? (int)(p - b64chars) : -1;
}

int wf_b64_decode(const char *s, unsigned char **out, size_t *out_len)
{
	size_t len = strlen(s), o = 0;
	unsigned char *buf;

	*out = NULL;
	*out_len = 0;
	if (len % 4)
		return -1;
	buf = xmalloc(len / 4 * 3 + 1);
	for (size_t i = 0; i < len; i += 4) {
		int a = b64_val(s[i]), b = b64_val(s[i + 1]), c, d;
		int last = i + 4 == len;
		if (a < 0 || b < 0)
			goto bad;
		buf[o++] = (unsigned char)(a << 2 | b >> 4);
		if (last && s[i + 2] == '=') {
			if (s[i + 3] != '=' || (b & 15))
				goto bad;
			break;
		}
		c = b64_val(s[i + 2]);
		if (c < 0)
			goto bad;
		buf[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (last && s[i + 3] == '=') {
			if (c & 3)
				goto bad;
			break;
		}
		d = b64_val(s[i + 3]);
		if (d < 0)
			goto bad;
		buf[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	*out = buf;
	*out_len = o;
	return 0;
bad:
	free(buf);
	return -1;
}
