/* Whole files through zlib's gzip format, streamed in fixed memory: a
 * database snapshot (common/flow/database.c) is as big as the database. */
#ifndef WF_ZFILE_H
#define WF_ZFILE_H

/* What fd holds, from its start, gzip'd into path (created 0600, replaced
 * atomically: written beside it, then renamed).  0, or -1 (errno). */
int wf_gzip_fd(int fd, const char *path);
/* The gzip file path uncompressed into fd (from where it stands).  0, or
 * -1 (errno; EINVAL when path is not gzip data or is cut short). */
int wf_gunzip_to_fd(const char *path, int fd);

#endif
