/* pre-receive's decision for each ref of the push, for the update hook.
 *
 * git runs the update hook once per pushed ref.  Deciding again there meant,
 * per ref, a process loading libgit2 and its ~20 shared libraries, opening
 * the repository, parsing the config and deciding the whole push: ~15 ms
 * each, 15 s for a 1,000-ref push.  pre-receive has already decided every
 * ref over the same push, so it saves the verdicts beside the plan and the
 * update hook (hooks/update-verdict.c, linked with libc only) just looks its
 * ref up.  Without a verdict for its exact (ref, old, new) it runs the full
 * checker, hooks/workflow-update, which decides as before.
 *
 * The same file tells post-receive (hooks/post-receive-fast.c) whether the
 * push needs it at all: only deploys, hotfixes and webhooks do; for any
 * other push it just removes the plan, without loading libgit2.
 *
 * Deciding in pre-receive rather than in update does not change which races
 * exist: both run before receive-pack's ref transaction, which only
 * compare-and-swaps each ref's own old value; deploys are serialized by the
 * deploy lock and a hotfix by its compare-and-swap in post-receive. */
#ifndef WF_VERDICT_H
#define WF_VERDICT_H

#include <stddef.h>

#include "hook_input.h"
#include "policy.h"

/* Keyed, like the plan, by receive-pack (owner_pid) and its start time.
 * post_receive_needed: 0 only when post-receive has nothing to do for
 * this push beyond removing the plan (no deploy, no hotfix, no webhooks). */
int wf_verdicts_save(const char *git_dir, long owner_pid, const struct wf_update *u,
		     const struct wf_decision *d, size_t n, int post_receive_needed);
/* 0 allowed, 1 refused, -1 no verdict for exactly this (ref, old, new). */
int wf_verdict_lookup(const char *git_dir, long owner_pid, const char *ref, const char *old_oid,
		      const char *new_oid);
/* 0 when pre-receive said post-receive is not needed and every update in
 * u is one it allowed as a plain update; else 1 (run it). */
int wf_verdicts_post_receive_needed(const char *git_dir, long owner_pid, const struct wf_update *u,
				    size_t n);
void wf_verdicts_remove(const char *git_dir, long owner_pid);

#endif
