/* Update steps: argv (or admin-written sh -c) in its own process group with
 * a timeout that kills the group, or an HTTP call through libcurl.  Output
 * goes to a struct wf_output (common/output.c): streamed line by line to a
 * callback and kept within the step's max_output. */
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
#include "curl_lazy.h"
#include <zlib.h>

#include "steps.h"
#include "subst.h"
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

/* ---------------------------------------------------------------- commands */

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

static void run_child(const struct wf_step *s, const char *cwd, char *const env[], int outfd, int errfd)
{
	sigset_t all;
	int devnull;

	setpgid(0, 0);
	/* Default signal handling and mask for the step, whatever the hook set. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	} else if (devnull < 0) {
		close(0);
	}
	if (outfd != 1)
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

static int run_command(const struct wf_step *s, const char *cwd, char *const env[],
		       struct wf_output *c, struct wf_step_result *res)
{
	int out[2], errp[2], status = 0, eof = 0, stopped_reading = 0;
	double deadline, exited_at = 0;
	int timeout = s->timeout > 0 ? s->timeout : WF_STEP_TIMEOUT_DEFAULT;
	struct exec_failure f;
	ssize_t n;
	pid_t pid;

	if (!s->run || !s->run[0]) {
		res->exit_status = -1;
		res->error = xstrdup("step has nothing to run");
		return 1;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		res->exit_status = -1;
		res->error = xasprintf("cannot create a pipe: %s", strerror(errno));
		return 1;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		res->exit_status = -1;
		res->error = xasprintf("cannot create a pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		res->exit_status = -1;
		res->error = xasprintf("cannot fork: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		close(errp[0]);
		close(errp[1]);
		return 1;
	}
	if (pid == 0) {
		close(out[0]);
		close(errp[0]);
		run_child(s, cwd, env, out[1], errp[1]);
		_exit(127);
	}
	setpgid(pid, pid);      /* also in the parent: no race with kill(-pid) */
	if (on_start)
		on_start(on_start_ctx, (long)pid);
	close(out[1]);
	close(errp[1]);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);

	deadline = now_mono() + timeout;
	for (;;) {
		double now = now_mono();
		int exited = child_exited(pid);

		if (exited && exited_at == 0)
			exited_at = now;
		if (exited && eof)
			break;
		if (now >= deadline) {
			res->timed_out = 1;
			kill_group(pid, out[0], c, &eof);
			stopped_reading = 1;
			break;
		}
		if (exited && now - exited_at >= DRAIN_AFTER_EXIT_MS / 1000.0) {
			/* A background process keeps the output open: end it. */
			kill_group(pid, out[0], c, &eof);
			stopped_reading = 1;
			break;
		}
		if (!eof) {
			double left = deadline - now;
			int ms = left * 1000 < POLL_SLICE_MS ? (int)(left * 1000) + 1 : POLL_SLICE_MS;
			eof = wait_and_drain(out[0], c, ms);
		} else {
			sleep_ms(POLL_SLICE_MS);
		}
	}
	(void)stopped_reading;
	close(out[0]);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (status == -1)
		res->exit_status = -1;
	else if (WIFEXITED(status))
		res->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->exit_status = 128 + WTERMSIG(status);
	else
		res->exit_status = -1;

	/* Did exec (or chdir) fail?  The error pipe is close-on-exec, so it
	 * only carries data when the child never got to run the step. */
	do
		n = read(errp[0], &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == (ssize_t)sizeof(f)) {
		if (f.stage == 1)
			res->error = xasprintf("cannot chdir to '%s': %s", cwd, strerror(f.err));
		else
			res->error = xasprintf("cannot run '%s': %s", s->shell ? "/bin/sh" : s->run[0],
					       strerror(f.err));
		res->exit_status = 127;
		return 1;
	}
	if (res->timed_out)
		return 1;
	return res->exit_status == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------- HTTP */

static size_t http_write(char *data, size_t size, size_t nmemb, void *ud)
{
	wf_output_add(ud, data, size * nmemb);
	return size * nmemb;
}

static int run_http(const struct wf_step *s, char *const env[], struct wf_output *c,
		    struct wf_step_result *res)
{
	int timeout = s->timeout > 0 ? s->timeout : WF_STEP_TIMEOUT_DEFAULT;
	const char *method = s->method && *s->method ? s->method : "POST";
	struct curl_slist *hdrs = NULL;
	char *url, *body = NULL, line[64];
	long code = 0;
	CURLcode rc;
	CURL *curl;

	wf_curl_init_once();
	curl = curl_easy_init();
	if (!curl) {
		res->exit_status = -1;
		res->error = xstrdup("cannot initialise libcurl");
		return 1;
	}
	url = wf_subst(s->url, env, WF_SUBST_URL);
	for (size_t i = 0; i < s->n_headers; i++) {
		char *h = wf_subst(s->headers[i], env, WF_SUBST_HEADER);
		struct curl_slist *n = curl_slist_append(hdrs, h);
		free(h);
		if (n)
			hdrs = n;
	}
	if (s->body)
		body = wf_subst(s->body, env, wf_subst_body_mode(s->headers, s->n_headers));

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 10 ? timeout : 10));
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "git-workflow");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, c);
	if (hdrs)
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(method, "GET") == 0 && !body) {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else {
		if (body || strcmp(method, "POST") == 0) {
			curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
			curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		}
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	}

	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);

	/* Finish a partial last line of the body before the status line. */
	if (wf_output_last_byte(c) >= 0 && wf_output_last_byte(c) != '\n')
		wf_output_add(c, "\n", 1);
	if (rc != CURLE_OK) {
		res->exit_status = -1;
		res->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		res->error = xstrdup(curl_easy_strerror(rc));
		snprintf(line, sizeof(line), "HTTP error: ");
		wf_output_add(c, line, strlen(line));
		wf_output_add(c, res->error, strlen(res->error));
		wf_output_add(c, "\n", 1);
	} else {
		snprintf(line, sizeof(line), "HTTP %ld\n", code);
		wf_output_add(c, line, strlen(line));
		if (code >= 200 && code < 300) {
			res->exit_status = 0;
		} else {
			res->exit_status = (int)code;
			res->error = xasprintf("HTTP %ld", code);
		}
	}

	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	free(url);
	free(body);
	return res->exit_status == 0 ? 0 : 1;
}

/* -------------------------------------------------------------- interface */

int wf_step_run(const struct wf_step *s, const char *cwd, char *const env[],
		wf_line_cb cb, void *cbctx, struct wf_step_result *res)
{
	struct wf_output c;
	struct sigaction ign, old;
	double start = now_mono();
	int rc;

	memset(res, 0, sizeof(*res));
	wf_output_init(&c, s->max_output, cb, cbctx);
	/* A pusher that hangs up must not kill us with SIGPIPE mid-step. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);

	if (s->url)
		rc = run_http(s, env, &c, res);
	else
		rc = run_command(s, cwd, env, &c, res);

	res->output_total = c.total;
	wf_output_finish(&c, &res->output, &res->output_len);
	res->duration = now_mono() - start;
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}

void wf_step_result_free(struct wf_step_result *res)
{
	if (!res)
		return;
	free(res->output);
	free(res->error);
	res->output = NULL;
	res->error = NULL;
	res->output_len = 0;
}

int wf_step_selected(const struct wf_step *s, const char *const *opts, size_t n_opts)
{
	int said_on = 0, said_off = 0;
	size_t wl;

	if (!s->when || !*s->when)
		return 1;
	wl = strlen(s->when);
	for (size_t i = 0; i < n_opts; i++) {
		const char *o = opts[i];
		if (!o)
			continue;
		if (strcmp(o, s->when) == 0)
			said_on = 1;
		else if (strncmp(o, "no-", 3) == 0 && strncmp(o + 3, s->when, wl) == 0 && o[3 + wl] == '\0')
			said_off = 1;
	}
	if (said_on)
		return 1;
	return s->default_on && !said_off;
}

int wf_compress(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
	uLongf dlen = compressBound((uLong)len);
	unsigned char *buf = xmalloc(dlen ? dlen : 1);

	*out = NULL;
	*out_len = 0;
	if ((uLong)len != len || compress2(buf, &dlen, (const Bytef *)(in ? in : ""), (uLong)len,
					    Z_DEFAULT_COMPRESSION) != Z_OK) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = dlen;
	return 0;
}

int wf_decompress(const unsigned char *in, size_t len, char **out, size_t *out_len)
{
	z_stream zs;
	size_t cap = len * 4 + 256, used = 0;
	char *buf;
	int zr;

	*out = NULL;
	*out_len = 0;
	if (len == 0) {
		*out = xstrdup("");
		return 0;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return -1;
	buf = xmalloc(cap + 1);
	zs.next_in = (Bytef *)in;
	zs.avail_in = 0;
	for (;;) {
		if (zs.avail_in == 0) {
			size_t consumed = (size_t)(zs.next_in - (const Bytef *)in);
			size_t rest = len - consumed;
			zs.avail_in = rest > 0x40000000u ? 0x40000000u : (uInt)rest;
		}
		if (used == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		zs.next_out = (Bytef *)buf + used;
		zs.avail_out = (cap - used) > 0x40000000u ? 0x40000000u : (uInt)(cap - used);
		{
			uInt before = zs.avail_out;
			zr = inflate(&zs, Z_NO_FLUSH);
			used += before - zs.avail_out;
		}
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && used < cap)
			zr = Z_DATA_ERROR;      /* input ended before the stream did */
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			inflateEnd(&zs);
			free(buf);
			return -1;
		}
	}
	/* Trailing garbage after the stream is a corrupt record. */
	if ((size_t)(zs.next_in - (const Bytef *)in) != len) {
		inflateEnd(&zs);
		free(buf);
		return -1;
	}
	inflateEnd(&zs);
	buf[used] = '\0';
	*out = buf;
	*out_len = used;
	return 0;
}
