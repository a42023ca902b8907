/* A webhook spool's state (its backoff: failed attempts, the next try,
 * the last error) and the probe that says whether it can take events. */
#include "spool.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wf_spool_probe(const char *dir, size_t size)
{
	char *p, *zeros;
	int fd, rc = -1, e;

	if (wf_mkdir_p(dir, 0775) < 0)
		return -1;
	p = xasprintf("%s/.probe-%ld", dir, (long)getpid());
	zeros = xcalloc(1, size ? size : 1);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd >= 0) {
		/* fsync: on a full disk a write can succeed into the page cache
		 * and fail only when it is written back */
		if (wf_write_all(fd, zeros, size) == 0 && fsync(fd) == 0)
			rc = 0;
		e = errno;
		close(fd);
		unlink(p);
		errno = e;
	}
	e = errno;
	free(zeros);
	free(p);
	errno = e;
	return rc;
}

int wf_spool_state_read(const char *dir, struct wf_spool_state *st)
{
	char *path = xasprintf("%s/state", dir), *text, *line;
	struct sbuf sb = SBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	memset(st, 0, sizeof(*st));
	free(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (wf_read_all(fd, &sb) < 0) {
		close(fd);
		sbuf_free(&sb);
		return -1;
	}
	close(fd);
	text = sbuf_detach(&sb);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "attempts ", 9))
			st->attempts = atoi(line + 9);
		else if (!strncmp(line, "next_try ", 9))
			st->next_try = atoll(line + 9);
		else if (!strncmp(line, "last_error ", 11))
			snprintf(st->last_error, sizeof(st->last_error), "%s", line + 11);
	}
	free(text);
	return 0;
}

int wf_spool_state_write(const char *dir, const struct wf_spool_state *st)
{
	struct sbuf sb = SBUF_INIT;
	int rc;

	if (wf_mkdir_p(dir, 0775) < 0)
		return -1;
	sbuf_addf(&sb, "attempts %d\nnext_try %lld\nlast_error ", st->attempts, st->next_try);
	/* one line, whatever the error text holds */
	for (const char *p = st->last_error; *p; p++)
		sbuf_add(&sb, (*p == '\n' || *p == '\r') ? " " : p, 1);
	sbuf_adds(&sb, "\n");
	{
		char *path = xasprintf("%s/state", dir);
		rc = wf_write_file_atomic(path, sb.buf, sb.len, 1);
		free(path);
	}
	sbuf_free(&sb);
	return rc;
}

long wf_spool_backoff(int attempts, long first)
{
	long s = first > 0 ? first : 30;
	for (int i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}
