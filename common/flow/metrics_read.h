/* Delivery metrics of a repository (core/metrics.h computes them): its
 * records, the newest back to the window's start, turned into facts, with
 * the commit times of what each ok Live deploy brought.  Records and tags
 * alone: nothing else is kept for them. */
#ifndef WF_METRICS_READ_H
#define WF_METRICS_READ_H

#include "metrics.h"
#include "repo.h"

/* Records read at most, newest first: a window of years on a busy
 * repository stops here (and says so: records_capped). */
#define WF_METRICS_RECORDS_MAX 20000
/* Commits walked for a deploy's lead time, and for all of them together
 * (the newest of each deploy first; commits_capped says one was cut). */
#define WF_METRICS_DEPLOY_COMMITS 1000
#define WF_METRICS_ALL_COMMITS 20000
/* Records are numbered as written, not strictly in time: a refusal can be
 * written while a deploy runs.  The walk goes this far past the start. */
#define WF_METRICS_SLACK (86400LL)

/* r's figures for [now - since, now] into m (r->c set); free it with
 * wf_metrics_free. */
void wf_metrics_gather(struct wf_repo *r, long long now, long long since, struct wf_metrics *m);

#endif
