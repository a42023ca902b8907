#include "hook_input.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wf_ref_name_ok(const char *ref)
{
	size_t len = strlen(ref);
	const char *comp;

	if (strncmp(ref, "refs/", 5) || len > 1024)
		return 0;
	for (const char *p = ref; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == 0x7f || strchr(" ~^:?*[\\", ch))
			return 0;
		if (p[0] == '.' && p[1] == '.')
			return 0;
		if (p[0] == '@' && p[1] == '{')
			return 0;
		if (p[0] == '/' && p[1] == '/')
			return 0;
	}
	if (ref[len - 1] == '/' || ref[len - 1] == '.')
		return 0;
	if (len >= 5 && !strcmp(ref + len - 5, ".lock"))
		return 0;
	/* no component may start with '.' or end with ".lock" */
	comp = ref;
	while (comp) {
		const char *slash = strchr(comp, '/');
		size_t clen = slash ? (size_t)(slash - comp) : strlen(comp);
		if (clen == 0 || comp[0] == '.')
			return 0;
		if (clen >= 5 && !strncmp(comp + clen - 5, ".lock", 5))
			return 0;
		comp = slash ? slash + 1 : NULL;
	}
	return 1;
}

static size_t oid_len(const char *s, size_t max)
{
	size_t i = 0;
	while (i < max && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	return i;
}

int wf_hook_input_parse(const char *buf, size_t len, struct wf_update **out, size_t *n,
			char *err, size_t errlen)
{
	struct wf_update *u = NULL;
	size_t nu = 0, cap = 0, lineno = 0, pos = 0;

	*out = NULL;
	*n = 0;
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen, ol, nl2;
		const char *p;

		lineno++;
		if (!nl) {
			snprintf(err, errlen, "hook input line %zu has no newline at the end: git sends whole lines; "
				 "was the hook run by hand?", lineno);
			goto fail;
		}
		llen = (size_t)(nl - line);
		pos += llen + 1;
		if (memchr(line, '\0', llen)) {
			snprintf(err, errlen, "hook input line %zu contains a NUL byte: expected 'OLD NEW REF'", lineno);
			goto fail;
		}
		ol = oid_len(line, llen);
		if ((ol != 40 && ol != 64) || ol >= llen || line[ol] != ' ')
			goto malformed;
		p = line + ol + 1;
		nl2 = oid_len(p, llen - ol - 1);
		if (nl2 != ol || ol + 1 + nl2 >= llen || p[nl2] != ' ')
			goto malformed;
		p += nl2 + 1;
		if (cap == nu) {
			cap = cap ? cap * 2 : 8;
			u = xrealloc(u, cap * sizeof(*u));
		}
		memcpy(u[nu].old_oid, line, ol);
		u[nu].old_oid[ol] = '\0';
		memcpy(u[nu].new_oid, line + ol + 1, ol);
		u[nu].new_oid[ol] = '\0';
		u[nu].ref = xstrndup(p, (size_t)(nl - p));
		nu++;
		if (!wf_ref_name_ok(u[nu - 1].ref)) {
			struct sbuf sb = SBUF_INIT;
			wf_text_line(&sb, u[nu - 1].ref, strlen(u[nu - 1].ref));
			snprintf(err, errlen, "hook input line %zu: '%.200s' is not a valid ref name", lineno,
				 sb.buf ? sb.buf : "");
			sbuf_free(&sb);
			goto fail;
		}
		if (wf_is_zero_oid(u[nu - 1].old_oid) && wf_is_zero_oid(u[nu - 1].new_oid)) {
			snprintf(err, errlen, "hook input line %zu: both object names are zero", lineno);
			goto fail;
		}
		continue;
malformed:
		snprintf(err, errlen, "hook input line %zu is malformed: expected 'OLD NEW REF' "
			 "(two 40-hex object names and a ref)", lineno);
		goto fail;
	}
	*out = u;
	*n = nu;
	return 0;
fail:
	wf_updates_free(u, nu);
	return -1;
}

void wf_updates_free(struct wf_update *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(u[i].ref);
	free(u);
}

int wf_update_is_create(const struct wf_update *u)
{
	return wf_is_zero_oid(u->old_oid);
}

int wf_update_is_delete(const struct wf_update *u)
{
	return wf_is_zero_oid(u->new_oid);
}
