/* Which process a push belongs to.  The hooks of one push share state
 * (the push plan, the deploy lock, the in-flight journal) keyed by the pid
 * of the git receive-pack that runs them. */
#ifndef WF_OWNER_H
#define WF_OWNER_H

/* The pid of the receive-pack this hook runs under: normally our parent,
 * but hosts put a process between them (Gitea's hooks/<hook>.d dispatcher
 * script, gitolite's update hook running a VREF), so the nearest ancestor
 * that is a receive-pack, a few levels up at most; our parent when none is. */
long wf_push_owner(void);

/* The same search from a given pid (for tests): 0 when none is found. */
long wf_find_receive_pack(long pid, int max_levels);

#endif
