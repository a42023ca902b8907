/* Which hotfixes a move of an env drops.  A hotfix reaches an env without
 * passing through Dev, so until Dev contains it the env may be the only
 * place it lives: a rollback past it must not lose it unnoticed.  The
 * hotfixes are found from the env's hotfix deploy tags (not from the env's
 * tip, which a rollback has moved away from them), with ancestry queries
 * only. */
#include "policy.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAMED 5 /* hotfix deploys named in one message line */

void wf_hotfix_tags_free(struct wf_hotfix_tag *t, long n)
{
	for (long i = 0; i < n; i++)
		free(t[i].name);
	free(t);
}

/* 1 when hotfix tip h goes: Dev lacks it, new lacks it, old had it. */
static int drops(const struct wf_repo_ops *ops, const char *h, const char *old, const char *new,
		 const char *dev)
{
	int r = dev ? ops->is_ancestor(ops->ctx, h, dev) : 0;
	if (r == 0)
		r = ops->is_ancestor(ops->ctx, h, new);
	if (r != 0)
		return r < 0 ? -1 : 0;
	return ops->is_ancestor(ops->ctx, h, old);
}

/* 1 when dropped tip i is contained in another dropped one, which names
 * its commits already (of equal tips, the first is named). */
static int covered(const struct wf_repo_ops *ops, const struct wf_hotfix_tag *t, const char *gone,
		   long n, long i)
{
	for (long j = 0; j < n; j++) {
		if (j == i || !gone[j])
			continue;
		if (!strcmp(t[i].oid, t[j].oid)) {
			if (j < i)
				return 1;
		} else if (ops->is_ancestor(ops->ctx, t[i].oid, t[j].oid) == 1) {
			return 1;
		}
	}
	return 0;
}

/* "deploy_live_3: abc123456789 subject;...; deploy_live_5: ..." for the
 * dropped tips; NULL when a commit list can't be read. */
static char *describe(const struct wf_repo_ops *ops, const struct wf_hotfix_tag *t, const char *gone,
		      long n, const char *hide)
{
	struct sbuf sb = SBUF_INIT;
	long named = 0, more = 0;

	for (long i = 0; i < n; i++) {
		char *commits;
		if (!gone[i] || covered(ops, t, gone, n, i))
			continue;
		if (named == MAX_NAMED) {
			more++;
			continue;
		}
		commits = ops->missing_commits(ops->ctx, t[i].oid, hide, 5);
		if (!commits) {
			sbuf_free(&sb);
			return NULL;
		}
		sbuf_addf(&sb, "%s%s: %s", named++ ? "; " : "", t[i].name, commits);
		free(commits);
	}
	if (more)
		sbuf_addf(&sb, "; and %ld more hotfix deploy%s", more, more == 1 ? "" : "s");
	return sbuf_detach(&sb);
}

int wf_hotfixes_dropped(const struct wf_repo_ops *ops, const struct wf_env *env, const char *old,
			const char *new, const char *dev, char **list)
{
	struct wf_hotfix_tag *t = NULL;
	long n = ops->hotfix_tags ? ops->hotfix_tags(ops->ctx, env->name, &t) : -1;
	char *gone;
	int any = 0, rc = 0;

	*list = NULL;
	if (n < 0)
		return -1;
	gone = xcalloc((size_t)n + 1, 1);
	for (long i = 0; i < n && rc == 0; i++) {
		int r = drops(ops, t[i].oid, old, new, dev);
		if (r < 0)
			rc = -1;
		gone[i] = r == 1;
		any |= r == 1;
	}
	if (rc == 0 && any) {
		/* name the commits Dev lacks: those are the ones at risk */
		*list = describe(ops, t, gone, n, dev ? dev : new);
		rc = *list ? 1 : -1;
	}
	free(gone);
	wf_hotfix_tags_free(t, n);
	return rc;
}
