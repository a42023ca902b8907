/* One release never changes another (release.h, wf_release_heal): files
 * are shared by hard links through the store, and a step that writes one
 * in place (as root, or after chmod u+w) writes every release that links
 * it.  After the steps, such a file is found by its mtime or mode (store
 * copies have WF_STORE_MTIME, read-only); the store gets the blob again
 * and every other release that shares the inode (this env's kept releases,
 * other branch envs on the same store) a link to that copy.  The release
 * whose step wrote it keeps what the step wrote. */
#include "release.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bad {
	char *path;             /* in the release that wrote it */
	char key[WF_OID_MAX + 8];
	dev_t dev;
	ino_t ino;
};

struct heal {
	git_repository *repo;
	git_tree *tree;
	int store;
	struct bad *bad;
	size_t n, cap;
	long long since;        /* when the steps began */
};

/* Shared, and written since the steps began: a release placed by an
 * older version (its copies have the time they were written) or a kept
 * release switched back to is not taken for one a step wrote. */
static int written(const struct heal *h, const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_nlink > 1 && st->st_mtim.tv_sec != WF_STORE_MTIME &&
	       (long long)st->st_mtim.tv_sec >= h->since;
}

/* The store key of path in the commit ("<blob>-644"), 0; 1 when none. */
static int key_of(struct heal *h, const char *path, char *key)
{
	git_tree_entry *e = NULL;

	if (git_tree_entry_bypath(&e, h->tree, path) < 0)
		return 1;
	git_oid_tostr(key, WF_OID_MAX + 1, git_tree_entry_id(e));
	strcat(key, git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE ? "-755" : "-644");
	git_tree_entry_free(e);
	return 0;
}

/* A file of the release that a step wrote in place. */
static void note_written(void *ctx, int dirfd, const char *name, const char *path, const struct stat *st)
{
	struct heal *h = ctx;
	char key[WF_OID_MAX + 8];

	(void)dirfd, (void)name;
	if (!written(h, st) || key_of(h, path, key) != 0)
		return;
	if (h->n == h->cap)
		h->bad = xrealloc(h->bad, (h->cap = h->cap ? 2 * h->cap : 8) * sizeof(*h->bad));
	h->bad[h->n] = (struct bad){ .path = xstrdup(path), .dev = st->st_dev, .ino = st->st_ino };
	strcpy(h->bad[h->n++].key, key);
}

/* The store's copy of key written again from its blob, replacing it. */
static int restore_store(struct heal *h, const struct bad *b)
{
	git_oid id;
	git_blob *blob = NULL;
	char tmp[64];
	int rc;

	snprintf(tmp, sizeof(tmp), ".heal.%ld", (long)getpid());
	if (git_oid_fromstrn(&id, b->key, strcspn(b->key, "-")) < 0 || git_blob_lookup(&blob, h->repo, &id) < 0)
		return -1;
	unlinkat(h->store, tmp, 0);
	rc = wf_release_write_blob(h->store, tmp, blob, strstr(b->key, "-755") ? 0555 : 0444);
	if (rc == 0 && renameat(h->store, tmp, h->store, b->key) < 0)
		rc = -1;
	if (rc < 0)
		unlinkat(h->store, tmp, 0);
	git_blob_free(blob);
	return rc;
}

static const struct bad *bad_inode(const struct heal *h, const struct stat *st)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->bad[i].ino == st->st_ino && h->bad[i].dev == st->st_dev)
			return &h->bad[i];
	return NULL;
}

/* A file of another release sharing a written inode: a link to the
 * store's copy instead (renamed over it: readers see one or the other). */
static void relink_holder(void *ctx, int dirfd, const char *name, const char *path, const struct stat *st)
{
	struct heal *h = ctx;
	const struct bad *b = S_ISDIR(st->st_mode) ? NULL : bad_inode(h, st);
	char *tmp;

	(void)path;
	if (!b)
		return;
	tmp = xasprintf("%s.wf-heal", name);
	unlinkat(dirfd, tmp, 0);
	if (linkat(h->store, b->key, dirfd, tmp, 0) == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		unlinkat(dirfd, tmp, 0);
	free(tmp);
}

/* A real directory (no symlink followed): its descriptor, or -1. */
static int open_real_dir(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The releases in rel (a releases/ directory), but the one skipped. */
static void each_in(struct heal *h, int rel, const struct stat *skip)
{
	DIR *r = fdopendir(rel);
	struct dirent *x;
	struct stat st;

	if (!r) {
		close(rel);
		return;
	}
	while ((x = readdir(r))) {
		int fd;
		if (x->d_name[0] == '.' || (fd = open_real_dir(dirfd(r), x->d_name)) < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_ino == skip->st_ino && st.st_dev == skip->st_dev)
			close(fd);
		else
			wf_dir_each(fd, "", relink_holder, h);
	}
	closedir(r);
}

/* Each release that links into this store: <top>/releases/<r> (an env)
 * and <top>/<env>/releases/<r> (branch envs on one store), but skip (the
 * release whose step wrote).  Symlinks (current) are never followed. */
static void each_release(struct heal *h, const char *top, const struct stat *skip)
{
	int t = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), env, rel;
	DIR *d = t < 0 ? NULL : fdopendir(t);
	struct dirent *e;

	if (!d) {
		if (t >= 0)
			close(t);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "shared"))
			continue;
		if (!strcmp(e->d_name, "releases")) {
			if ((rel = open_real_dir(dirfd(d), e->d_name)) >= 0)
				each_in(h, rel, skip);
		} else if ((env = open_real_dir(dirfd(d), e->d_name)) >= 0) {
			if ((rel = open_real_dir(env, "releases")) >= 0)
				each_in(h, rel, skip);
			close(env);
		}
	}
	closedir(d);
}

int wf_release_heal(git_repository *repo, const struct wf_release_conf *rc, const char *name, const char *commit,
		    long long since, char **list)
{
	struct heal h = { repo, NULL, -1, NULL, 0, 0, since };
	char *dir = wf_release_dir(rc, name), *store = wf_release_store(rc), *top = xstrdup(store);
	struct sbuf sb = SBUF_INIT;
	git_commit *c = NULL;
	struct stat self;
	git_oid oid;
	int fd, n = -1;

	*list = NULL;
	*strrchr(top, '/') = 0;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, repo, &oid) < 0 ||
	    git_commit_tree(&h.tree, c) < 0 ||
	    (h.store = open(store, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto out;
	if (fstat(fd, &self) < 0) {
		close(fd);
		goto out;
	}
	wf_dir_each(fd, "", note_written, &h);
	for (size_t i = 0; i < h.n; i++) {
		restore_store(&h, &h.bad[i]);
		sbuf_addf(&sb, "%s%s", i ? ", " : "", h.bad[i].path);
	}
	if (h.n)
		each_release(&h, top, &self);
	n = (int)h.n;
	*list = sbuf_detach(&sb);
out:
	if (h.store >= 0)
		close(h.store);
	for (size_t i = 0; i < h.n; i++)
		free(h.bad[i].path);
	free(h.bad);
	sbuf_free(&sb);
	git_tree_free(h.tree);
	git_commit_free(c);
	free(top);
	free(store);
	free(dir);
	return n;
}
