/* The webhook events the hooks send: built from a deploy or a refusal,
 * spooled, and sent within the hook's time budget (notify.h). */
#ifndef WF_NOTIFY_HOOKS_H
#define WF_NOTIFY_HOOKS_H

#include "deploy.h"
#include "record.h"
#include "session.h"

/* The webhook event of a record: the one way events are made, so that
 * an event says what its record says.  A deploy, rollback or hotfix
 * (status ok is "succeeded"; "started" from a record not written yet,
 * "failed", "interrupted") with its commits and steps; a refusal (a move
 * outside the workflow too); a branch env created, failed or deleted.
 * Records of other kinds (repair, adopt) make none. */
void wf_notify_record(struct wf_session *s, const struct wf_record *r);

/* The repository's name for events: "site" for /srv/git/site.git/ or
 * /home/x/site/.git/ (malloc'd). */
char *wf_repo_name(const char *git_dir);

/* What to do about a webhook spool that cannot take events (errno of the
 * failed probe): "Free space there" for a full disk, and so on. */
const char *wf_spool_fix_hint(int errnum);

#endif
