/* POST one spooled event to its webhook (notify_post.c). */
#ifndef WF_NOTIFY_POST_H
#define WF_NOTIFY_POST_H

#include <stddef.h>
#include "config.h"
#include "spool.h"

/* 0 on a 2xx answer, -2 when it timed out, else -1; why says what went
 * wrong (never the URL, which may hold a token, nor the secret). */
int wf_notify_post(const struct wf_webhook *w, const struct wf_spooled *e, long connect_ms, long total_ms,
		   char *why, size_t whylen);

#endif
