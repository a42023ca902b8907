/* The file system, as the hooks change it: directories made, one
 * atomic-write primitive (write beside, rename over, fsync when it must
 * survive a crash), and the tests' pause points. */
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int wf_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	struct stat st;
	int rc = 0, e;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (rc == 0 && stat(path, &st) < 0)
		rc = -1;
	else if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	e = errno;
	free(p);
	errno = e;
	return rc;
}

void wf_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void wf_test_pause(const char *git_dir, const char *point)
{
	const char *want = getenv("WF_TEST_PAUSE");
	char *path;
	int fd;

	if (!want || strcmp(want, point))
		return;
	path = xasprintf("%sworkflow/paused.%s", git_dir, point);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char pid[32];
		int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (write(fd, pid, (size_t)len) != len)
			len = 0;
		close(fd);
		for (int i = 0; i < 1200 && access(path, F_OK) == 0; i++)
			usleep(100000);
		unlink(path);
	}
	free(path);
}

int wf_write_file_atomic(const char *path, const void *data, size_t len, int durable)
{
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid()), *slash;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0664), e;

	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (wf_write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		e = errno;
		goto fail;
	}
	free(tmp);
	slash = strrchr(path, '/');
	if (durable && slash) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		wf_fsync_dir(dir);
		free(dir);
	}
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}
