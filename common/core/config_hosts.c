/* The web servers of an env (hosts, ssh, steps_on): checked strictly,
 * since each target and ssh argument ends up on an ssh or rsync command
 * line.  What is accepted needs nothing but single quotes on the remote
 * shell (a path) or no quoting at all (user, host, ssh arguments, which
 * rsync's -e splits on white space). */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

#define WF_HOSTS_MAX 64
/* hosts_parallel: at most this many at once (a git host running 1,000
 * rsync is already more than it can take) */
#define WF_HOSTS_PARALLEL_MAX 1000
static const char *const host_keys[] = { "target", "port", "name", NULL };

/* user, host, name: letters, digits, '.', '_', '-', not starting with '-' */
static int word_ok(const char *s, size_t len)
{
	if (!len || s[0] == '-' || s[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-", c)))
			return 0;
	}
	return 1;
}

/* The label of a host's output: its host name up to the first '.', or
 * the whole address when it is one (127.0.0.2). */
static char *default_name(const char *host)
{
	size_t n = strcspn(host, ".");
	if (strspn(host, "0123456789.") == strlen(host))
		n = strlen(host);
	return xstrndup(host, n);
}

/* "[user@]host:/path" into h; 0, or -1 (the target is not one). */
static int parse_target(const char *t, struct wf_host *h)
{
	const char *colon = strchr(t, ':'), *at = strchr(t, '@'), *host = t, *p;
	size_t n;

	if (!colon || (at && at > colon))
		return -1;
	if (at) {
		if (!word_ok(t, (size_t)(at - t)))
			return -1;
		host = at + 1;
	}
	if (!word_ok(host, (size_t)(colon - host)))
		return -1;
	p = colon + 1;
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	h->path = xstrndup(p, n);
	if (h->path[0] != '/' || !h->path[1] || !wf_relpath_ok(h->path + 1) ||
	    !wf_cfg_valid_charset(h->path, "/._+-@=,", 1)) {
		free(h->path);
		h->path = NULL;
		return -1;
	}
	h->login = xstrndup(t, (size_t)(colon - t));
	h->host = xstrndup(host, (size_t)(colon - host));
	h->target = xstrdup(t);
	return 0;
}

static int load_host(struct ld *ld, const config_setting_t *g, const char *where, struct wf_host *h)
{
	config_setting_t *s;
	const char *v;
	long long port = 0;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a group { target = \"user@host:/path\"; }", where);
	if (wf_cfg_check_keys(ld, g, where, host_keys) < 0 || wf_cfg_get_string(ld, g, "target", where, &s, &v) < 0)
		return -1;
	if (!v)
		return wf_cfg_fail(ld, g, "'%s' has no target (\"user@host:/path\")", where);
	if (parse_target(v, h) < 0)
		return wf_cfg_fail(ld, s, "'%s.target' must be \"user@host:/absolute/path\" (user and host of "
				   "letters, digits, '.', '_', '-'; the path of those and '/', '+', '@', '=', ','), "
				   "not '%s'", where, v);
	if (wf_cfg_get_int_in(ld, g, "port", where, 1, 65535, "for ssh -p", &port) < 0)
		return -1;
	h->port = (int)port;
	if (wf_cfg_get_string(ld, g, "name", where, &s, &v) < 0)
		return -1;
	if (v && !word_ok(v, strlen(v)))
		return wf_cfg_fail(ld, s, "'%s.name' must be letters, digits, '.', '_', '-', not '%s'", where, v);
	h->name = v ? xstrdup(v) : default_name(h->host);
	return 0;
}

/* Each host once, each label once (the output of two must be told apart). */
static int hosts_distinct(struct ld *ld, const config_setting_t *l, const char *where, const struct wf_release_conf *r)
{
	for (size_t i = 0; i < r->n_hosts; i++)
		for (size_t k = 0; k < i; k++) {
			const struct wf_host *a = &r->hosts[k], *b = &r->hosts[i];
			config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
			if (!strcmp(a->host, b->host) && a->port == b->port && !strcmp(a->path, b->path))
				return wf_cfg_fail(ld, e, "'%s.hosts' names %s twice", where, b->target);
			if (!strcmp(a->name, b->name))
				return wf_cfg_fail(ld, e, "'%s.hosts': two hosts are called '%s' (%s, %s); give each "
						   "a name = \"...\" of its own", where, b->name, a->target, b->target);
		}
	return 0;
}

static int load_list(struct ld *ld, const config_setting_t *l, const char *where, struct wf_release_conf *r)
{
	int t = config_setting_type(l), n = config_setting_length(l);

	if (!(t == CONFIG_TYPE_LIST || (t == CONFIG_TYPE_ARRAY && n == 0)))
		return wf_cfg_fail(ld, l, "'%s.hosts' must be a list ( { target = \"user@host:/path\"; }, ... )", where);
	if (n == 0 || n > WF_HOSTS_MAX)
		return wf_cfg_fail(ld, l, "'%s.hosts' must name 1 to %d hosts (leave it out to run the code where "
				   "it is built)", where, WF_HOSTS_MAX);
	r->hosts = xcalloc((size_t)n, sizeof(*r->hosts));
	for (int i = 0; i < n; i++) {
		char *w = xasprintf("%s.hosts[%d]", where, i);
		int rc;
		r->n_hosts = (size_t)i + 1;
		rc = load_host(ld, config_setting_get_elem(l, (unsigned)i), w, &r->hosts[i]);
		free(w);
		if (rc < 0)
			return -1;
	}
	return hosts_distinct(ld, l, where, r);
}

static int load_ssh(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	config_setting_t *s;

	if (wf_cfg_get_strv(ld, g, "ssh", where, 0, &s, &r->ssh, &r->n_ssh) < 0)
		return -1;
	for (size_t i = 0; i < r->n_ssh; i++)
		if (!*r->ssh[i] || strpbrk(r->ssh[i], " \t\n\r\v\f'\"\\"))
			return wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i),
					   "'%s.ssh' entry '%s' must be one word: no spaces, quotes or backslashes "
					   "(rsync -e splits on them)", where, r->ssh[i]);
	return 0;
}

/* hosts_parallel: how many hosts are copied to (and run steps, checks,
 * pruning) at once; left out, all of them.  The switch is not limited:
 * it goes to every host in one round, so that they part for as short a
 * time as can be. */
static int load_parallel(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	long long n = 0;

	if (wf_cfg_get_int_in(ld, g, "hosts_parallel", where, 1, WF_HOSTS_PARALLEL_MAX, "hosts at once", &n) < 0)
		return -1;
	r->parallel = (int)n;
	return 0;
}

int wf_cfg_load_hosts(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	config_setting_t *l = config_setting_get_member(g, "hosts"), *s;
	const char *v;

	if (!l) {
		static const char *const needs[] = { "ssh", "steps_on", "hosts_parallel" };
		for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
			if ((s = config_setting_get_member(g, needs[i])))
				return wf_cfg_fail(ld, s, "'%s.%s' needs '%s.hosts' (the web servers)", where, needs[i],
						   where);
		return 0;
	}
	if (load_list(ld, l, where, r) < 0 || load_ssh(ld, g, where, r) < 0 ||
	    wf_cfg_get_string(ld, g, "steps_on", where, &s, &v) < 0)
		return -1;
	if (v && strcmp(v, "first") && strcmp(v, "all"))
		return wf_cfg_fail(ld, s, "'%s.steps_on' must be \"first\" (the first host) or \"all\", not '%s'",
				   where, v);
	r->steps_all = v && !strcmp(v, "all");
	return load_parallel(ld, g, where, r);
}

void wf_cfg_hosts_free(struct wf_release_conf *r)
{
	for (size_t i = 0; i < r->n_hosts; i++) {
		struct wf_host *h = &r->hosts[i];
		free(h->target);
		free(h->login);
		free(h->host);
		free(h->path);
		free(h->name);
	}
	free(r->hosts);
	wf_cfg_strv_free(r->ssh, r->n_ssh);
	r->hosts = NULL;
	r->ssh = NULL;
	r->n_hosts = r->n_ssh = 0;
}
