/* wf_capture (capture.h). */
#include "capture.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(char *const argv[], const char *cwd, int out, unsigned timeout)
{
	sigset_t none;

	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 2) < 0 || dup2(out, 1) < 0 || (cwd && chdir(cwd) < 0))
		_exit(127);
	/* the alarm outlives exec: its default action ends the program */
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	alarm(timeout);
	execvp(argv[0], argv);
	_exit(127);
}

int wf_capture(char *const argv[], const char *cwd, size_t max, unsigned timeout, char **out, size_t *len)
{
	int p[2], st = 0, too_much = 0;
	size_t n = 0;
	char *buf = xmalloc(max + 1);
	pid_t pid, r;

	*out = NULL;
	*len = 0;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(buf);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		free(buf);
		return -1;
	}
	if (pid == 0)
		child(argv, cwd, p[1], timeout);
	close(p[1]);
	for (;;) {
		char tmp[4096];
		ssize_t got = read(p[0], n < max ? buf + n : tmp, n < max ? max - n : sizeof(tmp));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (n < max)
			n += (size_t)got;
		else
			too_much = 1;
	}
	close(p[0]);
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r < 0 || too_much) {
		explicit_bzero(buf, max + 1);
		free(buf);
		if (too_much)
			errno = EMSGSIZE;
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
