#include "dashboard_later.h"
#include "dashboard.h"
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The child's side: detached as the runner is, no output to the push; end
 * of file on WF_RUNNER_SPAWNER_FD says the spawner is gone, and with it
 * every record it wrote is in. */
static void become_writer(int spawner, const char *self)
{
	int null = open("/dev/null", O_WRONLY);

	if (null < 0)
		_exit(127);
	wf_detach_child(null, spawner);
	execl(self, self, WF_DASHBOARD_ARG, (char *)NULL);
	_exit(127);
}

/* 0 started, -1 not */
static int spawn(void)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int p[2];
	pid_t pid;

	if (len <= 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	self[len] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		become_writer(p[0], self);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	/* p[1] stays open (close-on-exec) until this process ends */
	return 0;
}

void wf_dashboard_write_later(struct wf_session *s)
{
	static pid_t started_by;

	if (!s->config_ok || started_by == getpid())
		return;
	if (spawn() == 0)
		started_by = getpid();
	else
		wf_dashboard_write(s);
}

int wf_dashboard_writer_main(void)
{
	struct wf_session s;
	char err[1024], c;
	ssize_t n;

	/* until the spawner is gone (EOF; EBADF when started by hand) */
	while ((n = read(WF_RUNNER_SPAWNER_FD, &c, 1)) > 0 || (n < 0 && errno == EINTR))
		;
	if (wf_session_open(&s, err, sizeof(err)) < 0)
		return 1;
	wf_dashboard_write(&s);
	wf_session_close(&s);
	return 0;
}
