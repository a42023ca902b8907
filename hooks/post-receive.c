/* post-receive: the refs have moved.  For each accepted promotion, rollback
 * or hotfix: tag it, run the env's steps, record it; then release the
 * deploy lock pre-receive took. */
#include "deploy.h"
#include "hook_input.h"
#include "lock.h"
#include "plan.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hotfix(struct wf_session *s, const struct wf_update *u, const struct wf_env *env)
{
	struct wf_deploy d = { WF_HOTFIX, env, u->ref, "", "" };
	struct wf_repo_ops ops;
	char tip[WF_OID_MAX + 1];
	int rc;

	wf_repo_policy_ops(&s->repo, &ops);
	rc = wf_repo_ref_tip(&s->repo, env->ref, tip);
	if (rc != 0 || ops.is_ancestor(ops.ctx, tip, u->new_oid) != 1) {
		wf_say("workflow: hotfix: %s moved since the push was checked; nothing was overwritten. "
		       "%s is kept: rebase it on %s and push again", env->branch, u->ref, env->branch);
		return;
	}
	rc = wf_repo_move_ref(&s->repo, env->ref, u->new_oid, tip, "workflow: hotfix");
	if (rc != 0) {
		wf_say("workflow: hotfix: %s %s; nothing was overwritten. %s is kept: rebase it on %s and push again",
		       env->branch, rc == 1 ? "moved while the hotfix was being applied" : "could not be updated",
		       u->ref, env->branch);
		return;
	}
	if (wf_repo_delete_ref(&s->repo, u->ref, u->new_oid) != 0)
		wf_say("workflow: hotfix: could not delete %s", u->ref);
	strcpy(d.old_oid, tip);
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
	wf_plan_remove(s.repo.git_dir, (long)getppid());
	wf_lock_release(s.repo.git_dir, (long)getppid());
	wf_session_close(&s);
out_input:
	wf_updates_free(u, n);
	sbuf_free(&in);
	return 0;
}
