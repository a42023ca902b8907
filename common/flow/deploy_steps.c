/* The steps of a deploy, its build and its checks: each run in its own
 * process group, output streamed to the pusher (or the run's log), kept
 * compressed for the record. */
#include "deploy.h"
#include "steps.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stream_ctx {
	const char *step;
	const char *git_dir;
	struct wf_job *job;
};

/* A step's process group, journaled: a runner killed now leaves it to
 * repair to stop before any other deploy starts. */
static void note_step(void *ctx, long pgid)
{
	struct stream_ctx *sc = ctx;
	if (sc->job)
		wf_job_step(sc->git_dir, sc->job, sc->step, pgid, 0);
}

static void stream_line(void *ctx, const char *line, size_t len)
{
	struct stream_ctx *sc = ctx;
	struct sbuf sb = SBUF_INIT;

	/* made safe for the pusher's terminal: a CR or an escape sequence
	 * (perhaps echoing pushed text) must not forge or rewrite lines */
	wf_text_escape(&sb, line, len, WF_TEXT_OUTPUT);
	fprintf(stderr, "[%s] %s\n", sc->step, sb.buf ? sb.buf : "");
	fflush(stderr);
	sbuf_free(&sb);
}

char **wf_deploy_step_env(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx)
{
	char **env = xcalloc(15, sizeof(*env));
	int k = 0;

	env[k++] = xasprintf("WF_ENV=%s", d->env->name);
	env[k++] = xasprintf("WF_OLD=%s", d->old_oid);
	env[k++] = xasprintf("WF_NEW=%s", d->new_oid);
	env[k++] = xasprintf("WF_TAG=%s", cx->tag ? cx->tag : "");
	env[k++] = xasprintf("WF_PUSHER=%s", s->pusher);
	env[k++] = xasprintf("WF_MESSAGE=%s", cx->message ? cx->message : "");
	env[k++] = xasprintf("WF_KIND=%s", wf_deploy_kind_word(d->kind));
	if (cx->release[0]) {
		env[k++] = xasprintf("WF_PATH=%s", d->env->rel.path);
		env[k++] = xasprintf("WF_RELEASE=%s", cx->cwd);
		env[k++] = xasprintf("WF_RELEASE_NAME=%s", cx->release);
	}
	if (cx->clone_from) {
		env[k++] = xasprintf("WF_CLONE_FROM=%s", cx->clone_from);
		env[k++] = xasprintf("WF_CLONE_FROM_PATH=%s", cx->clone_from_path ? cx->clone_from_path : "");
	}
	return env;
}

static void keep_result(const struct wf_step *st, const char *what, struct wf_step_result *res,
			struct wf_record_step *r)
{
	r->name = strcmp(what, "step") ? xasprintf("%s:%s", what, st->name) : xstrdup(st->name);
	r->exit_status = res->exit_status;
	r->timed_out = res->timed_out;
	r->duration = res->duration;
	r->output_len = res->output_len;
	wf_compress(res->output ? res->output : "", res->output_len, &r->zoutput, &r->zlen);
}

/* Say how step st ended. */
static void say_result(const struct wf_step *st, const char *what, int failed, const struct wf_step_result *res)
{
	if (res->timed_out)
		wf_say("workflow: %s %s: killed after its timeout of %d s", what, st->name, st->timeout);
	else if (failed && st->url && st->expect && res->error)
		wf_say("workflow: %s %s: failed: %s", what, st->name, res->error);
	else if (failed && st->url && res->exit_status > 0)
		wf_say("workflow: %s %s: failed (HTTP %d)", what, st->name, res->exit_status);
	else if (failed)
		wf_say("workflow: %s %s: failed (exit %d)%s%s", what, st->name, res->exit_status,
		       res->error ? ": " : "", res->error ? res->error : "");
	else
		wf_say("workflow: %s %s: ok (%.1f s)", what, st->name, res->duration);
}

/* One step, its WF_* variables and extra ones (NULL-terminated, or NULL),
 * its result added to out.  1 when it failed. */
static int run_one(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *st,
		   const struct wf_step_ctx *cx, char *const extra[], const char *what, struct wf_record_steps *out)
{
	struct wf_step_result res;
	struct stream_ctx sc = { st->name, s->repo.git_dir, d->job };
	char **env = wf_deploy_step_env(s, d, cx);
	size_t n = 0, k = 0;
	int failed;

	while (env[n])
		n++;
	while (extra && extra[k])
		k++;
	env = xrealloc(env, (n + k + 1) * sizeof(*env));
	for (size_t i = 0; i < k; i++)
		env[n + i] = xstrdup(extra[i]);
	env[n + k] = NULL;
	wf_say("workflow: %s %s: running", what, st->name);
	memset(&res, 0, sizeof(res));
	/* the runner's journal names the step's process group, so that
	 * repair can stop it if this process dies */
	wf_steps_on_start(note_step, &sc);
	failed = wf_step_run(st, cx->cwd[0] ? cx->cwd : s->repo.git_dir, env, stream_line, &sc, &res) != 0;
	wf_steps_on_start(NULL, NULL);
	if (d->job)
		wf_job_step(s->repo.git_dir, d->job, st->name, 0, res.exit_status);
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
	say_result(st, what, failed, &res);
	if (out)
		keep_result(st, what, &res, wf_record_steps_add(out));
	wf_step_result_free(&res);
	return failed;
}

int wf_deploy_run_step(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *st,
		       const struct wf_step_ctx *cx, char *const extra[], const char *what)
{
	return run_one(s, d, st, cx, extra, what, cx->out);
}

int wf_deploy_steps(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *steps, size_t n,
		    const struct wf_step_ctx *cx, const char *what, struct wf_record_steps *out)
{
	size_t nt = s->opts.n_toggles;
	const char *const *t = (const char *const *)s->opts.toggles;
	int failed = 0;

	for (size_t i = 0; i < n && !failed; i++) {
		if (!wf_step_selected(&steps[i], t, nt)) {
			wf_say("workflow: %s %s: skipped", what, steps[i].name);
			continue;
		}
		failed = run_one(s, d, &steps[i], cx, NULL, what, out);
	}
	return failed;
}
