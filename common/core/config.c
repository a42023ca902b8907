/* workflow.conf loader: libconfig parse, then a strict walk over the schema
 * of WORKFLOW.md.  Every error names the file and the line of the setting
 * at fault, and leaves the config freed so the caller can fail closed. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libconfig.h>

#include "config.h"
#include "config_ints.h"
#include "dashboard_config.h"
#include "config_internal.h"
#include "output.h"
#include "util.h"

#ifndef WF_SYSCONFDIR
#define WF_SYSCONFDIR "/etc"
#endif

#define WF_TIMEOUT_MAX 86400

static const char *const known_events[] = { "deploy", "hotfix", "rollback", "failure", "refused" };
#define N_KNOWN_EVENTS (sizeof(known_events) / sizeof(known_events[0]))

/* Push options that are not step toggles and so cannot be a `when`. */
static const char *const reserved_options[] = { "message", "dry-run" };

static const char *const top_keys[] = { "workflow", "dev", "test", "live", "hotfix", "notify", "dashboard", NULL };
static const char *const workflow_keys[] = { "tag_prefix", "identity_vars", "host_options", "max_output", "wait", "http_wait",
					       NULL };
static const char *const dev_keys[] = { "branch", "allow_force", WF_RELEASE_KEYS, NULL };
static const char *const env_keys[] = { "branch", "on_failure", "hotfix", "steps", WF_RELEASE_KEYS, NULL };
static const char *const hotfix_keys[] = { "users", NULL };
static const char *const notify_keys[] = { "connect_timeout", "timeout", "retry_for", "webhooks", NULL };
static const char *const step_keys[] = { "name", "run", "shell", "url", "method", "headers", "body",
					 "when", "default", "timeout", NULL };
static const char *const webhook_keys[] = { "url", "events", "format", "secret_file", NULL };

/* ------------------------------------------------------------------ */
/* freeing                                                              */

static void strv_free(char **v, size_t n)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **strv_dup(const char *const *v, size_t n)
{
	char **r = xcalloc(n + 1, sizeof(*r));
	size_t i;
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void wf_cfg_step_free(struct wf_step *s)
{
	free(s->name);
	strv_free(s->run, s->run_len);
	free(s->url);
	free(s->method);
	strv_free(s->headers, s->n_headers);
	free(s->body);
	free(s->when);
	memset(s, 0, sizeof(*s));
}

static void env_free(struct wf_env *e)
{
	size_t i;
	free(e->branch);
	free(e->ref);
	for (i = 0; i < e->n_steps; i++)
		wf_cfg_step_free(&e->steps[i]);
	free(e->steps);
	wf_cfg_release_free(&e->rel);
	memset(e, 0, sizeof(*e));
}

static void webhook_free(struct wf_webhook *w)
{
	free(w->url);
	strv_free(w->events, w->n_events);
	free(w->format);
	free(w->secret_file);
	memset(w, 0, sizeof(*w));
}

void wf_config_free(struct wf_config *c)
{
	size_t i;
	if (!c)
		return;
	free(c->path);
	free(c->tag_prefix);
	strv_free(c->identity_vars, c->n_identity_vars);
	strv_free(c->host_options, c->n_host_options);
	free(c->dev_branch);
	free(c->dev_ref);
	env_free(&c->test);
	env_free(&c->live);
	wf_cfg_release_free(&c->dev.rel);	/* its branch and ref are dev_branch, dev_ref */
	strv_free(c->hotfix_users, c->n_hotfix_users);
	for (i = 0; i < c->n_webhooks; i++)
		webhook_free(&c->webhooks[i]);
	free(c->webhooks);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* defaults                                                             */

static void set_branch(char **branch, char **ref, const char *name)
{
	free(*branch);
	free(*ref);
	*branch = xstrdup(name);
	*ref = xasprintf("refs/heads/%s", name);
}

void wf_config_defaults(struct wf_config *c)
{
	memset(c, 0, sizeof(*c));
	c->tag_prefix = xstrdup("deploy");
	c->max_output = WF_MAX_OUTPUT_DEFAULT;
	c->wait = WF_WAIT_DEFAULT;
	c->http_wait = WF_HTTP_WAIT_DEFAULT;
	/* none: a variable no host set is one the pusher may have set (git push
	 * --receive-pack='env GL_USER=alice git-receive-pack'), so without a
	 * list the pusher is the Unix user; install.sh writes the host's own */
	c->n_identity_vars = 0;
	c->identity_vars = xcalloc(1, sizeof(char *));
	set_branch(&c->dev_branch, &c->dev_ref, "master");
	c->dev_allow_force = 0;

	c->test.name = "test";
	set_branch(&c->test.branch, &c->test.ref, "test");
	c->test.on_failure = WF_ON_FAILURE_STOP;
	c->test.hotfix = 0;

	c->live.name = "live";
	set_branch(&c->live.branch, &c->live.ref, "live");
	c->live.on_failure = WF_ON_FAILURE_STOP;
	c->live.hotfix = 1;

	c->dev.name = "dev";
	c->dev.tagless = 1;
	c->dev.branch = c->dev_branch;
	c->dev.ref = c->dev_ref;
	c->dev.rel.keep = c->test.rel.keep = c->live.rel.keep = WF_KEEP_DEFAULT;
	c->hotfix_users = xcalloc(1, sizeof(char *));
	c->n_hotfix_users = 0;
	c->notify_connect_timeout = 2;
	c->notify_retry_for = 3600;
	c->notify_timeout = 5;
	c->webhooks = NULL;
	c->n_webhooks = 0;
}

/* ------------------------------------------------------------------ */
/* validation helpers                                                   */

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

static int in_list(const char *s, const char *const *list, size_t n)
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

static int get_group(struct ld *ld, const config_setting_t *parent, const char *key, const char *where,
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

static int get_bool(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return wf_cfg_fail(ld, s, "'%s.%s' must be a boolean (true or false)", where, key);
	*out = config_setting_get_bool(s) ? 1 : 0;
	return 0;
}

static int get_timeout(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out)
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
static int valid_branch(const char *b)
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

static int valid_charset(const char *s, const char *extra, int upper)
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

static int valid_env_var(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	return valid_charset(s, "_", 1);
}

static int get_branch(struct ld *ld, const config_setting_t *g, const char *where, char **branch, char **ref)
{
	config_setting_t *s;
	const char *v;
	if (wf_cfg_get_string(ld, g, "branch", where, &s, &v) < 0)
		return -1;
	if (!v)
		return 0;
	/* "refs/heads/test" would lock refs/heads/refs/heads/test and leave
	 * the real test free: a branch value is the short name */
	if (!strncmp(v, "refs/", 5))
		return wf_cfg_fail(ld, s, "'%s.branch' must be a short branch name such as \"%s\", not the ref '%s'",
			    where, !strncmp(v, "refs/heads/", 11) && v[11] ? v + 11 : where, v);
	if (!valid_branch(v))
		return wf_cfg_fail(ld, s, "'%s.branch' is not a valid branch name: '%s'", where, v);
	set_branch(branch, ref, v);
	return 0;
}

/* ------------------------------------------------------------------ */
/* sections                                                             */

static int load_workflow(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g, *s;
	const char *v;
	char **vars = NULL;
	size_t n = 0, i;
	int rc;

	if (get_group(ld, root, "workflow", "workflow", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "workflow", workflow_keys) < 0)
		return -1;
	if (wf_cfg_get_int_in(ld, g, "max_output", "workflow", 1024, 1073741824LL, "bytes", &c->max_output) < 0 ||
	    wf_cfg_get_int_in(ld, g, "wait", "workflow", 0, WF_TIMEOUT_MAX, "seconds", &c->wait) < 0 ||
	    wf_cfg_get_int_in(ld, g, "http_wait", "workflow", 1, WF_TIMEOUT_MAX, "seconds", &c->http_wait) < 0)
		return -1;
	if (wf_cfg_get_string(ld, g, "tag_prefix", "workflow", &s, &v) < 0)
		return -1;
	if (v) {
		if (!valid_charset(v, "._-", 1))
			return wf_cfg_fail(ld, s, "'workflow.tag_prefix' must be non-empty and made of A-Z a-z 0-9 . _ -, not '%s'",
				    v);
		free(c->tag_prefix);
		c->tag_prefix = xstrdup(v);
	}
	rc = wf_cfg_get_strv(ld, g, "identity_vars", "workflow", 0, &s, &vars, &n);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		for (i = 0; i < n; i++) {
			if (!valid_env_var(vars[i])) {
				config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				wf_cfg_fail(ld, e, "'workflow.identity_vars' entry '%s' is not an environment variable name",
				     vars[i]);
				strv_free(vars, n);
				return -1;
			}
		}
		strv_free(c->identity_vars, c->n_identity_vars);
		c->identity_vars = vars;
		c->n_identity_vars = n;
	}
	/* push options of the git host, left alone (names, without '=') */
	rc = wf_cfg_get_strv(ld, g, "host_options", "workflow", 0, &s, &vars, &n);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		strv_free(c->host_options, c->n_host_options);
		c->host_options = vars;
		c->n_host_options = n;
	}
	return 0;
}

static int load_dev(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g;
	if (get_group(ld, root, "dev", "dev", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "dev", dev_keys) < 0)
		return -1;
	if (get_branch(ld, g, "dev", &c->dev_branch, &c->dev_ref) < 0 ||
	    wf_cfg_load_release(ld, g, "dev", &c->dev.rel) < 0)
		return -1;
	return get_bool(ld, g, "allow_force", "dev", &c->dev_allow_force);
}

static int load_step(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st)
{
	config_setting_t *s, *run_s, *url_s;
	const char *v;
	int rc;

	st->default_on = 1;
	st->timeout = WF_STEP_TIMEOUT_DEFAULT;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a group { name = ...; run = [ ... ]; }", where);
	if (wf_cfg_check_keys(ld, g, where, step_keys) < 0)
		return -1;

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
	if (v) {
		if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
			return wf_cfg_fail(ld, url_s, "'%s.url' must be an http:// or https:// URL", where);
		st->url = xstrdup(v);
	}
	if (!st->run && !st->url)
		return wf_cfg_fail(ld, g, "step '%s' needs exactly one of 'run' or 'url' (it has neither)", st->name);
	if (st->run && st->url)
		return wf_cfg_fail(ld, url_s, "step '%s' needs exactly one of 'run' or 'url' (it has both)", st->name);

	if (get_bool(ld, g, "shell", where, &st->shell) < 0)
		return -1;
	if (st->shell) {
		if (!st->run)
			return wf_cfg_fail(ld, config_setting_get_member(g, "shell"),
				    "step '%s': 'shell = true' requires 'run'", st->name);
		if (st->run_len != 1)
			return wf_cfg_fail(ld, run_s,
				    "step '%s': with 'shell = true', 'run' must have exactly one element (the script), not %zu",
				    st->name, st->run_len);
	}

	/* HTTP-only keys */
	if (wf_cfg_get_string(ld, g, "method", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!st->url)
			return wf_cfg_fail(ld, s, "step '%s': 'method' is only for an HTTP step (url = ...)", st->name);
		/* methods are upper-case tokens */
		if (!*v || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v))
			return wf_cfg_fail(ld, s, "'%s.method' must be an upper-case HTTP method such as POST, not '%s'",
				    where, v);
		st->method = xstrdup(v);
	} else if (st->url)
		st->method = xstrdup("POST");

	rc = wf_cfg_get_strv(ld, g, "headers", where, 0, &s, &st->headers, &st->n_headers);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		size_t i;
		if (!st->url)
			return wf_cfg_fail(ld, s, "step '%s': 'headers' is only for an HTTP step (url = ...)", st->name);
		for (i = 0; i < st->n_headers; i++) {
			const char *h = st->headers[i], *colon = strchr(h, ':');
			if (!colon || colon == h || strpbrk(h, "\r\n"))
				return wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i),
					    "'%s.headers' entry '%s' must be \"Name: value\"", where, h);
		}
	}
	if (wf_cfg_get_string(ld, g, "body", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!st->url)
			return wf_cfg_fail(ld, s, "step '%s': 'body' is only for an HTTP step (url = ...)", st->name);
		st->body = xstrdup(v);
	}

	if (wf_cfg_get_string(ld, g, "when", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!valid_charset(v, "-", 0))
			return wf_cfg_fail(ld, s, "'%s.when' must be made of a-z 0-9 -, not '%s'", where, v);
		if (!strncmp(v, "no-", 3))
			return wf_cfg_fail(ld, s, "'%s.when' must not start with 'no-' (that prefix turns it off): '%s'",
				    where, v);
		if (in_list(v, reserved_options, sizeof(reserved_options) / sizeof(reserved_options[0])))
			return wf_cfg_fail(ld, s, "'%s.when' cannot be '%s': that push option is reserved", where, v);
		st->when = xstrdup(v);
	}
	if (get_bool(ld, g, "default", where, &st->default_on) < 0)
		return -1;
	return get_timeout(ld, g, "timeout", where, &st->timeout);
}

static int load_env(struct ld *ld, const config_setting_t *root, struct wf_env *e)
{
	config_setting_t *g, *s;
	const char *v;
	const char *where = e->name;

	if (get_group(ld, root, e->name, e->name, &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, where, env_keys) < 0)
		return -1;
	if (get_branch(ld, g, where, &e->branch, &e->ref) < 0)
		return -1;
	if (wf_cfg_get_string(ld, g, "on_failure", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!strcmp(v, "stop"))
			e->on_failure = WF_ON_FAILURE_STOP;
		else if (!strcmp(v, "rollback"))
			e->on_failure = WF_ON_FAILURE_ROLLBACK;
		else
			return wf_cfg_fail(ld, s, "'%s.on_failure' must be \"stop\" or \"rollback\", not '%s'", where, v);
	}
	if (get_bool(ld, g, "hotfix", where, &e->hotfix) < 0)
		return -1;

	if (wf_cfg_load_steps(ld, g, "steps", where, &e->steps, &e->n_steps) < 0)
		return -1;
	return wf_cfg_load_release(ld, g, where, &e->rel);
}

/* A list of steps (steps, build, checks): each a group, names unique. */
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
		rc = load_step(ld, sg, w, &(*steps)[i]);
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

static int load_hotfix(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g, *s;
	char **v = NULL;
	size_t n = 0, i;
	int rc;

	if (get_group(ld, root, "hotfix", "hotfix", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "hotfix", hotfix_keys) < 0)
		return -1;
	rc = wf_cfg_get_strv(ld, g, "users", "hotfix", 0, &s, &v, &n);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		for (i = 0; i < n; i++) {
			if (!*v[i]) {
				wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i), "'hotfix.users' has an empty name");
				strv_free(v, n);
				return -1;
			}
		}
		strv_free(c->hotfix_users, c->n_hotfix_users);
		c->hotfix_users = v;
		c->n_hotfix_users = n;
	}
	return 0;
}

static int load_webhook(struct ld *ld, const config_setting_t *g, const char *where, struct wf_webhook *w)
{
	config_setting_t *s;
	const char *v;
	int rc;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a group { url = ...; }", where);
	if (wf_cfg_check_keys(ld, g, where, webhook_keys) < 0)
		return -1;
	if (wf_cfg_get_string(ld, g, "url", where, &s, &v) < 0)
		return -1;
	if (!v)
		return wf_cfg_fail(ld, g, "'%s' has no url", where);
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return wf_cfg_fail(ld, s, "'%s.url' must be an http:// or https:// URL", where);
	w->url = xstrdup(v);

	rc = wf_cfg_get_strv(ld, g, "events", where, 1, &s, &w->events, &w->n_events);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		size_t i;
		for (i = 0; i < w->n_events; i++)
			if (!in_list(w->events[i], known_events, N_KNOWN_EVENTS))
				return wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i),
					    "'%s.events': unknown event '%s' (known: deploy, hotfix, rollback, failure, refused)",
					    where, w->events[i]);
	} else {
		w->events = strv_dup(known_events, N_KNOWN_EVENTS);
		w->n_events = N_KNOWN_EVENTS;
	}

	if (wf_cfg_get_string(ld, g, "format", where, &s, &v) < 0)
		return -1;
	if (v && strcmp(v, "json") && strcmp(v, "slack"))
		return wf_cfg_fail(ld, s, "'%s.format' must be \"json\" or \"slack\", not '%s'", where, v);
	w->format = xstrdup(v ? v : "json");

	if (wf_cfg_get_string(ld, g, "secret_file", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!*v)
			return wf_cfg_fail(ld, s, "'%s.secret_file' must not be empty", where);
		w->secret_file = xstrdup(v);
	}
	return 0;
}

static int load_notify(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g, *s;

	if (get_group(ld, root, "notify", "notify", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "notify", notify_keys) < 0)
		return -1;
	if (get_timeout(ld, g, "connect_timeout", "notify", &c->notify_connect_timeout) < 0 ||
	    get_timeout(ld, g, "timeout", "notify", &c->notify_timeout) < 0 ||
	    wf_cfg_get_int_in(ld, g, "retry_for", "notify", 0, WF_TIMEOUT_MAX, "seconds", &c->notify_retry_for) < 0)
		return -1;
	s = config_setting_get_member(g, "webhooks");
	if (s) {
		int t = config_setting_type(s), n, i;
		if (!(t == CONFIG_TYPE_LIST || (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)))
			return wf_cfg_fail(ld, s, "'notify.webhooks' must be a list ( { ... }, ... )");
		n = config_setting_length(s);
		c->webhooks = xcalloc((size_t)n + 1, sizeof(*c->webhooks));
		for (i = 0; i < n; i++) {
			char *w = xasprintf("notify.webhooks[%d]", i);
			int rc;
			c->n_webhooks = (size_t)i + 1;
			rc = load_webhook(ld, config_setting_get_elem(s, (unsigned)i), w, &c->webhooks[i]);
			free(w);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static int check_collisions(struct ld *ld, const config_setting_t *root, const struct wf_config *c)
{
	struct {
		const char *section, *branch;
	} b[3] = { { "dev", c->dev_branch }, { "test", c->test.branch }, { "live", c->live.branch } };
	int i, j;
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (!strcmp(b[i].branch, b[j].branch)) {
				/* point at the later section's branch if given, else the earlier's */
				config_setting_t *s = config_setting_lookup((config_setting_t *)root, b[j].section);
				config_setting_t *bs = s ? config_setting_get_member(s, "branch") : NULL;
				if (!bs) {
					s = config_setting_lookup((config_setting_t *)root, b[i].section);
					bs = s ? config_setting_get_member(s, "branch") : NULL;
				}
				return wf_cfg_fail(ld, bs, "'%s.branch' and '%s.branch' are both '%s': each environment needs its own branch",
					    b[i].section, b[j].section, b[i].branch);
			}
	return 0;
}

static int load_cfg(struct wf_config *c, config_t *cfg, const char *name, char *err, size_t errlen)
{
	struct ld ld = { name, err, errlen };
	config_setting_t *root = config_root_setting(cfg);

	wf_config_defaults(c);
	if (wf_cfg_check_keys(&ld, root, "top level", top_keys) < 0 || load_workflow(&ld, root, c) < 0 ||
	    load_dev(&ld, root, c) < 0 || load_env(&ld, root, &c->test) < 0 || load_env(&ld, root, &c->live) < 0 ||
	    load_hotfix(&ld, root, c) < 0 || load_notify(&ld, root, c) < 0 || check_collisions(&ld, root, c) < 0 ||
	    wf_cfg_release_paths(&ld, root, c) < 0 ||
	    wf_dashboard_config_load(root, c, name, err, errlen) < 0) {
		wf_config_free(c);
		return -1;
	}
	for (size_t i = 0; i < c->test.n_steps; i++)
		c->test.steps[i].max_output = (size_t)c->max_output;
	for (size_t i = 0; i < c->live.n_steps; i++)
		c->live.steps[i].max_output = (size_t)c->max_output;
	wf_cfg_release_max_output(c);
	c->dev.branch = c->dev_branch;
	c->dev.ref = c->dev_ref;
	return 0;
}

static int parse_error(config_t *cfg, const char *name, char *err, size_t errlen)
{
	const char *file = config_error_file(cfg);
	const char *text = config_error_text(cfg);
	if (errlen)
		snprintf(err, errlen, "%s:%d: %s", file ? file : name, config_error_line(cfg),
			 text ? text : "parse error");
	return -1;
}

/* ------------------------------------------------------------------ */
/* public                                                               */

/* An integer libconfig would cut to 32 bits, as an error with file and line. */
static int wide_int_error(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	char tok[48];
	int line;

	if (!wf_config_find_wide_int(text, len, &line, tok, sizeof(tok)))
		return 0;
	if (errlen)
		snprintf(err, errlen, "%s:%d: the integer %s is out of range (from -2147483648 to 2147483647)",
			 name, line, tok);
	return -1;
}

static int parse_text(struct wf_config *c, const char *text, size_t len, const char *name, char *err,
		      size_t errlen)
{
	config_t cfg;
	int rc;

	if (wide_int_error(text, len, name, err, errlen) < 0)
		return -1;
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		rc = parse_error(&cfg, name, err, errlen);
		config_destroy(&cfg);
		return rc;
	}
	rc = load_cfg(c, &cfg, name, err, errlen);
	config_destroy(&cfg);
	return rc;
}

int wf_config_load_file(struct wf_config *c, const char *path, char *err, size_t errlen)
{
	struct sbuf text = SBUF_INIT;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || wf_read_all(fd, &text) < 0) {
		if (errlen)
			snprintf(err, errlen, "%s: cannot read config: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		sbuf_free(&text);
		return -1;
	}
	close(fd);
	rc = parse_text(c, text.buf ? text.buf : "", text.len, path, err, errlen);
	sbuf_free(&text);
	if (rc == 0)
		c->path = xstrdup(path);
	return rc;
}

int wf_config_load_string(struct wf_config *c, const char *text, const char *name, char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if (!name)
		name = "(string)";
	rc = parse_text(c, text, strlen(text), name, err, errlen);
	if (rc == 0)
		c->path = xstrdup(name);
	return rc;
}

char *wf_config_path(const char *git_dir)
{
	const char *env = getenv("WF_CONFIG");
	struct stat st;
	char *p;

	if (env && *env)
		return xstrdup(env);
	if (git_dir && *git_dir) {
		size_t len = strlen(git_dir);
		/* libgit2 gives the git dir with a trailing '/': no "x.git//workflow.conf" in messages */
		p = xasprintf("%s%sworkflow.conf", git_dir, git_dir[len - 1] == '/' ? "" : "/");
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	return xstrdup(WF_SYSCONFDIR "/workflow/workflow.conf");
}

const struct wf_env *wf_config_env_by_ref(const struct wf_config *c, const char *ref)
{
	if (!c || !ref)
		return NULL;
	if (c->test.ref && !strcmp(ref, c->test.ref))
		return &c->test;
	if (c->live.ref && !strcmp(ref, c->live.ref))
		return &c->live;
	return NULL;
}

const struct wf_env *wf_config_env_by_name(const struct wf_config *c, const char *name)
{
	if (!c || !name)
		return NULL;
	if (c->test.name && !strcmp(name, c->test.name))
		return &c->test;
	if (c->live.name && !strcmp(name, c->live.name))
		return &c->live;
	return NULL;
}

const char **wf_config_step_options(const struct wf_config *c, size_t *n)
{
	const struct wf_env *envs[2] = { &c->test, &c->live };
	size_t total = c->test.n_steps + c->live.n_steps, k = 0, i, j, e;
	const char **r = xcalloc(total + 1, sizeof(*r));

	for (e = 0; e < 2; e++)
		for (i = 0; i < envs[e]->n_steps; i++) {
			const char *w = envs[e]->steps[i].when;
			int dup = 0;
			if (!w)
				continue;
			for (j = 0; j < k; j++)
				if (!strcmp(r[j], w))
					dup = 1;
			if (!dup)
				r[k++] = w;
		}
	*n = k;
	return r;
}
