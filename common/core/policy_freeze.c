/* The freeze rule of the policy (freeze.h): a promotion, rollback or
 * hotfix to an env in a freeze window is refused, naming the window,
 * unless one of freeze.overriders pushes it with -o override=REASON. */
#include "command.h"
#include "config.h"
#include "freeze.h"
#include "policy.h"
#include "policy_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "alice, bob" or "nobody: freeze.overriders is empty" */
static char *who_may(const struct wf_config *c)
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 0; i < c->n_freeze_overriders && i < 10; i++)
		sbuf_addf(&sb, "%s%s", i ? ", " : "", c->freeze_overriders[i]);
	if (!sb.len)
		sbuf_adds(&sb, "none: freeze.overriders names nobody");
	return sbuf_detach(&sb);
}

static void freeze_one(const struct wf_config *c, const struct wf_push *p, time_t now, struct wf_decision *d)
{
	const struct wf_env *env = d->env;
	const struct wf_freeze *f;
	char *w, *who;

	if ((d->action != WF_PROMOTE && d->action != WF_ROLLBACK && d->action != WF_HOTFIX) || !env ||
	    !env->n_freeze || !(f = wf_freeze_find(env->freeze, env->n_freeze, now)))
		return;
	if (p->override && wf_policy_in_list(c->freeze_overriders, c->n_freeze_overriders, p->pusher))
		return; /* the run notes the override in the record and the event */
	w = wf_freeze_describe(f);
	who = who_may(c);
	d->action = WF_REFUSE;
	if (p->override) {
		d->reason = xasprintf("%s is frozen (%s), and %s may not override a freeze", env->branch, w,
				      p->pusher ? p->pusher : "this pusher");
		d->hint = xasprintf("ask one who may (%s) to push it", who);
	} else {
		d->reason = xasprintf("%s is frozen: no deploys %s", env->branch, w);
		d->hint = xasprintf("deploy when the freeze ends; if it cannot wait, one of freeze.overriders (%s) "
				    "pushes it with -o override=\"REASON\"", who);
	}
	free(w);
	free(who);
}

void wf_policy_freeze(const struct wf_config *c, const struct wf_push *p)
{
	time_t now = p->now ? (time_t)p->now : time(NULL);

	for (size_t i = 0; i < p->n; i++)
		freeze_one(c, p, now, &p->cmds[i].d);
}
