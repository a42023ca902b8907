/* workflow-update: the full update check, run by the update hook
 * (hooks/update.c, the front) when pre-receive left no verdict for the ref.  Called
 * once per ref.  Refuses, one ref at a time, every write the
 * workflow does not allow.  It decides over the whole push saved by
 * pre-receive, so Test's rule sees Dev as it stands after this same push.
 * pre-receive has already told the pusher why (git may refuse a ref itself
 * before this hook runs, e.g. deleting the current branch), so this hook
 * speaks only when it has no plan. */
#include "dashboard_later.h"
#include "command.h"
#include "deploy.h"
#include "hook_input.h"
#include "owner.h"
#include "push_state.h"
#include "outside.h"
#include "policy.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Test's rule read Dev as this push leaves it, but git applies each ref on
 * its own and may refuse the Dev update after the hooks allowed it (a stale
 * old value, receive.denyNonFastForwards, a racing push).  By the time this
 * hook runs for Test, the updates git sent before it are made or not: Test
 * moves only onto a commit that Dev really holds now.  0 when it does; else
 * d becomes the refusal. */
static int check_dev_now(struct wf_session *s, struct wf_command *c)
{
	const struct wf_update *u = c->u;
	struct wf_decision *d = &c->d;
	struct wf_repo_ops ops;
	char dev[WF_OID_MAX + 1];
	const char *b = s->config.dev_branch;
	int r;

	if (d->action != WF_PROMOTE || d->env != &s->config.test)
		return 0;
	wf_repo_policy_ops(&s->repo, &ops);
	r = wf_repo_ref_tip(&s->repo, s->config.dev_ref, dev);
	if (r == 0 && ops.is_ancestor(ops.ctx, u->new_oid, dev) == 1)
		return 0;
	d->action = WF_REFUSE;
	d->reason = xasprintf("%s is locked: %.12s is on %s only through this push's update of %s, which git "
			      "did not make (it refused it, another push moved %s, or the push is --atomic)",
			      d->env->branch, u->new_oid, b, b, b);
	d->hint = xasprintf("push %s first, then deploy with: git push origin %s:%s", b, b, d->env->branch);
	return 1;
}

/* Decide this ref (self) over the push pre-receive saved (u, n), or alone
 * when there is none: 0 allowed, 1 refused. */
static int decide(struct wf_session *s, const struct wf_update *self, const struct wf_update *u, size_t n,
		  int opts)
{
	size_t me = 0;
	int found = 0, rc = 1;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(u[i].ref, self->ref) && !strcmp(u[i].old_oid, self->old_oid) &&
		    !strcmp(u[i].new_oid, self->new_oid))
			me = i, found = 1;
	/* git runs this hook without the push options: pre-receive kept
	 * those the policy reads in the push's state */
	struct wf_command *cmd = wf_commands_new(found ? u : self, found ? n : 1);
	struct wf_push p = { cmd, found ? n : 1, s->pusher, found && (opts & WF_STATE_OPT_DROP_HOTFIX),
			     found && (opts & WF_STATE_OPT_OVERRIDE) ? "(given to pre-receive)" : NULL,
			     (long long)time(NULL), 0, 0, NULL };
	/* -o clone-content is not kept for this hook: its rule depends on the
	 * options and the config only, which pre-receive judged */
	struct wf_repo_ops ops;

	wf_repo_policy_ops(&s->repo, &ops);
	if (!s->config_ok) {
		wf_policy_fail_closed(&p, s->config_err);
	} else {
		wf_policy_decide(&s->config, &p, &ops);
		wf_outside_guard(s, cmd, p.n, 0);
	}
	if (s->config_ok && check_dev_now(s, &cmd[me]))
		wf_report_refusal(s, &cmd[me]);
	else if (cmd[me].d.action != WF_REFUSE)
		rc = 0;
	else if (!found) /* pre-receive already said why for every ref of its plan */
		wf_report_refusal(s, &cmd[me]);
	wf_commands_free(cmd, p.n);
	return rc;
}

int main(int argc, char **argv)
{
	struct wf_session s;
	struct wf_update *u = NULL, self;
	size_t n = 0;
	char err[1024];
	int rc, opts = 0;

	if (argc == 2 && !strcmp(argv[1], WF_DASHBOARD_ARG))
		return wf_dashboard_writer_main();
	if (argc != 4 || !wf_ref_name_ok(argv[1]) || strlen(argv[2]) > WF_OID_MAX ||
	    strlen(argv[3]) > WF_OID_MAX) {
		wf_say("workflow: update hook: expected REF OLD NEW from git; ref refused");
		return 1;
	}
	memset(&self, 0, sizeof(self));
	self.ref = argv[1];
	strcpy(self.old_oid, argv[2]);
	strcpy(self.new_oid, argv[3]);
	if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: %s; %s refused", err, self.ref);
		return 1;
	}
	if (wf_push_state_load(s.repo.git_dir, wf_push_owner(), &u, &n, &opts) != 0) {
		u = NULL;
		n = 0;
	}
	rc = decide(&s, &self, u, n, opts);
	wf_updates_free(u, n);
	wf_session_close(&s);
	return rc;
}
