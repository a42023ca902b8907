/* The hotfix move, in the deploy runner: refs/hotfix/<env> was accepted
 * for a user in hotfix.users; the env's branch moves to it. */
#ifndef WF_HOTFIX_MOVE_H
#define WF_HOTFIX_MOVE_H

#include "deploy.h"

/* Move d->env's branch to d->new_oid with a compare-and-swap against base,
 * the tip the push was checked on (so a Live that moved in between, even
 * to a commit the hotfix contains, is never overwritten), and delete the
 * hotfix ref.  0 done (d->old_oid is base); -1 when the race was lost: the
 * pusher is told, the refusal recorded, the hotfix ref kept for a retry. */
int wf_hotfix_apply(struct wf_session *s, struct wf_deploy *d, const char *base);

#endif
