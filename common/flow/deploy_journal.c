/* A deploy's journal is its on-disk form: pre-receive accepts a command
 * as a deploy and saves it; the runner and repair load it (deploy.h). */
#include "deploy.h"
#include "lock.h"
#include "owner.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* d's own fields as its journal says them: kind, env, ref, old, new,
 * pusher (the journal's strings). */
static void from_journal(struct wf_deploy *d, const struct wf_env *env)
{
	struct wf_job *j = &d->journal;

	d->kind = wf_deploy_kind_of(j->kind);
	d->env = env;
	d->ref = j->ref;
	snprintf(d->old_oid, sizeof(d->old_oid), "%s", j->old_oid[0] ? j->old_oid : WF_ZERO_OID);
	snprintf(d->new_oid, sizeof(d->new_oid), "%s", j->new_oid);
	d->pusher = j->pusher;
	d->job = j;
}

void wf_deploy_accept(struct wf_session *s, const struct wf_command *c, struct wf_deploy *d)
{
	const struct wf_update *u = c->u;
	struct wf_job *j = &d->journal;

	memset(d, 0, sizeof(*d));
	snprintf(j->env, sizeof(j->env), "%s", c->d.env->name);
	snprintf(j->kind, sizeof(j->kind), "%s",
		 wf_is_zero_oid(u->new_oid) ? "delete" : wf_deploy_kind_word(c->d.action));
	snprintf(j->ref, sizeof(j->ref), "%s", u->ref);
	if (c->d.action == WF_HOTFIX)
		strcpy(j->base, c->d.base), strcpy(j->old_oid, c->d.base);
	else if (!wf_is_zero_oid(u->old_oid))
		strcpy(j->old_oid, u->old_oid);
	strcpy(j->new_oid, u->new_oid);
	j->pusher = xstrdup(s->pusher);
	j->options = xcalloc(s->opts.n_raw + 1, sizeof(*j->options));
	for (size_t i = 0; i < s->opts.n_raw; i++)
		j->options[i] = xstrdup(s->opts.raw[i]);
	j->n_options = s->opts.n_raw;
	j->owner_pid = wf_push_owner();
	j->owner_start = wf_proc_start_time(j->owner_pid);
	strcpy(j->state, WF_STATE_ACCEPTED);
	from_journal(d, c->d.env);
}

int wf_deploy_save(struct wf_session *s, const struct wf_deploy *d)
{
	return wf_job_write(s->repo.git_dir, d->job);
}

int wf_deploy_load(struct wf_session *s, const char *env, struct wf_deploy *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	r = wf_job_read(s->repo.git_dir, env, &d->journal);
	if (r == 0)
		from_journal(d, wf_session_env(s, env, d->journal.ref));
	return r;
}

void wf_deploy_unload(struct wf_deploy *d)
{
	wf_deploy_clear(d);
	if (d->job == &d->journal)
		wf_job_free(&d->journal);
	d->job = NULL;
}
