#include "notify.h"
#include "notify_post.h"
#include "spool.h"
#include "fileio.h"
#include "util.h"

#include "curl_lazy.h" /* libcurl loaded on first use */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Per webhook, in this process (one hook run): the seconds already spent
 * sending, the budget that keeps a run bounded whatever the backlog, and
 * whether this run added an event (so a webhook in backoff is mentioned
 * to the pusher only when it holds back this push's events, and once). */
struct run_state {
	double spent;
	int added, told;        /* told: the pusher heard of its backoff */
};
static struct run_state *runs;
static size_t n_runs;

static struct run_state *run_of(size_t i)
{
	if (i >= n_runs) {
		runs = xrealloc(runs, (i + 1) * sizeof(*runs));
		memset(runs + n_runs, 0, (i + 1 - n_runs) * sizeof(*runs));
		n_runs = i + 1;
	}
	return &runs[i];
}

int wf_notify_enqueue(const char *git_dir, const struct wf_config *c, const struct wf_event *ev)
{
	char name[64];
	int n = 0;

	for (size_t i = 0; i < c->n_webhooks; i++) {
		const struct wf_webhook *w = &c->webhooks[i];
		struct sbuf body = SBUF_INIT;
		char *dir;

		if (!wf_event_wanted(w, ev))
			continue;
		wf_event_body(ev, w->format, &body);
		dir = wf_spool_dir(git_dir, w->url);
		if (wf_spool_add(dir, w->url, wf_event_name(ev, name), body.buf, body.len, NULL) < 0) {
			char *r = wf_url_redacted(w->url);
			fprintf(stderr, "workflow: warning: could not spool the %s event for webhook %s in %s: %s\n",
				name, r, dir, strerror(errno));
			free(r);
		} else {
			run_of(i)->added = 1;
			n++;
		}
		free(dir);
		sbuf_free(&body);
	}
	return n;
}

/* room for a deploy's events (50 commits, step results) with margin */
#define SPOOL_PROBE_SIZE 65536

int wf_notify_check_spool(const char *git_dir, const struct wf_config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_webhooks; i++) {
		char *dir = wf_spool_dir(git_dir, c->webhooks[i].url);
		if (wf_spool_probe(dir, SPOOL_PROBE_SIZE) < 0) {
			snprintf(err, errlen, "cannot keep webhook events in %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Move an event that cannot be parsed out of the way, so it does not hold
 * up the queue forever; it is kept for a human to look at. */
static void set_aside(const char *dir, long seq)
{
	char *from = xasprintf("%s/%012ld.event", dir, seq), *to = xasprintf("%s/%012ld.bad", dir, seq);
	if (rename(from, to) == 0)
		fprintf(stderr, "workflow: warning: malformed spooled event set aside as %s\n", to);
	free(from);
	free(to);
}

struct outcome {
	long delivered, pending;
	int failed, busy, waiting;
	char why[256];
};

/* A 2xx: the event leaves the spool, and the webhook's backoff is reset. */
static int delivered(const char *git_dir, const char *dir, long seq, struct wf_spool_state *st,
		     struct outcome *o)
{
	wf_test_pause(git_dir, "notify-after-send");
	o->delivered++;
	if (wf_spool_remove(dir, seq) < 0) {
		/* it would go again and again: stop here */
		snprintf(o->why, sizeof(o->why), "cannot remove a delivered event from %s: %s", dir, strerror(errno));
		o->failed = 1;
		return -1;
	}
	if (st->attempts || st->next_try || st->last_error[0]) {
		memset(st, 0, sizeof(*st));
		wf_spool_state_write(dir, st);
	}
	return 1;
}

/* Send one spooled event of webhook idx, within this run's budget unless
 * retry.  1 delivered, 0 nothing sent (skipped or set aside), -1 failed
 * (o says why; the backoff is set when it was the webhook's fault). */
static int send_one(const char *git_dir, const struct wf_config *c, size_t idx, const char *dir, long seq,
		    struct wf_spool_state *st, int retry, struct outcome *o)
{
	long total_ms = (long)c->notify_timeout * 1000, connect_ms = (long)c->notify_connect_timeout * 1000;
	double *used = &run_of(idx)->spent, t0;
	struct wf_spooled e;
	int cut, r = wf_spool_read(dir, seq, &e);

	if (r == 1)
		return 0;
	if (r < 0) {
		set_aside(dir, seq);
		return 0;
	}
	if (!retry) {
		long left = (long)((c->notify_timeout - *used) * 1000);
		if (left < 100) {
			wf_spooled_free(&e);
			o->failed = 1;
			snprintf(o->why, sizeof(o->why), "out of time for this push");
			return -1;
		}
		if (total_ms > left)
			total_ms = left;
	}
	cut = total_ms < (long)c->notify_timeout * 1000;
	if (connect_ms > total_ms)
		connect_ms = total_ms;
	/* the end-to-end tests kill the hook here: before the request nothing
	 * is lost, after it the event goes again with the same delivery id */
	wf_test_pause(git_dir, "notify-before-send");
	t0 = now_mono();
	r = wf_notify_post(&c->webhooks[idx], &e, connect_ms, total_ms, o->why, sizeof(o->why));
	*used += now_mono() - t0;
	wf_spooled_free(&e);
	if (r == 0)
		return delivered(git_dir, dir, seq, st, o);
	o->failed = 1;
	if (r == -2 && cut) {
		/* cut short by this run's budget, not the webhook's fault: no
		 * backoff, the next run sends it again */
		snprintf(o->why, sizeof(o->why), "out of time for this push");
		return -1;
	}
	st->attempts++;
	st->next_try = (long long)time(NULL) + wf_spool_backoff(st->attempts, (long)c->notify_backoff);
	snprintf(st->last_error, sizeof(st->last_error), "%s", o->why);
	wf_spool_state_write(dir, st);
	return -1;
}

static void deliver_one(const char *git_dir, const struct wf_config *c, size_t idx, int flags, struct outcome *o)
{
	const struct wf_webhook *w = &c->webhooks[idx];
	char *dir = wf_spool_dir(git_dir, w->url);
	struct wf_spool_state st;
	int retry = flags & WF_NOTIFY_RETRY, lock, progress = 1;
	long *seqs = NULL;
	size_t n = 0;

	memset(o, 0, sizeof(*o));
	if (wf_spool_list(dir, &seqs, &n) < 0 || n == 0)
		goto count;
	free(seqs);
	seqs = NULL;
	lock = wf_spool_lock_deliver(dir);
	if (lock < 0) {
		/* another hook run is sending this webhook's queue */
		o->busy = 1;
		goto count;
	}
	wf_spool_state_read(dir, &st);
	if (!retry && st.next_try > (long long)time(NULL)) {
		o->waiting = 1;
		goto unlock;
	}
	/* re-list after each pass: events added meanwhile go out too */
	while (progress && !o->failed) {
		progress = 0;
		if (wf_spool_list(dir, &seqs, &n) < 0)
			break;
		for (size_t i = 0; i < n && !o->failed; i++)
			progress |= send_one(git_dir, c, idx, dir, seqs[i], &st, retry, o) == 1;
		free(seqs);
		seqs = NULL;
	}
unlock:
	wf_spool_unlock(lock);
count:
	free(seqs);
	seqs = NULL;
	if (wf_spool_list(dir, &seqs, &n) == 0)
		o->pending = (long)n;
	free(seqs);
	free(dir);
}

long wf_notify_deliver(const char *git_dir, const struct wf_config *c, int flags, FILE *report)
{
	long pending = 0;

	wf_curl_init_once();
	for (size_t i = 0; i < c->n_webhooks; i++) {
		struct outcome o;
		char *r;

		deliver_one(git_dir, c, i, flags, &o);
		pending += o.pending;
		r = wf_url_redacted(c->webhooks[i].url);
		if (report) {
			fprintf(report, "%s: delivered %ld, pending %ld%s%s%s\n", r, o.delivered, o.pending,
				o.busy ? " (another process is delivering)" : "", o.failed ? ": " : "",
				o.failed ? o.why : "");
		} else if (o.failed && o.pending) {
			fprintf(stderr, "workflow: webhook %s: not delivered now (%s); %ld event(s) kept in the spool, "
				"sent later (git-workflow notify --retry)\n", r, o.why, o.pending);
		} else if (o.waiting && o.pending && run_of(i)->added && !run_of(i)->told++) {
			fprintf(stderr, "workflow: webhook %s: failed earlier, so %ld event(s) wait in the spool for its "
				"next try (git-workflow notify)\n", r, o.pending);
		}
		free(r);
	}
	return pending;
}

void wf_notify_emit(const char *git_dir, const struct wf_config *c, const struct wf_event *ev)
{
	if (!c->n_webhooks)
		return;
	if (wf_notify_enqueue(git_dir, c, ev) > 0)
		wf_notify_deliver(git_dir, c, 0, NULL);
}

/* The URL a spool was made for, as kept in its url file (no credentials;
 * malloc'd, "?" when unreadable). */
