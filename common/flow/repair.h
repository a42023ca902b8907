/* Crash repair.  Every accepted deploy has a journal (common/sys/journal.h)
 * until its record is written.  When the process that owns it is gone, the
 * next hook run, or `git-workflow repair`, finishes it: a deploy that never
 * started (the push ended before post-receive) is started now, with its
 * pusher and options; one whose runner died is recorded as interrupted,
 * with the steps that ran, after stopping a step it left running; and the
 * env's tip is tagged when it has no deploy tag.  Nothing goes unrecorded.
 * Only a journal says a deploy was made: a tip that moved with none was
 * moved outside the workflow (outside.h), and is reported, never tagged. */
#ifndef WF_REPAIR_H
#define WF_REPAIR_H

#include "deploy.h"
#include "session.h"

/* 1 when some env looks interrupted (cheap, read-only; no lock needed). */
int wf_repair_needed(struct wf_session *s, long owner_pid);

/* Repair every interrupted env.  The caller holds the deploy lock.
 * Reports each repair with wf_say; returns how many, or -1 on error. */
int wf_repair(struct wf_session *s, long owner_pid);

/* pre-receive's entry: when wf_repair_needed, take the lock (skip quietly
 * if a deploy holds it), repair, release. */
void wf_repair_if_needed(struct wf_session *s, long owner_pid);

#endif
