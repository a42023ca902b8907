/* Content down (docs/content.md): the pure rules of cloning an env's
 * shared paths (its uploads, its shared files) into another's. */
#ifndef WF_CONTENT_H
#define WF_CONTENT_H

#include "config.h"

/* The env content comes from when clone_from (-o clone-from) names none:
 * Live, or Test for Live itself. */
const char *wf_content_source(const struct wf_config *c, const struct wf_env *to, const char *clone_from);

/* Why cloning the content of the env named from into to is refused:
 * a malloc'd one-line reason (and in *hint what to do, malloc'd), or NULL
 * when it may be done.  Into Live only with content_up, and, when
 * check_admin, by one of workflow.admins (pusher: the host's name for who
 * pushed).  A source that is not Dev, Test or Live is allowed only into
 * a branch env (the caller checks that it exists). */
char *wf_content_refusal(const struct wf_config *c, const char *from, const struct wf_env *to, int content_up,
			 int check_admin, const char *pusher, char **hint);

/* What a template may name, for env (its name and path): NULL-terminated
 * "WF_ENV=...", "WF_ENV_ID=..." (the name with '_' for '-', as a database
 * name may be), "WF_ENV_PATH=...".  Each string and the array malloc'd. */
char **wf_content_template_vars(const char *env, const char *path);

/* The shared path index i of rc is a file (shared_files), not a directory. */
int wf_content_is_file(const struct wf_release_conf *rc, size_t i);
/* The template of shared file f in rc, or NULL. */
const struct wf_template *wf_content_template(const struct wf_release_conf *rc, const char *f);

#endif
