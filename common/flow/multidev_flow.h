/* Multidev in the push pipeline (docs/branch-envs.md): which
 * updates make, deploy or delete a branch env (pre-receive), the create
 * steps after a new env's first release and the removal of a deleted
 * one's (the runner), and what `git-workflow multidev` does. */
#ifndef WF_MULTIDEV_FLOW_H
#define WF_MULTIDEV_FLOW_H

#include "deploy.h"
#include "multidev.h"
#include "session.h"

/* pre-receive, after the policy: each command of a branch that is an env
 * gets its plan and its decision names the env; refusals say why.  -1
 * when the push as a whole is refused (said why: a bad -o clone-from). */
int wf_md_judge(struct wf_session *s, struct wf_command *cmd, size_t n);
/* Under the deploy locks: the envs this push creates are entered in the
 * registry, checked again against it (another push may have taken the
 * name or the last place meanwhile).  0, or -1 (said why, none entered). */
int wf_md_reserve(struct wf_session *s, const struct wf_command *cmd, size_t n);
/* The branch envs this push deploys: their last push is now (what
 * multidev.expire counts from), pinned or not by -o keep-env / no-keep-env. */
void wf_md_note_pushes(struct wf_session *s, const struct wf_command *cmd, size_t n);
/* A push that did not happen: each env it was to create goes again. */
void wf_md_unreserve(struct wf_session *s, const struct wf_command *cmd, size_t n);
/* One such env: its entry and directory go when it never got a release. */
void wf_md_forget(struct wf_session *s, const struct wf_env *env);

/* The runner, after the switch of a branch env: its content (a new env's
 * with multidev.clone_content, any push's with -o clone-content), then its
 * create steps, when they have not succeeded yet (a new env).  1 when one
 * failed, else 0. */
int wf_md_create_steps(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx,
		       struct wf_record_steps *out);
/* Remove branch env env (its releases and current; shared/ kept under
 * multidev.path/.deleted/), record it and tell the webhooks.  0 or -1. */
int wf_md_delete(struct wf_session *s, const struct wf_env *env, const char *why);
/* Remove what .deleted/ has kept for longer than age seconds; the count,
 * or -1. */
int wf_md_prune(struct wf_session *s, long long age);

#endif
