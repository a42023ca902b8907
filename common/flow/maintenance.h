/* Maintenance mode around a deploy's steps (maintenance.c). */
#ifndef WF_MAINTENANCE_H
#define WF_MAINTENANCE_H

#include "deploy.h"

/* 1 when d's env has maintenance commands and one of its steps runs for
 * this push (a push that turns every step off needs no maintenance). */
int wf_maint_wanted(struct wf_session *s, const struct wf_deploy *d);
/* Turn it on: the on commands, in d->cx (the release switched to, before
 * the switch), recorded as steps.  1 when one failed (the rest did not
 * run; the caller turns it off all the same). */
int wf_maint_on(struct wf_session *s, struct wf_deploy *d);
/* Turn it off: every off command, even after one failed, in the same
 * release as on.  1 when one failed (said loudly: it may still be on). */
int wf_maint_off(struct wf_session *s, struct wf_deploy *d);

/* repair, for a deploy whose runner died: when its journal shows
 * maintenance turned on and not off, off now, in its release (said; the
 * results go into the record of the interrupted deploy). */
void wf_maint_repair(struct wf_session *s, struct wf_deploy *d);

#endif
