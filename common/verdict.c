#include "verdict.h"
#include "lock.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* git_dir ends with '/' (or is empty for the current directory). */
static char *verdict_path(const char *git_dir, long pid)
{
	return xasprintf("%sworkflow/push-%ld-%llu.verdicts", git_dir, pid, wf_proc_start_time(pid));
}

int wf_verdicts_save(const char *git_dir, long owner_pid, const struct wf_update *u,
		     const struct wf_decision *d, size_t n)
{
	char *path = verdict_path(git_dir, owner_pid);
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f) {
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++)
			if (fprintf(f, "%s %s %s %s\n", d[i].action == WF_REFUSE ? "refuse" : "allow",
				    u[i].old_oid, u[i].new_oid, u[i].ref) < 0)
				rc = -1;
		if (fclose(f) != 0)
			rc = -1;
		/* renamed into place whole: the update hook never reads half */
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
		if (rc != 0)
			unlink(tmp);
	}
	free(tmp);
	free(path);
	return rc;
}

int wf_verdict_lookup(const char *git_dir, long owner_pid, const char *ref, const char *old_oid,
		      const char *new_oid)
{
	char *path = verdict_path(git_dir, owner_pid);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1;

	free(path);
	if (!f)
		return -1;
	/* "allow|refuse OLD NEW REF": ref names hold no spaces or newlines */
	while (rc < 0 && (len = getline(&line, &cap, f)) > 0) {
		char *verdict = line, *old, *new, *name;
		if (line[len - 1] != '\n')
			break;
		line[len - 1] = 0;
		if (!(old = strchr(verdict, ' ')) || !(new = strchr(old + 1, ' ')) || !(name = strchr(new + 1, ' ')))
			break;
		*old++ = *new++ = *name++ = 0;
		if (strcmp(name, ref) || strcmp(old, old_oid) || strcmp(new, new_oid))
			continue;
		if (!strcmp(verdict, "allow"))
			rc = 0;
		else if (!strcmp(verdict, "refuse"))
			rc = 1;
		else
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

void wf_verdicts_remove(const char *git_dir, long owner_pid)
{
	char *path = verdict_path(git_dir, owner_pid);
	unlink(path);
	free(path);
}
