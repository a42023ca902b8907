/* A path resolved as the kernel would, through every symlink, whether or
 * not its last names exist yet: past the first name that does not exist,
 * the rest is taken as written (".." drops a name).  realpath(3) gives up
 * on a dangling link, and so would any check built on it: a tree's link
 * whose target is not there yet (another env's settings file, placed
 * later) must still be seen to point where it points. */
#ifndef WF_RESOLVE_H
#define WF_RESOLVE_H

#include <limits.h>

/* path absolute; out PATH_MAX bytes.  0, or -1 (errno: ELOOP past 40
 * links, ENAMETOOLONG, EINVAL for a relative path). */
int wf_resolve_path(const char *path, char out[PATH_MAX]);

/* 1 when path (resolved, as above) is dir or under it. */
int wf_path_under(const char *path, const char *dir);

#endif
