/* One ref of a push, from the line git feeds the hook to the report, as
 * git's struct command in builtin/receive-pack.c carries one ref from the
 * parse to the report: the update, the policy's decision (then refined by
 * the outside guard, branch envs and Dev), and what it does to a branch
 * env.  Every stage of pre-receive and the update hook reads and writes
 * these, never arrays side by side.  Zeroed, a command is refused (its
 * decision's zero value is WF_REFUSE) and plans nothing. */
#ifndef WF_COMMAND_H
#define WF_COMMAND_H

#include <stddef.h>
#include "hook_input.h"
#include "policy.h"

#define WF_MD_NAME_MAX 63       /* a DNS label */

/* What one update does to a branch env.  Zero: nothing. */
enum wf_md_op { WF_MD_NONE = 0, WF_MD_DEPLOY, WF_MD_CREATE, WF_MD_DELETE };
struct wf_md_plan {
	enum wf_md_op op;
	char name[WF_MD_NAME_MAX + 1];
};

struct wf_command {
	const struct wf_update *u;      /* old new ref, as git fed it (the caller's) */
	struct wf_decision d;
	struct wf_md_plan plan;
};

/* One zeroed command per update (n + 1 of them, so n may be 0). */
struct wf_command *wf_commands_new(const struct wf_update *u, size_t n);
/* Free the commands and their decisions (not the updates). */
void wf_commands_free(struct wf_command *c, size_t n);

#endif
