#include "runner.h"
#include "journal.h"
#include "lock.h"
#include "notify.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Runs whose logs are kept (the oldest go when a new one starts). */
#define RUNS_KEPT 100

char *wf_run_path(const char *git_dir, long run, const char *ext)
{
	return xasprintf("%sworkflow/runs/%ld.%s", git_dir, run, ext);
}

/* The highest run number in dir, and the lowest (for pruning). */
static long runs_range(const char *dir, long *lowest)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long hi = 0, lo = 0;

	while (d && (e = readdir(d))) {
		char *end;
		long n = strtol(e->d_name, &end, 10);
		if (n > 0 && !strcmp(end, ".log")) {
			hi = n > hi ? n : hi;
			lo = !lo || n < lo ? n : lo;
		}
	}
	if (d)
		closedir(d);
	if (lowest)
		*lowest = lo;
	return hi;
}

/* A new run's log, created exclusively; its number, or -1 with err. */
static long new_run(const char *git_dir, int *fd, char *err, size_t errlen)
{
	char *dir = xasprintf("%sworkflow/runs", git_dir);
	long last, n, lowest;

	if (mkdir(dir, 0775) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	last = runs_range(dir, &lowest);
	free(dir);
	for (; lowest && lowest <= last - RUNS_KEPT; lowest++) {
		static const char *const ext[] = { "log", "pid", "done" };
		for (int i = 0; i < 3; i++) {
			char *old = wf_run_path(git_dir, lowest, ext[i]);
			unlink(old);
			free(old);
		}
	}
	for (n = last + 1; n < last + 1000; n++) {
		char *path = wf_run_path(git_dir, n, "log");
		*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0664);
		free(path);
		if (*fd >= 0)
			return n;
		if (errno != EEXIST)
			break;
	}
	snprintf(err, errlen, "cannot create a run log in %sworkflow/runs: %s", git_dir, strerror(errno));
	return -1;
}

void wf_detach_child(int out, int spawner)
{
	int null = open("/dev/null", O_RDONLY);

	setsid();
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (null >= 0 && null != 0)
		dup2(null, 0), close(null);
	dup2(out, 1);
	dup2(out, 2);
	/* the read end of the spawner's pipe, at the fd the child looks at */
	if (spawner != WF_RUNNER_SPAWNER_FD)
		dup2(spawner, WF_RUNNER_SPAWNER_FD);
	fcntl(WF_RUNNER_SPAWNER_FD, F_SETFD, 0);
	for (int fd = WF_RUNNER_SPAWNER_FD + 1; fd < 1024; fd++)
		close(fd);
	unsetenv("GIT_QUARANTINE_PATH");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
}

/* The child's side of the fork: detached, the log as its output. */
static void become_runner(int logfd, int spawner, char **argv)
{
	wf_detach_child(logfd, spawner);
	execv(argv[0], argv);
	fprintf(stderr, "workflow: cannot start the deploy runner %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t spawn(long run, int logfd, const char *const *envs, size_t n)
{
	char self[PATH_MAX], runs[32];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char **argv = xcalloc(n + 4, sizeof(*argv));
	sigset_t usr1, old;
	pid_t pid;
	int p[2];

	/* The runner goes on once this process is gone (it still writes the
	 * journals): the pipe's write end stays open here until it exits,
	 * whoever adopts the runner then (init, or a subreaper). */
	if (len <= 0 || pipe2(p, O_CLOEXEC) < 0) {
		free(argv);
		return -1;
	}
	self[len] = 0;
	snprintf(runs, sizeof(runs), "%ld", run);
	argv[0] = self;
	argv[1] = WF_RUNNER_ARG;
	argv[2] = runs;
	for (size_t i = 0; i < n; i++)
		argv[3 + i] = (char *)envs[i];
	/* blocked across the exec, so a go sent before the runner waits for
	 * it stays pending instead of killing it */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		become_runner(logfd, p[0], argv);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[0]);
	if (pid < 0)
		close(p[1]);
	free(argv);
	return pid;
}

long wf_runner_start(const char *git_dir, long lock_owner, const char *const *envs, size_t n, char *err,
		     size_t errlen)
{
	int fd;
	long run = new_run(git_dir, &fd, err, errlen);
	pid_t pid;
	char *path, line[64];

	if (run < 0)
		return -1;
	pid = spawn(run, fd, envs, n);
	close(fd);
	if (pid < 0) {
		snprintf(err, errlen, "cannot start the deploy runner: %s", strerror(errno));
		return -1;
	}
	path = wf_run_path(git_dir, run, "pid");
	snprintf(line, sizeof(line), "%ld %llu\n", (long)pid, wf_proc_start_time(pid));
	if (wf_write_file_atomic(path, line, strlen(line), 0) < 0)
		fprintf(stderr, "workflow: warning: cannot write %s: %s\n", path, strerror(errno));
	free(path);
	for (size_t i = 0; i < n; i++) {
		struct wf_job j;
		if (wf_job_read(git_dir, envs[i], &j) != 0)
			continue;
		j.runner_pid = pid;
		j.runner_start = wf_proc_start_time(pid);
		j.run = run;
		if (wf_job_write(git_dir, &j) < 0)
			fprintf(stderr, "workflow: warning: cannot note the runner in the %s journal\n", envs[i]);
		wf_job_free(&j);
	}
	if (lock_owner && wf_lock_handover(git_dir, lock_owner, pid) < 0)
		fprintf(stderr, "workflow: warning: cannot hand the deploy lock to the runner\n");
	return run;
}

void wf_runner_go(long runner_pid, unsigned long long runner_start)
{
	if (runner_pid > 0 && wf_proc_start_time(runner_pid) == runner_start)
		kill((pid_t)runner_pid, SIGUSR1);
}
