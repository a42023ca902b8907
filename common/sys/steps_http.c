/* An HTTP step, made with libcurl (loaded on first use): ${WF_...}
 * substituted per context (subst.c), a non-2xx answer is a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "curl_lazy.h"

#include "steps_run.h"
#include "subst.h"
#include "util.h"

static size_t http_write(char *data, size_t size, size_t nmemb, void *ud)
{
	wf_output_add(ud, data, size * nmemb);
	return size * nmemb;
}

int wf_step_http(const struct wf_step *s, char *const env[], struct wf_output *c,
		    struct wf_step_result *res)
{
	int timeout = s->timeout > 0 ? s->timeout : WF_STEP_TIMEOUT_DEFAULT;
	const char *method = s->method && *s->method ? s->method : "POST";
	struct curl_slist *hdrs = NULL;
	char *url, *body = NULL, line[64];
	long code = 0;
	CURLcode rc;
	CURL *curl;

	wf_curl_init_once();
	curl = curl_easy_init();
	if (!curl) {
		res->exit_status = -1;
		res->error = xstrdup("cannot initialise libcurl");
		return 1;
	}
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

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 10 ? timeout : 10));
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "git-workflow");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, c);
	if (hdrs)
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
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

	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);

	/* Finish a partial last line of the body before the status line. */
	if (wf_output_last_byte(c) >= 0 && wf_output_last_byte(c) != '\n')
		wf_output_add(c, "\n", 1);
	if (rc != CURLE_OK) {
		res->exit_status = -1;
		res->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		res->error = xstrdup(curl_easy_strerror(rc));
		snprintf(line, sizeof(line), "HTTP error: ");
		wf_output_add(c, line, strlen(line));
		wf_output_add(c, res->error, strlen(res->error));
		wf_output_add(c, "\n", 1);
	} else {
		snprintf(line, sizeof(line), "HTTP %ld\n", code);
		wf_output_add(c, line, strlen(line));
		if (code >= 200 && code < 300) {
			res->exit_status = 0;
		} else {
			res->exit_status = (int)code;
			res->error = xasprintf("HTTP %ld", code);
		}
	}

	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	free(url);
	free(body);
	return res->exit_status == 0 ? 0 : 1;
}

