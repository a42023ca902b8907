/* The content rule of the policy (docs/content.md): a deploy with
 * -o clone-content is refused before anything runs when its content
 * cannot be cloned, and into Live (with a path or not: a step may clone)
 * unless an admin says -o content-up. */
#include "command.h"
#include "config.h"
#include "content.h"
#include "policy.h"
#include "policy_int.h"
#include "util.h"

#include <string.h>

/* The env a decided command deploys (Dev with a path included), or NULL. */
static const struct wf_env *deployed(const struct wf_config *c, const struct wf_command *cmd)
{
	const struct wf_decision *d = &cmd->d;

	if ((d->action == WF_PROMOTE || d->action == WF_ROLLBACK || d->action == WF_HOTFIX) && d->env)
		return d->env;
	if (d->action == WF_ALLOW && c->dev.rel.path && !strcmp(cmd->u->ref, c->dev_ref) &&
	    !wf_update_is_delete(cmd->u))
		return &c->dev;
	return NULL;
}

void wf_policy_content(const struct wf_config *c, const struct wf_push *p)
{
	for (size_t i = 0; p->clone_content > 0 && i < p->n; i++) {
		struct wf_decision *d = &p->cmds[i].d;
		const struct wf_env *to = deployed(c, &p->cmds[i]);
		char *hint, *why;

		/* an env without a path has no content of ours: there the
		 * option only toggles the steps whose `when` it is, as ever */
		if (!to || (!to->rel.path && strcmp(to->name, c->live.name)))
			continue;
		why = wf_content_refusal(c, wf_content_source(c, to, p->clone_from), to, p->content_up, 1, p->pusher,
					 &hint);
		if (why)
			wf_policy_refuse(d, to, why, hint);
	}
}
