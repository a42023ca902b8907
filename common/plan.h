/* The whole push, saved by pre-receive for the update hook: git gives the
 * update hook only its own ref, but Test's rule needs Dev "as it stands
 * after this same push".  Keyed by the receive-pack process (the hooks'
 * parent), so concurrent pushes never read each other's plan. */
#ifndef WF_PLAN_H
#define WF_PLAN_H

#include <stddef.h>
#include "hook_input.h"

int wf_plan_save(const char *git_dir, long owner_pid, const char *input, size_t len);
/* 0 with the updates, 1 when there is no plan for owner_pid, -1 error. */
int wf_plan_load(const char *git_dir, long owner_pid, struct wf_update **u, size_t *n);
/* The env tip a hotfix was checked on top of, for post-receive's
 * compare-and-swap: the tip it checked, not whatever the tip is by then. */
int wf_plan_save_base(const char *git_dir, long owner_pid, const char *ref, const char *oid);
/* 0 with out filled, 1 when none was saved for ref, -1 error. */
int wf_plan_load_base(const char *git_dir, long owner_pid, const char *ref, char *out, size_t outsz);
/* A push option the policy reads (drop-hotfix), kept for the update hook:
 * git gives GIT_PUSH_OPTION_* to pre- and post-receive only.  Stored with
 * the bases under a name no ref can have. */
int wf_plan_save_option(const char *git_dir, long owner_pid, const char *option);
/* 1 when pre-receive saved option for this push, else 0 */
int wf_plan_has_option(const char *git_dir, long owner_pid, const char *option);
void wf_plan_remove(const char *git_dir, long owner_pid);
/* Remove plans whose receive-pack is gone (a push that died). */
void wf_plan_cleanup(const char *git_dir);

#endif
