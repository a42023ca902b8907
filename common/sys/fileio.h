/* The file system, as the hooks change it (fileio.c). */
#ifndef WF_FILEIO_H
#define WF_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p; -1 (errno set, ENOTDIR when path is not a directory). */
int wf_mkdir_p(const char *path, mode_t mode);

/* fsync a directory, so a file just renamed into it survives a crash;
 * best effort. */
void wf_fsync_dir(const char *dir);

/* Replace path with data as one step: written to a temporary file beside
 * it, renamed over it; a reader sees the old file or the new one, never
 * half.  durable: fsync the file and the directory too, so it survives a
 * crash.  0, or -1 with errno set. */
int wf_write_file_atomic(const char *path, const void *data, size_t len, int durable);

/* Fault injection for the end-to-end tests: when WF_TEST_PAUSE names this
 * point, create <git_dir>workflow/paused.<point> holding our pid and wait (at most two
 * minutes) until the test removes it, so a test can change the repository
 * at exactly that moment.  It can only make a hook wait. */
void wf_test_pause(const char *git_dir, const char *point);

#endif
