/* What every hook run starts with: the repository opened once, the config
 * loaded once (or the reason it could not be), the pusher and the push
 * options.  The hooks are thin over this and the policy. */
#ifndef WF_SESSION_H
#define WF_SESSION_H

#include "config.h"
#include "push_options.h"
#include "repo.h"

struct wf_session {
	struct wf_repo repo;
	struct wf_config config;
	int config_ok;
	char config_err[512];
	char *pusher;
	struct wf_push_options opts;
	int opts_ok;
	char opts_err[1024];
	struct wf_env **md_envs;        /* the branch envs this run has met (wf_session_env) */
	size_t n_md_envs;
};

/* Open the repository (from the hook's environment) and load everything.
 * Returns -1 only when the repository itself cannot be opened (err). */
int wf_session_open(struct wf_session *s, char *err, size_t errlen);
void wf_session_close(struct wf_session *s);

/* The env a deploy journal names: Dev, Test or Live by name, else the
 * branch env name of branch ref (refs/heads/..., NULL: one met before),
 * built from the multidev group.  NULL when there is no such env. */
const struct wf_env *wf_session_env(struct wf_session *s, const char *name, const char *ref);
/* Free the branch envs wf_session_env built (wf_session_close does). */
void wf_session_free_envs(struct wf_session *s);

/* Print one message line to the pusher (git shows it as "remote: ...").
 * Control bytes of pushed text are escaped by the callers. */
void wf_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
