/* The runner process itself (see runner.h): wait until the refs are
 * final, deploy each job whose ref moved, release the lock, then keep
 * retrying webhook events their receivers did not take, for a while. */
#include "runner.h"
#include "dashboard.h"
#include "deploy.h"
#include "hotfix_move.h"
#include "journal.h"
#include "lock.h"
#include "multidev_flow.h"
#include "notify.h"
#include "release_deploy.h"
#include "session.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define SENDER_PAUSE_S 15       /* between two tries (each webhook keeps its own backoff) */

/* 1 once the process that started us is gone: its pipe's write end closed
 * (runner.h).  Not the parent pid: a subreaper that adopts us keeps it. */
static int spawner_gone(void)
{
	struct pollfd p = { WF_RUNNER_SPAWNER_FD, POLLIN, 0 };
	char c;

	if (poll(&p, 1, 0) < 0 || (p.revents & POLLNVAL))
		return 1;
	if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	return read(WF_RUNNER_SPAWNER_FD, &c, 1) <= 0;
}

/* Until post-receive says go or receive-pack has ended, and the process
 * that started us (which still writes the journals) is gone. */
static int wait_for_go(const char *git_dir, const char *env)
{
	struct timespec slice = { 0, 100 * 1000 * 1000 };
	unsigned long long start;
	struct wf_job j;
	sigset_t usr1;
	int go = 0;
	long owner;

	if (wf_job_read(git_dir, env, &j) != 0)
		return -1;
	owner = j.owner_pid;
	start = j.owner_start;
	wf_job_free(&j);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	for (;;) {
		if (sigtimedwait(&usr1, NULL, &slice) == SIGUSR1)
			go = 1;
		if (!go && wf_proc_start_time(owner) != start)
			go = 1;
		if (go && spawner_gone()) {
			close(WF_RUNNER_SPAWNER_FD);
			return 0;
		}
	}
}

/* The push options of the job, for the session to read as git gave them:
 * a runner started by repair runs under another push's environment. */
static void options_to_env(const struct wf_job *j)
{
	char name[48], count[24];

	snprintf(count, sizeof(count), "%zu", j->n_options);
	setenv("GIT_PUSH_OPTION_COUNT", count, 1);
	for (size_t i = 0; i < j->n_options; i++) {
		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%zu", i);
		setenv(name, j->options[i], 1);
	}
}

/* Did git move the env's ref as the job says (a hotfix: its special ref;
 * a branch env's deletion: the branch is gone)? */
int wf_job_applied(struct wf_session *s, const struct wf_job *j, const struct wf_env *env)
{
	char tip[WF_OID_MAX + 1];
	const char *ref = wf_deploy_kind_of(j->kind) == WF_HOTFIX ? j->ref : env->ref;
	int r = wf_repo_ref_tip(&s->repo, ref, tip);

	if (!strcmp(j->kind, "delete"))
		return r == 1;
	return r == 0 && !strcmp(tip, j->new_oid);
}

/* The ref did not move, or the deploy is a deletion: nothing to deploy.
 * 1 when d is done with (its journal removed). */
static int nothing_to_run(struct wf_session *s, const char *name, struct wf_deploy *d)
{
	const struct wf_job *j = d->job;

	if (!wf_job_applied(s, j, d->env)) {
		wf_say("workflow: %s was not updated (git did not make that update); no deploy to %s",
		       d->kind == WF_HOTFIX ? j->ref : d->env->branch, d->env->branch);
		wf_release_forget(s, d);
		wf_md_forget(s, d->env);
	} else if (!strcmp(j->kind, "delete")) {
		wf_md_delete(s, d->env, "its branch was deleted");
	} else {
		return 0;
	}
	wf_job_remove(s->repo.git_dir, name);
	return 1;
}

static void run_job(struct wf_session *s, const char *name)
{
	struct wf_deploy d;

	if (wf_deploy_load(s, name, &d) != 0 || d.job->runner_pid != (long)getpid() || !d.env ||
	    nothing_to_run(s, name, &d)) {
		wf_deploy_unload(&d);
		return;
	}
	d.job->running = 1;
	strcpy(d.job->state, WF_STATE_TAGGED);
	if (wf_deploy_save(s, &d) < 0)
		wf_say("workflow: warning: could not update the %s journal", name);
	if (d.kind == WF_HOTFIX && wf_hotfix_apply(s, &d, d.job->base) < 0) {
		wf_job_remove(s->repo.git_dir, name);
		wf_deploy_unload(&d);
		return;
	}
	wf_deploy_run(s, &d);
	/* its hosts' connections end with it, even when its journal stays
	 * (untagged: repair tags it later, over connections of its own) */
	wf_sshmux_close(d.job->ssh_dir);
	if (d.kind == WF_HOTFIX)
		wf_say("workflow: hotfix is on %s. Merge it back into Dev now: git pull origin %s && git push origin %s",
		       d.env->branch, d.env->branch, s->config.dev_branch);
	wf_deploy_unload(&d);
}

/* Events a receiver did not take go out without waiting for a push: one
 * runner at a time retries them, on the webhooks' backoff, for a while. */
static void send_until_empty(struct wf_session *s)
{
	char *path = xasprintf("%sworkflow/notify.sender", s->repo.git_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	time_t end = time(NULL) + (time_t)s->config.notify_retry_for;

	free(path);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* until the queue is empty, the time is up, or the repository is gone */
	while (wf_notify_deliver(s->repo.git_dir, &s->config, 0, NULL) > 0 && time(NULL) < end &&
	       access(s->repo.git_dir, F_OK) == 0)
		sleep(s->config.notify_backoff < SENDER_PAUSE_S ? (unsigned)s->config.notify_backoff : SENDER_PAUSE_S);
	close(fd);
}

static void mark_done(const char *git_dir, long run)
{
	char *path = wf_run_path(git_dir, run, "done");
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0664);
	if (fd >= 0)
		close(fd);
	free(path);
}

/* The releases the deploys took out of releases/ (keep), removed now that
 * the push has ended, at idle I/O priority: on a slow disk it took minutes. */
static void empty_trash(struct wf_session *s, char **envs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct wf_env *e = wf_session_env(s, envs[i], NULL);
		if (e && e->rel.path)
			wf_release_empty_trash(&e->rel);
	}
}

int wf_runner_main(int argc, char **argv)
{
	const char *gd = getenv("GIT_DIR");
	char *git_dir, err[1024];
	struct wf_session s;
	struct wf_lock_info holder;
	struct wf_job first;
	long run;

	if (argc < 4 || !gd || !*gd)
		return 2;
	run = atol(argv[2]);
	git_dir = wf_dir_slash(gd);
	if (wait_for_go(git_dir, argv[3]) < 0 || wf_job_read(git_dir, argv[3], &first) != 0) {
		mark_done(git_dir, run);
		free(git_dir);
		return 1;
	}
	/* normally handed over by pre-receive; if that failed (it was killed
	 * in between), take it now, or leave the job to repair */
	if (wf_lock_acquire_wait(git_dir, (long)getpid(), first.pusher, first.env, &holder, err, sizeof(err),
				 60000) != 0) {
		fprintf(stderr, "workflow: deploy runner: another deploy holds the lock (%s); the next push "
			"finishes this one\n", holder.env);
		wf_job_free(&first);
		mark_done(git_dir, run);
		free(git_dir);
		return 1;
	}
	options_to_env(&first);
	if (wf_session_open(&s, err, sizeof(err)) < 0) {
		wf_say("workflow: deploy runner: %s; the next push repairs the deploy", err);
		wf_job_free(&first);
		mark_done(git_dir, run);
		free(git_dir);
		return 1;
	}
	free(s.pusher);
	s.pusher = xstrdup(first.pusher);
	wf_job_free(&first);
	for (int i = 3; i < argc; i++)
		run_job(&s, argv[i]);
	wf_lock_release(s.repo.git_dir, (long)getpid());
	/* the push ends with the records; the pages are no reason to wait
	 * (on a long history they took seconds) */
	mark_done(git_dir, run);
	wf_dashboard_write(&s);
	empty_trash(&s, argv + 3, (size_t)(argc - 3));
	if (s.config_ok && s.config.n_webhooks && s.config.notify_retry_for > 0)
		send_until_empty(&s);
	wf_session_close(&s);
	free(git_dir);
	return 0;
}
