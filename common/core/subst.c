#include "subst.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *env_lookup(char *const env[], const char *name, size_t nlen)
{
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, nlen) == 0 && env[i][nlen] == '=')
			return env[i] + nlen + 1;
	return NULL;
}

static void add_value(struct sbuf *sb, const char *v, enum wf_subst_mode mode)
{
	size_t len = strlen(v);

	if (mode == WF_SUBST_JSON) {
		wf_json_content(sb, v, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (mode == WF_SUBST_URL && !(isalnum(c) && c < 0x80) && !strchr("-._~", c))
			sbuf_addf(sb, "%%%02X", c);
		else if (mode == WF_SUBST_HEADER && (c < 0x20 || c == 0x7f))
			sbuf_add(sb, " ", 1);
		else
			sbuf_add(sb, &v[i], 1);
	}
}

char *wf_subst(const char *in, char *const env[], enum wf_subst_mode mode)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = in ? in : "";

	while (*p) {
		if (p[0] == '$' && p[1] == '{' && strncmp(p + 2, "WF_", 3) == 0) {
			const char *q = p + 5;
			while ((*q >= 'A' && *q <= 'Z') || *q == '_')
				q++;
			if (*q == '}' && q > p + 5) {
				const char *v = env_lookup(env, p + 2, (size_t)(q - (p + 2)));
				if (v)
					add_value(&sb, v, mode);
				p = q + 1;
				continue;
			}
		}
		sbuf_add(&sb, p, 1);
		p++;
	}
	return sbuf_detach(&sb);
}

enum wf_subst_mode wf_subst_body_mode(char *const headers[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *h = headers[i], *v;
		size_t tlen;

		if (strncasecmp(h, "Content-Type:", 13) != 0)
			continue;
		v = h + 13 + strspn(h + 13, " \t");
		tlen = strcspn(v, "; \t");
		/* application/json, or a +json type such as application/vnd.api+json */
		if ((tlen == 16 && !strncasecmp(v, "application/json", 16)) ||
		    (tlen > 5 && !strncasecmp(v + tlen - 5, "+json", 5)))
			return WF_SUBST_JSON;
	}
	return WF_SUBST_RAW;
}
