/* The multidev group of workflow.conf: which branches are environments,
 * where they go, how many, and what each runs.  Checked as strictly as
 * the env sections: a glob that took in Dev, Test or Live would make a
 * protected branch a free-for-all. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

#define WF_MULTIDEV_MAX_MAX 1000

/* WF_RELEASE_KEYS without the hosts' (refused with a reason of their own) */
static const char *const multidev_keys[] = { "branches", "max", "steps", "create", "path", "keep", "shared",
					     "build", "checks", "min_free", "min_free_inodes", "release_file", "php_fpm", "expire", "shared_files", "templates", "shared_owner", "clone_hardlinks", "clone_content", NULL };

/* Each glob: a branch name but for * ? [ ], matching none of the fixed
 * envs' branches. */
static int load_branches(struct ld *ld, const config_setting_t *g, const struct wf_config *c, struct wf_multidev *m)
{
	config_setting_t *s;
	int rc;
	const char *fixed[3] = { c->dev_branch, c->test.branch, c->live.branch };
	const char *fixed_name[3] = { "dev", "test", "live" };

	rc = wf_cfg_get_strv(ld, g, "branches", "multidev", 1, &s, &m->branches, &m->n_branches);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return wf_cfg_fail(ld, g, "'multidev' needs 'branches', the globs of the branches that are "
				   "environments (e.g. [ \"md/*\" ])");
	for (size_t i = 0; i < m->n_branches; i++) {
		const char *b = m->branches[i];
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!strncmp(b, "refs/", 5) || !*b || strspn(b, "*?[]") == strlen(b) || strstr(b, "**") ||
		    strstr(b, "//") || b[0] == '/' || b[strlen(b) - 1] == '/' || strcspn(b, " \t\n\\:~^") != strlen(b))
			return wf_cfg_fail(ld, e, "'multidev.branches' entry '%s' must be a glob of short branch "
					   "names with a fixed part, such as \"md/*\"", b);
		for (int k = 0; k < 3; k++)
			if (fnmatch(b, fixed[k], 0) == 0)
				return wf_cfg_fail(ld, e, "'multidev.branches' entry '%s' matches '%s', the branch of "
						   "%s: a branch environment must not be one of those", b, fixed[k],
						   fixed_name[k]);
	}
	return 0;
}

/* expire = "14d": how long a branch env may go without a push */
static int load_expire(struct ld *ld, const config_setting_t *g, struct wf_multidev *m)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, "expire", "multidev", &s, &v) < 0)
		return -1;
	if (v && (m->expire = wf_parse_age(v)) <= 0)
		return wf_cfg_fail(ld, s, "'multidev.expire' must be an age with its unit, such as \"14d\", \"12h\", "
				   "not '%s'", v);
	return 0;
}

int wf_cfg_load_multidev(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	struct wf_multidev *m = &c->multidev;
	config_setting_t *g;
	long long max = WF_MULTIDEV_MAX_DEFAULT;

	if (wf_cfg_get_group(ld, root, "multidev", "multidev", &g) < 0)
		return -1;
	if (!g)
		return 0;
	for (const char *const *k = (const char *const[]){ "hosts", "ssh", "steps_on", "hosts_parallel", NULL }; *k; k++)
		if (config_setting_get_member(g, *k))
			return wf_cfg_fail(ld, config_setting_get_member(g, *k), "'multidev.%s': branch environments "
					   "run on the git host, under multidev.path (no hosts, ssh, steps_on or hosts_parallel)", *k);
	if (wf_cfg_check_keys(ld, g, "multidev", multidev_keys) < 0 || load_branches(ld, g, c, m) < 0 ||
	    wf_cfg_get_int_in(ld, g, "max", "multidev", 1, WF_MULTIDEV_MAX_MAX, "environments", &max) < 0)
		return -1;
	m->max = (int)max;
	if (load_expire(ld, g, m) < 0 || wf_cfg_get_bool(ld, g, "clone_content", "multidev", &m->clone_content) < 0)
		return -1;
	m->rel.keep = WF_KEEP_DEFAULT;
	if (!config_setting_get_member(g, "path"))
		return wf_cfg_fail(ld, g, "'multidev' needs 'path', the directory each branch environment is "
				   "placed in (as path/<name>)");
	if (wf_cfg_load_release(ld, g, "multidev", &m->rel) < 0)
		return -1;
	return wf_cfg_load_steps(ld, g, "steps", "multidev", &m->steps, &m->n_steps) < 0 ||
			       wf_cfg_load_steps(ld, g, "create", "multidev", &m->create, &m->n_create) < 0
		       ? -1
		       : 0;
}

void wf_cfg_multidev_free(struct wf_multidev *m)
{
	wf_cfg_strv_free(m->branches, m->n_branches);
	wf_cfg_release_free(&m->rel);
	for (size_t i = 0; i < m->n_steps; i++)
		wf_cfg_step_free(&m->steps[i]);
	free(m->steps);
	for (size_t i = 0; i < m->n_create; i++)
		wf_cfg_step_free(&m->create[i]);
	free(m->create);
	memset(m, 0, sizeof(*m));
}
