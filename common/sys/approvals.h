/* Approvals of Test deploys (docs/workflow.md "Approvals"): who approved which
 * deploy, one file per deploy tag, $GIT_DIR/workflow/approvals/<tag>, a
 * line "TIME\tUSER" each, appended under a lock.  live.approvals = N makes
 * a Live promotion wait for N of its Test deploy's approvers other than
 * its pusher (the policy asks through wf_repo_ops.approvals). */
#ifndef WF_APPROVALS_H
#define WF_APPROVALS_H

#include <stddef.h>

/* user approves tag.  0 noted, 1 user had already, -1 (errno). */
int wf_approval_add(const char *git_dir, const char *tag, const char *user);
/* The distinct users who approved tag, in the order they did: a malloc'd
 * array in *users (free with wf_strv_free), *n of them; 0, or -1. */
int wf_approvals_read(const char *git_dir, const char *tag, char ***users, size_t *n);

#endif
