/* recipe, url and maintenance of an env section (docs/recipes.md):
 * a recipe fills every key the env does not set itself (shared,
 * shared_files, build, steps, and checks when url is given), each key
 * whole: an env's own `steps` replaces the recipe's, it is not merged.
 * maintenance = true takes the recipe's on/off commands; a group gives
 * the env's own. */
#include "config_internal.h"
#include "recipe.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

/* The recipe's list as config steps (every one runs; the recipe's timeout
 * or the default). */
void wf_cfg_recipe_steps(const struct wf_recipe_step *in, struct wf_step **out, size_t *n)
{
	size_t k = 0;

	while (in && in[k].name)
		k++;
	*out = xcalloc(k + 1, sizeof(**out));
	*n = k;
	for (size_t i = 0; i < k; i++) {
		struct wf_step *st = &(*out)[i];
		size_t len = 0;
		while (in[i].run[len])
			len++;
		st->name = xstrdup(in[i].name);
		st->run = wf_cfg_strv_dup(in[i].run, len);
		st->run_len = len;
		st->default_on = 1;
		st->timeout = in[i].timeout ? in[i].timeout : WF_STEP_TIMEOUT_DEFAULT;
	}
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* shared and shared_files, each from the env if it set it, else the
 * recipe's; no two entries may overlap (an env's own directory over the
 * recipe's file, say). */
static int fill_shared(struct ld *ld, const config_setting_t *g, const char *where, const struct wf_recipe *rp,
		       struct wf_release_conf *r)
{
	int own_dirs = config_setting_get_member(g, "shared") != NULL;
	int own_files = config_setting_get_member(g, "shared_files") != NULL;
	size_t nd = own_dirs ? r->n_shared - r->n_shared_files : strv_len(rp->shared);
	size_t nf = own_files ? r->n_shared_files : strv_len(rp->shared_files), k = 0;
	char **v;

	if (own_dirs && own_files)
		return 0;
	v = xcalloc(nd + nf + 1, sizeof(*v));
	for (size_t i = 0; i < nd; i++)
		v[k++] = own_dirs ? xstrdup(r->shared[i]) : xstrdup(rp->shared[i]);
	for (size_t i = 0; i < nf; i++)
		v[k++] = own_files ? xstrdup(r->shared[r->n_shared - r->n_shared_files + i]) : xstrdup(rp->shared_files[i]);
	wf_cfg_strv_free(r->shared, r->n_shared);
	r->shared = v;
	r->n_shared = nd + nf;
	r->n_shared_files = nf;
	for (size_t i = 0; i < r->n_shared; i++)
		for (size_t j = 0; j < i; j++) {
			size_t a = strlen(v[j]), b = strlen(v[i]), m = a < b ? a : b;
			if (!strncmp(v[j], v[i], m) && (a == b || (a < b ? v[i][a] : v[j][b]) == '/'))
				return wf_cfg_fail(ld, config_setting_get_member(g, own_dirs ? "shared" : "shared_files"),
						   "'%s.shared' entry '%s' overlaps '%s' of recipe \"%s\": set both shared "
						   "and shared_files", where, v[j], v[i], rp->name);
		}
	return 0;
}

/* The check of the env's address: answered 2xx (a CMS that cannot reach
 * its database answers 500, 503 while in maintenance). */
static void fill_check(const struct wf_recipe *rp, const char *url, struct wf_release_conf *r)
{
	struct wf_step *st = xcalloc(2, sizeof(*st));

	st->name = xstrdup("home");
	st->url = xstrdup(url);
	st->method = xstrdup("GET");
	st->default_on = 1;
	st->timeout = rp->check_timeout;
	r->checks = st;
	r->n_checks = 1;
}

static void fill(const config_setting_t *g, const struct wf_recipe *rp, struct wf_release_conf *r,
		 struct wf_step **steps, size_t *n_steps)
{
	if (!config_setting_get_member(g, "build"))
		wf_cfg_recipe_steps(rp->build, &r->build, &r->n_build);
	if (!config_setting_get_member(g, "steps"))
		wf_cfg_recipe_steps(rp->steps, steps, n_steps);
	if (!config_setting_get_member(g, "checks") && r->url)
		fill_check(rp, r->url, r);
}

/* maintenance.on or .off: one command (an array of strings) or steps */
static int load_switch(struct ld *ld, const config_setting_t *mg, const char *key, const char *where,
		       struct wf_step **out, size_t *n)
{
	config_setting_t *s = config_setting_get_member(mg, key);
	char *w = xasprintf("%s.maintenance", where);
	int rc = 0;

	if (!s)
		rc = wf_cfg_fail(ld, mg, "'%s' needs 'on' and 'off', the commands that turn maintenance mode on and "
				 "off (argv: [ \"bin/magento\", \"maintenance:enable\" ])", w);
	else if (config_setting_type(s) == CONFIG_TYPE_ARRAY) {
		char **argv = NULL;
		size_t len = 0;
		if ((rc = wf_cfg_get_strv(ld, mg, key, w, 1, NULL, &argv, &len)) == 0 && !*argv[0])
			rc = wf_cfg_fail(ld, s, "'%s.%s' must not start with an empty program name", w, key);
		*out = xcalloc(2, sizeof(**out));
		*n = 1;
		(*out)->name = xasprintf("maintenance-%s", key);
		(*out)->run = argv;
		(*out)->run_len = len;
		(*out)->default_on = 1;
		(*out)->timeout = WF_STEP_TIMEOUT_DEFAULT;
		if (!argv) /* an error above: nothing to run */
			(*out)->run = xcalloc(1, sizeof(char *));
	} else
		rc = wf_cfg_load_steps(ld, mg, key, w, out, n);
	free(w);
	return rc;
}

static int load_maintenance(struct ld *ld, const config_setting_t *g, const char *where, const struct wf_recipe *rp,
			    struct wf_release_conf *r)
{
	static const char *const maintenance_keys[] = { "on", "off", NULL };
	config_setting_t *s = config_setting_get_member(g, "maintenance");
	char *w;
	int rc;

	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		if (!config_setting_get_bool(s))
			return 0;
		if (!rp)
			return wf_cfg_fail(ld, s, "'%s.maintenance = true' takes the recipe's commands: set '%s.recipe', "
					   "or give them: maintenance = { on = [ ... ]; off = [ ... ]; }", where, where);
		wf_cfg_recipe_steps(rp->maint_on, &r->maint_on, &r->n_maint_on);
		wf_cfg_recipe_steps(rp->maint_off, &r->maint_off, &r->n_maint_off);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, s, "'%s.maintenance' must be true, false or { on = [ ... ]; off = [ ... ]; }", where);
	w = xasprintf("%s.maintenance", where);
	rc = wf_cfg_check_keys(ld, s, w, maintenance_keys);
	free(w);
	if (rc < 0 || load_switch(ld, s, "on", where, &r->maint_on, &r->n_maint_on) < 0 ||
	    load_switch(ld, s, "off", where, &r->maint_off, &r->n_maint_off) < 0)
		return -1;
	if (!r->n_maint_on || !r->n_maint_off)
		return wf_cfg_fail(ld, s, "'%s.maintenance': 'on' and 'off' must each run something", where);
	return 0;
}

/* The env's recipe (*rp NULL: none).  0 or -1. */
static int get_recipe(struct ld *ld, const config_setting_t *g, const char *where, const struct wf_release_conf *r,
		      const struct wf_recipe **rp)
{
	config_setting_t *s;
	const char *v;

	*rp = NULL;
	if (wf_cfg_get_string(ld, g, "recipe", where, &s, &v) < 0)
		return -1;
	if (v && !(*rp = wf_recipe_find(v)))
		return wf_cfg_fail(ld, s, "'%s.recipe' must be one of %s, not '%s'", where, wf_recipe_names(), v);
	if (*rp && !r->path)
		return wf_cfg_fail(ld, s, "'%s.recipe' needs '%s.path' (what a recipe fills, shared paths, build and "
				   "checks, is a release's)", where, where);
	return 0;
}

int wf_cfg_recipe_shared(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	const struct wf_recipe *rp;

	if (get_recipe(ld, g, where, r, &rp) < 0)
		return -1;
	return rp ? fill_shared(ld, g, where, rp, r) : 0;
}

int wf_cfg_load_recipe(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r,
		       struct wf_step **steps, size_t *n_steps)
{
	config_setting_t *us;
	const char *u;
	const struct wf_recipe *rp;

	if (get_recipe(ld, g, where, r, &rp) < 0 || wf_cfg_get_string(ld, g, "url", where, &us, &u) < 0)
		return -1;
	if (u && strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
		return wf_cfg_fail(ld, us, "'%s.url' must be an http:// or https:// URL, not '%s'", where, u);
	if (u && !rp)
		return wf_cfg_fail(ld, us, "'%s.url' is the address a recipe checks: set '%s.recipe', or write the "
				   "check in '%s.checks'", where, where, where);
	r->recipe = rp ? xstrdup(rp->name) : NULL;
	r->url = u ? xstrdup(u) : NULL;
	if (rp)
		fill(g, rp, r, steps, n_steps);
	return load_maintenance(ld, g, where, rp, r);
}

void wf_cfg_recipe_free(struct wf_release_conf *r)
{
	free(r->recipe);
	free(r->url);
	for (size_t i = 0; i < r->n_maint_on; i++)
		wf_cfg_step_free(&r->maint_on[i]);
	free(r->maint_on);
	for (size_t i = 0; i < r->n_maint_off; i++)
		wf_cfg_step_free(&r->maint_off[i]);
	free(r->maint_off);
	r->recipe = r->url = NULL;
	r->maint_on = r->maint_off = NULL;
	r->n_maint_on = r->n_maint_off = 0;
}
