/* An HTTP step, made with libcurl (loaded on first use): ${WF_...}
 * substituted per context (subst.c), a non-2xx answer is a failure.  With
 * `expect`, the answer must also carry that text (in its body or a
 * header), asked again until it does or the timeout passes: a check that
 * the web server really serves the new release, not the old code PHP or a
 * cache may still hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "curl_lazy.h"

#include "steps_run.h"
#include "subst.h"
#include "util.h"

#define EXPECT_RETRY_MS 300

struct answer {
	struct sbuf body, headers;
	long code;
	CURLcode rc;
};

static size_t add_to(char *data, size_t size, size_t nmemb, void *ud)
{
	sbuf_add(ud, data, size * nmemb);
	return size * nmemb;
}

static void set_method(CURL *curl, const char *method, const char *body)
{
	if (strcmp(method, "GET") == 0 && !body) {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else {
		if (body || strcmp(method, "POST") == 0) {
			curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
			curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		}
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	}
}

/* One request, on a handle of its own (the lazily loaded libcurl has no
 * curl_easy_reset). */
static void ask(const struct wf_step *s, const char *url, struct curl_slist *hdrs, const char *body, int timeout,
		struct answer *a)
{
	CURL *curl = curl_easy_init();

	memset(a, 0, sizeof(*a));
	a->rc = CURLE_FAILED_INIT;
	if (!curl)
		return;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)(timeout > 0 ? timeout : 1));
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 10 ? (timeout > 0 ? timeout : 1) : 10));
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "git-workflow");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, add_to);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a->body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, add_to);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &a->headers);
	if (hdrs)
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	set_method(curl, s->method && *s->method ? s->method : "POST", body);
	a->rc = curl_easy_perform(curl);
	if (a->rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->code);
	curl_easy_cleanup(curl);
}

static int carries(const struct answer *a, const char *want)
{
	return a->rc == CURLE_OK && a->code >= 200 && a->code < 300 && want &&
	       ((a->body.buf && memmem(a->body.buf, a->body.len, want, strlen(want))) ||
		(a->headers.buf && memmem(a->headers.buf, a->headers.len, want, strlen(want))));
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first lines of the body, and how much was left out: a check that
 * GETs a page must not print (and record) the whole page every deploy. */
static void add_body(const struct sbuf *body, int lines, struct wf_output *c)
{
	size_t at = 0, n = 0;
	char more[96];

	while (at < body->len && (int)n < lines) {
		const char *nl = memchr(body->buf + at, '\n', body->len - at);
		at = nl ? (size_t)(nl - body->buf) + 1 : body->len;
		n++;
	}
	wf_output_add(c, body->buf, at);
	if (at < body->len) {
		snprintf(more, sizeof(more), "%s[%zu more bytes of the answer not kept]\n",
			 at && body->buf[at - 1] != '\n' ? "\n" : "", body->len - at);
		wf_output_add(c, more, strlen(more));
	}
}

/* The answer into the step's output and result. */
static void report(const struct answer *a, const char *want, int timeout, int lines, struct wf_output *c,
		   struct wf_step_result *res)
{
	char line[64];

	if (a->body.len)
		add_body(&a->body, lines, c);
	/* Finish a partial last line of the body before the status line. */
	if (wf_output_last_byte(c) >= 0 && wf_output_last_byte(c) != '\n')
		wf_output_add(c, "\n", 1);
	if (a->rc != CURLE_OK) {
		res->exit_status = -1;
		res->timed_out = a->rc == CURLE_OPERATION_TIMEDOUT;
		res->error = xstrdup(curl_easy_strerror(a->rc));
		wf_output_add(c, "HTTP error: ", 12);
		wf_output_add(c, res->error, strlen(res->error));
		wf_output_add(c, "\n", 1);
		return;
	}
	snprintf(line, sizeof(line), "HTTP %ld\n", a->code);
	wf_output_add(c, line, strlen(line));
	if (a->code < 200 || a->code >= 300) {
		res->exit_status = (int)a->code;
		res->error = xasprintf("HTTP %ld", a->code);
	} else if (want && !carries(a, want)) {
		res->exit_status = 1;
		res->error = xasprintf("the answer did not carry '%.200s' within %d s: it serves something else", want,
				       timeout);
	}
}

int wf_step_http(const struct wf_step *s, char *const env[], struct wf_output *c, struct wf_step_result *res)
{
	int timeout = s->timeout > 0 ? s->timeout : WF_STEP_TIMEOUT_DEFAULT;
	struct curl_slist *hdrs = NULL;
	char *url, *body = NULL, *want = NULL;
	double deadline = mono() + timeout;
	struct answer a;

	wf_curl_init_once();
	url = wf_subst(s->url, env, WF_SUBST_URL);
	for (size_t i = 0; i < s->n_headers; i++) {
		char *h = wf_subst(s->headers[i], env, WF_SUBST_HEADER);
		struct curl_slist *n = curl_slist_append(hdrs, h);
		free(h);
		if (n)
			hdrs = n;
	}
	if (s->body)
		body = wf_subst(s->body, env, wf_subst_body_mode(s->headers, s->n_headers));
	if (s->expect)
		want = wf_subst(s->expect, env, WF_SUBST_RAW);
	for (;;) {
		int left = (int)(deadline - mono() + 0.999);
		ask(s, url, hdrs, body, left, &a);
		/* only a check that waits for the new release asks again */
		if (!want || carries(&a, want) || a.rc == CURLE_FAILED_INIT ||
		    mono() + EXPECT_RETRY_MS / 1000.0 >= deadline)
			break;
		sbuf_free(&a.body);
		sbuf_free(&a.headers);
		nanosleep(&(struct timespec){ 0, EXPECT_RETRY_MS * 1000000L }, NULL);
	}
	report(&a, want, timeout, s->body_lines > 0 ? s->body_lines : s->body_lines < 0 ? 0 : WF_BODY_LINES_DEFAULT,
	       c, res);
	sbuf_free(&a.body);
	sbuf_free(&a.headers);
	curl_slist_free_all(hdrs);
	free(url);
	free(body);
	free(want);
	return res->exit_status == 0 ? 0 : 1;
}
