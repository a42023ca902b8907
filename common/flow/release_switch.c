/* The runner's side of releases: the switch of current, going back after
 * a failed check, keeping N. */
#include "release_deploy.h"
#include "release.h"
#include "release_hosts.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A host could not switch: the branch goes back to what current names
 * (on every host that answers, switched back). */
static void branch_back(struct wf_session *s, struct wf_deploy *d, const char *prev, char **note)
{
	struct wf_release_info info;
	int r;

	if (!prev[0] || wf_release_read(&d->env->rel, prev, &info) != 0) {
		wf_say("workflow: %s stays on %.12s: there is no earlier release to go back to", d->env->branch,
		       d->new_oid);
		return;
	}
	r = wf_repo_move_ref(&s->repo, d->env->ref, info.commit, d->new_oid, "workflow: back after a failed switch");
	wf_say("workflow: %s %s %.12s (%s)", d->env->branch, r == 0 ? "is back on" : "moved meanwhile; it stays off",
	       info.commit, prev);
	*note = wf_join_note(*note, xasprintf("%s %s %.12s", d->env->branch,
					      r == 0 ? "moved back to" : "could not move back to", info.commit));
}

int wf_release_ready(struct wf_session *s, struct wf_deploy *d, const char *tag, struct wf_step_ctx *cx, char **note)
{
	const struct wf_release_conf *rc = &d->env->rel;
	struct wf_job *j = d->job;
	char *dir;

	if (!rc->path)
		return 0;
	wf_release_current(rc, cx->prev);
	/* current did not move: the branch goes back to what it names */
	if (!j || !j->release[0] || !wf_release_name_ok(j->release)) {
		*note = wf_join_note(*note, xasprintf("no release was placed for this deploy; %s/current did not move",
						      rc->path));
		wf_say("workflow: %s: no release was placed for this deploy; current did not move", d->env->branch);
		branch_back(s, d, cx->prev, note);
		return -1;
	}
	snprintf(cx->placed, sizeof(cx->placed), "%s", j->release);
	if (tag && !j->reused && strcmp(j->release, tag)) {
		/* another deploy took the number foreseen: the release follows the tag */
		if (wf_release_rename(rc, j->release, tag) == 0) {
			snprintf(j->release, sizeof(j->release), "%s", tag);
			/* repair must find it under its new name */
			(void)wf_job_write(s->repo.git_dir, j);
		}
	}
	snprintf(cx->release, sizeof(cx->release), "%s", j->release);
	dir = wf_release_dir(rc, j->release);
	snprintf(cx->cwd, sizeof(cx->cwd), "%s", dir);
	free(dir);
	return 0;
}

void wf_release_stay(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note)
{
	if (!d->env->rel.path)
		return;
	*note = wf_join_note(*note, xasprintf("%s/current did not move", d->env->rel.path));
	branch_back(s, d, cx->prev, note);
}

int wf_release_go(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note)
{
	const struct wf_release_conf *rc = &d->env->rel;
	struct wf_job *j = d->job;

	if (!rc->path)
		return 0;
	/* every host first: here, current follows only once they all did */
	if (rc->n_hosts && wf_hosts_switch(rc, wf_hosts_ctl(j), cx->placed, j->release, cx->prev, "switch", cx, note) < 0) {
		branch_back(s, d, cx->prev, note);
		return -1;
	}
	if (strcmp(cx->prev, j->release) && wf_release_switch(rc, j->release) < 0) {
		*note = wf_join_note(*note, xasprintf("cannot switch %s/current to %s: %s", rc->path, j->release,
						      strerror(errno)));
		wf_say("workflow: %s: cannot switch current to %s: %s", d->env->branch, j->release, strerror(errno));
		branch_back(s, d, cx->prev, note);
		return -1;
	}
	wf_say("workflow: %s: current is now releases/%s%s", d->env->branch, j->release,
	       j->reused ? " (a kept release, not built again)" : "");
	*note = wf_join_note(*note, xasprintf("release %s%s", j->release, j->reused ? " reused" : ""));
	return 0;
}

/* current back to cx->prev; its commit in *commit.  0, 1 when a host
 * could not go back (said, and in the note), or -1 (note). */
static int switch_back(const struct wf_release_conf *rc, const char *ctl, struct wf_step_ctx *cx, char *commit,
		       char **note)
{
	struct wf_release_info info;
	int stuck = 0;

	if (!cx->prev[0] || wf_release_read(rc, cx->prev, &info) != 0) {
		*note = wf_join_note(*note, xstrdup("no earlier release to switch back to"));
		return -1;
	}
	/* a host that cannot go back is said (which host is on which release);
	 * the others and this one go back all the same */
	if (rc->n_hosts)
		stuck = wf_hosts_switch(rc, ctl, cx->prev, cx->prev, NULL, "back", cx, note) < 0;
	if (wf_release_switch(rc, cx->prev) < 0) {
		*note = wf_join_note(*note, xasprintf("cannot switch current back to %s: %s", cx->prev, strerror(errno)));
		return -1;
	}
	strcpy(commit, info.commit);
	return stuck;
}

void wf_release_undo(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, const char *what,
		     char **note)
{
	const char *stuck = "; not every host is: see which host is on which release above";
	char commit[WF_OID_MAX + 1];
	int r, b;

	if (!d->env->rel.path)
		return;
	if ((b = switch_back(&d->env->rel, wf_hosts_ctl(d->job), cx, commit, note)) < 0) {
		wf_say("workflow: a %s of %s failed; %s stays on %.12s (%s)", what, d->env->branch, d->env->branch,
		       d->new_oid, "no earlier release to go back to");
		return;
	}
	r = wf_repo_move_ref(&s->repo, d->env->ref, commit, d->new_oid, "workflow: back after a failed deploy");
	wf_say("workflow: a %s of %s failed: current %sis back on %s%s%.12s%s", what, d->env->branch,
	       b ? "here " : "", cx->prev,
	       r == 0 ? " and the branch back on " : ", but the branch moved meanwhile and stays on ",
	       r == 0 ? commit : d->new_oid, b ? stuck : "");
	*note = wf_join_note(*note, xasprintf("%s failed: switched back to %s%s; %s %s %.12s", what, cx->prev,
					      b ? " here, not on every host" : "", d->env->branch,
					      r == 0 ? "moved back to" : "could not move back to", commit));
}

void wf_release_after_steps(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note)
{
	char *list = NULL;
	int n;

	if (!d->env->rel.path || !cx->release[0])
		return;
	n = wf_release_heal(s->repo.git, &d->env->rel, cx->release, d->new_oid, cx->since, &list);
	if (n > 0) {
		wf_say("workflow: %s: a step wrote %d file%s in place that other releases share (%s): only releases/%s "
		       "has what it wrote, the others keep the committed content", d->env->branch, n, n == 1 ? "" : "s",
		       list, cx->release);
		*note = wf_join_note(*note, xasprintf("steps wrote in place: %s (other releases kept the committed "
						      "content)", list));
	}
	free(list);
}

void wf_release_done(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx)
{
	int n;

	(void)s;
	if (!d->env->rel.path || !cx->release[0])
		return;
	n = wf_release_prune(&d->env->rel, cx->prev[0] ? cx->prev : NULL);
	if (n > 0)
		wf_say("workflow: %s: removed %d old release%s (keep = %d)", d->env->branch, n, n == 1 ? "" : "s",
		       d->env->rel.keep);
	if (d->env->rel.n_hosts)
		wf_hosts_prune(&d->env->rel, wf_hosts_ctl(d->job));
}

void wf_release_forget(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	const struct wf_job *j = d->job;
	char cur[WF_RELEASE_NAME_MAX];

	(void)s;
	if (!env || !j || !env->rel.path || !j->release[0] || j->reused || !wf_release_name_ok(j->release))
		return;
	if (wf_release_current(&env->rel, cur) != 0 || strcmp(cur, j->release)) {
		wf_release_remove(&env->rel, j->release);
		if (env->rel.n_hosts)
			wf_hosts_remove(&env->rel, wf_hosts_ctl(j), j->release);
	}
}

int wf_release_apart(struct wf_repo *r, const struct wf_env *env, struct wf_release_info *info,
		     char tip[WF_OID_MAX + 1])
{
	char cur[WF_RELEASE_NAME_MAX];

	return env->rel.path && wf_release_current(&env->rel, cur) == 0 && wf_release_read(&env->rel, cur, info) == 0 &&
	       wf_repo_ref_tip(r, env->ref, tip) == 0 && strcmp(info->commit, tip);
}

void wf_release_repair(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	const struct wf_job *j = d->job;
	char cur[WF_RELEASE_NAME_MAX], tip[WF_OID_MAX + 1];
	struct wf_release_info info;

	/* the runner died between the ref and the switch: current follows
	 * the branch, which names the job's release */
	if (!env->rel.path || !j->release[0] || !wf_release_name_ok(j->release) ||
	    wf_release_read(&env->rel, j->release, &info) != 0 || wf_repo_ref_tip(&s->repo, env->ref, tip) != 0 ||
	    strcmp(tip, info.commit) || (wf_release_current(&env->rel, cur) == 0 && !strcmp(cur, j->release)))
		return;
	if (env->rel.n_hosts) {
		char *note = NULL;
		wf_hosts_switch(&env->rel, wf_hosts_ctl(j), j->release, j->release, NULL, "switch", NULL, &note);
		free(note);
	}
	if (wf_release_switch(&env->rel, j->release) == 0)
		wf_say("workflow: repair: %s/current switched to %s, the release %s is on", env->rel.path, j->release,
		       env->branch);
}
