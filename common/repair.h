/* Crash repair.  pre-receive writes an in-flight journal per env for each
 * deploy it accepts, before any ref moves; post-receive rewrites it when
 * the deploy starts and removes it once the deploy is recorded.  If it is
 * killed in between (or never ran), the env's tip is left without a deploy
 * tag or record.  The next hook run, or `git-workflow repair`, finds the
 * journal and finishes it: tags the tip when it has no deploy tag and
 * records the deploy as interrupted, so nothing goes unrecorded.  Only a
 * journal says a deploy was made: a tip that moved with none was moved
 * outside the workflow (outside.h), and is reported, never tagged. */
#ifndef WF_REPAIR_H
#define WF_REPAIR_H

#include "deploy.h"
#include "session.h"

/* The journal: accepted by pre-receive (under the deploy lock), begun and
 * ended by wf_deploy_run around a deploy.  0 or -1. */
int wf_inflight_accept(struct wf_session *s, const struct wf_deploy *d, long owner_pid);
int wf_inflight_begin(struct wf_session *s, const struct wf_deploy *d, long owner_pid);
void wf_inflight_end(struct wf_session *s, const struct wf_deploy *d);
/* post-receive: remove this push's accepted journals whose deploy did not
 * start (git refused the ref update). */
void wf_inflight_drop_accepted(struct wf_session *s, long owner_pid);
/* 1 when env has a journal (of any push), 0 none, -1 cannot tell. */
int wf_inflight_present(const char *git_dir, const struct wf_env *env);

/* 1 when some env looks interrupted (cheap, read-only; no lock needed). */
int wf_repair_needed(struct wf_session *s, long owner_pid);

/* Repair every interrupted env.  The caller holds the deploy lock.
 * Reports each repair with wf_say; returns how many, or -1 on error. */
int wf_repair(struct wf_session *s, long owner_pid);

/* pre-receive's entry: when wf_repair_needed, take the lock (skip quietly
 * if a deploy holds it), repair, release. */
void wf_repair_if_needed(struct wf_session *s, long owner_pid);

#endif
