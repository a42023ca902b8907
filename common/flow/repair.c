#include "repair.h"
#include "maintenance.h"
#include "dashboard_later.h"
#include "journal.h"
#include "lock.h"
#include "notify_hooks.h"
#include "outside.h"
#include "record.h"
#include "release.h"
#include "release_deploy.h"
#include "runner.h"
#include "text.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Every env repair looks at: Test and Live (also for a tip moved outside
 * the workflow), and each env with a journal: Dev with a path, branch
 * envs.  One code path for all; a malloc'd array of n. */
static const struct wf_env **envs(struct wf_session *s, size_t *n)
{
	size_t nj = 0;
	char **names = wf_job_envs(s->repo.git_dir, &nj);
	const struct wf_env **e = xcalloc(nj + 3, sizeof(*e));

	e[0] = &s->config.test;
	e[1] = &s->config.live;
	*n = 2;
	if (s->config.dev.rel.path)
		e[(*n)++] = &s->config.dev;
	for (size_t i = 0; i < nj; i++) {
		struct wf_job j;
		const struct wf_env *env = NULL;
		if (!strcmp(names[i], s->config.test.name) || !strcmp(names[i], s->config.live.name) ||
		    (s->config.dev.rel.path && !strcmp(names[i], s->config.dev.name)))
			continue;
		if (wf_job_read(s->repo.git_dir, names[i], &j) == 0) {
			env = wf_session_env(s, names[i], j.ref);
			wf_job_free(&j);
		}
		if (env)
			e[(*n)++] = env;
	}
	wf_strv_free(names, nj);
	return e;
}

/* current keeps serving the release it serves (the last that passed, or
 * the one an admin chose); the branch goes back to its commit, recorded. */
static int reconcile(struct wf_session *s, const struct wf_env *env)
{
	struct wf_release_info info;
	char tip[WF_OID_MAX + 1];
	struct wf_record r;
	int moved;

	/* no journal: no deploy runs for it */
	if (!wf_release_apart(&s->repo, env, &info, tip))
		return 0;
	moved = wf_repo_move_ref(&s->repo, env->ref, info.commit, tip, "workflow: repair: back to what current serves");
	wf_say("workflow: repair: %s was on %.12s while its current serves releases/%s (%.12s): %s", env->branch,
	       tip, info.name, info.commit, moved == 0 ? "the branch is back on that commit" : "the branch moved meanwhile");
	if (moved != 0)
		return 0;
	wf_record_start(&r, "repair", "ok", env->name, env->ref, s->pusher, tip, info.commit);
	r.message = xasprintf("%s moved back to the commit its current serves (releases/%s)", env->branch, info.name);
	if (wf_record_write(s->repo.git_dir, &r) == 0)
		wf_say("workflow: repair: recorded as deploy record %ld (git-workflow show %ld)", r.seq, r.seq);
	free(r.message);
	return 1;
}

static int env_needs_repair(struct wf_session *s, const struct wf_env *env, long me)
{
	struct wf_release_info info;
	char tip[WF_OID_MAX + 1];
	struct wf_job j;
	int r = wf_job_read(s->repo.git_dir, env->name, &j);

	(void)me;
	if (r == 0) {
		r = !wf_job_owner_alive(&j);
		wf_job_free(&j);
		return r;
	}
	if (r < 0 || wf_release_apart(&s->repo, env, &info, tip))
		return 1;
	/* no journal: an untagged tip is no deploy of ours (outside.h); Dev
	 * and branch envs move freely */
	return !env->tagless && wf_outside_note_needed(&s->repo, env) != 0;
}

int wf_repair_needed(struct wf_session *s, long owner_pid)
{
	size_t n;
	const struct wf_env **e = envs(s, &n);
	int need = 0;

	for (size_t i = 0; i < n && !need; i++)
		need = env_needs_repair(s, e[i], owner_pid);
	free(e);
	return need;
}

/* The newest deploy tag of env on oid, or NULL. */
static char *tag_at(struct wf_session *s, const struct wf_env *env, const char *oid)
{
	char got[WF_OID_MAX + 1];
	long n = wf_repo_last_deploy_number(&s->repo, env->name);

	for (; n > 0; n--)
		if (wf_repo_deploy_tag_target(&s->repo, env->name, n, got) == 0 && !strcmp(got, oid))
			return xasprintf("%s_%s_%ld", s->config.tag_prefix, env->name, n);
	return NULL;
}

static char *annotation(struct wf_session *s, const struct wf_env *env, const char *kind, const char *pusher,
			const char *old, const char *new)
{
	struct sbuf sb = SBUF_INIT, commits = SBUF_INIT;
	char when[32];

	wf_format_time((long long)time(NULL), when);
	wf_repo_commit_list(&s->repo, old, new, 200, &commits);
	sbuf_addf(&sb, "Interrupted %s to %s, tagged by repair\n\n", kind, env->branch);
	sbuf_addf(&sb, "kind: %s\nenv: %s\npusher: %s\ntime: %s\nfrom: %s\nto: %s\n", kind, env->name, pusher,
		  when, wf_is_zero_oid(old) ? "(none)" : old, new);
	sbuf_adds(&sb, "repaired: post-receive did not finish this deploy; its steps may not have run\n");
	sbuf_adds(&sb, "commits:\n");
	for (char *line = strtok(commits.buf, "\n"); line; line = strtok(NULL, "\n"))
		sbuf_addf(&sb, "  %s\n", line);
	sbuf_free(&commits);
	return sbuf_detach(&sb);
}


/* A runner killed mid-step leaves the step's process group running: stop
 * it before anything else deploys, so two deploys never run at once. */
static void stop_leftover_step(const struct wf_job *j)
{
	pid_t g = (pid_t)j->step_pgid;

	if (g <= 1 || kill(-g, 0) < 0)
		return;
	kill(-g, SIGTERM);
	for (int i = 0; i < 20 && kill(-g, 0) == 0; i++)
		usleep(100 * 1000);
	kill(-g, SIGKILL);
	wf_say("workflow: repair: stopped step %s, which the ended deploy runner left running", j->step);
}

/* "updatedb 0, cache-clear 1; cut short: import" for the record */
static char *steps_line(const struct wf_job *j)
{
	if (!j)
		return xstrdup("");
	return xasprintf("; it was in state %s; steps that ended: %s%s%s", j->state[0] ? j->state : "?",
			 j->steps_done ? j->steps_done : "none", j->step[0] ? "; cut short: " : "", j->step);
}

/* Tag the lost deploy d when its commit has no tag yet (the env's tip is
 * tip); d->tag and d->note for its record.  -1 on error (said). */
static int tag_lost(struct wf_session *s, struct wf_deploy *d, const char *tip, int tagged_now)
{
	const struct wf_env *env = d->env;
	char err[512], *annot, *steps = steps_line(d->job);

	if (strcmp(d->new_oid, tip) || tagged_now || env->tagless) {
		d->tag = env->tagless ? NULL : tag_at(s, env, d->new_oid);
		d->note = xasprintf("interrupted: the deploy runner ended before its record; repair by %s recorded it "
				    "(%s is now on %.12s)%s", s->pusher, env->branch, tip, steps);
		free(steps);
		return 0;
	}
	annot = annotation(s, env, d->job->kind, d->pusher, d->old_oid, d->new_oid);
	if (wf_repo_create_deploy_tag(&s->repo, env->name, d->new_oid, s->pusher, annot, &d->tag, err,
				      sizeof(err)) < 0) {
		wf_say("workflow: repair: cannot tag %s's tip %.12s: %s", env->branch, tip, err);
		free(annot);
		free(steps);
		return -1;
	}
	free(annot);
	d->note = xasprintf("interrupted: the deploy runner ended before its record; repair by %s tagged %s; "
			    "re-run the steps that did not end, or promote again%s", s->pusher, d->tag, steps);
	free(steps);
	return 0;
}

/* The journal's deploy, recorded as interrupted: the same record a run
 * writes (wf_deploy_record), with what repair found. */
static int record_lost(struct wf_session *s, struct wf_deploy *d, const char *tip, int tagged_now)
{
	const struct wf_env *env = d->env;
	const char *kind = d->job->kind;
	int made = !tagged_now && !env->tagless && !strcmp(d->new_oid, tip), rc = -1;
	struct wf_record r;

	if (tag_lost(s, d, tip, tagged_now) < 0)
		return -1;
	d->message = xasprintf("Interrupted %s to %s", kind, env->branch);
	wf_deploy_record(s, d, "interrupted", &r);
	r.kind = (char *)kind; /* a branch env's "delete" too */
	if (wf_record_write(s->repo.git_dir, &r) < 0) {
		wf_say("workflow: repair: could not record the interrupted %s to %s", kind, env->branch);
	} else {
		wf_say("workflow: repair: an interrupted %s to %s (%.12s) was %s and recorded as deploy record %ld "
		       "(git-workflow show %ld)", kind, env->branch, d->new_oid, made ? "tagged" : "found", r.seq,
		       r.seq);
		if (made)
			wf_say("workflow: repair: %s is %s; the steps may not have run", env->branch, d->tag);
		wf_notify_record(s, &r);
		wf_job_remove(s->repo.git_dir, env->name);
		rc = 1;
	}
	return rc;
}

/* A journal whose push ended before its runner could start the deploy (a
 * pusher who hung up right after the pack): run it now, if git moved the
 * ref; forget it if not.  1 when it is to be started. */
static int pending_job(struct wf_session *s, const struct wf_deploy *d)
{
	const struct wf_job *j = d->job;

	/* a push killed mid-build (Ctrl-C) leaves the build running in its
	 * own process group: it must not write into the next push's release */
	stop_leftover_step(j);
	if (wf_job_applied(s, j, d->env)) {
		wf_say("workflow: repair: the %s to %s pushed by %s was accepted but never ran; it runs now",
		       j->kind, d->env->branch, j->pusher);
		return 1;
	}
	wf_release_forget(s, d);
	wf_job_remove(s->repo.git_dir, d->env->name);
	return 0;
}

/* A journal whose runner died mid-deploy: what it left running stopped,
 * current put with the branch, the deploy recorded as interrupted. */
static int lost_job(struct wf_session *s, struct wf_deploy *d)
{
	char tip[WF_OID_MAX + 1];
	int t;

	if (wf_repo_ref_tip(&s->repo, d->env->ref, tip) != 0) {
		wf_job_remove(s->repo.git_dir, d->env->name);
		return 0;
	}
	t = d->env->tagless ? 1 : wf_outside_tip_tagged(&s->repo, d->env, tip);
	if (t < 0)
		return -1;
	stop_leftover_step(d->job);
	wf_release_repair(s, d);
	wf_maint_repair(s, d);
	return record_lost(s, d, tip, t);
}

/* -1 error, 0 nothing, 1 repaired, 2 a pending deploy to start */
static int repair_env(struct wf_session *s, const struct wf_env *env)
{
	struct wf_deploy d;
	int r = wf_deploy_load(s, env->name, &d), rc = 0;

	d.env = env;
	if (r < 0) {
		/* journals are renamed into place whole: this one is damaged,
		 * not being written, and says nothing we could finish */
		wf_say("workflow: repair: the deploy journal of %s could not be read; removed", env->branch);
		wf_job_remove(s->repo.git_dir, env->name);
	}
	if (r != 0 && reconcile(s, env))
		rc = 1;
	else if (r != 0)
		/* no journal: a tip no deploy made is reported, never tagged */
		rc = env->tagless || wf_outside_note(s, env) >= 0 ? 0 : -1;
	else if (wf_job_owner_alive(d.job))
		rc = 0;
	else if (!d.job->running)
		rc = 2 * pending_job(s, &d);
	else
		rc = lost_job(s, &d);
	wf_deploy_unload(&d);
	return rc;
}

int wf_repair(struct wf_session *s, long owner_pid)
{
	size_t n, n_start = 0;
	const struct wf_env **e = envs(s, &n);
	const char **start = xcalloc(n + 1, sizeof(*start));
	char err[512];
	int total = 0;

	for (size_t i = 0; i < n; i++) {
		int r = repair_env(s, e[i]);
		if (r < 0) {
			free(start);
			free(e);
			return -1;
		}
		if (r == 2)
			start[n_start++] = e[i]->name;
		total += r > 0;
	}
	if (total)
		wf_dashboard_write_later(s);
	/* the lock goes to the runner, which keeps it until the records */
	if (n_start && wf_runner_start(s->repo.git_dir, owner_pid, start, n_start, err, sizeof(err)) < 0)
		wf_say("workflow: repair: %s", err);
	free(start);
	free(e);
	return total;
}

void wf_repair_if_needed(struct wf_session *s, long owner_pid)
{
	struct wf_lock_info holder;
	char err[512];
	int l;

	if (!wf_repair_needed(s, owner_pid))
		return;
	l = wf_lock_acquire(s->repo.git_dir, owner_pid, s->pusher, "repair", &holder, err, sizeof(err));
	if (l != 0)
		return; /* a deploy is running (its own journal), or no lock: next time */
	wf_repair(s, owner_pid);
	wf_lock_release(s->repo.git_dir, owner_pid);
}
