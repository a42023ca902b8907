/* The notify group: webhook timeouts, retries, and the webhooks. */
#include "config_internal.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

static const char *const known_events[] = { "deploy", "hotfix", "rollback", "failure", "refused", "multidev" };
#define N_KNOWN_EVENTS (sizeof(known_events) / sizeof(known_events[0]))
static const char *const notify_keys[] = { "connect_timeout", "timeout", "retry_for", "backoff", "webhooks", NULL };
static const char *const webhook_keys[] = { "url", "events", "format", "secret_file", NULL };

static int load_webhook(struct ld *ld, const config_setting_t *g, const char *where, struct wf_webhook *w)
{
	config_setting_t *s;
	const char *v;
	int rc;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a group { url = ...; }", where);
	if (wf_cfg_check_keys(ld, g, where, webhook_keys) < 0)
		return -1;
	if (wf_cfg_get_string(ld, g, "url", where, &s, &v) < 0)
		return -1;
	if (!v)
		return wf_cfg_fail(ld, g, "'%s' has no url", where);
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
		return wf_cfg_fail(ld, s, "'%s.url' must be an http:// or https:// URL", where);
	w->url = xstrdup(v);

	rc = wf_cfg_get_strv(ld, g, "events", where, 1, &s, &w->events, &w->n_events);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		size_t i;
		for (i = 0; i < w->n_events; i++)
			if (!wf_cfg_in_list(w->events[i], known_events, N_KNOWN_EVENTS))
				return wf_cfg_fail(ld, config_setting_get_elem(s, (unsigned)i),
					    "'%s.events': unknown event '%s' (known: deploy, hotfix, rollback, failure, refused, multidev)",
					    where, w->events[i]);
	} else {
		w->events = wf_cfg_strv_dup(known_events, N_KNOWN_EVENTS);
		w->n_events = N_KNOWN_EVENTS;
	}

	if (wf_cfg_get_string(ld, g, "format", where, &s, &v) < 0)
		return -1;
	if (v && strcmp(v, "json") && strcmp(v, "slack"))
		return wf_cfg_fail(ld, s, "'%s.format' must be \"json\" or \"slack\", not '%s'", where, v);
	w->format = xstrdup(v ? v : "json");

	if (wf_cfg_get_string(ld, g, "secret_file", where, &s, &v) < 0)
		return -1;
	if (v) {
		if (!*v)
			return wf_cfg_fail(ld, s, "'%s.secret_file' must not be empty", where);
		w->secret_file = xstrdup(v);
	}
	return 0;
}

int wf_cfg_load_notify(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g, *s;

	if (wf_cfg_get_group(ld, root, "notify", "notify", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "notify", notify_keys) < 0)
		return -1;
	if (wf_cfg_get_timeout(ld, g, "connect_timeout", "notify", &c->notify_connect_timeout) < 0 ||
	    wf_cfg_get_timeout(ld, g, "timeout", "notify", &c->notify_timeout) < 0 ||
	    wf_cfg_get_int_in(ld, g, "retry_for", "notify", 0, WF_TIMEOUT_MAX, "seconds", &c->notify_retry_for) < 0 ||
	    wf_cfg_get_int_in(ld, g, "backoff", "notify", 1, 3600, "seconds", &c->notify_backoff) < 0)
		return -1;
	s = config_setting_get_member(g, "webhooks");
	if (s) {
		int t = config_setting_type(s), n, i;
		if (!(t == CONFIG_TYPE_LIST || (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)))
			return wf_cfg_fail(ld, s, "'notify.webhooks' must be a list ( { ... }, ... )");
		n = config_setting_length(s);
		c->webhooks = xcalloc((size_t)n + 1, sizeof(*c->webhooks));
		for (i = 0; i < n; i++) {
			char *w = xasprintf("notify.webhooks[%d]", i);
			int rc;
			c->n_webhooks = (size_t)i + 1;
			rc = load_webhook(ld, config_setting_get_elem(s, (unsigned)i), w, &c->webhooks[i]);
			free(w);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

