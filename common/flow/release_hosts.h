/* An env's releases on several web servers (docs/several-web-servers.md):
 * built once here, copied to every host with rsync over ssh, all at once;
 * switched on all only when all have it; steps on the first host or on all,
 * checks on all; kept N on all.  Each host's output comes prefixed
 * "[name] ", each result goes into the record.  ctl, in each: the deploy's
 * ssh control directory (its journal's ssh_dir, sshmux.h), so that one
 * connection per host serves the whole deploy; NULL: each ssh connects on
 * its own. */
#ifndef WF_RELEASE_HOSTS_H
#define WF_RELEASE_HOSTS_H

#include "deploy.h"
#include "release.h"

/* j's ssh control directory, or NULL (no journal, none made, or gone). */
const char *wf_hosts_ctl(const struct wf_job *j);

/* pre-receive, the release complete here: onto every host.  0, or -1
 * (said which host and why; the copies removed unless reused, i.e. the
 * hosts had it already); st: each host's result for the record;
 * why: which hosts failed and why, in one line. */
int wf_hosts_copy(const struct wf_release_conf *rc, const char *ctl, const char *name, int reused,
		  struct wf_record_steps *st, char *why, size_t whylen);
/* Remove name on every host (where current does not name it). */
void wf_hosts_remove(const struct wf_release_conf *rc, const char *ctl, const char *name);
/* Every host's current to releases/<to> (the copies are called from:
 * renamed first).  0, or -1 when a host failed: those switched go back to
 * prev (if any); the pusher is told which host is on which release when
 * one cannot be brought back.  cx->out gets each host's result, as
 * "<what>@<host>" (what: "switch", "back"). */
int wf_hosts_switch(const struct wf_release_conf *rc, const char *ctl, const char *from, const char *to,
		    const char *prev, const char *what, struct wf_step_ctx *cx, char **note);
/* Steps ("step": on the first host, or all with steps_on = "all") or
 * checks ("check": on all) in the hosts' new release, over ssh, the WF_*
 * variables on stdin (over d's connections).  1 when one failed (the
 * rest did not run), else 0. */
int wf_hosts_steps(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *steps, size_t n,
		   struct wf_step_ctx *cx, const char *what);
/* Every host keeps the releases kept here (and its current). */
void wf_hosts_prune(const struct wf_release_conf *rc, const char *ctl);
/* What each host's current names ("" none, "?" unknown: it did not
 * answer); cur has rc->n_hosts entries. */
void wf_hosts_current(const struct wf_release_conf *rc, const char *ctl, char (*cur)[WF_RELEASE_NAME_MAX]);

#endif
