/* The deploy runner: once pre-receive has accepted a deploy, the deploy
 * runs in a process of its own, detached from the push (its own session
 * and process group, no terminal, output to workflow/runs/<run>.log), which
 * holds the deploy lock until its record is written.  Ctrl-C, a dropped
 * connection, a slow reader or an HTTP front end's timeout end the push,
 * never the deploy.  The push only follows the run's log (common/sys/follow.c).
 *
 * The runner waits until the refs are final: post-receive says so
 * (SIGUSR1), or receive-pack has ended (a pusher who hung up right after
 * the pack: no post-receive runs at all); and until its spawner is gone.  Then, for each env journaled
 * for it (common/sys/journal.h), it deploys when the env's ref really moved,
 * and forgets the job when git did not move it. */
#ifndef WF_RUNNER_H
#define WF_RUNNER_H

#include <stddef.h>

/* argv[1] of a program started as the runner: every program that links
 * the flow (pre-receive, workflow-post-receive, git-workflow) can be one,
 * so the runner is found wherever a host put the hooks. */
#define WF_RUNNER_ARG "--workflow-deploy-runner"

/* The runner's fd for the read end of a pipe whose write end only the
 * process that spawned it holds: end of file there says that process is
 * gone, whoever adopted the runner (init, or a subreaper). */
#define WF_RUNNER_SPAWNER_FD 3

/* In a forked child that outlives the hook (the runner, the dashboard
 * writer), before its exec: a session of its own, no terminal, stdin
 * /dev/null, out as its stdout and stderr (git waits for the hook's stderr
 * to close), the spawner pipe's read end at WF_RUNNER_SPAWNER_FD and no
 * other descriptor, the push's quarantine forgotten (its objects are in
 * the repository once the refs moved). */
void wf_detach_child(int out, int spawner);

/* Start the runner for the jobs journaled for envs, hand it the deploy lock
 * lock_owner holds, and note it in the journals.  Returns the run number,
 * or -1 with err. */
long wf_runner_start(const char *git_dir, long lock_owner, const char *const *envs, size_t n, char *err,
		     size_t errlen);

/* The runner's main (argv[1] == WF_RUNNER_ARG, argv[2] the run, then the
 * envs).  Returns the exit status. */
int wf_runner_main(int argc, char **argv);

/* post-receive: the refs are final; let the runner of this job go on. */
void wf_runner_go(long runner_pid, unsigned long long runner_start);

struct wf_session;
struct wf_job;
struct wf_env;
/* 1 when git moved the job's ref as the job says (a hotfix: its special
 * ref), so there is a deploy to run. */
int wf_job_applied(struct wf_session *s, const struct wf_job *j, const struct wf_env *env);

/* workflow/runs/<run>.log, .pid and .done */
char *wf_run_path(const char *git_dir, long run, const char *ext);

#endif
