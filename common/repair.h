/* Crash repair.  post-receive writes an in-flight journal per env before a
 * deploy and removes it once the deploy is recorded.  If it is killed in
 * between (or before it ever ran), the env's tip is left without a deploy
 * tag or record.  The next hook run, or `git-workflow repair`, finds that
 * and finishes it: tags the tip when it has no deploy tag and records the
 * deploy as interrupted, so nothing goes unrecorded. */
#ifndef WF_REPAIR_H
#define WF_REPAIR_H

#include "deploy.h"
#include "session.h"

/* The journal, written by wf_deploy_run around a deploy. */
int wf_inflight_begin(struct wf_session *s, const struct wf_deploy *d, long owner_pid);
void wf_inflight_end(struct wf_session *s, const struct wf_deploy *d);

/* 1 when some env looks interrupted (cheap, read-only; no lock needed). */
int wf_repair_needed(struct wf_session *s, long owner_pid);

/* Repair every interrupted env.  The caller holds the deploy lock.
 * Reports each repair with wf_say; returns how many, or -1 on error. */
int wf_repair(struct wf_session *s, long owner_pid);

/* pre-receive's entry: when wf_repair_needed, take the lock (skip quietly
 * if a deploy holds it), repair, release. */
void wf_repair_if_needed(struct wf_session *s, long owner_pid);

#endif
