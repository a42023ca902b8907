/* The release keys of an env section (path, keep, shared, build, checks):
 * checked as strictly as the rest of workflow.conf, since a bad path or a
 * shared entry with ".." would let a deploy write outside the env. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_internal.h"
#include "resolve.h"
#include "util.h"

#define WF_KEEP_MAX 1000

int wf_relpath_ok(const char *p)
{
	const char *c = p;

	if (!p || !*p || *p == '/')
		return 0;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && !strncmp(c, "..", 2)) ||
		    (len == 4 && !strncasecmp(c, ".git", 4)))
			return 0;
		if (!end)
			break;
		c = end + 1;
		if (!*c)
			return 0; /* trailing '/' */
	}
	return 1;
}

/* An absolute path with no ".", ".." or empty component, not "/". */
static int abspath_ok(const char *p)
{
	return p[0] == '/' && p[1] && wf_relpath_ok(p + 1);
}

/* The deepest existing directory on the way to p is writable: the hooks
 * must be able to create releases there. */
static int writable(const char *p)
{
	char *d = xstrdup(p);
	int ok;

	while (access(d, F_OK) < 0 && errno == ENOENT && strrchr(d, '/') != d)
		*strrchr(d, '/') = 0;
	if (access(d, F_OK) < 0)
		strcpy(d, "/");
	ok = access(d, W_OK) == 0;
	free(d);
	return ok;
}

/* shared_files: appended to shared, as its last n_shared_files entries */
static int load_shared_files(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r,
			     config_setting_t **fs)
{
	char **f = NULL;
	size_t n = 0;
	int rc = wf_cfg_get_strv(ld, g, "shared_files", where, 0, fs, &f, &n);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	r->shared = xrealloc(r->shared, (r->n_shared + n + 1) * sizeof(*r->shared));
	memcpy(r->shared + r->n_shared, f, n * sizeof(*f));
	r->n_shared += n;
	r->shared[r->n_shared] = NULL;
	r->n_shared_files = n;
	free(f);
	return 0;
}

static int load_shared(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	config_setting_t *s, *fs = NULL;
	int rc = wf_cfg_get_strv(ld, g, "shared", where, 0, &s, &r->shared, &r->n_shared);
	size_t dirs;

	if (rc < 0 || load_shared_files(ld, g, where, r, &fs) < 0)
		return -1;
	dirs = r->n_shared - r->n_shared_files;
	for (size_t i = 0; i < r->n_shared; i++) {
		const char *p = r->shared[i];
		config_setting_t *e = config_setting_get_elem(i < dirs ? s : fs, (unsigned)(i < dirs ? i : i - dirs));
		if (!wf_relpath_ok(p))
			return wf_cfg_fail(ld, e, "'%s.shared' entry '%s' must be a relative path inside the "
					   "release (no '..', not absolute, no '.git')", where, p);
		for (size_t k = 0; k < i; k++) {
			size_t a = strlen(r->shared[k]), b = strlen(p), m = a < b ? a : b;
			if (!strncmp(r->shared[k], p, m) && (a == b || (a < b ? p[a] : r->shared[k][b]) == '/'))
				return wf_cfg_fail(ld, e, "'%s.shared' entries '%s' and '%s' overlap", where,
						   r->shared[k], p);
		}
	}
	return 0;
}

/* Checks are steps whose HTTP form asks with GET unless told otherwise. */
static void checks_get(const config_setting_t *g, struct wf_release_conf *r)
{
	config_setting_t *l = config_setting_get_member(g, "checks");

	for (size_t i = 0; l && i < r->n_checks; i++) {
		config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		if (r->checks[i].url && !config_setting_get_member(e, "method")) {
			free(r->checks[i].method);
			r->checks[i].method = xstrdup("GET");
		}
	}
}

/* min_free ("10%", "2G") or min_free_inodes ("5%", a count) */
static int load_floor(struct ld *ld, const config_setting_t *g, const char *where, const char *key, int inodes,
		      struct wf_floor *out)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, key, where, &s, &v) < 0)
		return -1;
	if (v && wf_floor_parse(v, inodes, out) < 0)
		return wf_cfg_fail(ld, s, "'%s.%s' must be a percentage of the filesystem (\"10%%\") or %s, not '%s'",
				   where, key, inodes ? "a number of inodes" : "a size (\"2G\", \"500M\")", v);
	return 0;
}

int wf_cfg_load_release(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	config_setting_t *s;
	const char *v;
	long long keep = r->keep;
	static const char *const needs_path[] = { "keep", "shared", "build", "checks", "hosts", "ssh", "steps_on",
						  "hosts_parallel", "min_free", "min_free_inodes", "release_file", "shared_files",
						  "php_fpm", "templates", "shared_owner", "clone_hardlinks" };

	if (wf_cfg_get_string(ld, g, "path", where, &s, &v) < 0)
		return -1;
	if (v) {
		size_t n = strlen(v);
		char *p = xstrdup(v);
		while (n > 1 && p[n - 1] == '/')
			p[--n] = 0;
		if (!abspath_ok(p) || !writable(p)) {
			wf_cfg_fail(ld, s, "'%s.path' must be an absolute path the hooks can write, not '%s'",
				    where, v);
			free(p);
			return -1;
		}
		r->path = p;
	} else {
		for (size_t i = 0; i < sizeof(needs_path) / sizeof(needs_path[0]); i++)
			if ((s = config_setting_get_member(g, needs_path[i])))
				return wf_cfg_fail(ld, s, "'%s.%s' needs '%s.path' (where the releases go)", where,
						   needs_path[i], where);
		return 0;
	}
	if (wf_cfg_get_int_in(ld, g, "keep", where, 1, WF_KEEP_MAX, "releases", &keep) < 0)
		return -1;
	r->keep = (int)keep;
	if (wf_cfg_get_string(ld, g, "release_file", where, &s, &v) < 0)
		return -1;
	if (v && !wf_relpath_ok(v))
		return wf_cfg_fail(ld, s, "'%s.release_file' must be a relative path inside the release (such as "
				   "\".release\" or \"web/.release\"), not '%s'", where, v);
	r->release_file = v ? xstrdup(v) : NULL;
	if (wf_cfg_get_string(ld, g, "php_fpm", where, &s, &v) < 0)
		return -1;
	if (v && (!*v || (v[0] != '/' && !strchr(v, ':')) || strpbrk(v, " \t\n")))
		return wf_cfg_fail(ld, s, "'%s.php_fpm' must be the pool's FastCGI socket, a path (\"/run/php/php8.2-fpm.sock\") "
				   "or host:port, not '%s'", where, v);
	r->php_fpm = v ? xstrdup(v) : NULL;
	if (load_floor(ld, g, where, "min_free", 0, &r->min_free) < 0 ||
	    load_floor(ld, g, where, "min_free_inodes", 1, &r->min_free_inodes) < 0 || load_shared(ld, g, where, r) < 0 ||
	    wf_cfg_load_steps(ld, g, "build", where, &r->build, &r->n_build) < 0 ||
	    wf_cfg_load_steps(ld, g, "checks", where, &r->checks, &r->n_checks) < 0 ||
	    wf_cfg_load_hosts(ld, g, where, r) < 0 || wf_cfg_load_content(ld, g, where, r) < 0)
		return -1;
	checks_get(g, r);
	if (r->php_fpm && r->n_hosts)
		return wf_cfg_fail(ld, config_setting_get_member(g, "php_fpm"), "'%s.php_fpm' is the git host's "
				   "PHP-FPM; with hosts, reset OPcache on each with a step (steps_on = \"all\")", where);
	return 0;
}

/* a is b, or one is inside the other */
static int nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), m = la < lb ? la : lb;
	return !strncmp(a, b, m) && (la == lb || (la < lb ? b[la] : a[lb]) == '/');
}

/* Where a path really is: through its symlinks (the place two envs would
 * share), whether or not it exists yet; as written when it cannot be told. */
static void place_of(const char *path, char out[PATH_MAX])
{
	if (wf_resolve_path(path, out) < 0)
		snprintf(out, PATH_MAX, "%s", path);
}

/* Two envs' hosts that place into one directory of one server. */
static const struct wf_host *same_host_place(const struct wf_release_conf *a, const struct wf_release_conf *b,
					     const struct wf_host **other)
{
	for (size_t i = 0; i < a->n_hosts; i++)
		for (size_t j = 0; j < b->n_hosts; j++)
			if (!strcmp(a->hosts[i].host, b->hosts[j].host) && a->hosts[i].port == b->hosts[j].port &&
			    nested(a->hosts[i].path, b->hosts[j].path)) {
				*other = &b->hosts[j];
				return &a->hosts[i];
			}
	return NULL;
}

static int overlap(struct ld *ld, const config_setting_t *root, const char *a, const char *b, const char *what,
		   const char *pa, const char *pb)
{
	config_setting_t *g = config_setting_get_member(root, b);
	return wf_cfg_fail(ld, g ? config_setting_get_member(g, what) : NULL,
			   "'%s.%s' and '%s.%s' overlap ('%s', '%s'): each environment needs a place of its own",
			   a, what, b, what, pa, pb);
}

int wf_cfg_release_paths(struct ld *ld, const config_setting_t *root, const struct wf_config *c)
{
	const char *name[4] = { "dev", "test", "live", "multidev" };
	const struct wf_release_conf *r[4] = { &c->dev.rel, &c->test.rel, &c->live.rel, &c->multidev.rel };
	char real[4][PATH_MAX];
	const struct wf_host *h, *o;

	for (int i = 0; i < 4; i++)
		if (r[i]->path)
			place_of(r[i]->path, real[i]);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++) {
			if (r[i]->path && r[j]->path && nested(r[i]->path, r[j]->path))
				return overlap(ld, root, name[i], name[j], "path", r[i]->path, r[j]->path);
			if (r[i]->path && r[j]->path && nested(real[i], real[j]))
				return overlap(ld, root, name[i], name[j], "path", real[i], real[j]);
			if ((h = same_host_place(r[i], r[j], &o)))
				return overlap(ld, root, name[i], name[j], "hosts", h->target, o->target);
		}
	return 0;
}

void wf_cfg_release_max_output(struct wf_config *c)
{
	struct wf_release_conf *r[4] = { &c->dev.rel, &c->test.rel, &c->live.rel, &c->multidev.rel };
	struct wf_multidev *m = &c->multidev;

	for (size_t k = 0; k < m->n_steps; k++)
		m->steps[k].max_output = (size_t)c->max_output;
	for (size_t k = 0; k < m->n_create; k++)
		m->create[k].max_output = (size_t)c->max_output;
	for (int i = 0; i < 4; i++) {
		for (size_t k = 0; k < r[i]->n_build; k++)
			r[i]->build[k].max_output = (size_t)c->max_output;
		for (size_t k = 0; k < r[i]->n_checks; k++)
			r[i]->checks[k].max_output = (size_t)c->max_output;
	}
}

void wf_cfg_release_free(struct wf_release_conf *r)
{
	free(r->path);
	free(r->store);
	free(r->release_file);
	free(r->php_fpm);
	for (size_t i = 0; i < r->n_shared; i++)
		free(r->shared[i]);
	free(r->shared);
	for (size_t i = 0; i < r->n_build; i++)
		wf_cfg_step_free(&r->build[i]);
	free(r->build);
	for (size_t i = 0; i < r->n_checks; i++)
		wf_cfg_step_free(&r->checks[i]);
	free(r->checks);
	wf_cfg_hosts_free(r);
	wf_cfg_content_free(r);
	memset(r, 0, sizeof(*r));
}

const struct wf_env *wf_config_deploy_env(const struct wf_config *c, const char *name)
{
	if (c && name && c->dev.rel.path && !strcmp(name, c->dev.name))
		return &c->dev;
	return wf_config_env_by_name(c, name);
}
