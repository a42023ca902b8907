/* hookrun: time the hooks of one push without git around them.
 *
 *   hookrun HOOKDIR GIT_DIR INPUT
 *
 * Plays receive-pack's part: runs HOOKDIR/pre-receive with INPUT (lines
 * "OLD NEW REF") on stdin, HOOKDIR/update REF OLD NEW once per line, moves
 * the refs (git update-ref, not timed), then HOOKDIR/post-receive, each in
 * GIT_DIR with GIT_DIR set, as git does.  Being the parent of every hook, it
 * gives them one parent pid, which the workflow hooks use to find the plan
 * pre-receive saved.  Prints one line:
 *   pre_us update_us post_us pre_kb update_kb post_kb pre_cpu update_cpu post_cpu
 * (wall time in microseconds, update summed over all refs; peak resident
 * memory in KiB and CPU time (user + system, microseconds) from wait4,
 * both covering a hook's own children too).  CPU time is the steadier
 * figure on a machine shared with other work.
 * A hook that is missing counts 0; a hook that refuses is an error. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Run argv with stdin from in_fd (-1: /dev/null); add its wall time and
 * peak memory to *us and *kb.  Exit status, or -1 when it cannot run. */
static int run(char **argv, int in_fd, double *us, long *kb, double *cpu)
{
	struct rusage ru;
	int status;
	double t0 = now_us();
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(in_fd >= 0 ? in_fd : null, 0);
		if (!getenv("HOOKRUN_VERBOSE")) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*us += now_us() - t0;
	*cpu += ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
	if (ru.ru_maxrss > *kb)
		*kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int file_fd(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static void report(const double *us, const long *kb, const double *cpu)
{
	printf("%.0f %.0f %.0f %ld %ld %ld %.0f %.0f %.0f\n", us[0], us[1], us[2], kb[0], kb[1], kb[2], cpu[0], cpu[1],
	       cpu[2]);
}

/* A refusal: what a refused push costs is the point when HOOKRUN_REFUSAL
 * is set (the hooks up to it timed, exit 0); else an error. */
static int refusal(const double *us, const long *kb, const double *cpu, const char *what)
{
	const char *want = getenv("HOOKRUN_REFUSAL");

	if (want && *want) {
		report(us, kb, cpu);
		return 0;
	}
	fprintf(stderr, "hookrun: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	char pre[4096], upd[4096], post[4096], line[1024], old[128], new[128], ref[800];
	double us[3] = { 0, 0, 0 }, cpu[3] = { 0, 0, 0 }, ignore_us = 0, ignore_cpu = 0;
	long kb[3] = { 0, 0, 0 }, ignore_kb = 0;
	char *tmp;
	FILE *in, *apply;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: hookrun HOOKDIR GIT_DIR INPUT\n");
		return 2;
	}
	snprintf(pre, sizeof(pre), "%s/pre-receive", argv[1]);
	snprintf(upd, sizeof(upd), "%s/update", argv[1]);
	snprintf(post, sizeof(post), "%s/post-receive", argv[1]);
	setenv("GIT_DIR", ".", 1);
	if (chdir(argv[2]) < 0) {
		perror(argv[2]);
		return 2;
	}
	if (access(pre, X_OK) == 0) {
		char *a[] = { pre, NULL };
		fd = file_fd(argv[3]);
		if (run(a, fd, &us[0], &kb[0], &cpu[0]) != 0)
			return refusal(us, kb, cpu, "pre-receive refused the push");
		close(fd);
	}
	in = fopen(argv[3], "r");
	if (!in) {
		perror(argv[3]);
		return 2;
	}
	tmp = "hookrun-apply.tmp";
	apply = fopen(tmp, "w");
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%127s %127s %799s", old, new, ref) != 3)
			continue;
		if (access(upd, X_OK) == 0) {
			char *a[] = { upd, ref, old, new, NULL };
			if (run(a, -1, &us[1], &kb[1], &cpu[1]) != 0)
				return refusal(us, kb, cpu, "update refused a ref");
		}
		if (strspn(new, "0") == strlen(new))
			fprintf(apply, "delete %s %s\n", ref, old);
		else
			fprintf(apply, "update %s %s\n", ref, new);
	}
	fclose(in);
	fclose(apply);
	{
		char *a[] = { "git", "update-ref", "--stdin", NULL };
		fd = file_fd(tmp);
		if (run(a, fd, &ignore_us, &ignore_kb, &ignore_cpu) != 0) {
			fprintf(stderr, "hookrun: git update-ref failed\n");
			return 1;
		}
		close(fd);
		unlink(tmp);
	}
	if (access(post, X_OK) == 0) {
		char *a[] = { post, NULL };
		fd = file_fd(argv[3]);
		run(a, fd, &us[2], &kb[2], &cpu[2]);
		close(fd);
	}
	report(us, kb, cpu);
	return 0;
}
