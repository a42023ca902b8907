/* The dashboard after a refusal, written off the pusher's wait.  The
 * refusal's record is the truth, and it is written before the push ends;
 * the page is derived from the records and the refs, so a process of its
 * own writes it once this one is gone (its "ready to promote" counts walk
 * the history between the envs: 25 ms of a 40 ms refusal on a 100,000-commit
 * history, which the pusher used to wait for).  One writer per process
 * however many refusals it records, and it reads them all: it starts
 * reading when its spawner has exited. */
#ifndef WF_DASHBOARD_LATER_H
#define WF_DASHBOARD_LATER_H

#include "session.h"

/* argv[1] of a program started as that writer: every program that records
 * a refusal is one (pre-receive, workflow-update, workflow-post-receive,
 * git-workflow), found as /proc/self/exe wherever a host put it. */
#define WF_DASHBOARD_ARG "--workflow-dashboard-writer"

/* Have the dashboard written once this process has ended (the first call
 * starts the writer, the others have nothing to do); written here and now
 * when no writer can be started. */
void wf_dashboard_write_later(struct wf_session *s);

/* The writer's main (argv[1] == WF_DASHBOARD_ARG).  Returns the exit status. */
int wf_dashboard_writer_main(void);

#endif
