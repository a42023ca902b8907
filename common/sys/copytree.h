/* Copying a tree of content (docs/content.md): each regular file as a
 * reflink (FICLONE: the filesystem shares the blocks and copies a block
 * only when one side writes it, so a write through the copy never reaches
 * the source) where the filesystem can, else a real copy; or, when the
 * caller says hard links are safe, a hard link.  Never through a symlink
 * inside the tree: a symlink is copied as a symlink. */
#ifndef WF_COPYTREE_H
#define WF_COPYTREE_H

#include <stddef.h>
#include <sys/types.h>

enum wf_copy_how {
	WF_COPY_CLONE,          /* reflink, else a copy */
	WF_COPY_HARDLINK,       /* hard link (a copy where a link cannot be made) */
};

struct wf_copy_opts {
	enum wf_copy_how how;
	uid_t uid;              /* owner of what is made ((uid_t)-1: as the source's when root, else ours) */
	gid_t gid;
	int no_reflink;         /* set once the filesystem refused one: copies from then on */
};

struct wf_copy_stats {
	long long files, bytes; /* regular files and their bytes */
	long long dirs, symlinks, skipped; /* skipped: fifos, sockets, devices */
	long long reflinked, copied, linked;
};

/* Copy src (a directory, or a regular file; a symlink at the top is
 * followed: the admin made it) to dst, which must not exist, adding to st.
 * 0, or -1 with a one-line err naming the path (what was made is left for
 * the caller to remove). */
int wf_copy_tree(const char *src, const char *dst, struct wf_copy_opts *o, struct wf_copy_stats *st, char *err,
		 size_t errlen);

/* "reflinked", "copied", "hard-linked" or a mix ("1200 reflinked, 3 copied"),
 * for what st says; malloc'd. */
char *wf_copy_how_text(const struct wf_copy_stats *st);

#endif
