/* Inside the dashboard (dashboard.c gathers, dashboard_page.c and
 * dashboard_record.c write the pages): what one rendering has read. */
#ifndef WF_DASHBOARD_INT_H
#define WF_DASHBOARD_INT_H

#include "lock.h"
#include "record.h"
#include "repo.h"

#define WF_DASH_LOG 50          /* records on the index page */
#define WF_DASH_LIST 30         /* commits listed in a box; the count says the rest */
/* Without a commit-graph a box's count walks commits, so it stops here
 * ("more than 10000 commits"): about 0.1 s. */
#define WF_DASH_COUNT_MAX 10000

struct wf_dash_entry {
	long seq;
	int ok;                 /* read; else why says what is wrong */
	char why[160];
	struct wf_record rec;
};

/* One column: Dev (env NULL), Test or Live. */
struct wf_dash_env {
	const char *label;      /* "Dev", "Test", "Live" */
	const char *id;         /* "dev", "test", "live": the column's id */
	const char *branch;
	const struct wf_env *env;
	int have;
	char tip[WF_OID_MAX + 1];
	char tag[160];          /* current deploy tag, "" when none */
	const struct wf_record *last;   /* newest non-refusal record of env */
	const char *status;     /* "ok", "failed", "in progress", ... */
	const char *status_class;       /* ok, failed, progress, none */
};

struct wf_dash {
	struct wf_repo *r;
	const struct wf_config *c;
	long long now;
	struct wf_dash_entry log[WF_DASH_LOG];
	size_t n_log;
	struct wf_record older[2];      /* env's last record, when not in log */
	struct wf_dash_env envs[3];
	int locked;
	struct wf_lock_info lock;
};

extern const char wf_dash_css[];

/* dashboard_page.c: index.html */
void wf_dash_index(struct sbuf *sb, struct wf_dash *d);
/* dashboard_multidev.c: the branch envs' table (none without multidev) */
void wf_dash_branch_envs(struct sbuf *sb, struct wf_dash *d);
/* dashboard_metrics.c: the delivery metrics panel, with its SVG chart */
void wf_dash_metrics(struct sbuf *sb, struct wf_dash *d);
/* dashboard_record.c: record-N.html */
void wf_dash_record(struct sbuf *sb, struct wf_dash *d, const struct wf_record *rec);
/* "abc123456789 subject" lines as <li>s, at most WF_DASH_LIST */
void wf_dash_commit_items(struct sbuf *sb, const char *lines);
/* <span class="status CLASS">word</span>; cls NULL: from the status word */
void wf_dash_status_badge(struct sbuf *sb, const char *status, const char *cls);

#endif
