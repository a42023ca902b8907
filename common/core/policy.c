/* The rules of docs/WORKFLOW.md, one function per kind of ref.  Deny by
 * default: a protected ref is written only when a rule explicitly allows
 * it, and any error answering a question about the repository refuses. */
#include "command.h"
#include "policy.h"
#include "policy_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wf_policy_refuse(struct wf_decision *d, const struct wf_env *env, char *reason, char *hint)
{
	d->action = WF_REFUSE;
	d->env = env;
	d->reason = reason;
	d->hint = hint;
}

void wf_policy_refuse_error(struct wf_decision *d, const struct wf_env *env, const char *what)
{
	wf_policy_refuse(d, env,
			 xasprintf("cannot check %s: the repository could not answer; refusing to be safe", what),
			 xstrdup("retry the push; if it persists, ask the admin to run: git fsck"));
}

#define refuse wf_policy_refuse
#define refuse_error wf_policy_refuse_error

static const char *short_oid(const char *oid, char buf[13])
{
	snprintf(buf, 13, "%.12s", oid);
	return buf;
}

/* The tip of ref before the push: its old value when the push updates it,
 * else the repository's.  0 ok, 1 missing, -1 error. */
static int tip_before(const struct ctx *x, const char *ref, char out[WF_OID_MAX + 1])
{
	for (size_t i = 0; i < x->p->n; i++) {
		const struct wf_update *u = x->p->cmds[i].u;
		if (!strcmp(u->ref, ref)) {
			if (wf_update_is_create(u))
				return 1;
			strcpy(out, u->old_oid);
			return 0;
		}
	}
	return x->ops->ref_tip(x->ops->ctx, ref, out);
}

/* Dev's tip after this push: its new value when this push updates Dev and
 * that update is allowed, else the tip before.  0 ok, 1 missing, -1 error. */
static int dev_after(const struct ctx *x, char out[WF_OID_MAX + 1])
{
	if (x->dev_update && x->dev_decision && x->dev_decision->action == WF_ALLOW &&
	    !wf_update_is_delete(x->dev_update)) {
		strcpy(out, x->dev_update->new_oid);
		return 0;
	}
	return tip_before(x, x->c->dev_ref, out);
}

/* Whether oid was on Dev before this push (so Test's promotion does not
 * depend on this push's Dev update).  An error counts as "no": the update
 * hook then checks Dev's real tip, which is safe either way. */
static int on_dev_before(const struct ctx *x, const char *oid)
{
	char dev[WF_OID_MAX + 1];

	if (!x->dev_update || !x->dev_decision || x->dev_decision->action != WF_ALLOW)
		return 1;
	if (tip_before(x, x->c->dev_ref, dev) != 0)
		return 0;
	return x->ops->is_ancestor(x->ops->ctx, oid, dev) == 1;
}

int wf_policy_in_list(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static void decide_dev(const struct ctx *x, const struct wf_update *u, struct wf_decision *d)
{
	const char *dev = x->c->dev_branch;
	int r;

	if (wf_update_is_delete(u)) {
		refuse(d, NULL, xasprintf("%s is Dev and can't be deleted", dev), NULL);
		return;
	}
	if (wf_update_is_create(u) || x->c->dev_allow_force) {
		d->action = WF_ALLOW;
		return;
	}
	r = x->ops->is_ancestor(x->ops->ctx, u->old_oid, u->new_oid);
	if (r < 0)
		refuse_error(d, NULL, "whether the push is a fast-forward");
	else if (r == 0)
		refuse(d, NULL, xasprintf("%s (Dev) only moves forward and this push would drop commits from it", dev),
		       xasprintf("merge first: git pull origin %s && git push origin %s", dev, dev));
	else
		d->action = WF_ALLOW;
}

/* A rollback that would take hotfix commits off env while Dev lacks them
 * loses them (the next promotion comes from Dev): refused unless the push
 * says -o drop-hotfix.  Dev as it was before the push, not after: a push
 * that merges the hotfix into Dev and rolls back at once can push Dev
 * first. */
static void rollback(const struct ctx *x, const struct wf_env *env, const struct wf_update *u,
		     struct wf_decision *d)
{
	char dev[WF_OID_MAX + 1], sb[13];
	char *list = NULL;
	int r = tip_before(x, x->c->dev_ref, dev);

	short_oid(u->new_oid, sb); /* both messages use it */
	if (r >= 0)
		r = wf_hotfixes_dropped(x->ops, env, u->old_oid, u->new_oid, r == 0 ? dev : NULL, &list);
	if (r < 0) {
		refuse_error(d, env, "which hotfixes the rollback would drop");
	} else if (r > 0 && !x->p->drop_hotfix) {
		refuse(d, env, xasprintf("rolling %s back to %s would take hotfix commits off it that %s does not "
					 "contain (%s)", env->branch, sb, x->c->dev_branch, list),
		       xasprintf("merge %s into %s first (git pull origin %s && git push origin %s), or drop "
				 "them on purpose: git push -f -o drop-hotfix origin %s:%s", env->branch,
				 x->c->dev_branch, env->branch, x->c->dev_branch, sb, env->branch));
	} else {
		d->action = WF_ROLLBACK;
		d->env = env;
	}
	free(list);
}

static void decide_test(const struct ctx *x, const struct wf_env *env, const struct wf_update *u,
			struct wf_decision *d)
{
	char dev[WF_OID_MAX + 1], sb[13];
	int r, on_dev, ff;

	r = dev_after(x, dev);
	if (r < 0) {
		refuse_error(d, env, "Dev's tip");
		return;
	}
	on_dev = r == 0 ? x->ops->is_ancestor(x->ops->ctx, u->new_oid, dev) : 0;
	ff = wf_update_is_create(u) ? 1 : x->ops->is_ancestor(x->ops->ctx, u->old_oid, u->new_oid);
	if (on_dev < 0 || ff < 0) {
		refuse_error(d, env, "the promotion");
		return;
	}
	if (!ff) {
		r = x->ops->has_deploy_tag(x->ops->ctx, u->new_oid, env->name);
		if (r < 0) {
			refuse_error(d, env, "the deploy tags");
		} else if (r) {
			rollback(x, env, u, d);
		} else {
			refuse(d, env, xasprintf("%s is locked: %s is not a fast-forward of %s and carries no earlier "
						 "%s_%s_* tag, so it is neither a promotion nor a rollback",
						 env->branch, short_oid(u->new_oid, sb), env->branch,
						 x->c->tag_prefix, env->name),
			       xasprintf("deploy from Dev with: git push origin %s:%s, or roll back to a deploy "
					 "tag: git push -f origin %s_%s_N:%s", x->c->dev_branch, env->branch,
					 x->c->tag_prefix, env->name, env->branch));
		}
		return;
	}
	if (!on_dev) {
		refuse(d, env, xasprintf("%s is locked: code reaches %s from %s (Dev), and %s is not on %s",
					 env->branch, env->branch, x->c->dev_branch, short_oid(u->new_oid, sb),
					 x->c->dev_branch),
		       xasprintf("push to %s first, then deploy with: git push origin %s:%s",
				 x->c->dev_branch, x->c->dev_branch, env->branch));
		return;
	}
	d->action = WF_PROMOTE;
	d->env = env;
	d->needs_dev_update = !on_dev_before(x, u->new_oid);
}

/* Only code that passed Test goes live: Test's last deploy of this very
 * commit ended ok.  A deploy tag, or Test's tip, says nothing of how that
 * deploy ended.  1 when it passed; else d refuses, naming the deploy. */
static int passed_test(const struct ctx *x, const struct wf_env *env, const struct wf_update *u,
		       struct wf_decision *d, struct wf_outcome *out)
{
	const struct wf_env *test = &x->c->test;
	struct wf_outcome o;
	char sb[13];
	int r = x->ops->deploy_outcome ? x->ops->deploy_outcome(x->ops->ctx, test->name, u->new_oid, &o) : -1;


	short_oid(u->new_oid, sb);
	if (r < 0) {
		refuse_error(d, env, "how the commit's deploy to test ended");
	} else if (r == 1) {
		refuse(d, env, xasprintf("%s is locked: code reaches %s from %s, and %s was never deployed to %s",
					 env->branch, env->branch, test->branch, sb, test->branch),
		       xasprintf("deploy it to %s first (git push origin %s:%s), then: git push origin %s:%s",
				 test->branch, x->c->dev_branch, test->branch, test->branch, env->branch));
	} else if (!strcmp(o.state, "ok")) {
		*out = o;
		return 1;
	} else if (!strcmp(o.state, "running")) {
		refuse(d, env, xasprintf("%s is locked: only code that passed %s goes live, and %s is being deployed "
					 "to %s now (%s)", env->branch, test->branch, sb, test->branch, o.tag),
		       xasprintf("wait for that deploy to end (git-workflow status; if none runs, git-workflow "
				 "repair), then: git push origin %s:%s", test->branch, env->branch));
	} else {
		refuse(d, env, xasprintf("%s is locked: only code that passed %s goes live, and the deploy of %s to "
					 "%s (%s, record %ld) %s", env->branch, test->branch, sb, test->branch, o.tag,
					 o.record, !strcmp(o.state, "failed") ? "failed" :
					 !strcmp(o.state, "interrupted") ? "was interrupted" : "did not pass"),
		       xasprintf("see why with: git-workflow show %ld; fix it on %s (a new commit: git pushes no "
				 "change for the same one; git commit --allow-empty to deploy it as it is) and deploy "
				 "it to %s again: git push origin %s && git push origin %s:%s", o.record,
				 x->c->dev_branch, test->branch, x->c->dev_branch, x->c->dev_branch, test->branch));
	}
	return 0;
}

/* Live's order of questions, cheapest first: its deploy tags (a rollback),
 * then whether test passed the commit, and only then the fast-forward, a
 * walk of all history between the two tips (50,000 commits when Dev ran
 * ahead): a commit test never passed is refused without it. */
static void decide_live(const struct ctx *x, const struct wf_env *env, const struct wf_update *u,
			struct wf_decision *d)
{
	const struct wf_env *test = &x->c->test;
	struct wf_outcome o;
	char sb[13];
	int ff = -2, tagged = x->ops->has_deploy_tag(x->ops->ctx, u->new_oid, env->name);

	/* a Live deploy tag off live's line is a rollback: that takes the walk */
	if (tagged != 0) {
		ff = wf_update_is_create(u) ? 1 : x->ops->is_ancestor(x->ops->ctx, u->old_oid, u->new_oid);
		if (ff < 0 || (!ff && tagged < 0)) {
			refuse_error(d, env, ff < 0 ? "whether the push is a fast-forward" : "the deploy tags");
			return;
		}
		if (!ff) {
			rollback(x, env, u, d);
			return;
		}
	}
	if (!passed_test(x, env, u, d, &o))
		return;
	if (ff == -2)
		ff = wf_update_is_create(u) ? 1 : x->ops->is_ancestor(x->ops->ctx, u->old_oid, u->new_oid);
	if (ff < 0) {
		refuse_error(d, env, "whether the push is a fast-forward");
		return;
	}
	if (!ff) {
		char *missing = x->ops->missing_commits(x->ops->ctx, u->old_oid, u->new_oid, 5);
		refuse(d, env, xasprintf("%s has commits that %s does not contain (%s); promoting would drop "
					 "a hotfix", env->branch, short_oid(u->new_oid, sb),
					 missing ? missing : "unknown"),
		       xasprintf("merge %s into %s and promote again: git pull origin %s && "
				 "git push origin %s && git push origin %s:%s && git push origin %s:%s",
				 env->branch, x->c->dev_branch, env->branch, x->c->dev_branch,
				 x->c->dev_branch, test->branch,
				 test->branch, env->branch));
		free(missing);
		return;
	}
	if (!wf_policy_approved(x, env, &o, d))
		return;
	d->action = WF_PROMOTE;
	d->env = env;
}

static void decide_hotfix(const struct ctx *x, const struct wf_update *u, struct wf_decision *d)
{
	const char *name = u->ref + strlen("refs/hotfix/");
	const struct wf_env *env = wf_config_env_by_name(x->c, name);
	char tip[WF_OID_MAX + 1], sb[13];
	int r;

	if (!env || !env->hotfix) {
		refuse(d, NULL, xasprintf("%s is not a hotfix path%s", u->ref,
					  env ? " (hotfix is off for this env in the config)" : ""),
		       x->c->live.hotfix ? xasprintf("hotfix live with: git push origin HEAD:refs/hotfix/%s",
						     x->c->live.name) : NULL);
		return;
	}
	d->env = env;
	if (!wf_policy_in_list(x->c->hotfix_users, x->c->n_hotfix_users, x->p->pusher)) {
		refuse(d, env, xasprintf("%s may not hotfix %s: only the users in hotfix.users may",
					 x->p->pusher, env->branch),
		       xasprintf("send the fix through Dev: git push origin HEAD:%s", x->c->dev_branch));
		return;
	}
	if (wf_update_is_delete(u)) {
		d->action = WF_HOTFIX_DELETE;
		return;
	}
	r = tip_before(x, env->ref, tip);
	if (r < 0) {
		refuse_error(d, env, "the env's tip");
		return;
	}
	if (r == 1) {
		refuse(d, env, xasprintf("%s does not exist yet, so there is nothing to hotfix", env->branch),
		       xasprintf("deploy it first: git push origin %s:%s", x->c->dev_branch, env->branch));
		return;
	}
	r = strcmp(tip, u->new_oid) ? x->ops->is_ancestor(x->ops->ctx, tip, u->new_oid) : 0;
	if (r < 0) {
		refuse_error(d, env, "the hotfix's base");
		return;
	}
	if (!r) {
		refuse(d, env, xasprintf("a hotfix must be new commits on top of %s's current tip %s",
					 env->branch, short_oid(tip, sb)),
		       xasprintf("start from it: git fetch origin && git checkout -b hotfix origin/%s",
				 env->branch));
		return;
	}
	d->action = WF_HOTFIX;
	strcpy(d->base, tip);
}

static void decide_one(const struct ctx *x, const struct wf_update *u, struct wf_decision *d)
{
	const struct wf_env *env = wf_config_env_by_ref(x->c, u->ref);
	char *like = wf_lookalike_of(x->c, u->ref);
	int r;

	if (like) {
		refuse(d, NULL, xasprintf("%s differs from %s only in case, and on a case-insensitive "
					  "filesystem they are the same ref", u->ref, like),
		       xstrdup("use a name that differs in more than case"));
		free(like);
		return;
	}
	if (!strcmp(u->ref, x->c->dev_ref)) {
		decide_dev(x, u, d);
		return;
	}
	if (env) {
		if (wf_update_is_delete(u)) {
			refuse(d, env, xasprintf("%s is locked and can't be deleted", env->branch),
			       xasprintf("to take code off %s, roll it back to an earlier deploy: "
					 "git push -f origin '%s_%s_N^{commit}:%s'", env->branch,
					 x->c->tag_prefix, env->name, env->branch));
			return;
		}
		r = x->ops->is_commit(x->ops->ctx, u->new_oid);
		if (r <= 0) {
			/* Usually a tag pushed by name: git sends the tag object. */
			refuse(d, env, xasprintf("%s can only point at a commit, not a tag object", env->branch),
			       xasprintf("Push the commit the tag points at: git push origin 'TAG^{commit}:%s'",
					 env->branch));
			return;
		}
		if (env == &x->c->test)
			decide_test(x, env, u, d);
		else
			decide_live(x, env, u, d);
		return;
	}
	if (!strncmp(u->ref, "refs/hotfix/", 12)) {
		decide_hotfix(x, u, d);
		return;
	}
	if (wf_is_approve_ref(u->ref)) {
		wf_policy_approval(x, u, d);
		return;
	}
	if (wf_is_deploy_tag_ref(x->c, u->ref)) {
		refuse(d, NULL, xasprintf("%s is a deploy tag: deploy tags are made by the hooks and never "
					  "created, moved or deleted by a push", u->ref + 10),
		       xstrdup("use another tag name"));
		return;
	}
	d->action = WF_ALLOW;
}

size_t wf_policy_decide(const struct wf_config *c, const struct wf_push *p, const struct wf_repo_ops *ops)
{
	struct ctx x = { c, p, ops, NULL, NULL };
	struct wf_command *cmd = p->cmds;
	size_t refused = 0, dev = p->n;

	for (size_t i = 0; i < p->n; i++)
		memset(&cmd[i].d, 0, sizeof(cmd[i].d));
	/* Dev first: Test's rule looks at Dev as it stands after this push. */
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(cmd[i].u->ref, c->dev_ref)) {
			dev = i;
			decide_one(&x, cmd[i].u, &cmd[i].d);
			x.dev_update = cmd[i].u;
			x.dev_decision = &cmd[i].d;
		}
	for (size_t i = 0; i < p->n; i++)
		if (i != dev)
			decide_one(&x, cmd[i].u, &cmd[i].d);
	wf_policy_freeze(c, p);
	wf_policy_content(c, p);
	for (size_t i = 0; i < p->n; i++)
		refused += cmd[i].d.action == WF_REFUSE;
	return refused;
}
