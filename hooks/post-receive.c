/* workflow-post-receive (run by post-receive-fast.c when the push has work
 * for it): the refs have moved.  For each accepted promotion, rollback
 * or hotfix: tag it, run the env's steps, record it; then release the
 * deploy lock pre-receive took. */
#include "deploy.h"
#include "hook_input.h"
#include "owner.h"
#include "lock.h"
#include "notify.h"
#include "plan.h"
#include "repair.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The hotfix race lost: say so, keep the hotfix ref, record it. */
static void hotfix_lost(struct wf_session *s, const struct wf_update *u, const struct wf_env *env,
			const char *why)
{
	struct wf_decision d;

	memset(&d, 0, sizeof(d));
	d.action = WF_REFUSE;
	d.env = env;
	d.reason = xasprintf("hotfix not applied: %s %s; nothing was overwritten", env->branch, why);
	d.hint = xasprintf("%s is kept: rebase it on %s (git fetch origin && git rebase origin/%s) and push "
			   "it again", u->ref, env->branch, env->branch);
	wf_report_refusal(s, u, &d);
	free(d.reason);
	free(d.hint);
}

static void hotfix(struct wf_session *s, const struct wf_update *u, const struct wf_env *env)
{
	struct wf_deploy d = { WF_HOTFIX, env, u->ref, "", "" };
	char base[WF_OID_MAX + 1];
	int rc;

	/* Compare-and-swap against the tip the update hook checked, so a Live
	 * that moved in between (even to a commit the hotfix contains, such as
	 * a rollback) is never overwritten. */
	if (wf_plan_load_base(s->repo.git_dir, wf_push_owner(), env->ref, base, sizeof(base)) != 0) {
		hotfix_lost(s, u, env, "could not be compared with the tip the push was checked against");
		return;
	}
	wf_test_pause(s->repo.git_dir, "before-hotfix-move");
	rc = wf_repo_move_ref(&s->repo, env->ref, u->new_oid, base, "workflow: hotfix");
	if (rc != 0) {
		hotfix_lost(s, u, env, rc == 1 ? "moved after the push was checked" : "could not be updated");
		return;
	}
	if (wf_repo_delete_ref(&s->repo, u->ref, u->new_oid) != 0)
		wf_say("workflow: hotfix: could not delete %s", u->ref);
	strcpy(d.old_oid, base);
	strcpy(d.new_oid, u->new_oid);
	wf_deploy_run(s, &d);
	wf_say("workflow: hotfix is on %s. Merge it back into Dev now: git pull origin %s && git push origin %s",
	       env->branch, env->branch, s->config.dev_branch);
}

int main(void)
{
	struct sbuf in = SBUF_INIT;
	struct wf_session s;
	struct wf_update *u = NULL;
	size_t n = 0;
	char err[1024];

	if (wf_read_all(0, &in) < 0 ||
	    wf_hook_input_parse(in.buf ? in.buf : "", in.len, &u, &n, err, sizeof(err)) < 0) {
		wf_say("workflow: post-receive: cannot read the hook input; no deploy was made");
		sbuf_free(&in);
		return 1;
	}
	if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: post-receive: %s", err);
		goto out_input;
	}
	wf_test_pause(s.repo.git_dir, "post-receive-start");
	if (s.config_ok && s.opts_ok) {
		for (size_t i = 0; i < n; i++) {
			const struct wf_env *env = wf_config_env_by_ref(&s.config, u[i].ref);
			if (env && !wf_update_is_delete(&u[i])) {
				struct wf_deploy d = { WF_PROMOTE, env, u[i].ref, "", "" };
				strcpy(d.old_oid, u[i].old_oid);
				strcpy(d.new_oid, u[i].new_oid);
				d.kind = wf_deploy_kind(&s, u[i].old_oid, u[i].new_oid);
				wf_deploy_run(&s, &d);
			} else if (!strncmp(u[i].ref, "refs/hotfix/", 12) && !wf_update_is_delete(&u[i])) {
				env = wf_config_env_by_name(&s.config, u[i].ref + 12);
				if (env && env->hotfix)
					hotfix(&s, &u[i], env);
			}
		}
	}
	if (s.config_ok)
		wf_inflight_drop_accepted(&s, wf_push_owner());
	wf_plan_remove(s.repo.git_dir, wf_push_owner());
	wf_lock_release(s.repo.git_dir, wf_push_owner());
	/* webhook events an earlier run could not send go out now (within
	 * the same per-webhook time budget), after the lock is released */
	if (s.config_ok && s.config.n_webhooks)
		wf_notify_deliver(s.repo.git_dir, &s.config, 0, NULL);
	wf_session_close(&s);
out_input:
	wf_updates_free(u, n);
	sbuf_free(&in);
	return 0;
}
