#include "record_space.h"
#include "spool.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

int wf_record_check_space(const char *git_dir, const struct wf_config *c, char *err, size_t errlen)
{
	char *dir = xasprintf("%sworkflow/records", git_dir);
	struct statvfs vfs;
	int rc = -1;

	(void)c;
	/* a small write, fsync'd: a directory that is not writable, or a disk
	 * that is full, fails it */
	if (wf_spool_probe(dir, 4096) < 0)
		snprintf(err, errlen, "cannot write deploy records in %s: %s", dir, strerror(errno));
	else if (statvfs(dir, &vfs) == 0 && (unsigned long long)vfs.f_bavail * vfs.f_frsize < WF_RECORD_SPACE_MIN)
		snprintf(err, errlen, "only %llu KB free for deploy records in %s (a deploy needs %d KB); free "
			 "space there, then push again",
			 (unsigned long long)vfs.f_bavail * vfs.f_frsize / 1024, dir, WF_RECORD_SPACE_MIN / 1024);
	else
		rc = 0;
	free(dir);
	return rc;
}
