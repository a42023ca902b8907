/* Delivery metrics (DORA's four) from what the records and the commits
 * say, as pure arithmetic: the caller (common/flow/metrics_read.c) turns
 * records into facts, this turns facts into figures, so every figure is
 * tested with known answers and no repository.
 *
 *   deploys per week per env   every deploy, rollback and hotfix that ran
 *                              (ok, failed or interrupted), by UTC week
 *                              (Monday to Sunday), empty weeks included
 *   lead time                  per commit a Live deploy that ended ok
 *                              brought: deploy time minus commit time
 *   change failure rate        Live deploys that did not end ok, or were
 *                              followed (as the next Live deploy) by a
 *                              rollback or a hotfix, over all Live deploys
 *   time to restore            from the first failed Live deploy of a run
 *                              of failures to the next one that ended ok */
#ifndef WF_METRICS_H
#define WF_METRICS_H

#include <stddef.h>
#include "util.h"

/* Env columns at most: a repository with many branch envs folds the rest
 * into one column, "other", so the table stays readable. */
#define WF_METRICS_ENVS_MAX 8
/* Weeks at most (ten years): a --since beyond that starts there. */
#define WF_METRICS_WEEKS_MAX 522
#define WF_METRICS_WEEK (7LL * 86400)

enum wf_metrics_kind { WF_METRICS_DEPLOY, WF_METRICS_ROLLBACK, WF_METRICS_HOTFIX };

/* One deploy that ran, as a record says it. */
struct wf_metrics_fact {
	const char *env;
	int live;                       /* 1: the Live env */
	enum wf_metrics_kind kind;
	int ok;                         /* ended ok (else failed or interrupted) */
	long long time;                 /* the record's time, unix seconds */
	const long long *commit_times;  /* the commits it brought (Live, ok) */
	size_t n_commits;
};

/* n, median and 90th percentile, in seconds (linear interpolation between
 * the closest ranks, as a spreadsheet's PERCENTILE.INC); 0 when n is 0. */
struct wf_metrics_stat {
	size_t n;
	long long median, p90;
};

struct wf_metrics {
	long long from, now;            /* the window: from <= time <= now */
	char *envs[WF_METRICS_ENVS_MAX];        /* the columns, malloc'd */
	size_t n_envs;
	long long *weeks;               /* each week's Monday 00:00 UTC */
	size_t n_weeks;
	size_t *counts;                 /* [week * WF_METRICS_ENVS_MAX + env] */
	size_t total[WF_METRICS_ENVS_MAX];
	struct wf_metrics_stat lead;    /* over every commit brought */
	size_t live, failed, rolled_back, hotfixed; /* Live deploys; the kinds of failure */
	struct wf_metrics_stat restore;
	long long failing_since;        /* Live's failure not yet restored, or 0 */
	/* said by the reader: a cap it reached (records, commits walked) */
	int records_capped, commits_capped;
};

/* The Monday 00:00 UTC that starts t's week. */
long long wf_metrics_week_of(long long t);

/* The figures of facts (oldest first) in the window [now - since, now].
 * order: env names that come first as columns (Test, Live), the rest as
 * they appear.  m is filled; free it with wf_metrics_free. */
void wf_metrics_compute(const struct wf_metrics_fact *f, size_t n, long long now, long long since,
			const char *const *order, size_t n_order, struct wf_metrics *m);
void wf_metrics_free(struct wf_metrics *m);

/* Changes that failed over Live deploys, in percent rounded to the unit
 * (-1 when there were no Live deploys). */
int wf_metrics_failure_percent(const struct wf_metrics *m);

/* The plot-free table `git-workflow metrics` prints. */
void wf_metrics_text(struct sbuf *sb, const struct wf_metrics *m);
/* "45s", "12m 30s", "3h 05m", "2d 4h" */
void wf_metrics_duration(char out[32], long long secs);

#endif
