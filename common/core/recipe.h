/* Recipes (docs/recipes.md): the defaults one CMS needs, filled into an
 * env that says recipe = "drupal" (or "wordpress", "magento") for every
 * key the env does not set itself, in the spirit of Deployer's
 * recipe/ files.  Pure tables, one small file per CMS: what they fill is
 * tested for its commands and their order (tests/test_recipe.c). */
#ifndef WF_RECIPE_H
#define WF_RECIPE_H

/* One command (argv, never a shell), run in the release. */
struct wf_recipe_step {
	const char *name;
	const char *const *run;         /* NULL-terminated */
	int timeout;                    /* seconds; 0: the steps' default */
};

struct wf_recipe {
	const char *name;               /* the value of `recipe` */
	const char *const *shared;      /* directories kept in path/shared/ (NULL-terminated) */
	const char *const *shared_files; /* files that must be there before a deploy */
	/* each list ends with an entry whose name is NULL */
	const struct wf_recipe_step *build;     /* in the new release, before the switch */
	const struct wf_recipe_step *steps;     /* after the switch: database updates, config, caches */
	const struct wf_recipe_step *maint_on;  /* maintenance mode on / off (maintenance = true) */
	const struct wf_recipe_step *maint_off;
	int check_timeout;              /* the check of the env's url (s) */
	/* the database (docs/recipes.md): where the CMS keeps its connection */
	const char *const *db_files;    /* its settings file, in path/shared/: the first there (NULL-terminated) */
	const char *db_key;             /* the key that names the database, for a message */
	/* PHP run as `php -r db_read -- FILE` (FILE the settings file): prints
	 * the database, user, password, host, port and table prefix, each
	 * ended by a NUL; nothing else on stdout */
	const char *db_read;
	const struct wf_recipe_step *sanitize;  /* after a copy into the env (WF_URL: its url) */
};

/* The recipe called name, or NULL. */
const struct wf_recipe *wf_recipe_find(const char *name);
/* The recipes' names, for a message: "drupal", "magento", "wordpress". */
const char *wf_recipe_names(void);

extern const struct wf_recipe wf_recipe_drupal, wf_recipe_magento, wf_recipe_wordpress;

#endif
