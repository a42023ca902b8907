/* Webhook delivery.  An event is first written to each subscribed
 * webhook's spool (spool.h), then sent from there: in sequence order, one
 * webhook at a time, stopping at that webhook's first failure so order is
 * kept; a 2xx answer removes the event.  A failure sets a backoff
 * (30 s doubling to an hour) that hook runs respect and `notify --retry`
 * ignores.  In a hook run the time spent on one webhook is bounded by
 * notify.timeout in all, however long its backlog, so a push never waits
 * longer than that per webhook. */
#ifndef WF_NOTIFY_H
#define WF_NOTIFY_H

#include <stdio.h>
#include "config.h"
#include "event.h"

/* Add ev to the spool of every webhook that subscribes to it.  Problems
 * are one-line warnings on stderr.  Returns the number of webhooks it was
 * spooled for. */
int wf_notify_enqueue(const char *git_dir, const struct wf_config *c, const struct wf_event *ev);

/* Before a deploy: can every webhook's spool take its events?  A deploy
 * whose events could not be kept would lose them, so the caller refuses it
 * (fail closed).  Returns 0, or -1 with a one-line reason in err. */
int wf_notify_check_spool(const char *git_dir, const struct wf_config *c, char *err, size_t errlen);

#define WF_NOTIFY_RETRY 1       /* ignore backoff and the per-run budget */

/* Send what is pending.  Returns the number of events still pending for
 * the configured webhooks afterwards.  In a hook (flags 0) a webhook that
 * fails gets one warning line on stderr; with a report stream, one line
 * per webhook goes there. */
long wf_notify_deliver(const char *git_dir, const struct wf_config *c, int flags, FILE *report);

/* Enqueue, then deliver within the hook's budget. */
void wf_notify_emit(const char *git_dir, const struct wf_config *c, const struct wf_event *ev);

/* `git-workflow notify --list`: pending events per webhook (URL without
 * credentials), their backoff and last error, and spools of webhooks no
 * longer in the config.  Returns the total pending. */
long wf_notify_list(const char *git_dir, const struct wf_config *c, FILE *out);

/* `git-workflow notify --drop WEBHOOK [--all]`: set aside the oldest
 * pending event of one webhook (all of them with all), for a receiver that
 * will never take it (a 4xx forever) and so holds back every event after
 * it.  WEBHOOK is a configured URL, as written or as --list shows it, or a
 * spool directory's name.  The events go to the spool's dropped/ (never
 * sent, never deleted) and the backoff is reset so the rest go out on the
 * next run.  Returns how many were set aside, or -1 with err set. */
long wf_notify_drop(const char *git_dir, const struct wf_config *c, const char *webhook, int all, FILE *out,
		    char *err, size_t errlen);

#endif
