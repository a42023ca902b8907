#include "push_state.h"
#include "lock.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char *state_path(const char *git_dir, long owner)
{
	return xasprintf("%sworkflow/push-%ld-%llu.state", git_dir, owner, wf_proc_start_time(owner));
}

static const char *word(const struct wf_decision *d)
{
	if (d->needs_dev_update)
		return "recheck";
	if (d->action == WF_REFUSE)
		return "refuse";
	/* post-receive has work: a tag, steps, the hotfix move */
	if (d->action == WF_PROMOTE || d->action == WF_ROLLBACK || d->action == WF_HOTFIX)
		return "deploy";
	return "allow";
}

int wf_push_state_save(const char *git_dir, long owner, const struct wf_command *cmd, size_t n, int opts,
		       int post_receive_needed)
{
	char err[256], *dir = wf_state_dir(git_dir, err, sizeof(err)), *path;
	struct sbuf sb = SBUF_INIT;
	int rc;

	if (!dir)
		return -1;
	free(dir);
	if (opts & WF_STATE_OPT_DROP_HOTFIX)
		sbuf_adds(&sb, "option drop-hotfix\n");
	if (opts & WF_STATE_OPT_OVERRIDE)
		sbuf_adds(&sb, "option override\n");
	for (size_t i = 0; i < n; i++)
		sbuf_addf(&sb, "%s %s %s %s\n", word(&cmd[i].d), cmd[i].u->old_oid, cmd[i].u->new_oid, cmd[i].u->ref);
	sbuf_addf(&sb, "post-receive %s\n", post_receive_needed ? "run" : "skip");
	path = state_path(git_dir, owner);
	/* renamed into place whole: the update hook never reads half */
	rc = wf_write_file_atomic(path, sb.buf, sb.len, 0);
	free(path);
	sbuf_free(&sb);
	return rc;
}

/* The whole file mapped, NUL-free by construction; NULL when absent or
 * incomplete (no final post-receive line). */
static char *map_state(const char *git_dir, long owner, size_t *len)
{
	char *path = state_path(git_dir, owner), *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	free(path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size < 14) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	/* complete: it ends with "post-receive run\n" or "...skip\n" */
	if (m[*len - 1] != '\n' || !memmem(m + (*len > 20 ? *len - 20 : 0), *len > 20 ? 20 : *len,
					    "\npost-receive ", 14)) {
		munmap(m, *len);
		return NULL;
	}
	return m;
}

int wf_push_state_verdict(const char *git_dir, long owner, const char *ref, const char *old_oid,
			  const char *new_oid)
{
	char *key = xasprintf(" %s %s %s\n", old_oid, new_oid, ref), *m, *at;
	size_t len = 0, klen = strlen(key);
	int rc = -1;

	m = map_state(git_dir, owner, &len);
	for (at = m; m && (at = memmem(at, len - (size_t)(at - m), key, klen)); at += klen) {
		char *line = at;
		while (line > m && line[-1] != '\n')
			line--;
		/* the verdict word, then our key: not a longer ref ending in ours */
		if (at - line == 5 && !memcmp(line, "allow", 5))
			rc = 0;
		else if (at - line == 6 && (!memcmp(line, "deploy", 6) || !memcmp(line, "refuse", 6)))
			rc = line[0] == 'd' ? 0 : 1;
		else
			continue;
		break;
	}
	if (m)
		munmap(m, len);
	free(key);
	return rc;
}

/* One "WORD OLD NEW REF" line into u; 0, or -1 when it is not one. */
static int parse_update(char *line, struct wf_update *u)
{
	char *old = strchr(line, ' '), *new, *ref;

	if (!old || !(new = strchr(old + 1, ' ')) || !(ref = strchr(new + 1, ' ')))
		return -1;
	*old++ = *new++ = *ref++ = 0;
	if (strlen(old) > WF_OID_MAX || strlen(new) > WF_OID_MAX || !wf_ref_name_ok(ref))
		return -1;
	memset(u, 0, sizeof(*u));
	strcpy(u->old_oid, old);
	strcpy(u->new_oid, new);
	u->ref = xstrdup(ref);
	return 0;
}

int wf_push_state_load(const char *git_dir, long owner, struct wf_update **u, size_t *n, int *opts)
{
	size_t len = 0;
	char *m = map_state(git_dir, owner, &len), *copy, *line, *nl;
	int rc = 0;

	*u = NULL;
	*n = 0;
	*opts = 0;
	if (!m)
		return 1;
	copy = xstrndup(m, len);
	munmap(m, len);
	for (line = copy; rc == 0 && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = 0;
		if (!strcmp(line, "option drop-hotfix"))
			*opts |= WF_STATE_OPT_DROP_HOTFIX;
		else if (!strcmp(line, "option override"))
			*opts |= WF_STATE_OPT_OVERRIDE;
		else if (!strncmp(line, "post-receive ", 13))
			break;
		else {
			*u = xrealloc(*u, (*n + 1) * sizeof(**u));
			if (parse_update(line, &(*u)[*n]) < 0)
				rc = -1;
			else
				(*n)++;
		}
	}
	free(copy);
	if (rc < 0) {
		wf_updates_free(*u, *n);
		*u = NULL;
		*n = 0;
	}
	return rc;
}

int wf_push_state_post_needed(const char *git_dir, long owner, const struct wf_update *u, size_t n)
{
	size_t len = 0;
	char *m = map_state(git_dir, owner, &len);
	int needed = 1;

	/* post-receive gets the refs that moved: each must be one pre-receive
	 * allowed as a plain update */
	if (m && memmem(m, len, "\npost-receive skip\n", 19) && n > 0) {
		needed = 0;
		for (size_t i = 0; i < n && !needed; i++) {
			char *key = xasprintf("allow %s %s %s\n", u[i].old_oid, u[i].new_oid, u[i].ref);
			char *at = memmem(m, len, key, strlen(key));
			needed = !at || (at != m && at[-1] != '\n');
			free(key);
		}
	}
	if (m)
		munmap(m, len);
	return needed;
}

void wf_push_state_remove(const char *git_dir, long owner)
{
	char *path = state_path(git_dir, owner);
	unlink(path);
	free(path);
}

void wf_push_state_cleanup(const char *git_dir)
{
	char *dir = xasprintf("%sworkflow", git_dir);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		long pid;
		unsigned long long start;
		/* push-<pid>-<start>.state (and .plan, .base, .verdicts of
		 * earlier versions) */
		if (!strncmp(e->d_name, "push-", 5) && sscanf(e->d_name, "push-%ld-%llu.", &pid, &start) == 2 &&
		    wf_proc_start_time(pid) != start) {
			char *p = xasprintf("%s/%s", dir, e->d_name);
			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	free(dir);
}
