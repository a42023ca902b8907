/* The config loader's typed getters and checks: each error names the
 * file and the line of the setting at fault (wf_cfg_fail). */
#include "config_internal.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

int wf_cfg_fail(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	const char *file = NULL;
	va_list ap;
	size_t i;

	if (s)
		file = config_setting_source_file(s);
	if (!file)
		file = ld->name;
	if (s)
		sbuf_addf(&sb, "%s:%u: ", file, config_setting_source_line(s));
	else
		sbuf_addf(&sb, "%s: ", file);
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* one line, whatever the admin typed */
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n' || sb.buf[i] == '\r')
			sb.buf[i] = ' ';
	if (ld->errlen)
		snprintf(ld->err, ld->errlen, "%s", sb.buf);
	sbuf_free(&sb);
	return -1;
}

int wf_cfg_in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

/* Refuse any key of group g that is not in known (NULL-terminated). */
int wf_cfg_check_keys(struct ld *ld, const config_setting_t *g, const char *where, const char *const *known)
{
	int i, n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(e);
		const char *const *k;
		int ok = 0;
		for (k = known; *k; k++)
			if (key && !strcmp(key, *k))
				ok = 1;
		if (!ok) {
			struct sbuf sb = SBUF_INIT;
			int rc;
			for (k = known; *k; k++)
				sbuf_addf(&sb, "%s%s", k == known ? "" : ", ", *k);
			rc = wf_cfg_fail(ld, e, "unknown key '%s' in %s (known: %s)", key ? key : "?", where, sb.buf);
			sbuf_free(&sb);
			return rc;
		}
	}
	return 0;
}

int wf_cfg_get_group(struct ld *ld, const config_setting_t *parent, const char *key, const char *where,
		     config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(parent, key);
	*out = NULL;
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, s, "'%s' must be a group { ... }", where);
	*out = s;
	return 0;
}

int wf_cfg_get_string(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      config_setting_t **setting, const char **out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	*out = NULL;
	if (setting)
		*setting = s;
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return wf_cfg_fail(ld, s, "'%s.%s' must be a string", where, key);
	*out = config_setting_get_string(s);
	return 0;
}

int wf_cfg_get_bool(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return wf_cfg_fail(ld, s, "'%s.%s' must be a boolean (true or false)", where, key);
	*out = config_setting_get_bool(s) ? 1 : 0;
	return 0;
}

int wf_cfg_get_timeout(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	long long v;
	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(s);
	else
		return wf_cfg_fail(ld, s, "'%s.%s' must be an integer (seconds)", where, key);
	if (v < 1 || v > WF_TIMEOUT_MAX)
		return wf_cfg_fail(ld, s, "'%s.%s' must be between 1 and %d seconds, not %lld", where, key,
			    WF_TIMEOUT_MAX, v);
	*out = (int)v;
	return 0;
}

/* An integer setting within [min, max] (unit names it in the message). */
int wf_cfg_get_int_in(struct ld *ld, const config_setting_t *g, const char *key, const char *where, long long min,
		      long long max, const char *unit, long long *out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	long long v;

	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(s);
	else
		return wf_cfg_fail(ld, s, "'%s.%s' must be an integer (%s)", where, key, unit);
	if (v < min || v > max)
		return wf_cfg_fail(ld, s, "'%s.%s' must be between %lld and %lld %s, not %lld", where, key, min, max, unit, v);
	*out = v;
	return 0;
}

/* An array (or list) of strings; *out is NULL-terminated.  Empty is
 * allowed unless nonempty is set. */
int wf_cfg_get_strv(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int nonempty,
		    config_setting_t **setting, char ***out, size_t *n_out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	int i, n, t;
	char **v;

	if (setting)
		*setting = s;
	if (!s)
		return 1;   /* absent: caller keeps its value */
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
		return wf_cfg_fail(ld, s, "'%s.%s' must be an array of strings", where, key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return wf_cfg_fail(ld, e, "'%s.%s' must be an array of strings", where, key);
	}
	if (nonempty && n == 0)
		return wf_cfg_fail(ld, s, "'%s.%s' must be a non-empty array of strings", where, key);
	v = xcalloc((size_t)n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = xstrdup(config_setting_get_string_elem(s, (unsigned)i));
	*out = v;
	*n_out = (size_t)n;
	return 0;
}

/* A simple branch name: [A-Za-z0-9._/-], components not starting with '.'
 * or '-', no "..", no "//", not ending in '/', '.' or ".lock". */
int wf_cfg_valid_branch(const char *b)
{
	size_t n = strlen(b), i;
	if (!n || b[0] == '/' || b[0] == '-' || b[n - 1] == '/' || b[n - 1] == '.')
		return 0;
	if (n >= 5 && !strcmp(b + n - 5, ".lock"))
		return 0;
	if (strstr(b, "..") || strstr(b, "//") || strstr(b, "/.") || strstr(b, "/-") || strstr(b, ".lock/"))
		return 0;
	if (b[0] == '.' || !strcmp(b, "HEAD"))
		return 0;
	for (i = 0; i < n; i++) {
		char ch = b[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-' || ch == '/'))
			return 0;
	}
	return 1;
}

int wf_cfg_valid_charset(const char *s, const char *extra, int upper)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		char ch = *s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (upper && ch >= 'A' && ch <= 'Z'))
			continue;
		if (strchr(extra, ch))
			continue;
		return 0;
	}
	return 1;
}

int wf_cfg_valid_env_var(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	return wf_cfg_valid_charset(s, "_", 1);
}

