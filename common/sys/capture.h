/* Run a program for what it prints: argv (never a shell), stdin
 * /dev/null, stdout read into memory and never shown or kept anywhere
 * else (it may be a secret: a database password read from a CMS's
 * settings file), stderr dropped for the same reason. */
#ifndef WF_CAPTURE_H
#define WF_CAPTURE_H

#include <stddef.h>

/* argv run in cwd for at most timeout seconds (then SIGALRM ends it), its stdout (at most max bytes, more is an error) in
 * *out (malloc'd, *len bytes, NUL-terminated).  Its exit status (0 to
 * 255; 128+N when killed by signal N), or -1 with errno (it could not be
 * run, or printed more than max). */
int wf_capture(char *const argv[], const char *cwd, size_t max, unsigned timeout, char **out, size_t *len);

#endif
