#include "plan.h"
#include "lock.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *plan_path(const char *git_dir, long pid)
{
	return xasprintf("%sworkflow/push-%ld-%llu.plan", git_dir, pid, wf_proc_start_time(pid));
}

int wf_plan_save(const char *git_dir, long owner_pid, const char *input, size_t len)
{
	char err[256];
	char *dir = wf_state_dir(git_dir, err, sizeof(err));
	char *path;
	FILE *f;
	int rc = -1;

	if (!dir)
		return -1;
	free(dir);
	path = plan_path(git_dir, owner_pid);
	f = fopen(path, "w");
	if (f) {
		rc = fwrite(input, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(path);
	return rc;
}

int wf_plan_load(const char *git_dir, long owner_pid, struct wf_update **u, size_t *n)
{
	char *path = plan_path(git_dir, owner_pid);
	char err[256];
	struct sbuf sb = SBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	free(path);
	if (fd < 0)
		return 1;
	rc = wf_read_all(fd, &sb);
	close(fd);
	if (rc == 0)
		rc = wf_hook_input_parse(sb.buf ? sb.buf : "", sb.len, u, n, err, sizeof(err));
	sbuf_free(&sb);
	return rc;
}

void wf_plan_remove(const char *git_dir, long owner_pid)
{
	char *path = plan_path(git_dir, owner_pid);
	unlink(path);
	free(path);
}

void wf_plan_cleanup(const char *git_dir)
{
	char *dir = xasprintf("%sworkflow", git_dir);
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			long pid;
			unsigned long long start;
			if (sscanf(e->d_name, "push-%ld-%llu.plan", &pid, &start) == 2 &&
			    wf_proc_start_time(pid) != start) {
				char *p = xasprintf("%s/%s", dir, e->d_name);
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	free(dir);
}
