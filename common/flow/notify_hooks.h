/* The webhook events the hooks send: built from a deploy or a refusal,
 * spooled, and sent within the hook's time budget (notify.h). */
#ifndef WF_NOTIFY_HOOKS_H
#define WF_NOTIFY_HOOKS_H

#include "deploy.h"
#include "record.h"
#include "session.h"

/* A deploy, rollback or hotfix: status "started", "succeeded" or "failed".
 * message is the deploy's default message (used when the push gave none);
 * steps/note/record describe the finished deploy (NULL/0 when started). */
void wf_notify_deploy(struct wf_session *s, const struct wf_deploy *d, const char *status, const char *tag,
		      const char *message, const struct wf_record_step *steps, size_t n_steps,
		      const char *note, long record);

/* A deploy that a killed post-receive left unfinished, as repair found it:
 * status "interrupted" (a "failure" subscription gets it too).  kind is
 * the word of the tags ("deploy", "rollback", "hotfix"). */
void wf_notify_interrupted(struct wf_session *s, const struct wf_env *env, const char *kind, const char *tag,
			   const char *old, const char *new, const char *pusher, const char *message,
			   const char *note, long record);

/* A refused write to Test, Live or a hotfix ref; reason is what the pusher
 * was told. */
void wf_notify_refusal(struct wf_session *s, const struct wf_update *u, const struct wf_env *env,
		       const char *reason, long record);

/* A branch env created (status "created", or "failed" when its create
 * steps failed) or deleted ("deleted"): events multidev.<status>. */
void wf_notify_multidev(struct wf_session *s, const struct wf_env *env, const char *status, const char *oid,
			const char *note, long record);

/* The repository's name for events: "site" for /srv/git/site.git/ or
 * /home/x/site/.git/ (malloc'd). */
char *wf_repo_name(const char *git_dir);

/* What to do about a webhook spool that cannot take events (errno of the
 * failed probe): "Free space there" for a full disk, and so on. */
const char *wf_spool_fix_hint(int errnum);

#endif
