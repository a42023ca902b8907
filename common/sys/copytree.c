/* Copying a tree of content (copytree.h): openat all the way down, so no
 * symlink inside the tree is ever followed, each file reflinked, copied or
 * hard-linked, then given its mode, owner and times. */
#include "copytree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper than this is no upload directory: refused, not recursed into. */
#define COPY_DEPTH_MAX 128

struct cp {
	struct wf_copy_opts *o;
	struct wf_copy_stats *st;
	char *err;
	size_t errlen;
	int root;
};

static int fail(struct cp *c, const char *path, const char *what)
{
	snprintf(c->err, c->errlen, "cannot %s %s: %s", what, path, strerror(errno));
	return -1;
}

/* Owner: the configured one, else the source's when we may (root). */
static void own(struct cp *c, int fd, int dirfd, const char *name, const struct stat *sst)
{
	uid_t u = c->o->uid != (uid_t)-1 ? c->o->uid : c->root ? sst->st_uid : (uid_t)-1;
	gid_t g = c->o->gid != (gid_t)-1 ? c->o->gid : c->root ? sst->st_gid : (gid_t)-1;

	if (u == (uid_t)-1 && g == (gid_t)-1)
		return;
	/* as far as we may: a git user that is not in the group keeps its own */
	if (fd >= 0)
		(void)!fchown(fd, u, g);
	else
		(void)!fchownat(dirfd, name, u, g, AT_SYMLINK_NOFOLLOW);
}

/* The bytes of in into out: copy_file_range (the kernel's copy, a reflink
 * itself on some filesystems), read/write where it cannot. */
static int copy_bytes(int in, int out)
{
	char buf[1 << 16];
	ssize_t n;

	while ((n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0)) > 0)
		;
	if (n == 0)
		return 0;
	if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP && errno != EBADF)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t k = 0, w; k < n; k += w)
			if ((w = write(out, buf + k, (size_t)(n - k))) < 0)
				return -1;
	return n < 0 ? -1 : 0;
}

/* sdir/name to ddir/dname */
static int copy_file(struct cp *c, int sdir, int ddir, const char *name, const char *dname, const char *path,
		     const struct stat *sst)
{
	struct timespec t[2] = { sst->st_atim, sst->st_mtim };
	int in, out, rc = 0;

	if (c->o->how == WF_COPY_HARDLINK && linkat(sdir, name, ddir, dname, 0) == 0) {
		c->st->linked++;
		return 0;
	}
	if ((in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) < 0)
		return fail(c, path, "read");
	if ((out = openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return fail(c, path, "create the copy of");
	}
	if (!c->o->no_reflink && ioctl(out, FICLONE, in) == 0) {
		c->st->reflinked++;
	} else {
		/* this filesystem shares no blocks: real copies from now on */
		if (!c->o->no_reflink && errno != EIO && errno != ENOSPC)
			c->o->no_reflink = 1;
		if (copy_bytes(in, out) < 0)
			rc = fail(c, path, "copy");
		c->st->copied++;
	}
	own(c, out, -1, NULL, sst);
	if (rc == 0 && (fchmod(out, sst->st_mode & 0777) < 0 || futimens(out, t) < 0))
		rc = fail(c, path, "set the mode and times of the copy of");
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = fail(c, path, "write the copy of");
	return rc;
}

static int copy_dir(struct cp *c, int sfd, int dparent, const char *name, const char *path, const struct stat *sst,
		    int depth);

/* One entry of a directory being copied. */
static int copy_entry(struct cp *c, int sdir, int ddir, const char *name, const char *path, int depth)
{
	struct stat st;
	char link[4096];
	ssize_t n;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(c, path, "read"); /* removed meanwhile: not there to copy */
	if (S_ISREG(st.st_mode)) {
		c->st->files++;
		c->st->bytes += st.st_size;
		return copy_file(c, sdir, ddir, name, name, path, &st);
	}
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return fd < 0 ? fail(c, path, "open") : copy_dir(c, fd, ddir, name, path, &st, depth + 1);
	}
	if (S_ISLNK(st.st_mode)) {
		struct timespec t[2] = { st.st_atim, st.st_mtim };
		if ((n = readlinkat(sdir, name, link, sizeof(link) - 1)) < 0)
			return fail(c, path, "read the symlink");
		link[n] = 0;
		if (symlinkat(link, ddir, name) < 0)
			return fail(c, path, "copy the symlink");
		own(c, -1, ddir, name, &st);
		utimensat(ddir, name, t, AT_SYMLINK_NOFOLLOW);
		c->st->symlinks++;
		return 0;
	}
	c->st->skipped++;       /* a fifo, a socket, a device: no content */
	return 0;
}

struct ent {
	char *name;
	ino_t ino;
};

static int by_ino(const void *a, const void *b)
{
	ino_t x = ((const struct ent *)a)->ino, y = ((const struct ent *)b)->ino;
	return x < y ? -1 : x > y;
}

/* A directory's entries (not . and ..) in inode order, as cp reads them:
 * the inodes are then read in the order they are on disk, several times
 * faster than in the hashed order readdir gives on ext4.  The count, or -1. */
static long read_sorted(DIR *d, struct ent **out)
{
	struct dirent *e;
	long n = 0, cap = 0;

	*out = NULL;
	while ((errno = 0, e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap)
			*out = xrealloc(*out, (size_t)(cap = cap ? 2 * cap : 64) * sizeof(**out));
		(*out)[n].name = xstrdup(e->d_name);
		(*out)[n++].ino = e->d_ino;
	}
	if (errno) {
		while (n > 0)
			free((*out)[--n].name);
		return -1;
	}
	if (n > 1)
		qsort(*out, (size_t)n, sizeof(**out), by_ino);
	return n;
}

/* Copy the directory open as sfd (closed here) to dparent/name. */
static int copy_dir(struct cp *c, int sfd, int dparent, const char *name, const char *path, const struct stat *sst,
		    int depth)
{
	struct timespec t[2] = { sst->st_atim, sst->st_mtim };
	DIR *d;
	struct ent *ents = NULL;
	long n;
	int dfd, rc = 0;

	if (depth > COPY_DEPTH_MAX) {
		close(sfd);
		snprintf(c->err, c->errlen, "cannot copy %s: deeper than %d directories", path, COPY_DEPTH_MAX);
		return -1;
	}
	if (mkdirat(dparent, name, 0700) < 0 ||
	    (dfd = openat(dparent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		close(sfd);
		return fail(c, path, "create the copy of");
	}
	if (!(d = fdopendir(sfd))) {
		close(sfd);
		close(dfd);
		return fail(c, path, "read");
	}
	c->st->dirs++;
	n = read_sorted(d, &ents);
	if (n < 0)
		rc = fail(c, path, "read");
	for (long i = 0; rc == 0 && i < n; i++) {
		char *p = xasprintf("%s/%s", path, ents[i].name);
		rc = copy_entry(c, dirfd(d), dfd, ents[i].name, p, depth);
		free(p);
	}
	for (long i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	own(c, dfd, -1, NULL, sst);
	if (rc == 0 && (fchmod(dfd, sst->st_mode & 07777) < 0 || futimens(dfd, t) < 0))
		rc = fail(c, path, "set the mode and times of the copy of");
	closedir(d);
	close(dfd);
	return rc;
}

int wf_copy_tree(const char *src, const char *dst, struct wf_copy_opts *o, struct wf_copy_stats *st, char *err,
		 size_t errlen)
{
	struct cp c = { o, st, err, errlen, geteuid() == 0 };
	char *dir = xstrdup(dst), *slash = strrchr(dir, '/'), *parent_name = dir, *name = dir;
	struct stat sst;
	int parent, sfd, rc;

	if (slash) {
		*slash = 0;
		name = slash + 1;
		if (slash == dir)
			parent_name = "/";
	} else {
		parent_name = ".";
	}
	if ((parent = open(parent_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = fail(&c, parent_name, "open");
		free(dir);
		return rc;
	}
	/* the top is the admin's: a symlink there (uploads on another disk) is followed */
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 || fstat(sfd, &sst) < 0) {
		rc = fail(&c, src, "read");
	} else if (S_ISDIR(sst.st_mode)) {
		rc = copy_dir(&c, sfd, parent, name, src, &sst, 0);
		sfd = -1;
	} else if (S_ISREG(sst.st_mode)) {
		/* a file: copied from its directory by name, as those inside are */
		char *p = xstrdup(src), *sl = strrchr(p, '/');
		const char *base = sl ? sl + 1 : p;
		int sdir;

		if (sl)
			*sl = 0;
		sdir = open(!sl ? "." : *p ? p : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		st->files++;
		st->bytes += sst.st_size;
		rc = sdir < 0 ? fail(&c, src, "read") : copy_file(&c, sdir, parent, base, name, src, &sst);
		if (sdir >= 0)
			close(sdir);
		free(p);
	} else {
		errno = EINVAL;
		rc = fail(&c, src, "copy (neither a directory nor a file)");
	}
	if (sfd >= 0)
		close(sfd);
	close(parent);
	free(dir);
	return rc;
}

char *wf_copy_how_text(const struct wf_copy_stats *st)
{
	struct sbuf sb = SBUF_INIT;
	const long long n[3] = { st->reflinked, st->copied, st->linked };
	const char *w[3] = { "reflinked", "copied", "hard-linked" };
	int kinds = (n[0] > 0) + (n[1] > 0) + (n[2] > 0);

	for (int i = 0; i < 3; i++)
		if (n[i] && kinds == 1)
			sbuf_adds(&sb, w[i]);
		else if (n[i])
			sbuf_addf(&sb, "%s%lld %s", sb.len ? ", " : "", n[i], w[i]);
	if (!sb.len)
		sbuf_adds(&sb, "no files");
	return sbuf_detach(&sb);
}
