/* Push options (git push -o NAME[=VALUE]): the deploy dialog's checkboxes.
 * Known: message=TEXT, dry-run, drop-hotfix, clone-from=ENV (what a new branch
 * env's content comes from), override=REASON (a deploy in a freeze),
 * keep-env / no-keep-env (pin a branch env against multidev.expire),
 * content-up (clone-content into Live, by an admin), restore-db (a rollback
 * restores the database, docs/database.md), and X / no-X for every `when` a step of
 * the config names and for the conventional clone-content, update and
 * cache-clear.  Options of the git host (a '.' in the name, such as
 * GitLab's ci.skip, or named in workflow.host_options) are left alone.
 * Anything else refuses the push. */
#ifndef WF_PUSH_OPTIONS_H
#define WF_PUSH_OPTIONS_H

#include <stddef.h>

struct wf_push_options {
	char *message;          /* NULL when not given */
	int dry_run;
	int drop_hotfix;        /* a rollback may take unmerged hotfix commits off its env */
	char *clone_from;       /* -o clone-from=ENV: where a new branch env's create steps clone from */
	char *override;         /* -o override=REASON: deploy in a freeze (freeze.h), by an overrider */
	int clone_content;      /* -o clone-content 1 (content down, docs/content.md), -o no-clone-content -1, else 0 */
	int content_up;         /* -o content-up: clone-content may go into Live (an admin's push) */
	int keep_env;           /* -o keep-env 1 (a branch env never expires), -o no-keep-env -1, else 0 */
	int restore_db;         /* -o restore-db: a rollback restores its release's database snapshot */
	char **toggles;         /* "update", "no-cache-clear", ... as given */
	size_t n_toggles;
	char **raw;             /* every option as pushed, for records and tags */
	char *note;             /* "-o update, -o no-cache-clear": conventional toggles no step uses */
	size_t n_raw;
};

/* Read GIT_PUSH_OPTION_COUNT / GIT_PUSH_OPTION_<i> from the environment.
 * Returns 0, or -1 with err when the variables are inconsistent. */
int wf_push_options_from_env(char ***raw, size_t *n, char *err, size_t errlen);

/* Validate raw options against the step option names the config knows.
 * Returns 0, or -1 with a one-line message listing the known options. */
int wf_push_options_parse(const char *const *raw, size_t n, const char *const *step_opts,
			  size_t n_step_opts, struct wf_push_options *out, char *err, size_t errlen);

/* The same, leaving alone the host's options: those with a '.' in the name
 * and those whose name (before any '=') host lists. */
int wf_push_options_parse_host(const char *const *raw, size_t n, const char *const *step_opts,
			       size_t n_step_opts, const char *const *host, size_t n_host,
			       struct wf_push_options *out, char *err, size_t errlen);
/* 1 when option o belongs to the git host (see above). */
int wf_push_option_is_host(const char *o, const char *const *host, size_t n_host);
/* 1 for clone-content, update, cache-clear. */
int wf_push_option_conventional(const char *name);

void wf_push_options_free(struct wf_push_options *o);
void wf_strv_free(char **v, size_t n);

#endif
