/* What config.c shares with the other parts of the loader
 * (config_release.c): the error helper and the typed getters. */
#ifndef WF_CONFIG_INTERNAL_H
#define WF_CONFIG_INTERNAL_H

#include <stddef.h>
#include <libconfig.h>
#include "config.h"

struct ld {
	const char *name;       /* file name for messages */
	char *err;
	size_t errlen;
};

/* Longest timeout, seconds. */
#define WF_TIMEOUT_MAX 86400

/* The release keys an env section may have, for its list of known keys. */
#define WF_RELEASE_KEYS "path", "keep", "shared", "build", "checks", "hosts", "ssh", "steps_on", "hosts_parallel", \
	"min_free", "min_free_inodes", "release_file", "shared_files", "php_fpm", \
	"templates", "shared_owner", "clone_hardlinks"

/* recipe, url, maintenance (config_recipe.c): every env section and multidev */
#define WF_RECIPE_KEYS "recipe", "url", "maintenance"

int wf_cfg_fail(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int wf_cfg_check_keys(struct ld *ld, const config_setting_t *g, const char *where, const char *const *known);
int wf_cfg_get_string(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      config_setting_t **setting, const char **out);
int wf_cfg_get_int_in(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      long long min, long long max, const char *unit, long long *out);
int wf_cfg_get_strv(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int nonempty,
		    config_setting_t **setting, char ***out, size_t *n_out);
int wf_cfg_load_steps(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      struct wf_step **steps, size_t *n_steps);
void wf_cfg_step_free(struct wf_step *s);
int wf_cfg_load_step(struct ld *ld, const config_setting_t *g, const char *where, struct wf_step *st);

/* config_get.c: the typed getters and checks */
int wf_cfg_in_list(const char *s, const char *const *list, size_t n);
int wf_cfg_get_group(struct ld *ld, const config_setting_t *parent, const char *key, const char *where,
		     config_setting_t **out);
int wf_cfg_get_bool(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out);
int wf_cfg_get_timeout(struct ld *ld, const config_setting_t *g, const char *key, const char *where, int *out);
int wf_cfg_valid_branch(const char *b);
int wf_cfg_valid_charset(const char *s, const char *extra, int upper);
int wf_cfg_valid_env_var(const char *s);
char **wf_cfg_strv_dup(const char *const *v, size_t n);
void wf_cfg_strv_free(char **v, size_t n);

/* config_notify.c */
int wf_cfg_load_notify(struct ld *ld, const config_setting_t *root, struct wf_config *c);

/* config_release.c */
int wf_cfg_load_release(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r);
/* No two envs share a path (nor one inside another's). */
int wf_cfg_release_paths(struct ld *ld, const config_setting_t *root, const struct wf_config *c);
void wf_cfg_release_max_output(struct wf_config *c);
void wf_cfg_release_free(struct wf_release_conf *r);

/* config_freeze.c: env.freeze (the env's windows) and the freeze group */
int wf_cfg_load_freeze(struct ld *ld, const config_setting_t *env_group, const char *env, struct wf_env *e);
int wf_cfg_load_freeze_group(struct ld *ld, const config_setting_t *root, struct wf_config *c);

/* config_multidev.c */
int wf_cfg_load_multidev(struct ld *ld, const config_setting_t *root, struct wf_config *c);
void wf_cfg_multidev_free(struct wf_multidev *m);

/* config_recipe.c: the recipe's shared and shared_files, when the env has
 * not set them, before templates name them (wf_cfg_load_release); after
 * the env's steps and release keys are loaded, the rest of what the env
 * did not set; then maintenance */
int wf_cfg_recipe_shared(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r);
int wf_cfg_load_recipe(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r,
		       struct wf_step **steps, size_t *n_steps);
void wf_cfg_recipe_free(struct wf_release_conf *r);
struct wf_recipe_step;
/* A recipe's list as config steps (*out malloc'd, NULL-name-ended list in). */
void wf_cfg_recipe_steps(const struct wf_recipe_step *in, struct wf_step **out, size_t *n);
/* config_content.c: templates, shared_owner, clone_hardlinks of an env
 * with a path; workflow.admins; multidev.clone_content */
int wf_cfg_load_content(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r);
void wf_cfg_content_free(struct wf_release_conf *r);
int wf_cfg_load_admins(struct ld *ld, const config_setting_t *root, struct wf_config *c);

/* config_hosts.c: hosts, ssh, steps_on of an env with a path */
int wf_cfg_load_hosts(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r);
void wf_cfg_hosts_free(struct wf_release_conf *r);

#endif
