/* The dashboard: a static HTML page of the environments at a glance (Dev,
 * Test, Live: tip, deploy tag, who, when, status, what is ready to
 * promote), unmerged hotfixes, the deploy log with a page per record, and
 * the webhooks' backlog.  Written into dashboard.dir (default
 * $GIT_DIR/workflow/dashboard/) by `git-workflow dashboard` and again after
 * every deploy, refusal and repair, so a web server can serve it as files.
 * Every file is written whole and renamed into place. */
#ifndef WF_DASHBOARD_H
#define WF_DASHBOARD_H

#include <stddef.h>
#include "repo.h"
#include "session.h"

/* Where r's dashboard goes: dashboard.dir (relative to $GIT_DIR) or
 * $GIT_DIR/workflow/dashboard.  malloc'd. */
char *wf_dashboard_dir(const struct wf_repo *r);

/* Write index.html and the record pages into dir (NULL: the configured
 * one, created when missing).  full: every record page of the log again,
 * else only those not written yet (a record never changes).  r->c must be
 * set.  0, or -1 with a one-line reason in err. */
int wf_dashboard_render(struct wf_repo *r, const char *dir, int full, char *err, size_t errlen);

/* The hooks' call, after a deploy, a recorded refusal or a repair: best
 * effort (a page is not worth failing a push for), a warning when not. */
void wf_dashboard_write(struct wf_session *s);

#endif
