/* A decision, as the hooks pass it on: its one-line message, its name,
 * the decisions of a push whose config does not load (fail closed), and
 * the commands that carry them (command.h). */
#include "command.h"
#include "policy.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void wf_policy_fail_closed(const struct wf_push *p, const char *config_error)
{
	for (size_t i = 0; i < p->n; i++) {
		struct wf_decision *d = &p->cmds[i].d;
		memset(d, 0, sizeof(*d));
		d->action = WF_REFUSE;
		d->reason = xasprintf("the workflow config is broken (%s), so every push is refused", config_error);
		d->hint = xstrdup("fix the config; check it with: git-workflow check-config FILE");
	}
}

struct wf_command *wf_commands_new(const struct wf_update *u, size_t n)
{
	struct wf_command *c = xcalloc(n + 1, sizeof(*c));

	for (size_t i = 0; i < n; i++)
		c[i].u = &u[i];
	return c;
}

void wf_commands_free(struct wf_command *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].d.reason);
		free(c[i].d.hint);
	}
	free(c);
}

char *wf_decision_message(const struct wf_decision *d)
{
	if (d->hint)
		return xasprintf("%s. %c%s", d->reason ? d->reason : "refused",
				 d->hint[0] >= 'a' && d->hint[0] <= 'z' ? d->hint[0] - 32 : d->hint[0], d->hint + 1);
	return xasprintf("%s.", d->reason ? d->reason : "refused");
}

const char *wf_action_name(enum wf_action a)
{
	switch (a) {
	case WF_ALLOW: return "allow";
	case WF_REFUSE: return "refuse";
	case WF_PROMOTE: return "deploy";
	case WF_ROLLBACK: return "rollback";
	case WF_HOTFIX: return "hotfix";
	case WF_HOTFIX_DELETE: return "hotfix-delete";
	case WF_APPROVE: return "approve";
	}
	return "?";
}

void wf_decisions_free(struct wf_decision *d, size_t n)
{
	if (!d)
		return;
	for (size_t i = 0; i < n; i++) {
		free(d[i].reason);
		free(d[i].hint);
	}
	free(d);
}

int wf_is_deploy_kind(const char *word)
{
	return word && (!strcmp(word, "deploy") || !strcmp(word, "rollback") || !strcmp(word, "hotfix"));
}

enum wf_action wf_deploy_kind_of(const char *word)
{
	return !strcmp(word, "rollback") ? WF_ROLLBACK : !strcmp(word, "hotfix") ? WF_HOTFIX : WF_PROMOTE;
}

const char *wf_deploy_kind_word(enum wf_action k)
{
	return k == WF_ROLLBACK ? "rollback" : k == WF_HOTFIX ? "hotfix" : "deploy";
}
