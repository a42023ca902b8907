/* gzip streamed by a thread (zfile.h).  The thread only reads, writes and
 * calls zlib: the process's steps, forks and signals stay in the caller's
 * thread. */
#include "zfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

struct wf_zpipe {
	pthread_t th;
	int fd;                 /* the thread's end of the pipe */
	int given;              /* the caller's end, closed by finish */
	int gz_out;             /* 1: gzip into path; 0: gunzip path into the pipe */
	char *path, *tmp;
	int err;                /* errno of the thread's failure, 0 */
};

/* zlib's fastest level: three times gzip -6's speed for 5% more bytes,
 * so a snapshot adds to a deploy about what the dump tool takes
 * (bench/database). */
static void *gzip_thread(void *arg)
{
	struct wf_zpipe *z = arg;
	char *buf = xmalloc(CHUNK);
	int out = open(z->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	gzFile gz = out < 0 ? NULL : gzdopen(out, "wb1");
	ssize_t n;

	if (!gz) {
		z->err = out < 0 ? errno : ENOMEM;
		if (out >= 0)
			close(out);
	}
	/* read to the end whatever happens: the writer never blocks */
	while ((n = read(z->fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			z->err = z->err ? z->err : errno;
			break;
		}
		if (gz && !z->err && gzwrite(gz, buf, (unsigned)n) != (int)n)
			z->err = EIO;
	}
	if (gz && gzclose(gz) != Z_OK && !z->err)
		z->err = EIO;
	free(buf);
	return NULL;
}

static void *gunzip_thread(void *arg)
{
	struct wf_zpipe *z = arg;
	int in = open(z->path, O_RDONLY | O_CLOEXEC), n = 0;
	gzFile gz = in < 0 ? NULL : gzdopen(in, "rb");
	char *buf = xmalloc(CHUNK);
	sigset_t pipe;

	/* a reader that stops early: EPIPE here, not the process killed */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	if (!gz) {
		z->err = in < 0 ? errno : ENOMEM;
		if (in >= 0)
			close(in);
	}
	while (gz && (n = gzread(gz, buf, CHUNK)) > 0)
		if (wf_write_all(z->fd, buf, (size_t)n) < 0) {
			z->err = errno;
			break;
		}
	if (gz && !z->err && n < 0)
		z->err = EINVAL;
	/* a file cut short reads as a short file: gzclose_r says so */
	if (gz && gzclose_r(gz) != Z_OK && !z->err)
		z->err = EINVAL;
	close(z->fd);   /* the end of the data for the reader */
	z->fd = -1;
	free(buf);
	return NULL;
}

static struct wf_zpipe *start(const char *path, int gz_out, int *fd)
{
	struct wf_zpipe *z = xcalloc(1, sizeof(*z));
	int p[2], e;

	if (pipe2(p, O_CLOEXEC) < 0) {
		free(z);
		return NULL;
	}
	/* fewer, larger writes between the tool and the thread */
	(void)fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
	z->gz_out = gz_out;
	z->fd = gz_out ? p[0] : p[1];
	z->given = *fd = gz_out ? p[1] : p[0];
	z->path = xstrdup(path);
	z->tmp = xasprintf("%s.tmp", path);
	if ((e = pthread_create(&z->th, NULL, gz_out ? gzip_thread : gunzip_thread, z)) != 0) {
		close(p[0]);
		close(p[1]);
		free(z->path);
		free(z->tmp);
		free(z);
		errno = e;
		return NULL;
	}
	return z;
}

struct wf_zpipe *wf_gzip_pipe(const char *path, int *fd)
{
	return start(path, 1, fd);
}

struct wf_zpipe *wf_gunzip_pipe(const char *path, int *fd)
{
	return start(path, 0, fd);
}

int wf_zpipe_finish(struct wf_zpipe *z, int keep)
{
	int e;

	close(z->given);
	pthread_join(z->th, NULL);
	if (z->gz_out)
		close(z->fd);
	e = z->err;
	if (z->gz_out && !e && keep && rename(z->tmp, z->path) < 0)
		e = errno;
	if (z->gz_out && (e || !keep))
		unlink(z->tmp);
	free(z->path);
	free(z->tmp);
	free(z);
	errno = e;
	return e ? -1 : 0;
}
