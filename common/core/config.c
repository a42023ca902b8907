/* workflow.conf loader: libconfig parse, then a strict walk over the schema
 * of docs/WORKFLOW.md.  Every error names the file and the line of the setting
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
#include "database.h"
#include "output.h"
#include "util.h"





static const char *const top_keys[] = { "workflow", "dev", "test", "live", "hotfix", "notify", "dashboard", "multidev",
					"freeze", "database", NULL };
static const char *const workflow_keys[] = { "tag_prefix", "identity_vars", "host_options", "max_output", "wait", "http_wait",
					       "admins", NULL };
static const char *const dev_keys[] = { "branch", "allow_force", "steps", WF_RELEASE_KEYS, WF_RECIPE_KEYS, NULL };
static const char *const env_keys[] = { "branch", "on_failure", "hotfix", "steps", "freeze", "approvals",
					WF_RELEASE_KEYS, WF_RECIPE_KEYS, NULL };
static const char *const hotfix_keys[] = { "users", NULL };

/* ------------------------------------------------------------------ */
/* freeing                                                              */

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
	c->notify_backoff = 30;
	c->notify_timeout = 5;
	c->webhooks = NULL;
	c->n_webhooks = 0;
}

/* ------------------------------------------------------------------ */
/* validation helpers                                                   */

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
	if (!wf_cfg_valid_branch(v))
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

	if (wf_cfg_get_group(ld, root, "workflow", "workflow", &g) < 0)
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
		if (!wf_cfg_valid_charset(v, "._-", 1))
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
			if (!wf_cfg_valid_env_var(vars[i])) {
				config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
				wf_cfg_fail(ld, e, "'workflow.identity_vars' entry '%s' is not an environment variable name",
				     vars[i]);
				wf_cfg_strv_free(vars, n);
				return -1;
			}
		}
		wf_cfg_strv_free(c->identity_vars, c->n_identity_vars);
		c->identity_vars = vars;
		c->n_identity_vars = n;
	}
	/* push options of the git host, left alone (names, without '=') */
	rc = wf_cfg_get_strv(ld, g, "host_options", "workflow", 0, &s, &vars, &n);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		wf_cfg_strv_free(c->host_options, c->n_host_options);
		c->host_options = vars;
		c->n_host_options = n;
	}
	return 0;
}

static int load_dev(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g;
	if (wf_cfg_get_group(ld, root, "dev", "dev", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "dev", dev_keys) < 0)
		return -1;
	if (get_branch(ld, g, "dev", &c->dev_branch, &c->dev_ref) < 0 ||
	    wf_cfg_load_release(ld, g, "dev", &c->dev.rel) < 0 ||
	    wf_cfg_load_steps(ld, g, "steps", "dev", &c->dev.steps, &c->dev.n_steps) < 0 ||
	    wf_cfg_load_recipe(ld, g, "dev", &c->dev.rel, &c->dev.steps, &c->dev.n_steps) < 0)
		return -1;
	/* a push to Dev deploys (and so runs steps) only where Dev has a place */
	if (c->dev.n_steps && !c->dev.rel.path)
		return wf_cfg_fail(ld, config_setting_get_member(g, "steps"), "'dev.steps' needs 'dev.path' (a push to "
				   "Dev deploys, and runs its steps, where Dev's releases go)");
	c->dev.on_failure = c->dev.rel.path ? WF_ON_FAILURE_ROLLBACK : WF_ON_FAILURE_STOP;
	return wf_cfg_get_bool(ld, g, "allow_force", "dev", &c->dev_allow_force);
}

/* live.approvals: how many others must approve the Test deploy of what
 * goes live (Test's own deploys come from Dev, which has none to approve) */
static int load_approvals(struct ld *ld, const config_setting_t *g, struct wf_env *e)
{
	long long n = 0;

	if (wf_cfg_get_int_in(ld, g, "approvals", e->name, 0, 10, "approvals", &n) < 0)
		return -1;
	if (n && strcmp(e->name, "live"))
		return wf_cfg_fail(ld, config_setting_get_member(g, "approvals"), "'%s.approvals': approvals are of "
				   "Test deploys, for what goes to live: set live.approvals", e->name);
	e->approvals = (int)n;
	return 0;
}

/* name, and run or url (with shell for run) */
static int load_env(struct ld *ld, const config_setting_t *root, struct wf_env *e)
{
	config_setting_t *g, *s;
	const char *v;
	const char *where = e->name;

	if (wf_cfg_get_group(ld, root, e->name, e->name, &g) < 0)
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
	if (wf_cfg_get_bool(ld, g, "hotfix", where, &e->hotfix) < 0 || load_approvals(ld, g, e) < 0)
		return -1;

	if (wf_cfg_load_steps(ld, g, "steps", where, &e->steps, &e->n_steps) < 0 ||
	    wf_cfg_load_release(ld, g, where, &e->rel) < 0 || wf_cfg_load_freeze(ld, g, where, e) < 0 ||
	    wf_cfg_load_recipe(ld, g, where, &e->rel, &e->steps, &e->n_steps) < 0)
		return -1;
	/* an env that runs code never stays on a release that failed unless
	 * the config says "stop" */
	if (!v)
		e->on_failure = e->rel.path ? WF_ON_FAILURE_ROLLBACK : WF_ON_FAILURE_STOP;
	return 0;
}

/* A list of steps (steps, build, checks): each a group, names unique. */
static int load_hotfix(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g, *s;
	char **v = NULL;
	size_t n = 0, i;
	int rc;

	if (wf_cfg_get_group(ld, root, "hotfix", "hotfix", &g) < 0)
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
				wf_cfg_strv_free(v, n);
				return -1;
			}
		}
		wf_cfg_strv_free(c->hotfix_users, c->n_hotfix_users);
		c->hotfix_users = v;
		c->n_hotfix_users = n;
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
	    load_hotfix(&ld, root, c) < 0 || wf_cfg_load_freeze_group(&ld, root, c) < 0 ||
	    wf_cfg_load_notify(&ld, root, c) < 0 || wf_cfg_load_admins(&ld, root, c) < 0 || check_collisions(&ld, root, c) < 0 ||
	    wf_cfg_load_multidev(&ld, root, c) < 0 || wf_cfg_release_paths(&ld, root, c) < 0 ||
	    wf_dashboard_config_load(root, c, name, err, errlen) < 0 || wf_cfg_load_database(&ld, root, c) < 0) {
		wf_config_free(c);
		return -1;
	}
	for (size_t i = 0; i < c->test.n_steps; i++)
		c->test.steps[i].max_output = (size_t)c->max_output;
	for (size_t i = 0; i < c->live.n_steps; i++)
		c->live.steps[i].max_output = (size_t)c->max_output;
	for (size_t i = 0; i < c->dev.n_steps; i++)
		c->dev.steps[i].max_output = (size_t)c->max_output;
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

