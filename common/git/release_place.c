/* Placing a release: the commit's tree written with libgit2, entry by
 * entry, relative to directory descriptors of the new release only (no
 * shell, no checkout, no path resolved twice).  Every name is checked:
 * nothing a push names lands outside the release. */
#include "release.h"
#include "fileio.h"
#include "resolve.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


struct place {
	git_repository *repo;
	const struct wf_release_conf *rc;
	int store;              /* path/.store */
	int fresh;
	struct wf_placed *out;
	char *err;
	size_t errlen;
	git_oid commit;         /* whose .gitattributes say what is not exported */
	git_repository *attrs;  /* the repository, its work tree the release */
	git_odb *odb;           /* for blob sizes */
	int attrs_outside;      /* attributes from outside the tree: ask every path */
	int attrs_above;        /* a .gitattributes in this directory or one above */
};

static int perr(struct place *pl, const char *fmt, const char *a, const char *b)
{
	snprintf(pl->err, pl->errlen, fmt, a, b);
	return -1;
}

/* 0 when the commit's attributes mark path export-ignore; 1 placed; -1
 * when they cannot be read (said: nothing is placed that should not). */
static int exported(struct place *pl, const char *path)
{
	int r;

	if (!pl->attrs_outside && !pl->attrs_above)
		return 1; /* nothing can say export-ignore here */
	r = wf_release_exported(pl->attrs, &pl->commit, path);
	if (r < 0)
		return perr(pl, "cannot read the attributes of %s: %s", path,
			    git_error_last() ? git_error_last()->message : "?");
	return r;
}

static int name_ok(const char *n)
{
	return *n && strcmp(n, ".") && strcmp(n, "..") && strcasecmp(n, ".git") && !strchr(n, '/');
}

int wf_release_write_blob(int dirfd, const char *name, const git_blob *b, mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	struct timespec t[2] = { { WF_STORE_MTIME, 0 }, { WF_STORE_MTIME, 0 } };
	int rc;

	if (fd < 0)
		return -1;
	rc = wf_write_all(fd, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	if (rc == 0 && futimens(fd, t) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

static void note_fresh(struct place *pl, int dirfd, const char *name, const char *path, const char *key)
{
	struct wf_placed *o = pl->out;
	struct stat st;

	/* the mtime was set when it was written: any write by the build shows */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* not noted: it stays a copy of its own */
	if (o->n_fresh == o->cap_fresh) {
		o->cap_fresh = o->cap_fresh ? o->cap_fresh * 2 : 256;
		o->fresh = xrealloc(o->fresh, o->cap_fresh * sizeof(*o->fresh));
	}
	o->fresh[o->n_fresh].path = xstrdup(path);
	snprintf(o->fresh[o->n_fresh].key, sizeof(o->fresh[0].key), "%s", key);
	o->fresh[o->n_fresh].ino = st.st_ino;
	o->fresh[o->n_fresh].size = st.st_size;
	o->fresh[o->n_fresh].mtime = st.st_mtim;
	o->fresh[o->n_fresh].ctime = st.st_ctim;
	o->n_fresh++;
}

/* The store's copy of e is as the store wrote it; one changed in place
 * (by a step, as root) goes, so that this release gets the blob, never
 * what another release's step made of it. */
static int store_copy_ok(struct place *pl, const git_tree_entry *e, const char *key)
{
	size_t size;
	git_object_t type;

	if (!pl->odb || git_odb_read_header(&size, &type, pl->odb, git_tree_entry_id(e)) < 0)
		return 0;
	errno = 0;
	if (wf_store_copy_ok(pl->store, key, (long long)size))
		return 1;
	if (errno != ENOENT) /* (none yet: a first release, nothing to remove) */
		unlinkat(pl->store, key, 0);
	return 0;
}

/* A file: a link to its one read-only copy in the store (written there
 * first through the release, so a half-written copy is never shared), or
 * for a build a writable copy of its own. */
static int place_file(struct place *pl, int dirfd, const git_tree_entry *e, const char *path)
{
	git_filemode_t fm = git_tree_entry_filemode(e);
	int exec = fm == GIT_FILEMODE_BLOB_EXECUTABLE;
	char key[WF_OID_MAX + 8];
	git_blob *b = NULL;
	struct stat st;
	int rc;

	git_oid_tostr(key, WF_OID_MAX + 1, git_tree_entry_id(e));
	strcat(key, exec ? "-755" : "-644");
	if (!pl->fresh && store_copy_ok(pl, e, key) && linkat(pl->store, key, dirfd, git_tree_entry_name(e), 0) == 0) {
		if (fstatat(pl->store, key, &st, 0) == 0)
			pl->out->size += st.st_size;
		return 0;
	}
	if (git_blob_lookup(&b, pl->repo, git_tree_entry_id(e)) < 0)
		return perr(pl, "cannot read %s: %s", path, git_error_last() ? git_error_last()->message : "?");
	rc = wf_release_write_blob(dirfd, git_tree_entry_name(e), b, pl->fresh ? (exec ? 0755 : 0644) : (exec ? 0555 : 0444));
	pl->out->size += (long long)git_blob_rawsize(b);
	git_blob_free(b);
	if (rc < 0)
		return perr(pl, "cannot write %s: %s", path, strerror(errno));
	if (pl->fresh)
		note_fresh(pl, dirfd, git_tree_entry_name(e), path, key);
	else if (linkat(dirfd, git_tree_entry_name(e), pl->store, key, 0) < 0 && errno != EEXIST)
		return perr(pl, "cannot keep %s in the store: %s", path, strerror(errno));
	return 0;
}

static int place_link(struct place *pl, int dirfd, const git_tree_entry *e, const char *path)
{
	git_blob *b = NULL;
	char *target;
	int rc = 0;

	if (git_blob_lookup(&b, pl->repo, git_tree_entry_id(e)) < 0)
		return perr(pl, "cannot read %s: %s", path, git_error_last() ? git_error_last()->message : "?");
	target = xstrndup(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	/* a NUL in the blob would make the link name less than git's */
	if (strlen(target) != (size_t)git_blob_rawsize(b) || !wf_release_link_ok(path, target))
		rc = perr(pl, "the symlink %s points outside the release (to %s): commit the file itself (cp -L), "
			  "point it inside the release or into shared/, or remove it; push refused", path, target);
	else if (symlinkat(target, dirfd, git_tree_entry_name(e)) < 0)
		rc = perr(pl, "cannot create the symlink %s: %s", path, strerror(errno));
	git_blob_free(b);
	free(target);
	if (rc == 0) {
		struct wf_placed *o = pl->out;
		if (o->n_links == o->cap_links) {
			o->cap_links = o->cap_links ? o->cap_links * 2 : 16;
			o->links = xrealloc(o->links, o->cap_links * sizeof(*o->links));
		}
		o->links[o->n_links++] = xstrdup(path);
	}
	return rc;
}

static int place_tree(struct place *pl, int dirfd, const git_tree *t, const char *prefix);

/* A directory, made first so its attributes are asked of a directory; an
 * export-ignore one goes again with nothing in it. */
static int place_dir(struct place *pl, int dirfd, const git_tree_entry *e, const char *path)
{
	const char *name = git_tree_entry_name(e);
	git_tree *sub = NULL;
	int fd, rc = 0, x;

	if (mkdirat(dirfd, name, 0755) < 0)
		return perr(pl, "cannot create %s: %s", path, strerror(errno));
	if ((x = exported(pl, path)) <= 0) {
		unlinkat(dirfd, name, AT_REMOVEDIR);
		return x;
	}
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return perr(pl, "cannot create %s: %s", path, strerror(errno));
	/* a submodule is an empty directory, as git checks it out */
	if (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE) {
		if (git_tree_lookup(&sub, pl->repo, git_tree_entry_id(e)) < 0)
			rc = perr(pl, "cannot read %s: %s", path, "missing tree");
		else
			rc = place_tree(pl, fd, sub, path);
		git_tree_free(sub);
	}
	close(fd);
	return rc;
}

static int place_entry(struct place *pl, int dirfd, const git_tree_entry *e, const char *prefix)
{
	const char *name = git_tree_entry_name(e);
	git_filemode_t fm = git_tree_entry_filemode(e);
	char *path = *prefix ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
	const char *shared;
	int rc = 0;

	if (!name_ok(name))
		rc = perr(pl, "the tree has a path the hooks never place: '%s'%s; push refused", path, "");
	else if (fm != GIT_FILEMODE_TREE && fm != GIT_FILEMODE_COMMIT && (rc = exported(pl, path)) <= 0)
		rc = rc < 0 ? -1 : 0;
	else if ((shared = wf_release_tracks_shared(pl->rc, path, fm == GIT_FILEMODE_TREE)))
		rc = perr(pl, "the tree tracks %s, a shared path of this env (uploads live in shared/, never "
			  "in git): remove it from the repository (git rm -r --cached %s), then push again",
			  shared, shared);
	else if (fm == GIT_FILEMODE_TREE || fm == GIT_FILEMODE_COMMIT)
		rc = place_dir(pl, dirfd, e, path);
	else if (fm == GIT_FILEMODE_LINK)
		rc = place_link(pl, dirfd, e, path);
	else
		rc = place_file(pl, dirfd, e, path);
	free(path);
	return rc;
}

/* A .gitattributes applies to its directory and below: asked only under
 * one (or when attributes come from outside the tree). */
static int place_tree(struct place *pl, int dirfd, const git_tree *t, const char *prefix)
{
	size_t n = git_tree_entrycount(t);
	int above = pl->attrs_above, rc = 0;

	if (git_tree_entry_byname(t, ".gitattributes"))
		pl->attrs_above = 1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (place_entry(pl, dirfd, git_tree_entry_byindex(t, i), prefix) < 0)
			rc = -1;
	pl->attrs_above = above;
	return rc;
}

/* Each shared path linked in: its parents are directories of the tree (or
 * made here), never symlinks, so the link lands in the release. */
static int link_shared(struct place *pl, const char *dir)
{
	for (size_t i = 0; i < pl->rc->n_shared; i++) {
		const char *p = pl->rc->shared[i];
		char *full = xasprintf("%s/%s", dir, p), *slash = strrchr(full, '/'), *target;
		struct stat st;
		int rc;
		*slash = 0;
		rc = wf_mkdir_p(full, 0755) < 0 || lstat(full, &st) < 0 || !S_ISDIR(st.st_mode) ? -1 : 0;
		*slash = '/';
		target = wf_release_shared_target(p);
		if (rc == 0)
			rc = symlink(target, full);
		free(target);
		free(full);
		if (rc < 0)
			return perr(pl, "cannot link the shared path %s into the release: %s", p, strerror(errno));
	}
	return 0;
}

/* Tree symlinks may point at each other: what they resolve to, now that
 * all is placed, must still be in the release (or a shared path). */
static int links_inside(struct place *pl, const char *dir)
{
	char *shared = xasprintf("%s/shared", pl->rc->path), real_dir[PATH_MAX], real_shared[PATH_MAX], r[PATH_MAX];
	int rc = 0;

	if (!realpath(dir, real_dir)) {
		free(shared);
		return perr(pl, "cannot resolve %s: %s", dir, strerror(errno));
	}
	if (!realpath(shared, real_shared))
		strcpy(real_shared, "\001"); /* no shared path: nothing may point there */
	/* resolved through the tree's own links whether or not the target
	 * exists yet: a dangling link may be filled in later (another env's
	 * settings, placed by its admin) */
	for (size_t i = 0; i < pl->out->n_links && rc == 0; i++) {
		char *l = xasprintf("%s/%s", real_dir, pl->out->links[i]);
		if (wf_resolve_path(l, r) < 0)
			rc = perr(pl, "the symlink %s cannot be resolved (%s); push refused", pl->out->links[i],
				  strerror(errno));
		else if (!wf_path_under(r, real_dir) && !wf_path_under(r, real_shared))
			rc = perr(pl, "the symlink %s points outside the release (to %s): commit the file itself "
				  "(cp -L), point it inside the release or into shared/, or remove it; push refused",
				  pl->out->links[i], r);
		free(l);
	}
	free(shared);
	return rc;
}

static int open_store(const struct wf_release_conf *rc)
{
	char *p = wf_release_store(rc);
	int fd;

	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		free(p);
		return -1;
	}
	fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(p);
	return fd;
}

int wf_release_place(git_repository *repo, const struct wf_release_conf *rc, const char *commit,
		     const char *name, int fresh, struct wf_placed *out, char *err, size_t errlen)
{
	struct place pl = { repo, rc, -1, fresh, out, err, errlen, { { 0 } }, NULL, NULL, 0, 0 };
	char *dir = wf_release_dir(rc, name), *releases = xasprintf("%s/releases", rc->path);
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_oid oid;
	int fd = -1, rc2 = -1;
	/* release code is read by the web server, another user: the modes
	 * are the tree's, not what the git user's umask would leave */
	mode_t mask = umask(022);

	memset(out, 0, sizeof(*out));
	if (wf_mkdir_p(releases, 0755) < 0 || (pl.store = open_store(rc)) < 0 || mkdir(dir, 0755) < 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot create the release %s: %s", dir, strerror(errno));
		goto out;
	}
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, repo, &oid) < 0 || git_commit_tree(&t, c) < 0) {
		snprintf(err, errlen, "cannot read the tree of %.12s", commit);
		goto out;
	}
	git_oid_cpy(&pl.commit, &oid);
	if (git_repository_odb(&pl.odb, repo) < 0)
		pl.odb = NULL;
	pl.attrs_outside = wf_release_attrs_outside_tree(repo);
	if (!(pl.attrs = wf_release_attr_repo(repo, dir))) {
		snprintf(err, errlen, "cannot read the attributes of %.12s: %s", commit,
			 git_error_last() ? git_error_last()->message : "?");
		goto out;
	}
	if (wf_release_tree_limits(t, dir, err, errlen) == 0 && place_tree(&pl, fd, t, "") == 0 && link_shared(&pl, dir) == 0 &&
	    links_inside(&pl, dir) == 0)
		rc2 = 0;
out:
	if (fd >= 0)
		close(fd);
	if (pl.store >= 0)
		close(pl.store);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(pl.attrs);
	git_odb_free(pl.odb);
	free(releases);
	free(dir);
	umask(mask);
	return rc2;
}
