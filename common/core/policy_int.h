/* What policy.c shares with the rules in files of their own
 * (policy_approve.c): the decision context and how a refusal is made. */
#ifndef WF_POLICY_INT_H
#define WF_POLICY_INT_H

#include "config.h"
#include "hook_input.h"
#include "policy.h"

struct ctx {
	const struct wf_config *c;
	const struct wf_push *p;
	const struct wf_repo_ops *ops;
	const struct wf_decision *dev_decision; /* of this push's Dev update */
	const struct wf_update *dev_update;
};

/* 1 when s (NULL: no one) is one of the n names of list: hotfix.users,
 * freeze.overriders. */
int wf_policy_in_list(char *const *list, size_t n, const char *s);

void wf_policy_refuse(struct wf_decision *d, const struct wf_env *env, char *reason, char *hint);
void wf_policy_refuse_error(struct wf_decision *d, const struct wf_env *env, const char *what);

/* refs/approve/<tag>: WF_APPROVE of Test's deploy tag, or a refusal. */
void wf_policy_approval(const struct ctx *x, const struct wf_update *u, struct wf_decision *d);
/* A promotion to env of the commit whose Test deploy is o: 1 when it has
 * env->approvals approvers other than the pusher, else 0 with d refused
 * naming who approved and how many are missing. */
int wf_policy_approved(const struct ctx *x, const struct wf_env *env, const struct wf_outcome *o,
		       struct wf_decision *d);

#endif
