/* Maintenance mode (docs/recipes.md#maintenance-mode): an env with
 * maintenance commands turns it on before the switch, so that no visitor
 * gets the new code before its database updates ran, and off after its
 * steps, before the checks (which must see the site itself); on a failed
 * step, after the switch back; on a failed switch, at once.  On and off
 * run in the same release (WordPress's .maintenance is a file in it), as
 * steps of the deploy, in its record. */
#include "maintenance.h"
#include "fileio.h"
#include "release.h"
#include "release_hosts.h"
#include "steps.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wf_maint_wanted(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_env *e = d->env;

	if (!e->rel.n_maint_on)
		return 0;
	for (size_t i = 0; i < e->n_steps; i++)
		if (wf_step_selected(&e->steps[i], (const char *const *)s->opts.toggles, s->opts.n_toggles))
			return 1;
	return 0;
}

/* Steps here or on the env's hosts, as its other steps. */
static int run(struct wf_session *s, struct wf_deploy *d, const struct wf_step *list, size_t n)
{
	return d->env->rel.n_hosts ? wf_hosts_steps(s, d, list, n, &d->cx, "step")
				   : wf_deploy_steps(s, d, list, n, &d->cx, "step", &d->steps);
}

int wf_maint_on(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_release_conf *rc = &d->env->rel;

	if (run(s, d, rc->maint_on, rc->n_maint_on)) {
		wf_say("workflow: maintenance mode could not be turned on for %s", d->env->branch);
		return 1;
	}
	wf_say("workflow: maintenance mode: on for %s, until its steps are done", d->env->branch);
	d->note = wf_join_note(d->note, xstrdup("maintenance mode on during the steps"));
	wf_test_pause(s->repo.git_dir, "maintenance-on");
	return 0;
}

int wf_maint_off(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_release_conf *rc = &d->env->rel;
	int failed = 0;

	/* each one, whatever the one before did: the site must come back */
	for (size_t i = 0; i < rc->n_maint_off; i++)
		failed |= run(s, d, &rc->maint_off[i], 1);
	if (failed) {
		wf_say("workflow: WARNING: maintenance mode may still be on for %s: turning it off failed (above); "
		       "turn it off by hand", d->env->branch);
		d->note = wf_join_note(d->note, xstrdup("maintenance mode NOT turned off: turning it off failed"));
	} else {
		wf_say("workflow: maintenance mode: off for %s", d->env->branch);
	}
	return failed;
}

/* name ended in the journal's list ("maintenance-on 0, db-upgrade 1") */
static int ended(const char *done, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = done; p && (p = strstr(p, name)); p += n)
		if ((p == done || (p >= done + 2 && !strncmp(p - 2, ", ", 2))) && p[n] == ' ')
			return 1;
	return 0;
}

void wf_maint_repair(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_release_conf *rc = &d->env->rel;
	const struct wf_job *j = d->job;
	const char *on, *off;
	char *dir;

	if (!rc->n_maint_on || !rc->n_maint_off || !j)
		return;
	on = rc->maint_on[0].name;
	off = rc->maint_off[rc->n_maint_off - 1].name;
	if ((!ended(j->steps_done, on) && strcmp(j->step, on)) || ended(j->steps_done, off))
		return;
	d->cx.out = &d->steps;
	if (rc->path && j->release[0] && wf_release_name_ok(j->release)) {
		dir = wf_release_dir(rc, j->release);
		snprintf(d->cx.cwd, sizeof(d->cx.cwd), "%s", dir);
		snprintf(d->cx.release, sizeof(d->cx.release), "%s", j->release);
		free(dir);
	}
	wf_say("workflow: repair: the interrupted deploy to %s had turned maintenance mode on: turning it off",
	       d->env->branch);
	wf_maint_off(s, d);
}
