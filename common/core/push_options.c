#include "push_options.h"
#include "text.h"
#include "text.h"
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

/* The conventional step toggles (docs/workflow.md, docs/WORKFLOW.md): known
 * whatever the config's steps, so a shipped config without steps takes them
 * too. */
static const char *const conventional[] = { "clone-content", "update", "cache-clear" };
#define N_CONVENTIONAL (sizeof(conventional) / sizeof(conventional[0]))

int wf_push_option_conventional(const char *name)
{
	for (size_t i = 0; i < N_CONVENTIONAL; i++)
		if (!strcmp(name, conventional[i]))
			return 1;
	return 0;
}

static int in_list(const char *name, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, v[i]))
			return 1;
	return 0;
}

int wf_push_option_is_host(const char *o, const char *const *host, size_t n_host)
{
	size_t len = strcspn(o, "=");
	char *name;
	int r;

	/* a '.' in the name: the git host's (GitLab's ci.skip, merge_request.*) */
	if (memchr(o, '.', len))
		return 1;
	name = xstrndup(o, len);
	r = in_list(name, host, n_host);
	free(name);
	return r;
}

static void known_list(struct sbuf *sb, const char *const *step_opts, size_t n)
{
	sbuf_adds(sb, "message=TEXT, dry-run, drop-hotfix, clone-from=ENV, override=REASON, keep-env, no-keep-env");
	for (size_t i = 0; i < N_CONVENTIONAL; i++)
		sbuf_addf(sb, ", %s, no-%s", conventional[i], conventional[i]);
	sbuf_adds(sb, ", content-up");
	for (size_t i = 0; i < n; i++)
		if (!wf_push_option_conventional(step_opts[i]))
			sbuf_addf(sb, ", %s, no-%s", step_opts[i], step_opts[i]);
	sbuf_adds(sb, ", restore-db");
	sbuf_adds(sb, " (options with a '.' in the name are the git host's and left alone)");
}

static void unknown(const char *o, const char *const *step_opts, size_t n, char *err, size_t errlen)
{
	struct sbuf sb = SBUF_INIT, known = SBUF_INIT;

	wf_text_line(&sb, o, strlen(o));
	known_list(&known, step_opts, n);
	snprintf(err, errlen, "unknown push option '%.100s'; known options: %s", sb.buf ? sb.buf : "", known.buf);
	sbuf_free(&sb);
	sbuf_free(&known);
}

/* A conventional toggle no step of this config uses: said once, in a note. */
static void note_unused(struct wf_push_options *out, const char *o)
{
	struct sbuf sb = SBUF_INIT;

	if (out->note)
		sbuf_adds(&sb, out->note);
	sbuf_addf(&sb, "%s-o %s", out->note ? ", " : "", o);
	free(out->note);
	out->note = sbuf_detach(&sb);
}

/* 1 when o is a step toggle (X or no-X), noting conventional unused ones. */
static int toggle(struct wf_push_options *out, const char *o, const char *const *step_opts, size_t n)
{
	const char *base = strncmp(o, "no-", 3) ? o : o + 3;

	/* clone-content is done by the hooks themselves (docs/content.md),
	 * and still toggles the steps whose `when` it is */
	if (!strcmp(base, "clone-content"))
		out->clone_content = base == o ? 1 : -1;
	if (in_list(base, step_opts, n))
		return 1;
	if (!wf_push_option_conventional(base))
		return 0;
	if (strcmp(base, "clone-content"))
		note_unused(out, o);
	return 1;
}

int wf_push_options_parse(const char *const *raw, size_t n, const char *const *step_opts,
			  size_t n_step_opts, struct wf_push_options *out, char *err, size_t errlen)
{
	return wf_push_options_parse_host(raw, n, step_opts, n_step_opts, NULL, 0, out, err, errlen);
}

int wf_push_options_parse_host(const char *const *raw, size_t n, const char *const *step_opts,
			       size_t n_step_opts, const char *const *host, size_t n_host,
			       struct wf_push_options *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->raw = xcalloc(n + 1, sizeof(char *));
	out->toggles = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *o = raw[i];

		out->raw[out->n_raw++] = xstrdup(o);
		if (!strncmp(o, "message=", 8)) {
			free(out->message);
			out->message = xstrdup(o + 8);
		} else if (!strncmp(o, "clone-from=", 11)) {
			free(out->clone_from);
			out->clone_from = xstrdup(o + 11);
		} else if (!strncmp(o, "override", 8) && (!o[8] || o[8] == '=')) {
			/* a deploy in a freeze says why, for its record */
			if (!o[8] || !o[9] || strspn(o + 9, " \t") == strlen(o + 9)) {
				snprintf(err, errlen, "-o override needs a reason: -o override=\"what this deploy "
					 "fixes\"");
				wf_push_options_free(out);
				return -1;
			}
			free(out->override);
			out->override = xstrdup(o + 9);
		} else if (!strcmp(o, "keep-env") || !strcmp(o, "no-keep-env")) {
			out->keep_env = o[0] == 'k' ? 1 : -1;
		} else if (!strcmp(o, "content-up")) {
			out->content_up = 1;
		} else if (!strcmp(o, "restore-db")) {
			out->restore_db = 1;
		} else if (!strcmp(o, "dry-run")) {
			out->dry_run = 1;
		} else if (!strcmp(o, "drop-hotfix")) {
			out->drop_hotfix = 1;
		} else if (toggle(out, o, step_opts, n_step_opts)) {
			out->toggles[out->n_toggles++] = xstrdup(o);
		} else if (!wf_push_option_is_host(o, host, n_host)) {
			unknown(o, step_opts, n_step_opts, err, errlen);
			wf_push_options_free(out);
			return -1;
		}
	}
	return 0;
}

void wf_push_options_free(struct wf_push_options *o)
{
	free(o->message);
	free(o->clone_from);
	free(o->override);
	free(o->note);
	wf_strv_free(o->toggles, o->n_toggles);
	wf_strv_free(o->raw, o->n_raw);
	memset(o, 0, sizeof(*o));
}
