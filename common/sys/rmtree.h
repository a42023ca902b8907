/* Trees on disk.  rm -r that never follows a symlink and holds two directory descriptors
 * at most, however deep the tree: a tree nested past the fd limit (a
 * pushed tree ~1,100 levels deep under ulimit -n 1024) is removed all the
 * same, so no leftover release ever blocks the next deploy. */
#ifndef WF_RMTREE_H
#define WF_RMTREE_H

/* Remove at/name (a file, a symlink or a directory and all in it).  A
 * directory something made read-only is made writable to empty it.
 * 0, or -1 (errno) with what could not be removed left. */
int wf_rmtree_at(int at, const char *name);

/* The same for a path. */
int wf_remove_tree(const char *path);

#include <sys/stat.h>
/* Call fn for each entry under the directory fd (closed when done), its
 * subdirectories' too, never through a symlink: dirfd and name say where
 * it is, path its path from the top (prefix, then the names), st its
 * lstat.  A directory is visited after fn saw it. */
typedef void wf_dir_fn(void *ctx, int dirfd, const char *name, const char *path, const struct stat *st);
void wf_dir_each(int fd, const char *prefix, wf_dir_fn *fn, void *ctx);

#endif
