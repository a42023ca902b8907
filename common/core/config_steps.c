/* A list of steps (steps, build, checks): each a command (argv, or the
 * admin's sh -c script) or an HTTP call, with when, default and timeout. */
#include "config_internal.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

/* Push options that are not step toggles and so cannot be a `when`. */
static const char *const reserved_options[] = { "message", "dry-run" };
static const char *const step_keys[] = { "name", "run", "shell", "url", "method", "headers", "body",
					 "expect", "body_lines", "when", "default", "timeout", NULL };

static int step_command(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	config_setting_t *s, *run_s, *url_s;
	const char *v;
	int rc;

	if (wf_cfg_get_string(ld, g, "name", where, &s, &v) < 0)
		return -1;
	if (!v)
		return wf_cfg_fail(ld, g, "'%s' has no name", where);
	if (!*v)
		return wf_cfg_fail(ld, s, "'%s.name' must not be empty", where);
	st->name = xstrdup(v);
	rc = wf_cfg_get_strv(ld, g, "run", where, 1, &run_s, &st->run, &st->run_len);
	if (rc < 0)
		return -1;
	if (rc == 0 && !*st->run[0])
		return wf_cfg_fail(ld, run_s, "'%s.run' must not start with an empty program name", where);
	if (wf_cfg_get_string(ld, g, "url", where, &url_s, &v) < 0)
		return -1;
	if (v && strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return wf_cfg_fail(ld, url_s, "'%s.url' must be an http:// or https:// URL", where);
	st->url = v ? xstrdup(v) : NULL;
	if (!st->run && !st->url)
		return wf_cfg_fail(ld, g, "step '%s' needs exactly one of 'run' or 'url' (it has neither)", st->name);
	if (st->run && st->url)
		return wf_cfg_fail(ld, url_s, "step '%s' needs exactly one of 'run' or 'url' (it has both)", st->name);
	if (wf_cfg_get_bool(ld, g, "shell", where, &st->shell) < 0)
		return -1;
	if (st->shell && !st->run)
		return wf_cfg_fail(ld, config_setting_get_member(g, "shell"), "step '%s': 'shell = true' requires 'run'",
				   st->name);
	if (st->shell && st->run_len != 1)
		return wf_cfg_fail(ld, run_s,
				   "step '%s': with 'shell = true', 'run' must have exactly one element (the script), not %zu",
				   st->name, st->run_len);
	return 0;
}

/* body_lines: how much of an HTTP step's answer is kept (0 in the config:
 * none, stored as -1; absent: 0, the default) */
static int step_body_lines(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	long long n = -1;

	if (wf_cfg_get_int_in(ld, g, "body_lines", where, 0, 100000, "lines", &n) < 0)
		return -1;
	if (n >= 0 && !st->url)
		return wf_cfg_fail(ld, config_setting_get_member(g, "body_lines"), "step '%s': 'body_lines' is only for "
				   "an HTTP step (url = ...)", st->name);
	st->body_lines = n == 0 ? -1 : n < 0 ? 0 : (int)n;
	return 0;
}

/* method, headers and body: only for an HTTP step */
static int step_http(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	config_setting_t *s;
	const char *v;
	int rc;

	if (wf_cfg_get_string(ld, g, "method", where, &s, &v) < 0)
		return -1;
	if (v && !st->url)
		return wf_cfg_fail(ld, s, "step '%s': 'method' is only for an HTTP step (url = ...)", st->name);
	/* methods are upper-case tokens */
	if (v && (!*v || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v)))
		return wf_cfg_fail(ld, s, "'%s.method' must be an upper-case HTTP method such as POST, not '%s'", where, v);
	if (v || st->url)
		st->method = xstrdup(v ? v : "POST");
	rc = wf_cfg_get_strv(ld, g, "headers", where, 0, &s, &st->headers, &st->n_headers);
	if (rc < 0)
		return -1;
	if (rc == 0 && !st->url)
		return wf_cfg_fail(ld, s, "step '%s': 'headers' is only for an HTTP step (url = ...)", st->name);
	for (size_t i = 0; rc == 0 && i < st->n_headers; i++) {
		const char *h = st->headers[i], *colon = strchr(h, ':');
		if (!colon || colon == h || strpbrk(h, "\r\n"))
			return wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i),
					   "'%s.headers' entry '%s' must be \"Name: value\"", where, h);
	}
	if (wf_cfg_get_string(ld, g, "body", where, &s, &v) < 0)
		return -1;
	if (v && !st->url)
		return wf_cfg_fail(ld, s, "step '%s': 'body' is only for an HTTP step (url = ...)", st->name);
	st->body = v ? xstrdup(v) : NULL;
	if (wf_cfg_get_string(ld, g, "expect", where, &s, &v) < 0)
		return -1;
	if (v && (!st->url || !*v))
		return wf_cfg_fail(ld, s, "step '%s': 'expect' is %s", st->name,
				   st->url ? "empty: give the text the answer must carry, e.g. \"${WF_RELEASE_NAME}\""
					   : "only for an HTTP step (url = ...)");
	st->expect = v ? xstrdup(v) : NULL;
	return step_body_lines(ld, g, where, st);
}

/* when, default and timeout */
static int step_when(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, "when", where, &s, &v) < 0)
		return -1;
	if (v && !wf_cfg_valid_charset(v, "-", 0))
		return wf_cfg_fail(ld, s, "'%s.when' must be made of a-z 0-9 -, not '%s'", where, v);
	if (v && !strncmp(v, "no-", 3))
		return wf_cfg_fail(ld, s, "'%s.when' must not start with 'no-' (that prefix turns it off): '%s'", where, v);
	if (v && wf_cfg_in_list(v, reserved_options, sizeof(reserved_options) / sizeof(reserved_options[0])))
		return wf_cfg_fail(ld, s, "'%s.when' cannot be '%s': that push option is reserved", where, v);
	st->when = v ? xstrdup(v) : NULL;
	if (wf_cfg_get_bool(ld, g, "default", where, &st->default_on) < 0)
		return -1;
	return wf_cfg_get_timeout(ld, g, "timeout", where, &st->timeout);
}

int wf_cfg_load_step(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	st->default_on = 1;
	st->timeout = WF_STEP_TIMEOUT_DEFAULT;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a group { name = ...; run = [ ... ]; }", where);
	if (wf_cfg_check_keys(ld, g, where, step_keys) < 0)
		return -1;
	if (step_command(ld, g, where, st) < 0 || step_http(ld, g, where, st) < 0)
		return -1;
	return step_when(ld, g, where, st);
}

int wf_cfg_load_steps(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      struct wf_step **steps, size_t *n_steps)
{
	config_setting_t *s = config_setting_get_member(g, key);
	int t, n, i;

	if (!s)
		return 0;
	t = config_setting_type(s);
	if (!(t == CONFIG_TYPE_LIST || (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)))
		return wf_cfg_fail(ld, s, "'%s.%s' must be a list ( { ... }, ... )", where, key);
	n = config_setting_length(s);
	*steps = xcalloc((size_t)n + 1, sizeof(**steps));
	for (i = 0; i < n; i++) {
		config_setting_t *sg = config_setting_get_elem(s, (unsigned)i);
		char *w = xasprintf("%s.%s[%d]", where, key, i);
		int j, rc;
		*n_steps = (size_t)i + 1;
		rc = wf_cfg_load_step(ld, sg, w, &(*steps)[i]);
		free(w);
		if (rc < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp((*steps)[j].name, (*steps)[i].name))
				return wf_cfg_fail(ld, config_setting_get_member(sg, "name"),
						   "duplicate step name '%s' in %s.%s", (*steps)[i].name, where, key);
	}
	return 0;
}

