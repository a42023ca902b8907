/* The push as a whole, judged in pre-receive before any ref moves: one
 * command per ref (command.h) carries the policy's decision and a branch
 * env's plan through every stage: refusals said and recorded, a dry run,
 * the deploy locks, the push's state saved for the update hook, and the
 * accepted deploys journaled, built and handed to their runner (judge.h).
 * The hook itself only reads its input and opens the session. */
#include "judge.h"
#include "fileio.h"
#include "freeze.h"
#include "approve.h"
#include "deploy.h"
#include "owner.h"
#include "lock.h"
#include "multidev_flow.h"
#include "notify.h"
#include "notify_hooks.h"
#include "outside.h"
#include "push_state.h"
#include "policy.h"
#include "record_space.h"
#include "release_deploy.h"
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int needs_lock(enum wf_action a)
{
	return a == WF_PROMOTE || a == WF_ROLLBACK || a == WF_HOTFIX;
}

/* A deploy: a promotion, rollback or hotfix, or a push to an untagged env
 * that runs code: Dev (see dev_deploys) or a branch env (multidev_flow.h),
 * whose deletion is a deploy too. */
static int deploys(const struct wf_decision *d)
{
	return needs_lock(d->action) || (d->action == WF_ALLOW && d->env && d->env->tagless);
}

/* With dev.path, an accepted push to Dev is a deploy of Dev (Pantheon's
 * "a push to master deploys Dev"): its decision names the Dev env. */
static void dev_deploys(struct wf_session *s, struct wf_command *cmd, size_t n)
{
	for (size_t i = 0; s->config.dev.rel.path && i < n; i++)
		if (cmd[i].d.action == WF_ALLOW && !strcmp(cmd[i].u->ref, s->config.dev_ref) &&
		    !wf_is_zero_oid(cmd[i].u->new_oid))
			cmd[i].d.env = &s->config.dev;
}

/* The decisions were taken before the lock was ours: a deploy that
 * finished in between may have moved the env.  Say so now; git would only
 * fail the ref update with "cannot lock ref" and give no reason.  Returns
 * the env that moved, or NULL. */
static const struct wf_env *env_moved(struct wf_session *s, const struct wf_command *cmd, size_t n,
				      char now[WF_OID_MAX + 1])
{
	for (size_t i = 0; i < n; i++) {
		const struct wf_decision *d = &cmd[i].d;
		const char *expect;
		int rc;
		if (!deploys(d))
			continue;
		/* a hotfix was checked on top of the env's tip; a promotion or
		 * rollback names the env's tip as its old value */
		expect = d->action == WF_HOTFIX ? d->base : cmd[i].u->old_oid;
		rc = wf_repo_ref_tip(&s->repo, d->env->ref, now);
		if (rc == 1)
			memset(now, '0', strlen(expect)), now[strlen(expect)] = '\0';
		if (rc < 0 || strcmp(now, expect) != 0)
			return d->env;
	}
	return NULL;
}

/* The lock of each env this push deploys (one deploy per env at a time):
 * 0 all taken, else what wf_lock_acquire said, with none kept. */
static int lock_envs(struct wf_session *s, const struct wf_command *cmd, size_t n, struct wf_lock_info *holder,
		     char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int l;
		if (!deploys(&cmd[i].d))
			continue;
		l = wf_lock_acquire_wait(s->repo.git_dir, wf_push_owner(), s->pusher, cmd[i].d.env->name, holder,
					 err, errlen, WF_LOCK_WAIT_MS);
		if (l != 0) {
			wf_lock_release(s->repo.git_dir, wf_push_owner());
			return l;
		}
	}
	return 0;
}

/* The accepted deploys, journaled, and their runner started: from here on
 * they run whatever the pusher does.  0, or -1 (said why) when none could
 * be started: the push is refused. */
static int start_deploys(struct wf_session *s, const struct wf_command *cmd, size_t n)
{
	const char **envs = xcalloc(n + 1, sizeof(*envs));
	size_t ne = 0;
	char err[512];
	int rc;

	if (wf_md_reserve(s, cmd, n) < 0) {
		free(envs);
		return -1;
	}
	wf_md_note_pushes(s, cmd, n);
	for (size_t i = 0; i < n; i++) {
		const struct wf_env *env = cmd[i].d.env;
		struct wf_deploy d;
		if (!deploys(&cmd[i].d))
			continue;
		for (size_t k = 0; k < ne; k++)
			if (!strcmp(envs[k], env->name)) {
				wf_say("workflow: this push deploys %s twice; push one of them at a time", env->branch);
				goto fail;
			}
		wf_deploy_accept(s, &cmd[i], &d);
		if (wf_deploy_save(s, &d) < 0) {
			wf_say("workflow: cannot write the deploy journal in %sworkflow: %s; push refused",
			       s->repo.git_dir, strerror(errno));
			wf_deploy_unload(&d);
			goto fail;
		}
		envs[ne++] = env->name;
		/* an env that runs code: its release is placed and built now,
		 * before the ref moves; a failed build refuses the push */
		rc = wf_release_prepare(s, &d);
		wf_deploy_unload(&d);
		if (rc < 0)
			goto fail;
	}
	if (!ne || wf_runner_start(s->repo.git_dir, wf_push_owner(), envs, ne, err, sizeof(err)) >= 0) {
		free(envs);
		return 0;
	}
	wf_say("workflow: %s; push refused", err);
fail:
	for (size_t k = 0; k < ne; k++) {
		struct wf_deploy d;
		if (wf_deploy_load(s, envs[k], &d) == 0)
			wf_release_forget(s, &d);
		wf_deploy_unload(&d);
		wf_job_remove(s->repo.git_dir, envs[k]);
	}
	wf_md_unreserve(s, cmd, n);
	free(envs);
	return -1;
}

/* -o dry-run: what a deploy would do (tag, commits, steps). */
static void dry_run_deploy(struct wf_session *s, const struct wf_command *c)
{
	struct wf_deploy dep = { .kind = c->d.action, .env = c->d.env, .ref = c->u->ref };
	char tip[WF_OID_MAX + 1];

	if (c->d.action != WF_HOTFIX)
		strcpy(dep.old_oid, c->u->old_oid);
	else if (wf_repo_ref_tip(&s->repo, c->d.env->ref, tip) == 0)
		strcpy(dep.old_oid, tip);
	strcpy(dep.new_oid, c->u->new_oid);
	wf_deploy_describe(s, &dep);
}

/* -o dry-run: what each ref would do; nothing changes. */
static void dry_run(struct wf_session *s, const struct wf_command *cmd, size_t n)
{
	static const char *const md_op[] = { "", "deploy", "create", "delete" };

	for (size_t i = 0; i < n; i++) {
		const struct wf_command *c = &cmd[i];
		if (c->plan.op != WF_MD_NONE) {
			wf_say("dry-run: %s: would be accepted and %s the branch environment %s (%s)", c->u->ref,
			       md_op[c->plan.op], c->plan.name, c->d.env->rel.path);
			if (c->plan.op == WF_MD_CREATE)
				wf_say("dry-run: %s: would run %zu create step%s, content from %s", c->plan.name,
				       s->config.multidev.n_create, s->config.multidev.n_create == 1 ? "" : "s",
				       s->opts.clone_from ? s->opts.clone_from : "live");
		} else if (c->d.action == WF_REFUSE) {
			char *m = wf_decision_message(&c->d);
			wf_say("dry-run: %s: would be refused: %s", c->u->ref, m);
			free(m);
		} else if (needs_lock(c->d.action)) {
			dry_run_deploy(s, c);
		} else if (c->d.action == WF_APPROVE) {
			wf_say("dry-run: %s: would approve %s", c->u->ref, wf_approve_ref_tag(c->u->ref));
		} else {
			wf_say("dry-run: %s: would be accepted", c->u->ref);
		}
	}
	wf_say("dry-run: nothing was changed (the push is declined on purpose)");
}

/* The deploys' locks, and what must hold before a deploy starts: its record
 * and its events can be kept (fail closed), and no other deploy moved the
 * env meanwhile.  0, or -1 (said why; the locks released). */
static int take_locks(struct wf_session *s, const struct wf_command *cmd, size_t n, const char *lock_env)
{
	char err[1024], when[32], now[WF_OID_MAX + 1] = "";
	struct wf_lock_info holder;
	const struct wf_env *moved;
	int l, e;

	wf_test_pause(s->repo.git_dir, "before-deploy-lock");
	l = lock_envs(s, cmd, n, &holder, err, sizeof(err));
	if (l < 0) {
		wf_say("workflow: %s; deploy refused", err);
		return -1;
	}
	if (l == 1) {
		wf_format_time(holder.time, when);
		wf_say("workflow: a deploy to %s is in progress (started by %s at %s); push again when it has "
		       "finished", holder.env, holder.user, when);
		return -1;
	}
	if (wf_record_check_space(s->repo.git_dir, &s->config, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; deploy to %s refused so that its record is not lost", err, lock_env);
	} else if (wf_notify_check_spool(s->repo.git_dir, &s->config, err, sizeof(err)) < 0) {
		e = errno;
		wf_say("workflow: %s; deploy to %s refused so that its events are not lost. %s "
		       "(see git-workflow notify --list), then push again", err, lock_env, wf_spool_fix_hint(e));
	} else if ((moved = env_moved(s, cmd, n, now))) {
		wf_say("workflow: %s moved to %.12s while this push was checked (another deploy finished); fetch "
		       "and push again", moved->branch, now[0] ? now : "(unknown)");
	} else {
		return 0;
	}
	wf_lock_release(s->repo.git_dir, wf_push_owner());
	return -1;
}

/* -o override on a push that no freeze holds back changes nothing: say so,
 * as for a step option no step uses. */
static void note_override(struct wf_session *s, const struct wf_command *cmd, size_t n, time_t now)
{
	if (!s->opts.override)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct wf_env *e = cmd[i].d.env;
		if (e && e->n_freeze && wf_freeze_find(e->freeze, e->n_freeze, now))
			return;
	}
	wf_say("workflow: note: no freeze is in force for what this push deploys, so -o override changes nothing");
}

int wf_judge_push(struct wf_session *s, const struct wf_update *u, size_t n)
{
	struct wf_command *cmd = wf_commands_new(u, n);
	struct wf_push p = { cmd, n, s->pusher, s->opts.drop_hotfix, s->opts.override, (long long)time(NULL),
			     s->opts.clone_content, s->opts.content_up, s->opts.clone_from };
	const char *lock_env = NULL;
	struct wf_repo_ops ops;
	int rc = -1, approving = 0;

	wf_repo_policy_ops(&s->repo, &ops);
	wf_policy_decide(&s->config, &p, &ops);
	note_override(s, cmd, n, (time_t)p.now);
	/* an env moved outside the hooks takes no deploys (outside.h) */
	wf_outside_guard(s, cmd, n, 1);
	if (wf_md_judge(s, cmd, n) < 0)
		goto out;
	if (s->opts.dry_run) {
		dry_run(s, cmd, n);
		goto out;
	}
	dev_deploys(s, cmd, n);
	for (size_t i = 0; i < n; i++) {
		if (cmd[i].d.action == WF_REFUSE)
			wf_report_refusal(s, &cmd[i]);
		if (cmd[i].d.action == WF_APPROVE) {
			/* the ref is taken back in post-receive */
			approving = 1;
			wf_approve(s, wf_approve_ref_tag(cmd[i].u->ref), cmd[i].u->new_oid, cmd[i].u->ref);
		}
		if (deploys(&cmd[i].d))
			lock_env = cmd[i].d.env->branch;
	}
	wf_push_state_cleanup(s->repo.git_dir);
	if (lock_env && take_locks(s, cmd, n, lock_env) < 0)
		goto out;
	/* post-receive is needed for deploys (to follow them) and webhooks */
	if (wf_push_state_save(s->repo.git_dir, wf_push_owner(), cmd, n,
			       (s->opts.drop_hotfix ? WF_STATE_OPT_DROP_HOTFIX : 0) |
				       (s->opts.override ? WF_STATE_OPT_OVERRIDE : 0),
			       lock_env || s->config.n_webhooks || approving) < 0) {
		wf_say("workflow: cannot save the push's state in %sworkflow: %s; push refused", s->repo.git_dir,
		       strerror(errno));
	} else if (lock_env && start_deploys(s, cmd, n) < 0) {
		wf_push_state_remove(s->repo.git_dir, wf_push_owner());
	} else {
		rc = 0;
		lock_env = NULL;
	}
	if (lock_env)
		wf_lock_release(s->repo.git_dir, wf_push_owner());
out:
	wf_commands_free(cmd, n);
	return rc;
}
