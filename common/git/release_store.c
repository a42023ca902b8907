/* The content store of an env (path/.store): one read-only copy of each
 * file, hard-linked into the releases.  After a build, the files it left
 * alone are linked back; files no release links any more are removed. */
#include "release.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void wf_placed_free(struct wf_placed *p)
{
	for (size_t i = 0; i < p->n_fresh; i++)
		free(p->fresh[i].path);
	free(p->fresh);
	for (size_t i = 0; i < p->n_links; i++)
		free(p->links[i]);
	free(p->links);
	memset(p, 0, sizeof(*p));
}

int wf_store_copy_ok(int store_fd, const char *key, long long size)
{
	struct stat st;
	mode_t want = strstr(key, "-755") ? 0555 : 0444;

	return fstatat(store_fd, key, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 07777) == want && st.st_size == size && st.st_mtim.tv_sec == WF_STORE_MTIME &&
	       st.st_mtim.tv_nsec == 0;
}

static int same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* One fresh file the build did not touch: the store's copy takes its
 * place (renamed over it), or it becomes the store's copy. */
static void relink_one(const char *dir, const char *store, const struct wf_fresh_file *f)
{
	char *file = xasprintf("%s/%s", dir, f->path), *key = xasprintf("%s/%s", store, f->key);
	char *tmp = xasprintf("%s.wf-link", file);
	struct stat st;
	int exec = strstr(f->key, "-755") != NULL;

	if (lstat(file, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != f->ino || st.st_size != f->size ||
	    !same_time(st.st_mtim, f->mtime) || !same_time(st.st_ctim, f->ctime))
		goto out; /* the build changed it: this release's own */
	/* a store copy changed in place (a step wrote it) is no copy of the
	 * blob: it goes, and this file becomes the store's */
	if (!wf_store_copy_ok(AT_FDCWD, key, f->size))
		unlink(key);
	if (link(key, tmp) == 0) {
		if (rename(tmp, file) < 0)
			unlink(tmp);
	} else if (errno == ENOENT && chmod(file, exec ? 0555 : 0444) == 0) {
		/* nobody has it yet: this copy, read-only now, is the store's */
		if (link(file, key) < 0)
			chmod(file, exec ? 0755 : 0644);
	}
out:
	free(tmp);
	free(key);
	free(file);
}

void wf_release_relink(const struct wf_release_conf *rc, const char *name, struct wf_placed *p)
{
	char *dir = wf_release_dir(rc, name), *store = wf_release_store(rc);

	for (size_t i = 0; i < p->n_fresh; i++)
		relink_one(dir, store, &p->fresh[i]);
	free(store);
	free(dir);
}

int wf_release_shared_init(const struct wf_release_conf *rc, char *err, size_t errlen)
{
	size_t dirs = rc->n_shared - rc->n_shared_files;

	/* a missing file is refused before anything is made: in its place an
	 * empty directory would break the site (a 403 for .htaccess) */
	for (size_t i = dirs; i < rc->n_shared; i++) {
		char *p = xasprintf("%s/shared/%s", rc->path, rc->shared[i]);
		struct stat st;
		int r = stat(p, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
		if (r < 0)
			snprintf(err, errlen, "the shared file %s is %s: create it there (the site's own copy, e.g. its "
				 "settings file), then push again", p, lstat(p, &st) == 0 ? "not a file" : "missing");
		free(p);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; i < dirs; i++) {
		char *p = xasprintf("%s/shared/%s", rc->path, rc->shared[i]);
		struct stat st;
		/* what is there (an upload dir, a settings file) is the site's */
		int r = lstat(p, &st) == 0 ? 0 : wf_mkdir_p(p, 0775);
		if (r < 0)
			snprintf(err, errlen, "cannot create the shared path %s: %s", p, strerror(errno));
		free(p);
		if (r < 0)
			return -1;
	}
	return 0;
}

char *wf_release_store(const struct wf_release_conf *rc)
{
	return rc->store ? xstrdup(rc->store) : xasprintf("%s/.store", rc->path);
}

/* A file linked only from the store goes: a placement racing with it
 * keeps its own link and at worst makes a copy of its own. */
void wf_release_store_gc(const struct wf_release_conf *rc)
{
	char *p = wf_release_store(rc);
	DIR *d = opendir(p);
	struct dirent *e;
	struct stat st;

	free(p);
	if (!d)
		return;
	/* linked by no release: only the store's own name is left */
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_nlink == 1)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int wf_release_prune(const struct wf_release_conf *rc, const char *prev)
{
	struct wf_release_info *l;
	long n = wf_release_list(rc, &l), extra;
	char cur[WF_RELEASE_NAME_MAX];
	int removed = 0;

	wf_release_current(rc, cur);
	extra = n - rc->keep;
	for (long i = 0; i < n && extra > 0; i++) {
		if (!strcmp(l[i].name, cur) || (prev && !strcmp(l[i].name, prev)))
			continue;
		if (wf_release_discard(rc, l[i].name) == 0)
			removed++;
		extra--;
	}
	free(l);
	return removed;
}

/* Idle I/O priority (Linux ioprio_set: class idle): the removal takes
 * only what the disk has to spare, never a web server's reads. */
static void io_idle(void)
{
#ifdef SYS_ioprio_set
	(void)syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, 3 << 13 /* IOPRIO_CLASS_IDLE */);
#endif
}

int wf_release_empty_trash(const struct wf_release_conf *rc)
{
	char *trash = xasprintf("%s/.trash", rc->path);
	DIR *d = opendir(trash);
	struct dirent *e;
	int n = 0;

	if (d)
		io_idle();
	while (d && (e = readdir(d))) {
		char *p;
		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", trash, e->d_name);
		n += wf_remove_tree(p) == 0;
		free(p);
	}
	if (d) {
		closedir(d);
		/* what only the removed releases linked goes from the store */
		wf_release_store_gc(rc);
	}
	free(trash);
	return n;
}

struct usage {
	long long own, shared;
};

static void count_file(void *ctx, int dirfd, const char *name, const char *path, const struct stat *st)
{
	struct usage *u = ctx;

	(void)dirfd, (void)name, (void)path;
	if (S_ISREG(st->st_mode))
		/* a release's link and the store's: its own; more: shared */
		*(st->st_nlink > 2 ? &u->shared : &u->own) += st->st_size;
}

void wf_release_usage(const struct wf_release_conf *rc, const char *name, long long *own, long long *shared)
{
	char *dir = wf_release_dir(rc, name);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	struct usage u = { 0, 0 };

	if (fd >= 0)
		wf_dir_each(fd, "", count_file, &u);
	*own = u.own;
	*shared = u.shared;
	free(dir);
}
