/* hostrun.h: the fan-out of release_hosts*.c, printed and recorded. */
#include "hostrun.h"
#include "steps.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hostrun_init(struct hostrun *h, const struct wf_release_conf *rc, const char *ctl, size_t n, int timeout)
{
	memset(h, 0, sizeof(*h));
	h->rc = rc;
	h->ctl = ctl;
	h->n = n;
	h->max = rc->parallel > 0 ? (size_t)rc->parallel : 0;
	h->host = xcalloc(n + 1, sizeof(*h->host));
	h->jobs = xcalloc(n + 1, sizeof(*h->jobs));
	h->argv = xcalloc(n + 1, sizeof(*h->argv));
	h->input = xcalloc(n + 1, sizeof(*h->input));
	for (size_t i = 0; i < n; i++) {
		h->jobs[i].timeout = timeout > 0 ? timeout : WF_STEP_TIMEOUT_DEFAULT;
		h->jobs[i].max_output = 1024 * 1024;
	}
}

struct wf_argv *hostrun_cmd(struct hostrun *h, size_t i)
{
	return &h->argv[i][h->jobs[i].n_cmds++];
}

void hostrun_ssh(struct hostrun *h, size_t i, const struct wf_host *host, char *cmd)
{
	h->host[i] = host;
	wf_remote_ssh(h->rc, host, h->ctl, cmd, hostrun_cmd(h, i));
	free(cmd);
}

/* Each line as the pusher sees it: made safe for a terminal, after the
 * host's name. */
void hostrun_say(void *ctx, const char *label, const char *line, size_t len)
{
	struct sbuf sb = SBUF_INIT;

	(void)ctx;
	wf_text_escape(&sb, line, len, WF_TEXT_OUTPUT);
	fprintf(stderr, "[%s] %s\n", label, sb.buf ? sb.buf : "");
	fflush(stderr);
	sbuf_free(&sb);
}

size_t hostrun_go(struct hostrun *h)
{
	for (size_t i = 0; i < h->n; i++) {
		h->jobs[i].label = h->host[i]->name;
		h->jobs[i].input = h->input[i];
		for (size_t k = 0; k < h->jobs[i].n_cmds; k++)
			h->jobs[i].cmds[k] = h->argv[i][k].v;
	}
	return wf_fan_run(h->jobs, h->n, h->max, h->quiet ? NULL : hostrun_say, NULL);
}

void hostrun_reason(const struct hostrun *h, size_t i, char *buf, size_t len)
{
	const struct wf_fan_job *j = &h->jobs[i];
	const char *o = j->output ? j->output : "", *end = o + j->output_len, *start;
	struct sbuf sb = SBUF_INIT;

	while (end > o && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	for (start = end; start > o && start[-1] != '\n';)
		start--;
	wf_text_line(&sb, start, (size_t)(end - start));
	if (sb.len)
		snprintf(buf, len, "%s", sb.buf);
	else if (j->exit_status == 124)
		snprintf(buf, len, "timed out");
	else
		snprintf(buf, len, "exit %d", j->exit_status);
	sbuf_free(&sb);
}

void hostrun_record(const struct hostrun *h, size_t i, const char *what, struct wf_record_steps *out)
{
	const struct wf_fan_job *j = &h->jobs[i];
	struct wf_record_step *r;

	if (!out)
		return;
	r = wf_record_steps_add(out);
	r->name = xasprintf("%s@%s", what, h->host[i]->name);
	r->exit_status = j->exit_status;
	r->timed_out = j->exit_status == 124;
	r->duration = j->duration;
	r->output_len = j->output_len;
	wf_compress(j->output ? j->output : "", j->output_len, &r->zoutput, &r->zlen);
}

void hostrun_free(struct hostrun *h)
{
	wf_fan_free(h->jobs, h->n);
	for (size_t i = 0; i < h->n; i++) {
		for (size_t k = 0; k < 3; k++)
			wf_argv_free(&h->argv[i][k]);
		free(h->input[i]);
	}
	free(h->input);
	free(h->argv);
	free(h->jobs);
	free(h->host);
	memset(h, 0, sizeof(*h));
}
