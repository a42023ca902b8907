/* Test or Live moved outside the workflow.  A client that writes the
 * repository directly (git update-ref on the server; dulwich, libgit2 or
 * JGit pushing to a local path) moves a ref with no hook.  Only a deploy's
 * in-flight journal (repair.h) says the hooks moved an env, so an env tip
 * with no journal, no deploy tag of its env (deploy_tag.h) and not adopted
 * by an admin is outside: reported on every push and by `status`,
 * recorded and sent as a `refused` webhook event once per tip, never
 * tagged as a deploy.  Its deploys are refused, except back onto a commit
 * that carries one of its deploy tags (a rollback), until an admin runs
 * `git-workflow adopt ENV`, which accepts the tip as the env's baseline
 * ($GIT_DIR/workflow/adopted-<env>). */
#ifndef WF_OUTSIDE_H
#define WF_OUTSIDE_H

#include "command.h"
#include "policy.h"
#include "session.h"

/* 1 when commit oid carries a deploy tag of env (the newest tag first, the
 * usual case), 0 when not, -1. */
int wf_outside_tip_tagged(struct wf_repo *r, const struct wf_env *env, const char *oid);

/* 1 when env is outside (tip filled in), 0 when not (or it does not
 * exist), -1 when the repository could not answer. */
int wf_outside_check(struct wf_repo *r, const struct wf_env *env, char tip[WF_OID_MAX + 1]);

/* The one line that says so and what to do; malloc'd. */
char *wf_outside_message(const struct wf_config *c, const struct wf_env *env, const char *tip);

/* 1 when wf_outside_note has something to do (cheap, read-only), 0, -1. */
int wf_outside_note_needed(struct wf_repo *r, const struct wf_env *env);

/* Under the deploy lock: record an env found outside and send its event,
 * once per tip; forget it once the env is back.  1 noted, 0, -1. */
int wf_outside_note(struct wf_session *s, const struct wf_env *env);

/* What the guard does to a deploy decision (action a on env), pure: */
enum wf_outside_rule {
	WF_OUTSIDE_OK,          /* the decision stands */
	WF_OUTSIDE_ENV,         /* refused: env is outside */
	WF_OUTSIDE_TEST         /* refused: a promotion to live of a moved test's code */
};
enum wf_outside_rule wf_outside_rule(enum wf_action a, int is_live, int env_out, int test_out, int tagged_env,
				     int tagged_test);

/* pre-receive and workflow-update, after the policy: turn the deploys the
 * rule refuses into refusals (fail closed when it cannot tell).  say: print
 * wf_outside_message for each env that is outside. */
void wf_outside_guard(struct wf_session *s, struct wf_command *cmd, size_t n, int say);

/* git-workflow adopt ENV, under the deploy lock: accept env's tip as its
 * baseline (no deploy tag, no steps), record it.  0 adopted, 1 nothing to
 * adopt (said why), -1 error (said why). */
int wf_outside_adopt(struct wf_session *s, const struct wf_env *env);

#endif
