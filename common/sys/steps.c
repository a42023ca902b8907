/* Update steps: a command or an HTTP call (steps_exec.c, steps_http.c),
 * output kept within the step's max_output and streamed line by line
 * (output.c); which steps a push's options select. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "steps.h"
#include "steps_run.h"
#include "util.h"

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int wf_step_run(const struct wf_step *s, const char *cwd, char *const env[],
		wf_line_cb cb, void *cbctx, struct wf_step_result *res)
{
	struct wf_output c;
	struct sigaction ign, old;
	double start = now_mono();
	int rc;

	memset(res, 0, sizeof(*res));
	wf_output_init(&c, s->max_output, cb, cbctx);
	/* A pusher that hangs up must not kill us with SIGPIPE mid-step. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);

	if (s->url)
		rc = wf_step_http(s, env, &c, res);
	else
		rc = wf_step_exec(s, cwd, env, &c, res);

	res->output_total = c.total;
	wf_output_finish(&c, &res->output, &res->output_len);
	res->duration = now_mono() - start;
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}

void wf_step_result_free(struct wf_step_result *res)
{
	if (!res)
		return;
	free(res->output);
	free(res->error);
	res->output = NULL;
	res->error = NULL;
	res->output_len = 0;
}

int wf_step_selected(const struct wf_step *s, const char *const *opts, size_t n_opts)
{
	int said_on = 0, said_off = 0;
	size_t wl;

	if (!s->when || !*s->when)
		return 1;
	wl = strlen(s->when);
	for (size_t i = 0; i < n_opts; i++) {
		const char *o = opts[i];
		if (!o)
			continue;
		if (strcmp(o, s->when) == 0)
			said_on = 1;
		else if (strncmp(o, "no-", 3) == 0 && strncmp(o + 3, s->when, wl) == 0 && o[3 + wl] == '\0')
			said_off = 1;
	}
	if (said_on)
		return 1;
	return s->default_on && !said_off;
}

