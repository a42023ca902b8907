/* pre-receive: sees the whole push before any ref moves.  It checks what
 * applies to the push as a whole (input, config, push options, the deploy
 * lock), says why each refused ref is refused, prints a dry run, and saves
 * the push for the update hook, which enforces ref by ref. */
#include "deploy.h"
#include "hook_input.h"
#include "owner.h"
#include "lock.h"
#include "notify.h"
#include "outside.h"
#include "plan.h"
#include "repair.h"
#include "policy.h"
#include "session.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int needs_lock(enum wf_action a)
{
	return a == WF_PROMOTE || a == WF_ROLLBACK || a == WF_HOTFIX;
}

static int save_bases(struct wf_session *s, const struct wf_decision *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].action == WF_HOTFIX &&
		    wf_plan_save_base(s->repo.git_dir, wf_push_owner(), d[i].env->ref, d[i].base) < 0)
			return -1;
	return 0;
}

/* The decisions were taken before the lock was ours: a deploy that
 * finished in between may have moved the env.  Say so now; git would only
 * fail the ref update with "cannot lock ref" and give no reason.  Returns
 * the env that moved, or NULL. */
static const struct wf_env *env_moved(struct wf_session *s, const struct wf_update *u,
				      const struct wf_decision *d, size_t n, char now[WF_OID_MAX + 1])
{
	for (size_t i = 0; i < n; i++) {
		const char *expect;
		int rc;
		if (!needs_lock(d[i].action))
			continue;
		/* a hotfix was checked on top of the env's tip; a promotion or
		 * rollback names the env's tip as its old value */
		expect = d[i].action == WF_HOTFIX ? d[i].base : u[i].old_oid;
		rc = wf_repo_ref_tip(&s->repo, d[i].env->ref, now);
		if (rc == 1)
			memset(now, '0', strlen(expect)), now[strlen(expect)] = '\0';
		if (rc < 0 || strcmp(now, expect) != 0)
			return d[i].env;
	}
	return NULL;
}

/* Each deploy of this push gets its in-flight journal before any ref
 * moves: should post-receive never run, or die before its own, repair
 * still knows a push moved the env, not someone outside the workflow. */
static int journal_deploys(struct wf_session *s, const struct wf_update *u, const struct wf_decision *d,
			   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct wf_deploy dep = { d[i].action, d[i].env, u[i].ref, "", "" };
		if (!needs_lock(d[i].action))
			continue;
		strcpy(dep.old_oid, d[i].action == WF_HOTFIX ? d[i].base : u[i].old_oid);
		strcpy(dep.new_oid, u[i].new_oid);
		if (wf_inflight_accept(s, &dep, wf_push_owner()) < 0)
			return -1;
	}
	return 0;
}

int main(void)
{
	struct sbuf in = SBUF_INIT;
	struct wf_session s;
	struct wf_update *u = NULL;
	struct wf_decision *d = NULL;
	size_t n = 0;
	char err[1024];
	int rc = 1;
	const char *lock_env = NULL;

	if (wf_read_all(0, &in) < 0) {
		wf_say("workflow: cannot read the hook input; push refused");
		return 1;
	}
	if (wf_hook_input_parse(in.buf ? in.buf : "", in.len, &u, &n, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; push refused", err);
		sbuf_free(&in);
		return 1;
	}
	if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; push refused", err);
		goto out_input;
	}
	if (!s.config_ok) {
		wf_say("workflow: %s", s.config_err);
		wf_say("workflow: the workflow config is broken, so every push is refused until it is fixed "
		       "(check it with: git-workflow check-config)");
		goto out;
	}
	if (!s.opts_ok) {
		wf_say("workflow: %s", s.opts_err);
		goto out;
	}
	/* A deploy a killed post-receive left unfinished gets tagged and
	 * recorded before this push is judged. */
	if (!s.opts.dry_run)
		wf_repair_if_needed(&s, wf_push_owner());
	{
		struct wf_push p = { u, n, s.pusher };
		struct wf_repo_ops ops;
		wf_repo_policy_ops(&s.repo, &ops);
		d = xcalloc(n + 1, sizeof(*d));
		wf_policy_decide(&s.config, &p, &ops, d);
		/* an env moved outside the hooks takes no deploys (outside.h) */
		wf_outside_guard(&s, u, d, n, 1);
	}
	if (s.opts.dry_run) {
		for (size_t i = 0; i < n; i++) {
			if (d[i].action == WF_REFUSE) {
				char *m = wf_decision_message(&d[i]);
				wf_say("dry-run: %s: would be refused: %s", u[i].ref, m);
				free(m);
			} else if (needs_lock(d[i].action)) {
				struct wf_deploy dep = { d[i].action, d[i].env, u[i].ref, "", "" };
				char tip[WF_OID_MAX + 1];
				if (d[i].action == WF_HOTFIX) {
					if (wf_repo_ref_tip(&s.repo, d[i].env->ref, tip) == 0)
						strcpy(dep.old_oid, tip);
				} else {
					strcpy(dep.old_oid, u[i].old_oid);
				}
				strcpy(dep.new_oid, u[i].new_oid);
				wf_deploy_describe(&s, &dep);
			} else {
				wf_say("dry-run: %s: would be accepted", u[i].ref);
			}
		}
		wf_say("dry-run: nothing was changed (the push is declined on purpose)");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (d[i].action == WF_REFUSE)
			wf_report_refusal(&s, &u[i], &d[i]);
		if (needs_lock(d[i].action))
			lock_env = d[i].env->branch;
	}
	wf_plan_cleanup(s.repo.git_dir);
	if (lock_env) {
		struct wf_lock_info holder;
		int l;
		wf_test_pause(s.repo.git_dir, "before-deploy-lock");
		l = wf_lock_acquire(s.repo.git_dir, wf_push_owner(), s.pusher, lock_env, &holder, err,
					sizeof(err));
		if (l < 0) {
			wf_say("workflow: %s; deploy refused", err);
			goto out;
		}
		if (l == 1) {
			char when[32];
			wf_format_time(holder.time, when);
			wf_say("workflow: a deploy to %s is in progress (started by %s at %s); push again when it "
			       "has finished", holder.env, holder.user, when);
			goto out;
		}
		/* a deploy's webhook events are spooled before they are sent:
		 * where they cannot be kept, the deploy waits (fail closed) */
		if (wf_notify_check_spool(s.repo.git_dir, &s.config, err, sizeof(err)) < 0) {
			wf_say("workflow: %s; deploy to %s refused so that its events are not lost. Free space "
			       "there (see git-workflow notify --list), then push again", err, lock_env);
			wf_lock_release(s.repo.git_dir, wf_push_owner());
			goto out;
		}
		{
			char now[WF_OID_MAX + 1] = "";
			const struct wf_env *moved = env_moved(&s, u, d, n, now);
			if (moved) {
				wf_say("workflow: %s moved to %.12s while this push was checked (another deploy "
				       "finished); fetch and push again", moved->branch, now[0] ? now : "(unknown)");
				wf_lock_release(s.repo.git_dir, wf_push_owner());
				goto out;
			}
		}
	}
	if (wf_plan_save(s.repo.git_dir, wf_push_owner(), in.buf ? in.buf : "", in.len) < 0 ||
	    save_bases(&s, d, n) < 0 || journal_deploys(&s, u, d, n) < 0) {
		wf_say("workflow: cannot save the push plan in %sworkflow; push refused", s.repo.git_dir);
		wf_inflight_drop_accepted(&s, wf_push_owner());
		if (lock_env)
			wf_lock_release(s.repo.git_dir, wf_push_owner());
		goto out;
	}
	/* Not fatal: without verdicts the update hook decides by itself and
	 * post-receive runs in full.  Webhooks: post-receive sends what
	 * earlier pushes could not. */
	wf_verdicts_save(s.repo.git_dir, wf_push_owner(), u, d, n, lock_env || s.config.n_webhooks);
	rc = 0;
out:
	wf_decisions_free(d, n);
	wf_session_close(&s);
out_input:
	wf_updates_free(u, n);
	sbuf_free(&in);
	return rc;
}
