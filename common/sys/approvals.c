/* Approvals of Test deploys, kept per deploy tag (approvals.h). */
#include "approvals.h"
#include "fileio.h"
#include "push_options.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static char *approvals_path(const char *git_dir, const char *tag)
{
	return xasprintf("%sworkflow/approvals/%s", git_dir, tag);
}

int wf_approvals_read(const char *git_dir, const char *tag, char ***users, size_t *n)
{
	char *path = approvals_path(git_dir, tag);
	struct sbuf sb = SBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	free(path);
	*users = xcalloc(1, sizeof(**users));
	*n = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (wf_read_all(fd, &sb) < 0)
		rc = -1;
	close(fd);
	for (char *line = sb.buf, *nl; rc == 0 && line && (nl = strchr(line, '\n')); line = nl + 1) {
		char *tab = memchr(line, '\t', (size_t)(nl - line)), *u;
		size_t k;
		if (!tab)
			continue;
		u = xstrndup(tab + 1, (size_t)(nl - tab - 1));
		for (k = 0; k < *n && strcmp((*users)[k], u); k++)
			;
		if (k < *n) {
			free(u);
			continue;
		}
		*users = xrealloc(*users, (*n + 2) * sizeof(**users));
		(*users)[(*n)++] = u;
		(*users)[*n] = NULL;
	}
	sbuf_free(&sb);
	return rc;
}

int wf_approval_add(const char *git_dir, const char *tag, const char *user)
{
	char *dir = xasprintf("%sworkflow/approvals", git_dir), *path = approvals_path(git_dir, tag), *line;
	char **had = NULL;
	size_t n = 0;
	int fd, rc = -1;

	/* names come from the host and are made one line (identity.c); a tab
	 * or a newline would forge a line here */
	if (strpbrk(user, "\t\n") || wf_mkdir_p(dir, 0775) < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0664)) < 0) {
		free(dir);
		free(path);
		return -1;
	}
	flock(fd, LOCK_EX);
	if (wf_approvals_read(git_dir, tag, &had, &n) == 0) {
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(had[i], user))
				rc = 1;
	}
	if (rc == 0) {
		line = xasprintf("%lld\t%s\n", (long long)time(NULL), user);
		rc = wf_write_all(fd, line, strlen(line)) < 0 || fsync(fd) < 0 ? -1 : 0;
		free(line);
	}
	wf_strv_free(had, n);
	close(fd);
	free(dir);
	free(path);
	return rc;
}
