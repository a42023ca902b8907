/* Approvals of Test deploys (docs/workflow.md "Approvals"; approvals.h
 * keeps them). */
#ifndef WF_APPROVE_H
#define WF_APPROVE_H

#include "session.h"

/* The session's pusher approves Test deploy tag (of commit), by a push to
 * ref ("" from the command line): noted, recorded and said.  0, 1 when
 * the pusher had already approved it, -1 (said why). */
int wf_approve(struct wf_session *s, const char *tag, const char *commit, const char *ref);

#endif
