/* rm -r in constant descriptors (rmtree.h): down to a directory with no
 * subdirectory left, emptying as it goes, then up through "..", checked
 * against the device and inode it came down from. */
#include "rmtree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct level {
	char *name;             /* its name in the level above */
	dev_t dev;
	ino_t ino;
};

static int open_dir(int at, const char *name)
{
	fchmodat(at, name, 0700, 0);
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Unlink every non-directory of fd; the name of one subdirectory in
 * *sub (malloc'd), NULL when none is left.  0, or -1. */
static int empty_files(int fd, char **sub)
{
	int dup_fd = dup(fd), rc = 0;
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	struct dirent *e;

	*sub = NULL;
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	while (!*sub && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno == EISDIR || errno == EPERM)
			*sub = xstrdup(e->d_name);
		else
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* From fd (the level at depth n), one level up: its parent, checked. */
static int go_up(int fd, struct level *stack, size_t n)
{
	int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	close(fd);
	if (up < 0)
		return -1;
	/* the tree was moved under us: stop rather than remove elsewhere */
	if (n > 1 && (fstat(up, &st) < 0 || st.st_dev != stack[n - 2].dev || st.st_ino != stack[n - 2].ino)) {
		close(up);
		errno = ESTALE;
		return -1;
	}
	return up;
}

static int remove_dir(int at, const char *name)
{
	struct level *stack = NULL;
	size_t n = 0, cap = 0;
	int fd, rc = 0, top = dup(at);
	struct stat st;
	char *sub;

	if (top < 0)
		return -1;
	for (fd = -1, sub = xstrdup(name); sub || n; ) {
		int parent = n ? fd : top;
		if (sub) {
			/* down into sub */
			int child = open_dir(parent, sub);
			if (child < 0 || fstat(child, &st) < 0) {
				if (child >= 0)
					close(child);
				free(sub);
				rc = -1;
				break;
			}
			if (n == cap)
				stack = xrealloc(stack, (cap = cap ? 2 * cap : 16) * sizeof(*stack));
			stack[n++] = (struct level){ sub, st.st_dev, st.st_ino };
			if (parent != top)
				close(parent);
			fd = child;
		}
		if (empty_files(fd, &sub) < 0) {
			rc = -1;
			break;
		}
		if (sub)
			continue;
		/* fd is empty: up, and remove it there */
		if (n == 1) {
			close(fd);
			fd = -1;
			rc = unlinkat(top, stack[0].name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
			free(stack[--n].name);
			break;
		}
		if ((fd = go_up(fd, stack, n)) < 0) {
			rc = -1;
			break;
		}
		if (unlinkat(fd, stack[n - 1].name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			rc = -1;
			break;
		}
		free(stack[--n].name);
	}
	if (fd >= 0 && fd != top)
		close(fd);
	close(top);
	while (n)
		free(stack[--n].name);
	free(stack);
	return rc;
}

int wf_rmtree_at(int at, const char *name)
{
	if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	return remove_dir(at, name);
}

int wf_remove_tree(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	int dfd, rc;

	if (!slash) {
		free(copy);
		return wf_rmtree_at(AT_FDCWD, path);
	}
	*slash = 0;
	dfd = open(*copy ? copy : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dfd < 0 ? -1 : wf_rmtree_at(dfd, slash + 1);
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return rc;
}

void wf_dir_each(int fd, const char *prefix, wf_dir_fn *fn, void *ctx)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		char *path;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path = *prefix ? xasprintf("%s/%s", prefix, e->d_name) : xstrdup(e->d_name);
		fn(ctx, dirfd(d), e->d_name, path, &st);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				wf_dir_each(sub, path, fn, ctx);
		}
		free(path);
	}
	closedir(d);
}
