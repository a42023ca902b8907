/* rm -r that never follows a symlink and holds two directory descriptors
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

#endif
