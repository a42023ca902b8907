/* One state file per push, written once by pre-receive, read by the update
 * hook and by post-receive: $GIT_DIR/workflow/push-<pid>-<start>.state,
 * keyed by the receive-pack that runs the push (owner.h), so concurrent
 * pushes never read each other's.
 *
 *   option drop-hotfix            push options the update hook needs (git
 *   option override               gives it none): WF_STATE_OPT_*
 *   allow|deploy|refuse|recheck OLD NEW REF
 *                                 pre-receive's verdict on each pushed ref,
 *                                 in git's order (ref names hold no spaces)
 *   post-receive run|skip         last: a file without it is incomplete
 *
 * git runs the update hook once per ref: its front (hooks/update.c, libc
 * only) looks its own (ref, old, new) up with one memmem over the mapped
 * file and answers; "recheck", or no state at all, sends it to the full
 * checker (workflow-update), which decides over the whole push read back
 * from the same lines (Test's rule needs Dev as this push leaves it).
 * post-receive's front skips the full post-receive when every moved ref
 * was a plain allowed one and the file says skip. */
#ifndef WF_PUSH_STATE_H
#define WF_PUSH_STATE_H

#include <stddef.h>
#include "hook_input.h"
#include "command.h"
#include "policy.h"

#define WF_STATE_OPT_DROP_HOTFIX 1     /* -o drop-hotfix */
#define WF_STATE_OPT_OVERRIDE 2        /* -o override=REASON (the reason is not kept here) */

/* opts: WF_STATE_OPT_* or'ed.  0, or -1 with errno. */
int wf_push_state_save(const char *git_dir, long owner, const struct wf_command *cmd, size_t n, int opts,
		       int post_receive_needed);
/* 0 allowed, 1 refused, -1 no verdict the front may take alone. */
int wf_push_state_verdict(const char *git_dir, long owner, const char *ref, const char *old_oid,
			  const char *new_oid);
/* The push's updates (0), 1 when there is no state, -1 when it is torn. */
int wf_push_state_load(const char *git_dir, long owner, struct wf_update **u, size_t *n, int *opts);
/* 0 when post-receive has nothing to do for the refs that moved, else 1. */
int wf_push_state_post_needed(const char *git_dir, long owner, const struct wf_update *u, size_t n);
void wf_push_state_remove(const char *git_dir, long owner);
/* Remove the state of pushes whose receive-pack is gone. */
void wf_push_state_cleanup(const char *git_dir);

#endif
