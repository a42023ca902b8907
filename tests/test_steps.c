#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "steps.h"
#include "util.h"

struct lines {
	char *v[64];
	size_t n;
};

static void on_line(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;
	if (l->n < 64)
		l->v[l->n++] = xstrndup(line, len);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static struct wf_step argv_step(char **run, size_t n, int timeout)
{
	struct wf_step s;
	memset(&s, 0, sizeof(s));
	s.name = "t";
	s.run = run;
	s.run_len = n;
	s.default_on = 1;
	s.timeout = timeout;
	return s;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Alive and not a zombie waiting for a (possibly slow) init to reap it. */
static int alive(long pid)
{
	char path[64], buf[512];
	FILE *f;
	char *rp;

	if (kill((pid_t)pid, 0) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	rp = strrchr(buf, ')');
	return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

static int gone_soon(long pid)
{
	for (int i = 0; i < 20; i++) {
		if (!alive(pid))
			return 1;
		usleep(50000);
	}
	return 0;
}

Test(steps, argv_lines_in_order_and_exit_code)
{
	char *run[] = { "sh", "-c", "echo one; echo two >&2; printf three; exit 3", NULL };
	struct wf_step s = argv_step(run, 3, 10);
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, on_line, &l, &res), 1);
	cr_assert_eq(res.exit_status, 3);
	cr_assert_eq(res.timed_out, 0);
	cr_assert_null(res.error);
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(l.v[0], "one");
	cr_assert_str_eq(l.v[1], "two");
	cr_assert_str_eq(l.v[2], "three");
	cr_assert_eq(res.output_len, strlen("one\ntwo\nthree"));
	cr_assert_str_eq(res.output, "one\ntwo\nthree");
	cr_assert(res.duration >= 0 && res.duration < 5);
	wf_step_result_free(&res);
	lines_free(&l);
}

Test(steps, exit_zero_succeeds_and_runs_in_cwd)
{
	char *run[] = { "pwd", NULL };
	struct wf_step s = argv_step(run, 1, 10);
	struct wf_step_result res;

	cr_assert_eq(wf_step_run(&s, "/", NULL, NULL, NULL, &res), 0);
	cr_assert_eq(res.exit_status, 0);
	cr_assert_str_eq(res.output, "/\n");
	wf_step_result_free(&res);
}

Test(steps, argument_is_not_executed)
{
	char path[] = "/tmp/wf_steps_inj_XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	char *arg = xasprintf("$(touch %s)", path);
	char *run[] = { "echo", arg, NULL };
	struct wf_step s = argv_step(run, 2, 10);
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, on_line, &l, &res), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0], arg);
	cr_assert_neq(access(path, F_OK), 0, "the argument was run by a shell");
	wf_step_result_free(&res);
	lines_free(&l);
	free(arg);
}

Test(steps, shell_step_and_env)
{
	char *run[] = { "echo \"env=$WF_ENV\" | tr a-z A-Z; exit 0", NULL };
	struct wf_step s = argv_step(run, 1, 10);
	char *env[] = { "WF_ENV=test", "WF_OTHER=x", NULL };
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };

	s.shell = 1;
	cr_assert_eq(wf_step_run(&s, "/tmp", env, on_line, &l, &res), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0], "ENV=TEST");
	cr_assert_null(getenv("WF_ENV"), "env leaked into the parent");
	wf_step_result_free(&res);
	lines_free(&l);
}

Test(steps, env_visible_to_argv_step)
{
	char *run[] = { "printenv", "WF_ENV", NULL };
	struct wf_step s = argv_step(run, 2, 10);
	char *env[] = { "WF_ENV=live", NULL };
	struct wf_step_result res;

	cr_assert_eq(wf_step_run(&s, "/tmp", env, NULL, NULL, &res), 0);
	cr_assert_str_eq(res.output, "live\n");
	wf_step_result_free(&res);
}

Test(steps, timeout_kills_the_whole_group)
{
	char pidfile[] = "/tmp/wf_steps_pid_XXXXXX";
	int fd = mkstemp(pidfile);
	cr_assert(fd >= 0);
	close(fd);
	char *script = xasprintf("sleep 30 & echo $! > %s; echo started; sleep 30", pidfile);
	char *run[] = { "sh", "-c", script, NULL };
	struct wf_step s = argv_step(run, 3, 1);
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };
	double t0 = mono(), dt;

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, on_line, &l, &res), 1);
	dt = mono() - t0;
	cr_assert_eq(res.timed_out, 1);
	cr_assert(dt < 4.0, "took %.1f s", dt);
	cr_assert(res.exit_status >= 128, "exit %d", res.exit_status);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0], "started");

	FILE *f = fopen(pidfile, "r");
	long pid = 0;
	cr_assert(f);
	cr_assert_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	unlink(pidfile);
	cr_assert(pid > 1);
	cr_assert(gone_soon(pid), "grandchild %ld still alive", pid);
	wf_step_result_free(&res);
	lines_free(&l);
	free(script);
}

Test(steps, background_grandchild_does_not_hang)
{
	char pidfile[] = "/tmp/wf_steps_pid_XXXXXX";
	int fd = mkstemp(pidfile);
	cr_assert(fd >= 0);
	close(fd);
	char *script = xasprintf("sleep 30 & echo $! > %s; echo bye", pidfile);
	char *run[] = { "sh", "-c", script, NULL };
	struct wf_step s = argv_step(run, 3, 20);
	struct wf_step_result res;
	double t0 = mono(), dt;

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 0);
	dt = mono() - t0;
	cr_assert_eq(res.timed_out, 0);
	cr_assert_eq(res.exit_status, 0);
	cr_assert(dt < 4.0, "took %.1f s", dt);
	cr_assert_str_eq(res.output, "bye\n");

	FILE *f = fopen(pidfile, "r");
	long pid = 0;
	cr_assert(f);
	cr_assert_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	unlink(pidfile);
	cr_assert(gone_soon(pid), "background process %ld still alive", pid);
	wf_step_result_free(&res);
	free(script);
}

/* The runner journals a step's process group before the step may run:
 * killed before that (here: in the callback), repair could never find the
 * step, so it must never start (a Ctrl-C'd build wrote into the next
 * push's release this way). */
static void die_before_journal(void *ctx, long pgid)
{
	(void)ctx;
	(void)pgid;
	usleep(300 * 1000); /* a slow journal write: the step would run now */
	_exit(3);
}

Test(steps, step_never_runs_unless_its_group_was_noted)
{
	char marker[] = "/tmp/wf_steps_ran_XXXXXX";
	int fd = mkstemp(marker), status = 0;
	cr_assert(fd >= 0);
	close(fd);
	unlink(marker);
	char *script = xasprintf("echo ran > %s", marker);
	char *run[] = { "sh", "-c", script, NULL };
	struct wf_step s = argv_step(run, 3, 10);
	pid_t runner = fork();

	cr_assert(runner >= 0);
	if (runner == 0) {
		struct wf_step_result res;
		wf_steps_on_start(die_before_journal, NULL);
		wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res);
		_exit(0);
	}
	cr_assert_eq(waitpid(runner, &status, 0), runner);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	usleep(500 * 1000);
	cr_assert(access(marker, F_OK) < 0, "the step ran though its group was never noted");
	unlink(marker);
	free(script);
}

Test(steps, killed_by_signal_is_128_plus)
{
	char *run[] = { "sh", "-c", "kill -9 $$", NULL };
	struct wf_step s = argv_step(run, 3, 10);
	struct wf_step_result res;

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 1);
	cr_assert_eq(res.exit_status, 128 + 9);
	cr_assert_eq(res.timed_out, 0);
	wf_step_result_free(&res);
}

Test(steps, nonexistent_command)
{
	char *run[] = { "/nonexistent/wf-no-such-command", "x", NULL };
	struct wf_step s = argv_step(run, 2, 10);
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, on_line, &l, &res), 1);
	cr_assert_eq(res.exit_status, 127);
	cr_assert_not_null(res.error);
	cr_assert(strstr(res.error, "cannot run '/nonexistent/wf-no-such-command'"), "%s", res.error);
	cr_assert_eq(l.n, 1);
	cr_assert(strstr(l.v[0], "cannot run"));
	wf_step_result_free(&res);
	lines_free(&l);
}

Test(steps, bad_cwd)
{
	char *run[] = { "true", NULL };
	struct wf_step s = argv_step(run, 1, 10);
	struct wf_step_result res;

	cr_assert_eq(wf_step_run(&s, "/nonexistent/dir", NULL, NULL, NULL, &res), 1);
	cr_assert_eq(res.exit_status, 127);
	cr_assert(res.error && strstr(res.error, "cannot chdir"));
	wf_step_result_free(&res);
}

Test(steps, large_output_kept_whole)
{
	char *run[] = { "sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done", NULL };
	struct wf_step s = argv_step(run, 3, 30);
	struct wf_step_result res;

	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 0);
	cr_assert(strncmp(res.output, "line0\nline1\n", 12) == 0);
	cr_assert(strstr(res.output, "\nline19999\n"));
	cr_assert_eq(res.output_len, strlen(res.output));
	wf_step_result_free(&res);
}

/* A step that never stops printing still meets its timeout (the reader
 * used to drain the pipe until it was empty, which it never is). */
Test(steps, timeout_holds_while_the_step_writes, .timeout = 60)
{
	char *run[] = { "yes", NULL };
	struct wf_step s = argv_step(run, 1, 1);
	struct wf_step_result res;

	s.max_output = 64 * 1024;
	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 1);
	cr_assert_eq(res.timed_out, 1);
	cr_assert_gt(res.output_total, res.output_len);
	/* memory and the record stay within the cap: head, the cut line, tail */
	cr_assert_lt(res.output_len, 64 * 1024 + 100);
	cr_assert(strstr(res.output, "bytes of output cut here]"));
	cr_assert(!strncmp(res.output, "y\ny\n", 4));
	wf_step_result_free(&res);
}

Test(steps, selected_truth_table)
{
	struct wf_step s;
	memset(&s, 0, sizeof(s));
	s.default_on = 1;
	const char *none[] = { NULL };
	const char *on[] = { "update" };
	const char *off[] = { "no-update" };
	const char *other[] = { "clone-content", "no-cache-clear" };
	const char *prefix[] = { "no-updates", "updates" };

	/* when unset: always */
	cr_assert(wf_step_selected(&s, none, 0));
	cr_assert(wf_step_selected(&s, off, 1));

	s.when = "update";
	s.default_on = 1;
	cr_assert(wf_step_selected(&s, none, 0));
	cr_assert(wf_step_selected(&s, on, 1));
	cr_assert_not(wf_step_selected(&s, off, 1));
	cr_assert(wf_step_selected(&s, other, 2));
	cr_assert(wf_step_selected(&s, prefix, 2));

	s.default_on = 0;
	cr_assert_not(wf_step_selected(&s, none, 0));
	cr_assert(wf_step_selected(&s, on, 1));
	cr_assert_not(wf_step_selected(&s, off, 1));
	cr_assert_not(wf_step_selected(&s, other, 2));
	cr_assert_not(wf_step_selected(&s, prefix, 2));
}

static void roundtrip(const char *in, size_t len)
{
	unsigned char *z;
	size_t zl, ol;
	char *out;

	cr_assert_eq(wf_compress(in, len, &z, &zl), 0);
	cr_assert(zl > 0);
	cr_assert_eq(wf_decompress(z, zl, &out, &ol), 0);
	cr_assert_eq(ol, len);
	cr_assert(memcmp(out, in, len) == 0);
	cr_assert_eq(out[ol], '\0');
	/* A truncated stream is an error, not a short result. */
	if (zl > 2) {
		char *o2;
		size_t l2;
		cr_assert_eq(wf_decompress(z, zl - 1, &o2, &l2), -1);
	}
	free(z);
	free(out);
}

Test(steps, compress_roundtrip)
{
	roundtrip("", 0);
	roundtrip("hello\n", 6);
	size_t n = 1024 * 1024;
	char *big = xmalloc(n);
	unsigned x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (i % 3) ? (char)('a' + i % 26) : (char)(x >> 16);
	}
	roundtrip(big, n);
	free(big);
}

Test(steps, decompress_garbage)
{
	const unsigned char junk[] = "this is not zlib";
	char *out;
	size_t ol;
	cr_assert_eq(wf_decompress(junk, sizeof(junk), &out, &ol), -1);
	cr_assert_null(out);
}

/* A one-shot HTTP server in a child: answers `reply` and sends the request
 * it got back through a pipe. */
static pid_t http_server(const char *reply, int *port, int *reqfd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), p[2];
	pid_t pid;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char buf[8192];
		size_t got = 0;
		int c = accept(ls, NULL, NULL);
		close(p[0]);
		/* read headers + body (the test bodies are small; stop at a pause) */
		struct pollfd pf = { c, POLLIN, 0 };
		while (got < sizeof(buf) && poll(&pf, 1, 300) > 0) {
			ssize_t n = read(c, buf + got, sizeof(buf) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (write(c, reply, strlen(reply)) < 0 || write(p[1], buf, got) < 0)
			_exit(1);
		close(c);
		_exit(0);
	}
	close(ls);
	close(p[1]);
	*reqfd = p[0];
	return pid;
}

Test(steps, http_step_ok_with_placeholders)
{
	int port, rfd;
	pid_t pid = http_server("HTTP/1.1 201 Created\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhello\nworld\n",
				&port, &rfd);
	struct wf_step s;
	struct wf_step_result res;
	struct lines l = { { 0 }, 0 };
	char *env[] = { "WF_ENV=test", "WF_MESSAGE=a b&c", "WF_PUSHER=eve\r\nX-Evil: 1", NULL };
	char *hdrs[] = { "X-Env: ${WF_ENV}", "X-Pusher: ${WF_PUSHER}" };
	char req[8192] = "";

	memset(&s, 0, sizeof(s));
	s.name = "hook";
	s.url = xasprintf("http://127.0.0.1:%d/deploy?m=${WF_MESSAGE}&x=${WF_NOPE}", port);
	s.headers = hdrs;
	s.n_headers = 2;
	s.body = "{\"env\":\"${WF_ENV}\",\"lit\":\"${HOME}\"}";
	s.timeout = 10;
	cr_assert_eq(wf_step_run(&s, "/tmp", env, on_line, &l, &res), 0);
	cr_assert_eq(res.exit_status, 0);
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(l.v[0], "hello");
	cr_assert_str_eq(l.v[1], "world");
	cr_assert_str_eq(l.v[2], "HTTP 201");
	cr_assert(read(rfd, req, sizeof(req) - 1) > 0);
	cr_assert(strncmp(req, "POST /deploy?m=a%20b%26c&x= HTTP/1.1\r\n", 38) == 0, "%s", req);
	cr_assert(strstr(req, "\r\nX-Env: test\r\n"), "%s", req);
	cr_assert(strstr(req, "\r\nX-Pusher: eve  X-Evil: 1\r\n"), "%s", req);
	cr_assert(strstr(req, "{\"env\":\"test\",\"lit\":\"${HOME}\"}"), "%s", req);
	close(rfd);
	waitpid(pid, NULL, 0);
	wf_step_result_free(&res);
	lines_free(&l);
	free(s.url);
}

Test(steps, http_step_non_2xx_and_transport_error)
{
	int port, rfd;
	pid_t pid = http_server("HTTP/1.1 503 Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown", &port, &rfd);
	struct wf_step s;
	struct wf_step_result res;

	memset(&s, 0, sizeof(s));
	s.name = "hook";
	s.method = "GET";
	s.url = xasprintf("http://127.0.0.1:%d/", port);
	s.timeout = 10;
	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 1);
	cr_assert_eq(res.exit_status, 503);
	cr_assert_str_eq(res.output, "down\nHTTP 503\n");
	close(rfd);
	waitpid(pid, NULL, 0);
	wf_step_result_free(&res);
	free(s.url);

	/* nobody listens there now */
	s.url = xasprintf("http://127.0.0.1:%d/", port);
	cr_assert_eq(wf_step_run(&s, "/tmp", NULL, NULL, NULL, &res), 1);
	cr_assert_eq(res.exit_status, -1);
	cr_assert_not_null(res.error);
	wf_step_result_free(&res);
	free(s.url);
}
