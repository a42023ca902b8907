/* A command step: argv (or the admin's sh -c script) in its own process
 * group, its stdout and stderr read as they come into a struct wf_output,
 * a timeout that kills the whole group whatever the step writes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "steps_run.h"
#include "util.h"

/* After the direct child exits, how long a background process may keep the
 * output pipe open before its group is killed (ms). */
#define DRAIN_AFTER_EXIT_MS 1000
/* Between SIGTERM and SIGKILL (ms). */
#define KILL_GRACE_MS 2000
/* Longest single poll(), so the child's exit is noticed promptly (ms). */
#define POLL_SLICE_MS 50

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct exec_failure {
	int stage;      /* 1 = chdir, 2 = exec */
	int err;
};

static void child_fail(int outfd, int errfd, int stage, const char *what, int err)
{
	struct exec_failure f = { stage, err };
	char msg[1024];
	int n;

	if (stage == 1)
		n = snprintf(msg, sizeof(msg), "cannot chdir to '%s': %s\n", what, strerror(err));
	else
		n = snprintf(msg, sizeof(msg), "cannot run '%s': %s\n", what, strerror(err));
	if (n > 0)
		(void)wf_write_all(outfd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	(void)wf_write_all(errfd, &f, sizeof(f));
	_exit(127);
}

static int step_stdin = -1, step_stdout = -1;

void wf_steps_stdin(int fd)
{
	step_stdin = fd;
}

void wf_steps_stdout(int fd)
{
	step_stdout = fd;
}

/* Wait at the gate until the parent has noted this process group (the
 * journal).  The parent killed before that closes the gate unopened: then
 * repair could never find the step, so it does not run. */
static void pass_gate(int gate)
{
	char c;
	ssize_t n;

	while ((n = read(gate, &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(127);
	close(gate);
}

static void run_child(const struct wf_step *s, const char *cwd, char *const env[], int outfd, int errfd,
		      int gate)
{
	sigset_t all;
	int devnull;

	setpgid(0, 0);
	pass_gate(gate);
	/* Default signal handling and mask for the step, whatever the hook set. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	devnull = step_stdin >= 0 ? dup(step_stdin) : open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	} else if (devnull < 0) {
		close(0);
	}
	/* a dump's stdout is its data: to the file, its stderr kept as output */
	if (step_stdout >= 0)
		dup2(step_stdout, 1);
	else if (outfd != 1)
		dup2(outfd, 1);
	if (outfd != 2)
		dup2(outfd, 2);
	if (outfd > 2)
		close(outfd);
	outfd = 1;

	if (cwd && chdir(cwd) < 0)
		child_fail(outfd, errfd, 1, cwd, errno);
	for (size_t i = 0; env && env[i]; i++)
		if (strchr(env[i], '='))
			putenv(env[i]);

	if (s->shell) {
		execl("/bin/sh", "sh", "-c", s->run[0], (char *)NULL);
		child_fail(outfd, errfd, 2, "/bin/sh", errno);
	}
	execvp(s->run[0], s->run);
	child_fail(outfd, errfd, 2, s->run[0], errno);
}

/* Has the child exited?  Does not reap it, so its pid stays reserved as the
 * process group id while we may still signal the group. */
static int child_exited(pid_t pid)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0)
			return si.si_pid == pid;
		if (errno != EINTR)
			return 1;       /* ECHILD: nothing left to wait for */
	}
}

/* Read what is available on fd without blocking, at most DRAIN_MAX bytes,
 * so that a step that never stops printing still meets its deadline.
 * Returns 1 at EOF or on a hard error, 0 otherwise. */
#define DRAIN_MAX (256 * 1024)
static int drain(int fd, struct wf_output *c)
{
	char buf[8192];

	for (size_t got = 0; got < DRAIN_MAX;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			wf_output_add(c, buf, (size_t)n);
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return 1;
	}
	return 0;
}

/* Wait up to ms for data or EOF on fd (fd < 0: just sleep).  Returns 1 at EOF. */
static int wait_and_drain(int fd, struct wf_output *c, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r;

	if (fd < 0) {
		sleep_ms(ms);
		return 1;
	}
	r = poll(&p, 1, ms < 0 ? 0 : ms);
	if (r < 0)
		return 0;       /* EINTR: the caller loops */
	if (r > 0)
		return drain(fd, c);
	return 0;
}

/* SIGTERM the group, let it go for up to the grace period (reading what it
 * still writes), then SIGKILL the group.  Returns with the pipe still open
 * but the caller must not read it further. */
static void kill_group(pid_t pid, int fd, struct wf_output *c, int *eof)
{
	double end;

	kill(-pid, SIGTERM);
	kill(pid, SIGTERM);     /* in case setpgid lost a race */
	end = now_mono() + KILL_GRACE_MS / 1000.0;
	while (now_mono() < end) {
		if (!*eof)
			*eof = wait_and_drain(fd, c, POLL_SLICE_MS);
		else
			sleep_ms(POLL_SLICE_MS);
		if (*eof && child_exited(pid))
			break;
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static void (*on_start)(void *ctx, long pgid);
static void *on_start_ctx;

void wf_steps_on_start(void (*cb)(void *ctx, long pgid), void *ctx)
{
	on_start = cb;
	on_start_ctx = ctx;
}

/* Close whichever ends were opened (the arrays start as -1). */
static void close_pipes(int out[2], int errp[2], int gate[2])
{
	int *all[] = { out, errp, gate };

	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < 2; k++)
			if (all[i][k] >= 0)
				close(all[i][k]);
}

/* Fork the step in its own process group, its output on *outfd.  The
 * child's pid, or -1 with res->error. */
static pid_t spawn(const struct wf_step *s, const char *cwd, char *const env[], int *outfd, int *errfd,
		   struct wf_step_result *res)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, gate[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(gate, O_CLOEXEC) < 0) {
		res->error = xasprintf("cannot create a pipe: %s", strerror(errno));
		close_pipes(out, errp, gate);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		res->error = xasprintf("cannot fork: %s", strerror(errno));
		close_pipes(out, errp, gate);
		return -1;
	}
	if (pid == 0) {
		close(out[0]);
		close(errp[0]);
		close(gate[1]);
		run_child(s, cwd, env, out[1], errp[1], gate[0]);
		_exit(127);
	}
	setpgid(pid, pid);      /* also in the parent: no race with kill(-pid) */
	close(gate[0]);
	if (on_start)
		on_start(on_start_ctx, (long)pid);
	(void)wf_write_all(gate[1], "", 1); /* noted: the step may run */
	close(gate[1]);
	close(out[1]);
	close(errp[1]);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	*outfd = out[0];
	*errfd = errp[0];
	return pid;
}

/* Read the step's output until it exits and closes it, its deadline passes
 * (however much it writes: drain() reads a bounded amount at a time), or a
 * background process of it keeps the output open after it exited. */
static void watch(pid_t pid, int fd, int timeout, struct wf_output *c, struct wf_step_result *res)
{
	double deadline = now_mono() + timeout, exited_at = 0;
	int eof = 0, nap = 1;

	for (;;) {
		double now = now_mono();
		int exited = child_exited(pid);

		if (exited && exited_at == 0)
			exited_at = now;
		if (exited && eof)
			return;
		if (now >= deadline || (exited && now - exited_at >= DRAIN_AFTER_EXIT_MS / 1000.0)) {
			res->timed_out = now >= deadline;
			kill_group(pid, fd, c, &eof);
			return;
		}
		if (!eof) {
			double left = deadline - now;
			int ms = left * 1000 < POLL_SLICE_MS ? (int)(left * 1000) + 1 : POLL_SLICE_MS;
			eof = wait_and_drain(fd, c, ms);
		} else {
			/* its output closed: it is exiting, noticed within a
			 * few ms rather than a whole slice (a step of 50 ms
			 * is not made to take 100) */
			sleep_ms(nap);
			nap = nap * 2 < POLL_SLICE_MS ? nap * 2 : POLL_SLICE_MS;
		}
	}
}

/* Its exit status; and whether exec (or chdir) failed: the error pipe is
 * close-on-exec, so it only carries data when the step never ran. */
static int reap(pid_t pid, int errfd, const struct wf_step *s, const char *cwd, struct wf_step_result *res)
{
	struct exec_failure f;
	int status = 0;
	ssize_t n;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	res->exit_status = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status)
				       : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
	do
		n = read(errfd, &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	close(errfd);
	if (n == (ssize_t)sizeof(f)) {
		if (f.stage == 1)
			res->error = xasprintf("cannot chdir to '%s': %s", cwd, strerror(f.err));
		else
			res->error = xasprintf("cannot run '%s': %s", s->shell ? "/bin/sh" : s->run[0],
					       strerror(f.err));
		res->exit_status = 127;
		return 1;
	}
	return res->timed_out || res->exit_status != 0;
}

int wf_step_exec(const struct wf_step *s, const char *cwd, char *const env[], struct wf_output *c,
		 struct wf_step_result *res)
{
	int timeout = s->timeout > 0 ? s->timeout : WF_STEP_TIMEOUT_DEFAULT, outfd, errfd;
	pid_t pid;

	if (!s->run || !s->run[0]) {
		res->exit_status = -1;
		res->error = xstrdup("step has nothing to run");
		return 1;
	}
	pid = spawn(s, cwd, env, &outfd, &errfd, res);
	if (pid < 0) {
		res->exit_status = -1;
		return 1;
	}
	watch(pid, outfd, timeout, c, res);
	close(outfd);
	return reap(pid, errfd, s, cwd, res);
}
