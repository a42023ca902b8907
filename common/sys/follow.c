#include "follow.h"
#include "lock.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exists(const char *git_dir, long run, const char *ext)
{
	char *path = wf_run_path(git_dir, run, ext);
	int rc = access(path, F_OK) == 0;
	free(path);
	return rc;
}

/* The runner is alive, or not known yet (its .pid is written just after
 * it starts). */
static int runner_alive(const char *git_dir, long run)
{
	char *path = wf_run_path(git_dir, run, "pid");
	FILE *f = fopen(path, "r");
	unsigned long long start = 0;
	long pid = 0;
	int n;

	free(path);
	if (!f)
		return 1;
	n = fscanf(f, "%ld %llu", &pid, &start);
	fclose(f);
	return n != 2 || wf_proc_start_time(pid) == start;
}

/* Copy what the log has beyond where we are.  -1 when fd cannot take it. */
static int copy_new(int log, int fd)
{
	char buf[16384];
	ssize_t n;

	while ((n = read(log, buf, sizeof(buf))) > 0)
		if (wf_write_all(fd, buf, (size_t)n) < 0)
			return -1;
	return 0;
}

/* Wait for the log or the runs directory to change, at most ms. */
static void wait_change(int ino, int ms)
{
	struct pollfd p = { ino, POLLIN, 0 };
	char buf[4096];

	if (ino < 0 || poll(&p, 1, ms) <= 0) {
		if (ino < 0)
			poll(NULL, 0, ms);
		return;
	}
	while (read(ino, buf, sizeof(buf)) > 0)
		;
}

enum wf_follow_end wf_follow(const char *git_dir, long run, long wait, int fd)
{
	char *path = wf_run_path(git_dir, run, "log"), *dir = xasprintf("%sworkflow/runs", git_dir);
	int log = open(path, O_RDONLY | O_CLOEXEC), ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	double end = now_mono() + (double)wait;
	enum wf_follow_end how = WF_FOLLOW_NONE;
	struct sigaction ign, old;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (ino >= 0)
		inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
	while (log >= 0) {
		/* done is made after the last line is written: read once more */
		int done = exists(git_dir, run, "done"), alive = done || runner_alive(git_dir, run);
		if (copy_new(log, fd) < 0) {
			how = WF_FOLLOW_GONE;
			break;
		}
		if (done || !alive) {
			how = done ? WF_FOLLOW_DONE : (copy_new(log, fd), WF_FOLLOW_DIED);
			break;
		}
		if (wait > 0 && now_mono() >= end) {
			how = WF_FOLLOW_WAITED;
			break;
		}
		wait_change(ino, 200);
	}
	sigaction(SIGPIPE, &old, NULL);
	if (ino >= 0)
		close(ino);
	if (log >= 0)
		close(log);
	free(path);
	free(dir);
	return how;
}
