/* The questions the policy asks about the repository (struct wf_repo_ops):
 * the base ones from repo.c, the hotfix tags from hotfix.c, the approvals
 * from approvals.c. */
#include "approvals.h"
#include "hotfix.h"
#include "repo.h"

static long hotfix_tags(void *ctx, const char *env, struct wf_hotfix_tag **out)
{
	return wf_repo_hotfix_tags(ctx, env, out);
}

static int approvals(void *ctx, const char *tag, char ***users, size_t *n)
{
	struct wf_repo *r = ctx;

	return wf_approvals_read(r->git_dir, tag, users, n);
}

void wf_repo_policy_ops(struct wf_repo *r, struct wf_repo_ops *ops)
{
	wf_repo_base_ops(r, ops);
	ops->hotfix_tags = hotfix_tags;
	ops->approvals = approvals;
}
