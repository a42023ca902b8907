#include "hotfix_move.h"
#include "fileio.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The hotfix race lost: say so, keep the hotfix ref, record it. */
static void hotfix_lost(struct wf_session *s, const struct wf_deploy *dep, const char *why)
{
	struct wf_update u;
	struct wf_command c = { .u = &u };

	memset(&u, 0, sizeof(u));
	u.ref = (char *)dep->ref;
	strcpy(u.old_oid, WF_ZERO_OID);
	strcpy(u.new_oid, dep->new_oid);
	c.d.action = WF_REFUSE;
	c.d.env = dep->env;
	c.d.reason = xasprintf("hotfix not applied: %s %s; nothing was overwritten", dep->env->branch, why);
	c.d.hint = xasprintf("%s is kept: rebase it on %s (git fetch origin && git rebase origin/%s) and push "
			     "it again", dep->ref, dep->env->branch, dep->env->branch);
	wf_report_refusal(s, &c);
	free(c.d.reason);
	free(c.d.hint);
}

int wf_hotfix_apply(struct wf_session *s, struct wf_deploy *d, const char *base)
{
	int rc;

	if (!base || !wf_is_hex_oid(base)) {
		hotfix_lost(s, d, "could not be compared with the tip the push was checked against");
		return -1;
	}
	wf_test_pause(s->repo.git_dir, "before-hotfix-move");
	rc = wf_repo_move_ref(&s->repo, d->env->ref, d->new_oid, base, "workflow: hotfix");
	if (rc != 0) {
		hotfix_lost(s, d, rc == 1 ? "moved after the push was checked" : "could not be updated");
		return -1;
	}
	if (wf_repo_delete_ref(&s->repo, d->ref, d->new_oid) != 0)
		wf_say("workflow: hotfix: could not delete %s", d->ref);
	strcpy(d->old_oid, base);
	return 0;
}
