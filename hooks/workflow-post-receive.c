/* workflow-post-receive (run by the post-receive front, hooks/post-receive.c, when the push has work
 * for it): the refs have moved.  The deploys this push started run in their
 * runner (common/sys/runner.h); this hook tells the runner the refs are final
 * and follows its output for the pusher, for workflow.wait seconds at most.
 * The deploy does not depend on it: a pusher who goes away, reads slowly or
 * presses Ctrl-C only stops the following. */
#include "fileio.h"
#include "follow.h"
#include "hook_input.h"
#include "journal.h"
#include "lock.h"
#include "notify.h"
#include "owner.h"
#include "push_state.h"
#include "runner.h"
#include "dashboard_later.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tell the runner of each deploy of this push to go on; its run, or 0. */
static long start_runs(struct wf_session *s)
{
	size_t n;
	char **envs = wf_job_envs(s->repo.git_dir, &n);
	long owner = wf_push_owner(), run = 0;
	unsigned long long start = wf_proc_start_time(owner);

	for (size_t i = 0; i < n; i++) {
		struct wf_job j;
		if (wf_job_read(s->repo.git_dir, envs[i], &j) != 0)
			continue;
		if (j.owner_pid == owner && j.owner_start == start && !j.running) {
			wf_runner_go(j.runner_pid, j.runner_start);
			run = j.run;
		}
		wf_job_free(&j);
	}
	wf_strv_free(envs, n);
	return run;
}

/* refs/approve/<tag> only carried an approval (pre-receive noted it):
 * the ref goes, as a hotfix ref does once applied. */
static void take_back_approvals(struct wf_session *s, const struct sbuf *in)
{
	struct wf_update *u = NULL;
	size_t n = 0;
	char err[256];

	if (wf_hook_input_parse(in->buf ? in->buf : "", in->len, &u, &n, err, sizeof(err)) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (wf_is_approve_ref(u[i].ref) && !wf_is_zero_oid(u[i].new_oid))
			wf_repo_delete_ref(&s->repo, u[i].ref, u[i].new_oid);
	wf_updates_free(u, n);
}

static void follow(struct wf_session *s, long run)
{
	long long wait = s->config.wait;
	/* a CGI request (smart HTTP): the web server's timeout bounds it */
	int http = getenv("REQUEST_METHOD") != NULL;

	if (http && (wait == 0 || wait > s->config.http_wait))
		wait = s->config.http_wait;
	switch (wf_follow(s->repo.git_dir, run, (long)wait, 2)) {
	case WF_FOLLOW_WAITED:
		wf_say("workflow: the deploy goes on on the server%s; follow it with: git-workflow follow %ld",
		       http ? " (over HTTP a push follows it workflow.http_wait seconds)" : "", run);
		break;
	case WF_FOLLOW_DIED:
		wf_say("workflow: the deploy runner ended before the deploy did; the next push repairs it "
		       "(or run: git-workflow repair)");
		break;
	case WF_FOLLOW_NONE:
		wf_say("workflow: cannot follow deploy run %ld; see git-workflow status", run);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	struct sbuf in = SBUF_INIT;
	struct wf_session s;
	char err[1024];
	long run = 0;

	if (argc > 1 && !strcmp(argv[1], WF_RUNNER_ARG))
		return wf_runner_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], WF_DASHBOARD_ARG))
		return wf_dashboard_writer_main();
	/* the input says which refs moved; the journals say the same for the
	 * deploys: it is read for the approval refs only */
	if (wf_read_all(0, &in) < 0) {
		wf_say("workflow: post-receive: cannot read the hook input");
		return 1;
	}
	if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: post-receive: %s", err);
		sbuf_free(&in);
		return 1;
	}
	take_back_approvals(&s, &in);
	sbuf_free(&in);
	wf_test_pause(s.repo.git_dir, "post-receive-start");
	if (s.config_ok)
		run = start_runs(&s);
	wf_push_state_remove(s.repo.git_dir, wf_push_owner());
	wf_lock_release(s.repo.git_dir, wf_push_owner());
	if (run)
		follow(&s, run);
	else if (s.config_ok && s.config.n_webhooks)
		/* webhook events an earlier run could not send */
		wf_notify_deliver(s.repo.git_dir, &s.config, 0, NULL);
	wf_session_close(&s);
	return 0;
}
