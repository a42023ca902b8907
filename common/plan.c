#include "plan.h"
#include "lock.h"
#include "util.h"
#include "verdict.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *plan_path_ext(const char *git_dir, long pid, const char *ext)
{
	return xasprintf("%sworkflow/push-%ld-%llu.%s", git_dir, pid, wf_proc_start_time(pid), ext);
}

static char *plan_path(const char *git_dir, long pid)
{
	return plan_path_ext(git_dir, pid, "plan");
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

int wf_plan_save_base(const char *git_dir, long owner_pid, const char *ref, const char *oid)
{
	char *path = plan_path_ext(git_dir, owner_pid, "base");
	FILE *f = fopen(path, "a");
	int rc = -1;

	free(path);
	if (f) {
		rc = fprintf(f, "%s %s\n", oid, ref) < 0 ? -1 : 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	return rc;
}

int wf_plan_load_base(const char *git_dir, long owner_pid, const char *ref, char *out, size_t outsz)
{
	char *path = plan_path_ext(git_dir, owner_pid, "base");
	FILE *f = fopen(path, "r");
	char line[1200];
	int rc = 1;

	free(path);
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' '), *nl = strchr(line, '\n');
		if (!sp || !nl)
			continue;
		*sp = *nl = 0;
		if (!strcmp(sp + 1, ref) && strlen(line) < outsz) {
			strcpy(out, line);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

int wf_plan_save_option(const char *git_dir, long owner_pid, const char *option)
{
	char *key = xasprintf("option:%s", option);  /* ':' is never in a ref name */
	int rc = wf_plan_save_base(git_dir, owner_pid, key, "1");
	free(key);
	return rc;
}

int wf_plan_has_option(const char *git_dir, long owner_pid, const char *option)
{
	char *key = xasprintf("option:%s", option), v[2];
	int rc = wf_plan_load_base(git_dir, owner_pid, key, v, sizeof(v));
	free(key);
	return rc == 0 && !strcmp(v, "1");
}

void wf_plan_remove(const char *git_dir, long owner_pid)
{
	char *path = plan_path(git_dir, owner_pid);
	unlink(path);
	free(path);
	path = plan_path_ext(git_dir, owner_pid, "base");
	unlink(path);
	free(path);
	wf_verdicts_remove(git_dir, owner_pid);
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
			/* push-<pid>-<start>.plan and .base */
			if (!strncmp(e->d_name, "push-", 5) &&
			    sscanf(e->d_name, "push-%ld-%llu.", &pid, &start) == 2 &&
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
