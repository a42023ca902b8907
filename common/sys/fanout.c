/* wf_fan_run (fanout.h): a process per job, which runs its commands
 * with wf_step_run (timeouts, process groups) and writes their lines to
 * a pipe; this side reads every pipe as it comes, and starts the next
 * job when one ends if only so many may run at once. */
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
#include <sys/wait.h>

#include "fanout.h"
#include "steps.h"
#include "util.h"

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void to_pipe(void *ctx, const char *line, size_t len)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_add(&sb, line, len);
	sbuf_adds(&sb, "\n");
	(void)wf_write_all(*(int *)ctx, sb.buf, sb.len);
	sbuf_free(&sb);
}

/* The input as a file of its own, read from its start by each command. */
static int input_fd(const char *input)
{
	FILE *f = input ? tmpfile() : NULL;
	int fd;

	if (!f)
		return -1;
	fputs(input, f);
	fflush(f);
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

/* In the job's process: its commands one after the other; the exit
 * status says how the first that failed ended.  Never returns. */
static void run_job(const struct wf_fan_job *j, int fd)
{
	int in = input_fd(j->input);

	for (size_t i = 0; i < j->n_cmds; i++) {
		struct wf_step st;
		struct wf_step_result res;
		size_t len = 0;
		int code;

		while (j->cmds[i][len])
			len++;
		memset(&st, 0, sizeof(st));
		st.name = (char *)j->label;
		st.run = j->cmds[i];
		st.run_len = len;
		st.timeout = j->timeout;
		st.max_output = j->max_output;
		if (in >= 0)
			lseek(in, 0, SEEK_SET);
		wf_steps_stdin(in);
		if (wf_step_run(&st, NULL, NULL, to_pipe, &fd, &res) == 0) {
			wf_step_result_free(&res);
			continue;
		}
		if (res.timed_out) {
			char *m = xasprintf("%s: killed after its timeout of %d s", j->cmds[i][0], j->timeout);
			to_pipe(&fd, m, strlen(m));
			free(m);
		}
		code = res.timed_out ? 124 : res.exit_status > 0 && res.exit_status < 256 ? res.exit_status : 255;
		wf_step_result_free(&res);
		_exit(code);
	}
	_exit(0);
}

struct slot {
	pid_t pid;
	int fd;
	double start;
	struct wf_output out;
	struct {
		wf_fan_line_cb cb;
		void *ctx;
		const char *label;
	} lc;
};

static void label_line(void *ctx, const char *line, size_t len)
{
	struct slot *sl = (struct slot *)((char *)ctx - offsetof(struct slot, lc));
	if (sl->lc.cb)
		sl->lc.cb(sl->lc.ctx, sl->lc.label, line, len);
}

static void start(struct wf_fan_job *j, struct slot *sl)
{
	int p[2];

	sl->fd = -1;
	sl->pid = -1;
	sl->start = now_mono();
	wf_output_init(&sl->out, j->max_output, label_line, &sl->lc);
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	fflush(NULL);
	sl->pid = fork();
	if (sl->pid == 0) {
		close(p[0]);
		run_job(j, p[1]);
	}
	close(p[1]);
	if (sl->pid < 0) {
		close(p[0]);
		return;
	}
	sl->fd = p[0];
}

/* The run: its jobs, their slots, and how many may run at once. */
struct fan {
	struct wf_fan_job *jobs;
	struct slot *sl;
	size_t n, max, next, running;
};

/* Start jobs in order while fewer than max run (max 0: all at once). */
static void start_more(struct fan *f)
{
	while (f->next < f->n && (!f->max || f->running < f->max)) {
		size_t i = f->next++;
		start(&f->jobs[i], &f->sl[i]);
		f->running += f->sl[i].fd >= 0;
	}
}

/* Read every pipe until each is at its end; a job whose pipe ended
 * (its process exited) makes room for the next. */
static void gather(struct fan *f)
{
	struct pollfd *pf = xcalloc(f->n, sizeof(*pf));
	struct slot *sl = f->sl;
	char buf[8192];

	for (start_more(f); f->running;) {
		for (size_t i = 0; i < f->n; i++) {
			pf[i].fd = sl[i].fd;
			pf[i].events = POLLIN;
		}
		if (poll(pf, (nfds_t)f->n, -1) < 0)
			continue;       /* EINTR */
		for (size_t i = 0; i < f->n; i++) {
			ssize_t r;
			if (sl[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(sl[i].fd, buf, sizeof(buf));
			if (r > 0) {
				wf_output_add(&sl[i].out, buf, (size_t)r);
			} else if (r == 0 || errno != EINTR) {
				close(sl[i].fd);
				sl[i].fd = -1;
				f->jobs[i].duration = now_mono() - sl[i].start;
				f->running--;
			}
		}
		start_more(f);
	}
	free(pf);
}

static int reap(pid_t pid)
{
	int status;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

size_t wf_fan_run(struct wf_fan_job *jobs, size_t n, size_t max, wf_fan_line_cb cb, void *ctx)
{
	struct slot *sl = xcalloc(n ? n : 1, sizeof(*sl));
	struct fan f = { jobs, sl, n, max, 0, 0 };
	struct sigaction ign, old;
	size_t failed = 0;

	/* a pusher that hangs up must not kill us while the jobs run */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	for (size_t i = 0; i < n; i++) {
		sl[i].fd = sl[i].pid = -1;
		sl[i].lc.cb = cb;
		sl[i].lc.ctx = ctx;
		sl[i].lc.label = jobs[i].label;
	}
	gather(&f);
	for (size_t i = 0; i < n; i++) {
		jobs[i].exit_status = reap(sl[i].pid);
		if (sl[i].pid < 0)
			wf_output_add(&sl[i].out, "cannot start a process for it\n", 30);
		wf_output_finish(&sl[i].out, &jobs[i].output, &jobs[i].output_len);
		failed += jobs[i].exit_status != 0;
	}
	sigaction(SIGPIPE, &old, NULL);
	free(sl);
	return failed;
}

void wf_fan_free(struct wf_fan_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].output);
		jobs[i].output = NULL;
		jobs[i].output_len = 0;
	}
}
