#include "notify.h"
#include "digest.h"
#include "spool.h"
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

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	(void)ptr;
	(void)ctx;
	return size * nmemb;
}

/* The key from secret_file, without a trailing newline.  NULL with a reason
 * that never includes the content. */
static char *read_secret(const char *path, size_t *len, char *why, size_t whylen)
{
	struct sbuf sb = SBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, whylen, "cannot read secret_file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (wf_read_all(fd, &sb) < 0) {
		snprintf(why, whylen, "cannot read secret_file %s: %s", path, strerror(errno));
		close(fd);
		sbuf_free(&sb);
		return NULL;
	}
	close(fd);
	while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == '\r'))
		sb.buf[--sb.len] = '\0';
	if (!sb.len) {
		snprintf(why, whylen, "secret_file %s is empty", path);
		sbuf_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sbuf_detach(&sb);
}

/* POST one spooled event.  Returns 0 on a 2xx answer, -2 when it timed
 * out, else -1; why says what went wrong. */
static int post(const struct wf_webhook *w, const struct wf_spooled *e, long connect_ms, long total_ms,
		char *why, size_t whylen)
{
	struct curl_slist *h = NULL;
	char *line;
	long code = 0;
	CURLcode rc;
	CURL *curl;

	if (w->secret_file) {
		size_t klen = 0;
		char *key = read_secret(w->secret_file, &klen, why, whylen);
		unsigned char mac[WF_SHA256_LEN];
		char hex[2 * WF_SHA256_LEN + 1];
		if (!key)
			return -1;
		wf_hmac_sha256(key, klen, e->body, e->body_len, mac);
		explicit_bzero(key, klen);
		free(key);
		wf_hex(mac, sizeof(mac), hex);
		line = xasprintf("X-Workflow-Signature-256: sha256=%s", hex);
		h = curl_slist_append(h, line);
		free(line);
	}
	curl = curl_easy_init();
	if (!curl) {
		snprintf(why, whylen, "cannot initialise libcurl");
		curl_slist_free_all(h);
		return -1;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	line = xasprintf("X-Workflow-Event: %s", e->event);
	h = curl_slist_append(h, line);
	free(line);
	line = xasprintf("X-Workflow-Delivery: %s", e->delivery);
	h = curl_slist_append(h, line);
	free(line);

	curl_easy_setopt(curl, CURLOPT_URL, w->url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "git-workflow");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, e->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)e->body_len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(curl);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		/* curl's generic text: never the URL, which may hold a token */
		snprintf(why, whylen, "%s", curl_easy_strerror(rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? -2 : -1;
	}
	if (code < 200 || code > 299) {
		snprintf(why, whylen, "HTTP %ld", code);
		return -1;
	}
	return 0;
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

static void deliver_one(const char *git_dir, const struct wf_config *c, size_t idx, int flags, struct outcome *o)
{
	const struct wf_webhook *w = &c->webhooks[idx];
	char *dir = wf_spool_dir(git_dir, w->url);
	struct wf_spool_state st;
	double *used = &run_of(idx)->spent;
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
		for (size_t i = 0; i < n && !o->failed; i++) {
			struct wf_spooled e;
			long total_ms = (long)c->notify_timeout * 1000, connect_ms = (long)c->notify_connect_timeout * 1000;
			double t0;
			int cut, r = wf_spool_read(dir, seqs[i], &e);

			if (r == 1)
				continue;
			if (r < 0) {
				set_aside(dir, seqs[i]);
				continue;
			}
			if (!retry) {
				long left = (long)((c->notify_timeout - *used) * 1000);
				if (left < 100) {
					wf_spooled_free(&e);
					o->failed = 1;
					snprintf(o->why, sizeof(o->why), "out of time for this push");
					break;
				}
				if (total_ms > left)
					total_ms = left;
			}
			cut = total_ms < (long)c->notify_timeout * 1000;
			if (connect_ms > total_ms)
				connect_ms = total_ms;
			/* the end-to-end tests kill the hook here: before the
			 * request nothing is lost, after it the event goes again
			 * with the same delivery id */
			wf_test_pause(git_dir, "notify-before-send");
			t0 = now_mono();
			r = post(w, &e, connect_ms, total_ms, o->why, sizeof(o->why));
			*used += now_mono() - t0;
			wf_spooled_free(&e);
			if (r == 0) {
				wf_test_pause(git_dir, "notify-after-send");
				o->delivered++;
				if (wf_spool_remove(dir, seqs[i]) < 0) {
					/* it would go again and again: stop here */
					snprintf(o->why, sizeof(o->why), "cannot remove a delivered event from %s: %s",
						 dir, strerror(errno));
					o->failed = 1;
					break;
				}
				progress = 1;
				if (st.attempts || st.next_try || st.last_error[0]) {
					memset(&st, 0, sizeof(st));
					wf_spool_state_write(dir, &st);
				}
			} else if (r == -2 && cut) {
				/* cut short by this run's budget, not the webhook's
				 * fault: no backoff, the next run sends it again */
				snprintf(o->why, sizeof(o->why), "out of time for this push");
				o->failed = 1;
			} else {
				st.attempts++;
				st.next_try = (long long)time(NULL) + wf_spool_backoff(st.attempts);
				snprintf(st.last_error, sizeof(st.last_error), "%s", o->why);
				wf_spool_state_write(dir, &st);
				o->failed = 1;
			}
		}
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
static char *spool_url(const char *dir)
{
	struct sbuf sb = SBUF_INIT;
	char *p = xasprintf("%s/url", dir), *url;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		wf_read_all(fd, &sb);
		close(fd);
	}
	free(p);
	url = sb.buf ? sbuf_detach(&sb) : xstrdup("?");
	url[strcspn(url, "\n")] = '\0';
	return url;
}

long wf_notify_list(const char *git_dir, const struct wf_config *c, FILE *out)
{
	char *root = wf_spool_root(git_dir);
	long total = 0;
	DIR *d;
	struct dirent *de;

	for (size_t i = 0; i < c->n_webhooks; i++) {
		char *dir = wf_spool_dir(git_dir, c->webhooks[i].url), *r = wf_url_redacted(c->webhooks[i].url);
		struct wf_spool_state st;
		long *seqs = NULL;
		size_t n = 0;

		wf_spool_list(dir, &seqs, &n);
		wf_spool_state_read(dir, &st);
		total += (long)n;
		fprintf(out, "%s: %zu pending", r, n);
		if (n && st.attempts) {
			char when[32];
			wf_format_time(st.next_try, when);
			fprintf(out, ", %d failed attempt(s), last error: %s, next try %s", st.attempts,
				st.last_error[0] ? st.last_error : "?", when);
		}
		fputc('\n', out);
		free(seqs);
		free(dir);
		free(r);
	}
	/* spools whose webhook was removed from the config: say so, since
	 * nothing will send them */
	d = opendir(root);
	while (d && (de = readdir(d))) {
		int known = 0;
		char *dir, *url;
		long *seqs = NULL;
		size_t n = 0;
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < c->n_webhooks && !known; i++) {
			char *wd = wf_spool_dir(git_dir, c->webhooks[i].url);
			known = !strcmp(strrchr(wd, '/') + 1, de->d_name);
			free(wd);
		}
		if (known)
			continue;
		dir = xasprintf("%s/%s", root, de->d_name);
		wf_spool_list(dir, &seqs, &n);
		if (n) {
			url = spool_url(dir);
			fprintf(out, "%s: %zu pending, not in the config any more (spool %s)\n", url, n, dir);
			free(url);
		}
		free(seqs);
		free(dir);
	}
	if (d)
		closedir(d);
	free(root);
	return total;
}

/* The spool directory WEBHOOK names (see wf_notify_drop); NULL with err set
 * when it names none or more than one. */
static char *spool_named(const char *git_dir, const struct wf_config *c, const char *webhook, char *err,
			 size_t errlen)
{
	char *root = wf_spool_root(git_dir), *found = NULL;
	size_t matches = 0;
	DIR *d = opendir(root);
	struct dirent *de;
	char *shown = wf_url_redacted(webhook); /* the argument may hold a password */

	while (d && (de = readdir(d))) {
		char *dir, *url;
		int match;
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", root, de->d_name);
		url = spool_url(dir);
		match = !strcmp(webhook, de->d_name) || !strcmp(webhook, url);
		for (size_t i = 0; i < c->n_webhooks && !match; i++) {
			char *wd = wf_spool_dir(git_dir, c->webhooks[i].url);
			match = !strcmp(webhook, c->webhooks[i].url) && !strcmp(wd, dir);
			free(wd);
		}
		free(url);
		if (match && matches++ == 0)
			found = dir;
		else
			free(dir);
	}
	if (d)
		closedir(d);
	if (matches > 1) {
		snprintf(err, errlen, "'%s' names %zu webhook spools; give the spool directory's name instead "
			 "(ls %s)", shown, matches, root);
		free(found);
		found = NULL;
	} else if (!found) {
		snprintf(err, errlen, "no webhook spool for '%s'; give a URL as git-workflow notify --list shows it",
			 shown);
	}
	free(shown);
	free(root);
	return found;
}

long wf_notify_drop(const char *git_dir, const struct wf_config *c, const char *webhook, int all, FILE *out,
		    char *err, size_t errlen)
{
	char *dir, *url;
	long *seqs = NULL;
	size_t n = 0, dropped = 0;
	int lock;

	err[0] = '\0';
	dir = spool_named(git_dir, c, webhook, err, errlen);
	if (!dir)
		return -1;
	url = spool_url(dir);
	/* not while a hook is sending this queue: it may be sending that event */
	lock = wf_spool_lock_deliver(dir);
	if (lock < 0) {
		snprintf(err, errlen, "%s: a hook is delivering its events now; try again in a moment", url);
		goto out;
	}
	if (wf_spool_list(dir, &seqs, &n) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n && (all || i < 1); i++) {
		struct wf_spooled e;
		int r = wf_spool_read(dir, seqs[i], &e);
		if (wf_spool_set_aside(dir, seqs[i]) < 0) {
			snprintf(err, errlen, "cannot move event %ld to %s/dropped: %s", seqs[i], dir, strerror(errno));
			if (r == 0)
				wf_spooled_free(&e);
			goto out;
		}
		fprintf(out, "%s: set aside event %ld (%s, delivery %s) in %s/dropped\n", url, seqs[i],
			r == 0 ? e.event : "unreadable", r == 0 ? e.delivery : "?", dir);
		if (r == 0)
			wf_spooled_free(&e);
		dropped++;
	}
	if (dropped) {
		/* what waited behind it goes out on the next run */
		struct wf_spool_state st;
		memset(&st, 0, sizeof(st));
		wf_spool_state_write(dir, &st);
	}
	fprintf(out, "%s: %zu pending\n", url, n - dropped);
out:
	wf_spool_unlock(lock);
	free(seqs);
	free(url);
	free(dir);
	return err[0] ? -1 : (long)dropped;
}
