/* Releases: the code of an env with a `path`, on disk (docs/releases.md).
 *
 *     path/current -> releases/<name>     switched by one rename(2)
 *     path/releases/<name>/               the deployed commit's tree (+ build)
 *     path/releases/<name>.release        its marker, written when it is complete
 *     path/shared/<p>                     each shared path, linked into every release
 *     path/.store/<blob>-<mode>           one read-only copy of each file,
 *                                         hard-linked into the releases
 *
 * A release without its marker is unfinished: never switched to, never a
 * rollback target, removed by the next deploy. */
#ifndef WF_RELEASE_H
#define WF_RELEASE_H

#include <stddef.h>
#include <sys/types.h>
#include <git2.h>
#include "config.h"
#include "rmtree.h"
#include "release_names.h"
#include "hook_input.h"
#include "util.h"


struct wf_release_info {
	char name[WF_RELEASE_NAME_MAX];
	char commit[WF_OID_MAX + 1];
	long long time;         /* when it was completed (unix s) */
	long long size;         /* bytes of its tracked files */
};

/* A file written as a fresh copy for a build: if the build leaves it as
 * written (same inode, size, mtime and ctime), it is replaced by a link to
 * the store afterwards. */
struct wf_fresh_file {
	char *path;             /* relative to the release */
	char key[WF_OID_MAX + 8];  /* its store name, "<blob>-<mode>" */
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct wf_placed {
	long long size;
	struct wf_fresh_file *fresh;    /* only when placed for a build */
	size_t n_fresh, cap_fresh;
	char **links;                   /* the tree's symlinks, checked once all is placed */
	size_t n_links, cap_links;
};

/* --- placing (release_place.c) ------------------------------------------ */

/* Write commit's tree into path/releases/<name>/ (it must not exist), then
 * link the shared paths into it.  fresh: files are writable copies for a
 * build (out->fresh), else hard links to the store.  0, or -1 with err
 * (the partial release is left for the caller to remove). */
int wf_release_place(git_repository *repo, const struct wf_release_conf *rc, const char *commit,
		     const char *name, int fresh, struct wf_placed *out, char *err, size_t errlen);
/* After the build: each fresh file the build left as written becomes a
 * link to the store (one copy on disk again). */
void wf_release_relink(const struct wf_release_conf *rc, const char *name, struct wf_placed *p);
void wf_placed_free(struct wf_placed *p);
/* Each shared path exists under path/shared/ (created empty, a directory). */
int wf_release_shared_init(const struct wf_release_conf *rc, char *err, size_t errlen);

/* Every store copy, and every fresh copy a build may write, has this
 * mtime: a copy written in place since (by a step, as root) shows by its
 * mtime, and is never linked into another release. */
#define WF_STORE_MTIME 1000000000
/* Is the store's copy key (size bytes, its blob's) as the store wrote it:
 * read-only, that size, WF_STORE_MTIME?  1 yes, 0 no (or none). */
int wf_store_copy_ok(int store_fd, const char *key, long long size);

/* After the steps of release name (of commit), begun at since (unix s):
 * the files a step wrote in place while other releases share them (by
 * their mtime: written since, and not a store copy's): the
 * store gets the blob again and every other release that shared one a
 * link to that copy; name keeps what its step wrote (release_heal.c).
 * How many, their paths in *list ("a, b", malloc'd); -1 on error. */
int wf_release_heal(git_repository *repo, const struct wf_release_conf *rc, const char *name, const char *commit,
		    long long since, char **list);

/* The handle a commit's attributes are read through (release_attrs.c):
 * the same objects (a push's quarantine too), its work tree dir, where the
 * tree is placed, so that libgit2 tells a directory ("tests/" patterns) by
 * what is there.  Only the commit's and info/ attributes are read.  NULL
 * on error (git_error_last). */
git_repository *wf_release_attr_repo(git_repository *repo, const char *dir);
/* 0 when commit's attributes mark path export-ignore (git archive leaves
 * it out, and so do releases), 1 when it is placed, -1 on error.  A
 * directory is asked once it exists under the handle's work tree. */
int wf_release_exported(git_repository *attrs, const git_oid *commit, const char *path);
/* 1 when attributes may come from outside the commit's .gitattributes
 * (info/attributes, the global or system file): every path is asked. */
int wf_release_attrs_outside_tree(git_repository *repo);
/* The files of release name that differ from its commit (content, mode,
 * link target, missing), one "  path: why" line each appended to out;
 * how many, or -1 (release_verify.c). */
long wf_release_verify(git_repository *repo, const struct wf_release_conf *rc, const char *name, struct sbuf *out);

/* The blob as a new file name of dirfd (created exclusively, never
 * through a symlink), mode, its mtime WF_STORE_MTIME.  0, or -1 (errno). */
int wf_release_write_blob(int dirfd, const char *name, const git_blob *b, mode_t mode);

/* A tree deeper than this many directories is not placed. */
#define WF_TREE_DEPTH_MAX 256
/* Depth and path length of t, placed under dir: 0, or -1 with err naming
 * the path (release_limits.c). */
int wf_release_tree_limits(const git_tree *t, const char *dir, char *err, size_t errlen);

/* --- the set of releases (release_store.c) ------------------------------- */

char *wf_release_dir(const struct wf_release_conf *rc, const char *name);
/* Mark name complete.  0 or -1 (errno). */
int wf_release_mark(const struct wf_release_conf *rc, const struct wf_release_info *info);
/* 0 read (complete), 1 no such complete release, -1 error. */
int wf_release_read(const struct wf_release_conf *rc, const char *name, struct wf_release_info *info);
/* The complete releases, oldest first; count, or -1. */
long wf_release_list(const struct wf_release_conf *rc, struct wf_release_info **out);
/* The newest complete release of commit; 0 found, 1 none. */
int wf_release_find_commit(const struct wf_release_conf *rc, const char *commit, struct wf_release_info *out);
/* Remove a release (marker first, so a half-removed one is unfinished). */
int wf_release_remove(const struct wf_release_conf *rc, const char *name);
/* Remove every unfinished release (a killed hook's or a failed build's). */
void wf_release_remove_unfinished(const struct wf_release_conf *rc);
/* Rename a release (the runner had to take another tag number). */
int wf_release_rename(const struct wf_release_conf *rc, const char *from, const char *to);
/* Release name says what it is in a file of its own (release_file,
 * default ".release"): "NAME COMMIT\n", for a check (`expect`) to ask the
 * web server for.  0, 1 when the tree tracks a file of that name (kept),
 * -1 (errno). */
int wf_release_name_file(const struct wf_release_conf *rc, const char *name, const char *commit);
/* path/current -> releases/<name>, replaced atomically.  0 or -1 (errno). */
int wf_release_switch(const struct wf_release_conf *rc, const char *name);
/* The release current names (""), 0; 1 when there is none. */
int wf_release_current(const struct wf_release_conf *rc, char name[WF_RELEASE_NAME_MAX]);
/* Take complete releases beyond keep out of releases/, oldest first,
 * never current nor prev: renamed into path/.trash/ at once, removed by
 * wf_release_empty_trash.  The number taken out. */
int wf_release_prune(const struct wf_release_conf *rc, const char *prev);
/* Release name is no release any more (its marker goes first) and its
 * directory is renamed into path/.trash/ (removed there if it cannot be).
 * 0 or -1. */
int wf_release_discard(const struct wf_release_conf *rc, const char *name);
/* After the push (the deploy runner, once its record is written): remove
 * what wf_release_prune set aside, at idle I/O priority, then the store
 * files no release links any more.  How many releases went. */
int wf_release_empty_trash(const struct wf_release_conf *rc);
/* Where rc's content store is (malloc'd): path/.store, or the one
 * rc->store names (the branch envs' common store). */
char *wf_release_store(const struct wf_release_conf *rc);
/* Remove the store files no release links any more. */
void wf_release_store_gc(const struct wf_release_conf *rc);
/* Bytes of name's files: own (linked once) and shared (with the store). */
void wf_release_usage(const struct wf_release_conf *rc, const char *name, long long *own, long long *shared);
/* Free bytes on the filesystem of path; -1 when unknown. */
long long wf_release_free_space(const struct wf_release_conf *rc);
/* The filesystem the env's releases are on (its path, or the nearest
 * parent that exists): 0, or -1. */
struct wf_release_fs {
	unsigned long long bytes_free, bytes_total, inodes_free, inodes_total;
};
int wf_release_fs(const struct wf_release_conf *rc, struct wf_release_fs *out);

#endif
