#include "push_options.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WF_MAX_PUSH_OPTIONS 100

void wf_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int wf_push_options_from_env(char ***raw, size_t *n, char *err, size_t errlen)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	char *end;
	long cnt;

	*raw = NULL;
	*n = 0;
	if (!count || !*count)
		return 0;
	errno = 0;
	cnt = strtol(count, &end, 10);
	if (errno || *end || cnt < 0 || cnt > WF_MAX_PUSH_OPTIONS) {
		snprintf(err, errlen, "GIT_PUSH_OPTION_COUNT is '%.20s', not a count up to %d: "
			 "send fewer push options", count, WF_MAX_PUSH_OPTIONS);
		return -1;
	}
	*raw = xcalloc((size_t)cnt + 1, sizeof(char *));
	for (long i = 0; i < cnt; i++) {
		char name[40];
		const char *v;
		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%ld", i);
		v = getenv(name);
		if (!v) {
			snprintf(err, errlen, "%s is missing although GIT_PUSH_OPTION_COUNT is %ld", name, cnt);
			wf_strv_free(*raw, (size_t)i);
			*raw = NULL;
			return -1;
		}
		(*raw)[i] = xstrdup(v);
	}
	*n = (size_t)cnt;
	return 0;
}

static void known_list(struct sbuf *sb, const char *const *step_opts, size_t n)
{
	sbuf_adds(sb, "message=TEXT, dry-run, drop-hotfix");
	for (size_t i = 0; i < n; i++)
		sbuf_addf(sb, ", %s, no-%s", step_opts[i], step_opts[i]);
}

int wf_push_options_parse(const char *const *raw, size_t n, const char *const *step_opts,
			  size_t n_step_opts, struct wf_push_options *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->raw = xcalloc(n + 1, sizeof(char *));
	out->toggles = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *o = raw[i];
		int ok = 0;

		out->raw[out->n_raw++] = xstrdup(o);
		if (!strncmp(o, "message=", 8)) {
			free(out->message);
			out->message = xstrdup(o + 8);
			continue;
		}
		if (!strcmp(o, "dry-run")) {
			out->dry_run = 1;
			continue;
		}
		if (!strcmp(o, "drop-hotfix")) {
			out->drop_hotfix = 1;
			continue;
		}
		for (size_t k = 0; k < n_step_opts && !ok; k++) {
			const char *base = o;
			if (!strncmp(base, "no-", 3))
				base += 3;
			ok = !strcmp(base, step_opts[k]);
		}
		if (ok) {
			out->toggles[out->n_toggles++] = xstrdup(o);
			continue;
		}
		{
			struct sbuf sb = SBUF_INIT, known = SBUF_INIT;
			sbuf_add_escaped(&sb, o, strlen(o));
			known_list(&known, step_opts, n_step_opts);
			snprintf(err, errlen, "unknown push option '%.100s'; known options: %s",
				 sb.buf ? sb.buf : "", known.buf);
			sbuf_free(&sb);
			sbuf_free(&known);
		}
		wf_push_options_free(out);
		return -1;
	}
	return 0;
}

void wf_push_options_free(struct wf_push_options *o)
{
	free(o->message);
	wf_strv_free(o->toggles, o->n_toggles);
	wf_strv_free(o->raw, o->n_raw);
	memset(o, 0, sizeof(*o));
}
