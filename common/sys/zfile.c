/* gzip files streamed through zlib (zfile.h). */
#include "zfile.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

int wf_gzip_fd(int fd, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path), *buf = xmalloc(CHUNK);
	int out = -1, e = 0;
	gzFile gz = NULL;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    !(gz = gzdopen(out, "wb6"))) {
		e = errno ? errno : ENOMEM;
		goto out;
	}
	out = -1;       /* gzclose closes it */
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || gzwrite(gz, buf, (unsigned)n) != (int)n) {
			e = n < 0 ? errno : EIO;
			goto out;
		}
	}
	n = gzclose(gz);
	gz = NULL;
	if (n != Z_OK)
		e = EIO;
	else if (rename(tmp, path) < 0)
		e = errno;
out:
	if (gz)
		gzclose(gz);
	if (out >= 0)
		close(out);
	if (e)
		unlink(tmp);
	free(buf);
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}

int wf_gunzip_to_fd(const char *path, int fd)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), e = 0, n;
	char *buf;
	gzFile gz;

	if (in < 0)
		return -1;
	if (!(gz = gzdopen(in, "rb"))) {
		close(in);
		errno = ENOMEM;
		return -1;
	}
	buf = xmalloc(CHUNK);
	while ((n = gzread(gz, buf, CHUNK)) > 0)
		if (wf_write_all(fd, buf, (size_t)n) < 0) {
			e = errno;
			break;
		}
	if (!e && n < 0)
		e = EINVAL;
	/* a file cut short reads as a short file: gzclose_r says so */
	if (gzclose_r(gz) != Z_OK && !e)
		e = EINVAL;
	free(buf);
	errno = e;
	return e ? -1 : 0;
}
