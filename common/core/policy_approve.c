/* Approvals in the policy (docs/workflow.md "Approvals"): a push to
 * refs/approve/<test deploy tag> approves that Test deploy, and with
 * live.approvals = N a promotion to Live waits for N approvers of the Test
 * deploy of its commit, the pusher not counted. */
#include "policy_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPROVE_REFS "refs/approve/"

int wf_is_approve_ref(const char *ref)
{
	return !strncmp(ref, APPROVE_REFS, strlen(APPROVE_REFS));
}

const char *wf_approve_ref_tag(const char *ref)
{
	return ref + strlen(APPROVE_REFS);
}

/* refs/approve/<tag>: the tag is test's deploy of the pushed commit, and
 * that deploy passed.  The hooks take the ref back after the push. */
void wf_policy_approval(const struct ctx *x, const struct wf_update *u, struct wf_decision *d)
{
	const char *tag = wf_approve_ref_tag(u->ref);
	const struct wf_env *test = &x->c->test;
	struct wf_outcome o;
	int r;

	if (wf_update_is_delete(u)) {
		d->action = WF_ALLOW; /* one the hooks could not take back */
		return;
	}
	r = x->ops->deploy_outcome ? x->ops->deploy_outcome(x->ops->ctx, test->name, u->new_oid, &o) : -1;
	if (r < 0) {
		wf_policy_refuse_error(d, test, "the deploy to approve");
	} else if (r == 1 || strcmp(o.tag, tag)) {
		wf_policy_refuse(d, test, xasprintf("%s is not the %s deploy of %.12s, so it cannot be approved", tag,
						    test->branch, u->new_oid),
				 xasprintf("approve a %s deploy by its tag and commit: git push origin "
					   "'%s_%s_N^{commit}:refs/approve/%s_%s_N'", test->branch, x->c->tag_prefix,
					   test->name, x->c->tag_prefix, test->name));
	} else if (strcmp(o.state, "ok")) {
		wf_policy_refuse(d, test, xasprintf("%s did not pass (it is %s: git-workflow show %ld), so it cannot "
						    "be approved", tag, o.state, o.record),
				 xasprintf("approve a %s deploy that passed", test->branch));
	} else {
		d->action = WF_APPROVE;
		d->env = test;
	}
}

/* "alice, bob" of the approvers other than the pusher; their count. */
static size_t others(char **who, size_t n, const char *pusher, struct sbuf *names)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!pusher || strcmp(who[i], pusher))
			sbuf_addf(names, "%s%s", k++ ? ", " : "", who[i]);
	return k;
}

int wf_policy_approved(const struct ctx *x, const struct wf_env *env, const struct wf_outcome *o,
		       struct wf_decision *d)
{
	struct sbuf names = SBUF_INIT;
	char **who = NULL;
	size_t n = 0, have;

	if (env->approvals <= 0)
		return 1;
	if (!x->ops->approvals || x->ops->approvals(x->ops->ctx, o->tag, &who, &n) < 0) {
		wf_policy_refuse_error(d, env, "the approvals");
		return 0;
	}
	have = others(who, n, x->p->pusher, &names);
	for (size_t i = 0; i < n; i++)
		free(who[i]);
	free(who);
	if (have >= (size_t)env->approvals) {
		sbuf_free(&names);
		return 1;
	}
	wf_policy_refuse(d, env, xasprintf("%s needs %d approval%s of %s (the %s deploy of %.12s) by others than "
					   "%s: %s%s; %zu missing", env->branch, env->approvals,
					   env->approvals == 1 ? "" : "s", o->tag, x->c->test.branch, o->oid,
					   x->p->pusher ? x->p->pusher : "the pusher", have ? "approved by " : "none yet",
					   names.buf ? names.buf : "", (size_t)env->approvals - have),
			 xasprintf("ask another to approve it: git push origin '%s^{commit}:refs/approve/%s' (or on "
				   "the server: git-workflow approve %s)", o->tag, o->tag, o->tag));
	sbuf_free(&names);
	return 0;
}
