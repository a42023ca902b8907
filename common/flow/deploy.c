#include "deploy.h"
#include "deploy_text.h"
#include "maintenance.h"
#include "content.h"
#include "content_clone.h"
#include "dashboard_later.h"
#include "db_deploy.h"
#include "multidev_flow.h"
#include "notify_hooks.h"
#include "opcache.h"
#include "outcome.h"
#include "owner.h"
#include "record.h"
#include "release_deploy.h"
#include "release_hosts.h"
#include "steps.h"
#include "text.h"
#include "fileio.h"
#include "freeze.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum wf_action wf_deploy_kind(struct wf_session *s, const char *old_oid, const char *new_oid)
{
	struct wf_repo_ops ops;
	if (wf_is_zero_oid(old_oid))
		return WF_PROMOTE;
	wf_repo_policy_ops(&s->repo, &ops);
	return ops.is_ancestor(ops.ctx, old_oid, new_oid) == 1 ? WF_PROMOTE : WF_ROLLBACK;
}

void wf_report_refusal(struct wf_session *s, const struct wf_command *c)
{
	const struct wf_update *u = c->u;
	const struct wf_decision *d = &c->d;
	struct wf_record r;
	char *msg = wf_decision_message(d);
	char *opts;

	wf_say("workflow: %s", msg);
	if (!d->env && strncmp(u->ref, "refs/hotfix/", 12)) {
		free(msg);
		return;
	}
	opts = wf_deploy_options_line(s);

	wf_record_start(&r, "refused", "refused", d->env ? d->env->name : "", u->ref, s->pusher, u->old_oid,
			u->new_oid);
	r.message = msg;
	r.options = opts;
	if (wf_record_write(s->repo.git_dir, &r) < 0)
		wf_say("workflow: warning: could not record the refusal in %sworkflow/records", s->repo.git_dir);
	wf_notify_record(s, &r);
	/* the record is the truth, written above; the page is derived from
	 * it and need not keep the pusher waiting */
	wf_dashboard_write_later(s);
	free(opts);
	free(msg);
}

char *wf_join_note(char *note, char *more)
{
	char *j;
	if (!note)
		return more;
	j = xasprintf("%s; %s", note, more);
	free(note);
	free(more);
	return j;
}

/* The newest deploy of env before tag number n that passed (its commit's
 * last deploy there ended ok; a failed one is never a way back), looked at
 * back to a limit: its number (commit in prev), 0 none, -1 error. */
#define PASSED_LOOKBACK 100
static long last_passed(struct wf_session *s, const struct wf_env *env, long n, char prev[WF_OID_MAX + 1])
{
	struct wf_outcome o;

	for (long k = n - 1; k > 0 && k >= n - PASSED_LOOKBACK; k--) {
		int rc = wf_repo_deploy_tag_target(&s->repo, env->name, k, prev);
		if (rc < 0)
			return -1;
		if (rc == 0 && wf_outcome_read(s->repo.git_dir, env->name, prev, &o) == 0 && !strcmp(o.state, "ok"))
			return k;
	}
	return 0;
}

/* Move env back to the last deploy before tag number n that passed
 * (on_failure = rollback, an env without a path). */
static char *roll_back(struct wf_session *s, const struct wf_deploy *d, long n)
{
	char prev[WF_OID_MAX + 1];
	long k = last_passed(s, d->env, n, prev);
	int rc;

	if (k > 0) {
		rc = wf_repo_move_ref(&s->repo, d->env->ref, prev, d->new_oid, "workflow: rollback after failed deploy");
		if (rc == 0)
			return xasprintf("rolled back %s to %s_%s_%ld (%.12s)", d->env->branch,
					 s->config.tag_prefix, d->env->name, k, prev);
		return xasprintf("could not roll back %s: it %s", d->env->branch,
				 rc == 1 ? "moved meanwhile" : "could not be updated");
	}
	return xasprintf("no earlier %s deploy that passed to roll back to; %s stays on %.12s", d->env->branch,
			 d->env->branch, d->new_oid);
}

void wf_deploy_record(struct wf_session *s, const struct wf_deploy *d, const char *status, struct wf_record *r)
{
	/* a refused deploy is a refusal, as log shows refusals: nothing moved */
	int refused = status && !strcmp(status, "refused");

	wf_record_start(r, refused ? "refused" : wf_deploy_kind_word(d->kind),
			status ? status : d->failed ? "failed" : "ok",
			d->env->name, d->ref, d->pusher ? d->pusher : s->pusher, d->old_oid, d->new_oid);
	r->tag = d->tag;
	r->options = d->opts;
	r->message = d->message;
	r->note = d->note;
	r->steps = d->steps.v;
	r->n_steps = d->steps.n;
}

void wf_deploy_clear(struct wf_deploy *d)
{
	wf_record_steps_free(&d->steps);
	sbuf_free(&d->commits);
	free(d->annot);
	free(d->dropped);
	free(d->note);
	free(d->opts);
	free(d->tag);
	free(d->message);
	free(d->shown);
	d->annot = d->dropped = d->note = d->opts = d->tag = d->message = d->shown = NULL;
}

/* The annotation (naming a dropped hotfix), then the deploy tag; Dev's
 * deploys are its pushes: no tag (its release is named dev-N-<sha>).
 * 0, or -1 when the tag could not be made (recorded as failed). */
static int tag_it(struct wf_session *s, struct wf_deploy *d)
{
	struct wf_record r;
	char err[512];

	/* from here until its record, the commit has not passed this env */
	if (wf_outcome_write(s->repo.git_dir, d->env->name, d->new_oid, "running", NULL, 0) < 0)
		wf_say("workflow: warning: cannot note that %s is deploying %.12s", d->env->branch, d->new_oid);
	wf_test_pause(s->repo.git_dir, "deploy-before-tag");
	wf_repo_commit_list(&s->repo, d->old_oid, d->new_oid, 200, &d->commits);
	d->dropped = wf_deploy_dropped_hotfixes(s, d);
	d->annot = wf_deploy_annotation(s, d, d->message, d->dropped, d->commits.buf);
	if (d->dropped) {
		wf_say("workflow: %s of %s dropped hotfix commits not on %s: %s", wf_deploy_kind_word(d->kind),
		       d->env->branch, s->config.dev_branch, d->dropped);
		d->note = xasprintf("dropped hotfix: %s", d->dropped);
	}
	if (d->env->tagless)
		return 0;
	if (wf_repo_create_deploy_tag(&s->repo, d->env->name, d->new_oid, s->pusher, d->annot, &d->tag, err,
				      sizeof(err)) < 0) {
		wf_say("workflow: %s %s: %s", wf_deploy_kind_word(d->kind), d->env->branch, err);
		d->failed = 1;
		d->note = wf_join_note(d->note, xasprintf("tag not created: %s", err));
		return -1;
	}
	wf_say("workflow: %s to %s: tagged %s (%.12s)", wf_deploy_kind_word(d->kind), d->env->branch, d->tag,
	       d->new_oid);
	d->n = atol(strrchr(d->tag, '_') + 1);
	/* the event of a record not written yet: the deploy started */
	wf_deploy_record(s, d, "started", &r);
	r.note = NULL;
	r.n_steps = 0;
	wf_notify_record(s, &r);
	wf_test_pause(s->repo.git_dir, "deploy-after-tag");
	return 0;
}

/* The journal says which phase the deploy enters, before it does. */
static void enter(struct wf_session *s, struct wf_deploy *d, const char *state)
{
	if (d->job)
		wf_job_enter(s->repo.git_dir, d->job, state);
}

/* A failed step of an env that says on_failure = "stop": left serving the
 * failed release on purpose, and said loudly, with the way back. */
static void say_stopped(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *e = d->env;
	char prev[WF_OID_MAX + 1];
	long k;

	if (!e->rel.path || !d->cx.release[0])
		return;
	k = e->tagless ? 0 : last_passed(s, e, d->n, prev);
	wf_say("workflow: WARNING: %s is serving a failed release (releases/%s): on_failure = \"stop\" keeps it",
	       e->branch, d->cx.release);
	/* the last deploy that passed: the release before may have failed too */
	if (k > 0)
		wf_say("workflow: roll it back with: git fetch origin tag %s_%s_%ld && git push -f origin "
		       "'%s_%s_%ld^{commit}:%s'", s->config.tag_prefix, e->name, k, s->config.tag_prefix, e->name, k,
		       e->branch);
	else
		wf_say("workflow: push a fix to %s to replace it", e->branch);
	d->note = wf_join_note(d->note, xasprintf("on_failure = stop: %s serves the failed release %s", e->branch,
						  d->cx.release));
}

/* Steps or checks, here or on the hosts. */
static int run_list(struct wf_session *s, struct wf_deploy *d, const struct wf_step *list, size_t n,
		    const char *what)
{
	return d->env->rel.n_hosts ? wf_hosts_steps(s, d, list, n, &d->cx, what)
				   : wf_deploy_steps(s, d, list, n, &d->cx, what, &d->steps);
}

/* The steps, a new branch env's create steps first; 1 when one failed. */
static int steps_only(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *e = d->env;
	int failed;

	enter(s, d, WF_STATE_STEPS);
	/* the database as the code before left it, before any step changes it */
	failed = wf_db_before_steps(s, d);
	/* PHP serves the new release's code before any step asks it to */
	if (!failed)
		failed = wf_opcache_reset(s, d, &d->cx);
	/* content (-o clone-content; a new branch env's by multidev.clone_content)
	 * is in place before the steps that update the database for it run */
	if (!failed && !e->multidev && e->rel.path && s->opts.clone_content > 0)
		failed = wf_content_deploy(s, d, wf_content_source(&s->config, e, s->opts.clone_from), &d->steps);
	if (!failed)
		failed = e->multidev && wf_md_create_steps(s, d, &d->cx, &d->steps);
	if (!failed)
		failed = run_list(s, d, e->steps, e->n_steps, "step");
	return failed;
}

/* A step or check failed: what the env says to do.  An env with a path
 * goes back to the release before (a failed check always), one without
 * rolls its branch back to the deploy tag before, or it stops there. */
static void after_failure(struct wf_session *s, struct wf_deploy *d, const char *what)
{
	const struct wf_env *e = d->env;

	wf_say("workflow: %s to %s FAILED: a %s failed; nothing after it ran", wf_deploy_kind_word(d->kind),
	       e->branch, what);
	if (e->rel.path && (!strcmp(what, "check") || e->on_failure == WF_ON_FAILURE_ROLLBACK)) {
		wf_release_undo(s, d, &d->cx, what, &d->note);
		wf_opcache_reset(s, d, &d->cx); /* back to the release before's code */
		wf_db_after_undo(s, d);         /* the code only: said, with the way back */
	} else if (e->on_failure == WF_ON_FAILURE_ROLLBACK) {
		char *back = roll_back(s, d, d->n);
		wf_say("workflow: %s", back);
		d->note = wf_join_note(d->note, back);
	} else {
		say_stopped(s, d);
	}
}

/* Maintenance mode could not be turned on (said): off again, and the
 * deploy fails where it stands, before the switch. */
static void maint_refused(struct wf_session *s, struct wf_deploy *d)
{
	wf_maint_off(s, d);
	d->failed = 1;
	if (d->env->rel.path) {
		wf_say("workflow: %s to %s FAILED: nothing was switched", wf_deploy_kind_word(d->kind), d->env->branch);
		wf_release_stay(s, d, &d->cx, &d->note);
	} else {
		after_failure(s, d, "step");
	}
}

/* The release named and ready, maintenance mode on (when the env has it),
 * the switch, the steps, maintenance mode off, the checks; on a failure,
 * after_failure, and maintenance mode off whatever happened. */
static void run_steps(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *e = d->env;
	const char *what = "step";
	int maint = wf_maint_wanted(s, d);

	d->cx.tag = d->tag;
	d->cx.message = d->shown;
	d->cx.out = &d->steps;
	d->cx.since = (long long)time(NULL);
	enter(s, d, WF_STATE_SWITCHED);
	if (wf_release_ready(s, d, d->tag, &d->cx, &d->note) < 0) {
		d->failed = 1;
		return;
	}
	/* before the switch: no visitor gets the new code before its updates */
	if (maint && wf_maint_on(s, d)) {
		maint_refused(s, d);
		return;
	}
	if (wf_release_go(s, d, &d->cx, &d->note) < 0) {
		if (maint)
			wf_maint_off(s, d);
		d->failed = 1;
		return;
	}
	d->failed = steps_only(s, d);
	/* the checks see the site itself, not its maintenance page */
	if (!d->failed && maint) {
		maint = 0;
		d->failed = wf_maint_off(s, d);
	}
	if (!d->failed && e->rel.n_checks) {
		what = "check";
		enter(s, d, WF_STATE_CHECKS);
		d->failed = run_list(s, d, e->rel.checks, e->rel.n_checks, "check");
	}
	wf_release_after_steps(s, d, &d->cx, &d->note);
	if (!d->failed) {
		wf_release_done(s, d, &d->cx);
		return;
	}
	after_failure(s, d, what);
	if (maint)
		wf_maint_off(s, d);
}

/* The last word to the pusher after a failed deploy, after git's own "ok"
 * for the ref: where the branch and current are now. */
static void say_where(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_env *e = d->env;
	char tip[WF_OID_MAX + 1], cur[128] = "";
	int r = wf_repo_ref_tip(&s->repo, e->ref, tip);

	if (e->rel.path)
		wf_release_current(&e->rel, cur);
	wf_say("workflow: %s FAILED: %s is on %.12s%s%s%s%s", e->branch, e->branch, r == 0 ? tip : "(none)",
	       cur[0] ? ", current serves releases/" : "", cur,
	       r == 0 && strcmp(tip, d->new_oid) ? "; the pushed commit is not deployed (git's own line for the ref "
	       "says otherwise: git fetch origin)" : "",
	       r == 0 && !strcmp(tip, d->new_oid) ? "; that is the commit that failed" : "");
}

/* The record, then the journal goes (untagged, it stays: repair tags it
 * later, and the env is never taken for one moved outside the workflow),
 * then the webhooks. */
static void record_it(struct wf_session *s, struct wf_deploy *d)
{
	struct wf_record r;

	wf_deploy_record(s, d, NULL, &r);
	if (wf_record_write(s->repo.git_dir, &r) < 0) {
		wf_say("workflow: warning: could not write the deploy record");
	} else {
		wf_say("workflow: recorded as deploy record %ld (git-workflow show %ld)", r.seq, r.seq);
		if (d->tag || d->env->tagless)
			wf_job_remove(s->repo.git_dir, d->env->name);
	}
	wf_notify_record(s, &r);
}

/* A deploy an overrider pushed into a freeze says so, to the pusher and in
 * its record and event (the policy let it through: freeze.h). */
static void note_override(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_freeze *f;
	struct sbuf why = SBUF_INIT;
	char *w;

	if (!s->opts.override || !d->env->n_freeze ||
	    !(f = wf_freeze_find(d->env->freeze, d->env->n_freeze, time(NULL))))
		return;
	w = wf_freeze_describe(f);
	wf_text_line(&why, s->opts.override, strlen(s->opts.override));
	wf_say("workflow: %s is frozen (%s): deployed anyway, the freeze overridden by %s: %s", d->env->branch, w,
	       s->pusher, why.buf);
	d->note = wf_join_note(d->note, xasprintf("deployed in the freeze %s, overridden by %s: %s", w, s->pusher,
						  why.buf));
	free(w);
	sbuf_free(&why);
}

int wf_deploy_run(struct wf_session *s, struct wf_deploy *d)
{
	int failed;

	d->message = wf_deploy_message(s, d);
	d->shown = wf_deploy_message_line(d->message);
	d->opts = wf_deploy_options_line(s);
	note_override(s, d);
	if (tag_it(s, d) == 0)
		run_steps(s, d);
	record_it(s, d);
	if (d->failed)
		say_where(s, d);
	failed = d->failed;
	wf_deploy_clear(d);
	return failed;
}
