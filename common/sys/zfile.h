/* gzip files streamed through zlib in a thread of their own, so that a
 * database dump is compressed as the dump tool writes it, and a snapshot
 * is uncompressed as the load tool reads it: no uncompressed copy on
 * disk, and the two run at once (common/flow/db_tools.c). */
#ifndef WF_ZFILE_H
#define WF_ZFILE_H

struct wf_zpipe;

/* A pipe whose read end a thread gzips into path (written beside it as
 * path.tmp, 0600).  *fd: the write end, for a step's stdout (close-on-
 * exec).  NULL on error (errno). */
struct wf_zpipe *wf_gzip_pipe(const char *path, int *fd);
/* A pipe a thread fills with the gzip file path uncompressed.  *fd: the
 * read end, for a step's stdin.  NULL on error (errno). */
struct wf_zpipe *wf_gunzip_pipe(const char *path, int *fd);
/* The end it gave is closed (the other side sees the end of its data, or
 * that no one reads any more) and the thread waited for.  A gzip pipe
 * with keep renames path.tmp to path, else removes it.  0, or -1 with
 * errno (EINVAL: not gzip data, or cut short). */
int wf_zpipe_finish(struct wf_zpipe *z, int keep);

#endif
