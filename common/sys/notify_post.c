/* One webhook request: POST a spooled event, signed with HMAC-SHA256
 * when the webhook has a secret_file (the key is read for the request and
 * wiped after it, never printed). */
#include "notify_post.h"
#include "digest.h"
#include "util.h"

#include "curl_lazy.h" /* libcurl loaded on first use */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
int wf_notify_post(const struct wf_webhook *w, const struct wf_spooled *e, long connect_ms, long total_ms,
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

