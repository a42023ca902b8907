/* Steps and checks on an env's hosts (release_hosts.h): a command over
 * ssh in the host's release, its WF_* variables on stdin (remote_cmd.h
 * says why); an HTTP one from here, once per host, ${WF_HOST} its
 * address. */
#include "release_hosts.h"
#include "hostrun.h"
#include "steps.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void free_env(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

/* The deploy's variables, with WF_PATH and WF_RELEASE the host's, and
 * WF_HOST (its address) and WF_HOST_NAME. */
static char **host_env(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		       const struct wf_host *h)
{
	char **base = wf_deploy_step_env(s, d, cx), **env;
	size_t n = 0, k = 0;

	while (base[n])
		n++;
	env = xcalloc(n + 3, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(base[i], "WF_PATH=", 8))
			env[k++] = xasprintf("WF_PATH=%s", h->path);
		else if (!strncmp(base[i], "WF_RELEASE=", 11))
			env[k++] = xasprintf("WF_RELEASE=%s/releases/%s", h->path, cx->release);
		else
			env[k++] = xstrdup(base[i]);
	}
	env[k++] = xasprintf("WF_HOST=%s", h->host);
	env[k++] = xasprintf("WF_HOST_NAME=%s", h->name);
	free_env(base);
	return env;
}

static void say_result(const char *host, const char *what, const struct wf_step *st, int status, double t)
{
	if (status == 124)
		wf_say("workflow: [%s] %s %s: killed after its timeout of %d s", host, what, st->name, st->timeout);
	else if (status)
		wf_say("workflow: [%s] %s %s: failed (exit %d)", host, what, st->name, status);
	else
		wf_say("workflow: [%s] %s %s: ok (%.1f s)", host, what, st->name, t);
}

/* A command step on the first nh hosts, all at once. */
static int cmd_on_hosts(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *st, size_t nh,
			struct wf_step_ctx *cx, const char *what, const char *recname)
{
	const struct wf_release_conf *rc = &d->env->rel;
	struct hostrun h;
	size_t failed;

	hostrun_init(&h, rc, wf_hosts_ctl(d->job), nh, st->timeout);
	for (size_t i = 0; i < nh; i++) {
		const struct wf_host *ho = &rc->hosts[i];
		char **env = host_env(s, d, cx, ho), *dir = xasprintf("%s/releases/%s", ho->path, cx->release);
		h.input[i] = wf_remote_step_input(env);
		h.jobs[i].max_output = st->max_output;
		hostrun_ssh(&h, i, ho, wf_remote_step(st, dir));
		free(dir);
		free_env(env);
	}
	failed = hostrun_go(&h);
	for (size_t i = 0; i < nh; i++) {
		say_result(rc->hosts[i].name, what, st, h.jobs[i].exit_status, h.jobs[i].duration);
		hostrun_record(&h, i, recname, cx->out);
	}
	hostrun_free(&h);
	return failed > 0;
}

static void url_line(void *ctx, const char *line, size_t len)
{
	hostrun_say(NULL, ctx, line, len);
}

/* An HTTP step from here, once for each of the first nh hosts. */
static int url_on_hosts(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *st, size_t nh,
			struct wf_step_ctx *cx, const char *what, const char *recname)
{
	const struct wf_release_conf *rc = &d->env->rel;
	int failed = 0;

	for (size_t i = 0; i < nh && !failed; i++) {
		const struct wf_host *ho = &rc->hosts[i];
		char **env = host_env(s, d, cx, ho);
		struct wf_step_result res;
		struct wf_record_step *r;

		failed = wf_step_run(st, NULL, env, url_line, (void *)ho->name, &res) != 0;
		if (res.error)
			wf_say("workflow: [%s] %s", ho->name, res.error);
		say_result(ho->name, what, st, res.timed_out ? 124 : failed && !res.exit_status ? 1 : res.exit_status,
			   res.duration);
		if (cx->out) {
			r = wf_record_steps_add(cx->out);
			r->name = xasprintf("%s@%s", recname, ho->name);
			r->exit_status = failed && !res.exit_status ? 1 : res.exit_status;
			r->timed_out = res.timed_out;
			r->duration = res.duration;
			r->output_len = res.output_len;
			wf_compress(res.output ? res.output : "", res.output_len, &r->zoutput, &r->zlen);
		}
		wf_step_result_free(&res);
		free_env(env);
	}
	return failed;
}

int wf_hosts_steps(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *steps, size_t n,
		   struct wf_step_ctx *cx, const char *what)
{
	const struct wf_release_conf *rc = &d->env->rel;
	size_t nh = strcmp(what, "step") || rc->steps_all ? rc->n_hosts : 1;
	const char *const *t = (const char *const *)s->opts.toggles;
	int failed = 0;

	for (size_t i = 0; i < n && !failed; i++) {
		const struct wf_step *st = &steps[i];
		char *recname;

		if (!wf_step_selected(st, t, s->opts.n_toggles)) {
			wf_say("workflow: %s %s: skipped", what, st->name);
			continue;
		}
		wf_say("workflow: %s %s: running on %s", what, st->name, nh > 1 ? "every host" : rc->hosts[0].name);
		recname = strcmp(what, "step") ? xasprintf("%s:%s", what, st->name) : xstrdup(st->name);
		failed = st->url ? url_on_hosts(s, d, st, nh, cx, what, recname)
				 : cmd_on_hosts(s, d, st, nh, cx, what, recname);
		free(recname);
	}
	return failed;
}
