/* pre-receive: sees the whole push before any ref moves.  It reads the
 * push, opens the session, finishes what a dead deploy left (repair), and
 * has the push judged (common/flow/judge.c): the update hook then enforces
 * ref by ref. */
#include "judge.h"
#include "hook_input.h"
#include "owner.h"
#include "repair.h"
#include "runner.h"
#include "dashboard_later.h"
#include "session.h"
#include "fileio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The config loads and the push options are ours: else say why (the push
 * is refused).  0 when the push can be judged. */
static int session_ready(struct wf_session *s)
{
	if (!s->config_ok) {
		wf_say("workflow: %s", s->config_err);
		wf_say("workflow: the workflow config is broken, so every push is refused until it is fixed "
		       "(check it with: git-workflow check-config)");
		return -1;
	}
	if (!s->opts_ok) {
		wf_say("workflow: %s", s->opts_err);
		return -1;
	}
	if (s->opts.note)
		wf_say("workflow: note: no step of this repository's config uses %s, so %s nothing",
		       s->opts.note, strchr(s->opts.note, ',') ? "they change" : "it changes");
	return 0;
}

int main(int argc, char **argv)
{
	struct sbuf in = SBUF_INIT;
	struct wf_session s;
	struct wf_update *u = NULL;
	size_t n = 0;
	char err[1024];
	int rc = 1;

	if (argc > 1 && !strcmp(argv[1], WF_RUNNER_ARG))
		return wf_runner_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], WF_DASHBOARD_ARG))
		return wf_dashboard_writer_main();
	if (wf_read_all(0, &in) < 0) {
		wf_say("workflow: cannot read the hook input; push refused");
		return 1;
	}
	if (wf_hook_input_parse(in.buf ? in.buf : "", in.len, &u, &n, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; push refused", err);
	} else if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; push refused", err);
	} else {
		/* a deploy a dead runner left unfinished is finished before
		 * this push is judged */
		if (session_ready(&s) == 0) {
			if (!s.opts.dry_run)
				wf_repair_if_needed(&s, wf_push_owner());
			rc = wf_judge_push(&s, u, n) == 0 ? 0 : 1;
		}
		wf_session_close(&s);
	}
	wf_updates_free(u, n);
	sbuf_free(&in);
	return rc;
}
