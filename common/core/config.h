/* workflow.conf: the schema of docs/WORKFLOW.md, loaded with libconfig.
 * Loading is strict: a parse error, an unknown key or a wrong type is an
 * error naming the file and line, and the caller fails closed. */
#ifndef WF_CONFIG_H
#define WF_CONFIG_H

#include <stddef.h>
#include "disk_floor.h"

struct wf_freeze;       /* freeze.h */
struct wf_database;     /* database.h */

#define WF_STEP_TIMEOUT_DEFAULT 600

enum wf_on_failure { WF_ON_FAILURE_STOP, WF_ON_FAILURE_ROLLBACK };

struct wf_step {
	char *name;
	/* Command step: argv (NULL-terminated, run_len entries before it).
	 * With shell = true, run has exactly one element: a /bin/sh -c script
	 * written by the admin. */
	char **run;
	size_t run_len;
	int shell;
	/* HTTP step (url != NULL): method defaults to "POST"; headers are
	 * "Name: value" strings; body may be NULL. */
	char *url;
	char *method;
	char **headers;
	size_t n_headers;
	char *body;
	/* HTTP step: the answer (body or a header) must carry this text, after
	 * ${WF_...} substitution; asked again until it does or the timeout
	 * passes (a check that the web server serves the new release). */
	char *expect;
	/* HTTP step: lines of the answer's body kept in the output and record
	 * (0: WF_BODY_LINES_DEFAULT, -1: none), the status line always */
	int body_lines;
	/* Push-option name that toggles this step, NULL = always runs. */
	char *when;
	int default_on;         /* default: 1 */
	int timeout;            /* seconds, default WF_STEP_TIMEOUT_DEFAULT */
	size_t max_output;      /* bytes of output kept (workflow.max_output); 0: the default */
};

#define WF_BODY_LINES_DEFAULT 5

/* How long a push follows its deploy before it leaves it running (s). */
#define WF_WAIT_DEFAULT 600
/* Over smart HTTP the web server ends a request it hears nothing from for a
 * while (nginx: fastcgi_read_timeout, 60 s), and fcgiwrap holds the
 * output back until the request ends: follow for less than that. */
#define WF_HTTP_WAIT_DEFAULT 50

/* Where an env runs its code (docs/releases.md):
 * with a path, every deploy places a release under path/releases/ and
 * switches path/current to it.  path NULL: the env places nothing. */
#define WF_KEEP_DEFAULT 5

/* A web server an env's releases are copied to
 * (docs/several-web-servers.md): target "[user@]host:/path", checked
 * against the charsets below, so that what the hooks put on an ssh command
 * line is only what the admin wrote and it needs no more than single
 * quotes. */
struct wf_host {
	char *target;           /* as configured */
	char *login;            /* "[user@]host" */
	char *host;             /* "host" */
	char *path;             /* absolute, no trailing '/' */
	char *name;             /* the label of its output: "[web1] ..." */
	int port;               /* 0: ssh's default */
};

/* A shared file written from a file on the server when it is missing
 * (docs/content.md): the source's ${WF_...} replaced by the env's. */
struct wf_template {
	char *file;             /* one of the env's shared_files */
	char *source;           /* absolute path of the template on the server */
};

struct wf_release_conf {
	char *path;             /* absolute, no trailing '/' */
	char *store;            /* the content store; NULL: path/.store (branch envs share one) */
	int keep;               /* releases kept, >= 1 (default WF_KEEP_DEFAULT) */
	char **shared;          /* relative paths kept in path/shared/ */
	size_t n_shared;
	size_t n_shared_files;  /* the last n of shared are files that must exist (shared_files) */
	struct wf_step *build;  /* run in the new release before the ref moves */
	size_t n_build;
	struct wf_step *checks; /* run after the switch; a failure switches back */
	size_t n_checks;
	struct wf_host *hosts;  /* none: the release runs where it is built */
	size_t n_hosts;
	char **ssh;             /* extra ssh arguments (before ours) */
	size_t n_ssh;
	int steps_all;          /* steps_on = "all": steps on every host, else the first */
	int parallel;           /* hosts_parallel: hosts worked on at once (0: all) */
	struct wf_floor min_free, min_free_inodes; /* what a release must leave free (disk_floor.h) */
	char *release_file;     /* the file naming each release (relative; NULL: ".release") */
	char *php_fpm;          /* the PHP-FPM pool's FastCGI socket (path or host:port): OPcache reset on a switch */
	/* config_recipe.c (docs/recipes.md) */
	char *recipe;           /* the recipe that filled the keys the env did not set (recipe.h); NULL: none */
	char *url;              /* the env's address, that the recipe's check asks; NULL: none */
	struct wf_step *maint_on, *maint_off;   /* maintenance mode around the steps; n_maint_on 0: none */
	size_t n_maint_on, n_maint_off;
	/* content (config_content.c, docs/content.md) */
	struct wf_template *templates;  /* shared files written when missing */
	size_t n_templates;
	char *shared_owner;     /* "user:group" the shared paths it makes (and content cloned in) get; NULL: none */
	int clone_hardlinks;    /* content cloned in may hard-link the source's files (shared dirs only) */
};

/* 1 when p is a safe relative path: not empty, not absolute, no empty,
 * ".", ".." or ".git" component (any case), no trailing '/'. */
int wf_relpath_ok(const char *p);

/* A locked environment: test or live. */
struct wf_env {
	const char *name;       /* "test" or "live" (the config section) */
	char *branch;           /* short branch name, e.g. "test" */
	char *ref;              /* full ref, e.g. "refs/heads/test" */
	enum wf_on_failure on_failure;
	int hotfix;             /* may refs/hotfix/<name> be used? */
	struct wf_step *steps;
	size_t n_steps;
	struct wf_release_conf rel;
	int tagless;            /* Dev: its deploys get no deploy tag */
	int multidev;           /* a branch env (multidev.c): no lock of its own, no tags */
	struct wf_freeze *freeze; /* windows with no deploys (freeze.h); Test and Live only */
	int approvals;          /* live.approvals: approvers of its Test deploy a promotion needs */
	size_t n_freeze;
};

/* Multidev (docs/branch-envs.md): each branch matching one of
 * branches is an env of its own at rel.path/<name>, made on its first push
 * and removed with the branch.  n_branches 0: none. */
#define WF_MULTIDEV_MAX_DEFAULT 10
struct wf_multidev {
	char **branches;        /* globs of short branch names (fnmatch(3)) */
	size_t n_branches;
	int max;                /* how many may exist at once */
	struct wf_release_conf rel;  /* path: where they go; keep, shared, build, checks: each one's */
	struct wf_step *steps;
	size_t n_steps;
	struct wf_step *create; /* run once, after an env's first release */
	size_t n_create;
	long long expire;       /* seconds without a push before `multidev expire` removes one (0: never) */
	int clone_content;      /* a new one gets its content from -o clone-from (default live) natively */
};

struct wf_webhook {
	char *url;
	char **events;          /* deploy, hotfix, rollback, failure, refused */
	size_t n_events;
	char *format;           /* "json" (default) or "slack" */
	char *secret_file;      /* NULL = unsigned */
};

struct wf_config {
	char *path;             /* file it was loaded from, NULL for defaults */
	char *tag_prefix;       /* default "deploy" */
	long long max_output;   /* bytes of a step's output kept and shown; default 10 MB */
	long long wait;         /* seconds a push follows its deploy; default WF_WAIT_DEFAULT */
	long long http_wait;    /* the same over smart HTTP (CGI), within the web server's timeout */
	char **identity_vars;   /* default GL_USERNAME GITEA_PUSHER_NAME GL_USER REMOTE_USER */
	size_t n_identity_vars;
	char **host_options;    /* push options of the git host, left alone; default none */
	size_t n_host_options;
	char *dev_branch;       /* default "master" */
	char *dev_ref;          /* "refs/heads/master" */
	int dev_allow_force;    /* default 0 */
	/* Dev as an env, for its releases (dev.path): name "dev", branch and
	 * ref the two above, no steps; it is never returned by
	 * wf_config_env_by_name or _by_ref, which are the locked envs */
	struct wf_env dev;
	struct wf_env test;     /* branch "test", hotfix 0 */
	struct wf_env live;     /* branch "live", hotfix 1 */
	char **hotfix_users;    /* default: none */
	size_t n_hotfix_users;
	char **freeze_overriders; /* freeze.overriders: who may deploy in a freeze, with -o override */
	size_t n_freeze_overriders;
	char **admins;          /* workflow.admins: who may move content up into Live (-o content-up) */
	size_t n_admins;
	int notify_connect_timeout;  /* default 2 */
	int notify_timeout;          /* default 5 */
	long long notify_retry_for;  /* seconds a deploy runner retries events no receiver took; 3600 */
	long long notify_backoff;    /* seconds to the first retry of a failed event, doubling to an hour; 30 */
	struct wf_webhook *webhooks;
	size_t n_webhooks;
	struct wf_multidev multidev;
	struct wf_database *database;   /* the database group (database.h), NULL: none */
	/* dashboard.dir (dashboard_config.c); "" = $GIT_DIR/workflow/dashboard.
	 * A buffer, not a string to free: the group stays out of config.c. */
	char dashboard_dir[1024];
};

/* Fill c with the defaults of docs/WORKFLOW.md (no steps, no webhooks). */
void wf_config_defaults(struct wf_config *c);

/* Load and validate a file / a string (name is used in messages).
 * Returns 0, or -1 with a one-line message in err such as
 *   "/srv/x.git/workflow.conf:12: unknown key 'tag_prefx' in workflow"
 * On error *c is left freed (safe to wf_config_free again). */
int wf_config_load_file(struct wf_config *c, const char *path, char *err, size_t errlen);
int wf_config_load_string(struct wf_config *c, const char *text, const char *name,
			  char *err, size_t errlen);

/* Which file applies to a repository: $GIT_DIR/workflow.conf if it exists,
 * else the system one (WF_SYSCONFDIR/workflow/workflow.conf).  Returns a
 * malloc'd path; the file may not exist (the loader reports that). */
char *wf_config_path(const char *git_dir);

void wf_config_free(struct wf_config *c);

/* The config loaded from path, and its webhooks' secret files, may be
 * trusted: not writable by group or other, and (git_dir given) owned by
 * the repository's owner or root.  0, or -1 with a one-line err naming
 * the path and the chmod or chown to run (config_trust.c). */
int wf_config_trusted(const struct wf_config *c, const char *path, const char *git_dir, char *err, size_t errlen);

/* The env whose branch ref is ref ("refs/heads/test"), or NULL. */
const struct wf_env *wf_config_env_by_ref(const struct wf_config *c, const char *ref);
/* The env called name ("test"/"live"), or NULL. */
const struct wf_env *wf_config_env_by_name(const struct wf_config *c, const char *name);
/* The same, and Dev ("dev") when it runs code: the envs a deploy journal
 * may name (config_release.c). */
const struct wf_env *wf_config_deploy_env(const struct wf_config *c, const char *name);

/* The option names steps of both envs toggle (each `when`, deduplicated,
 * in config order).  Returned array is malloc'd; strings belong to c. */
const char **wf_config_step_options(const struct wf_config *c, size_t *n);

#endif
