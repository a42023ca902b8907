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

static const char *verdict_word(const struct wf_decision *d)
{
	enum wf_action a = d->action;

	/* no verdict the front can take alone: it runs workflow-update */
	if (d->needs_dev_update)
		return "recheck";
	if (a == WF_REFUSE)
		return "refuse";
	/* post-receive has work: a tag, steps, the hotfix move */
	if (a == WF_PROMOTE || a == WF_ROLLBACK || a == WF_HOTFIX)
		return "deploy";
	return "allow";
}

int wf_verdicts_save(const char *git_dir, long owner_pid, const struct wf_update *u,
		     const struct wf_decision *d, size_t n, int post_receive_needed)
{
	char *path = verdict_path(git_dir, owner_pid);
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f) {
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++)
			if (fprintf(f, "%s %s %s %s\n", verdict_word(&d[i]), u[i].old_oid, u[i].new_oid,
				    u[i].ref) < 0)
				rc = -1;
		/* last, so a file without it is never taken as complete */
		if (rc == 0 && fprintf(f, "post-receive %s\n", post_receive_needed ? "run" : "skip") < 0)
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

/* The verdict word for (ref, old, new) into word; and whether the file ends
 * with "post-receive skip".  0 when the file was read whole, -1 if not. */
static int scan(const char *git_dir, long owner_pid, const char *ref, const char *old_oid,
		const char *new_oid, char word[8], int *skip_post)
{
	char *path = verdict_path(git_dir, owner_pid);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1;

	free(path);
	word[0] = 0;
	*skip_post = 0;
	if (!f)
		return -1;
	/* "allow|deploy|refuse OLD NEW REF" (ref names hold no spaces), then
	 * "post-receive run|skip" */
	while ((len = getline(&line, &cap, f)) > 0) {
		char *verdict = line, *old, *new, *name;
		if (line[len - 1] != '\n')
			break;
		line[len - 1] = 0;
		if (!strncmp(line, "post-receive ", 13)) {
			*skip_post = !strcmp(line + 13, "skip");
			rc = 0;
			break;
		}
		if (!(old = strchr(verdict, ' ')) || !(new = strchr(old + 1, ' ')) || !(name = strchr(new + 1, ' ')))
			break;
		*old++ = *new++ = *name++ = 0;
		if (strlen(verdict) >= 8 || strcmp(name, ref) || strcmp(old, old_oid) || strcmp(new, new_oid))
			continue;
		strcpy(word, verdict);
	}
	free(line);
	fclose(f);
	return rc;
}

int wf_verdict_lookup(const char *git_dir, long owner_pid, const char *ref, const char *old_oid,
		      const char *new_oid)
{
	char word[8];
	int skip_post;

	if (scan(git_dir, owner_pid, ref, old_oid, new_oid, word, &skip_post) < 0)
		return -1;
	if (!strcmp(word, "allow") || !strcmp(word, "deploy"))
		return 0;
	if (!strcmp(word, "refuse"))
		return 1;
	return -1;
}

int wf_verdicts_post_receive_needed(const char *git_dir, long owner_pid, const struct wf_update *u,
				    size_t n)
{
	char *path = verdict_path(git_dir, owner_pid);
	FILE *f = fopen(path, "r");
	struct sbuf sb = SBUF_INIT;
	char **lines = NULL;
	size_t n_lines = 0, cur = 0;
	int skip_post = 0, fd;

	free(path);
	if (!f)
		return 1;
	fd = fileno(f);
	if (wf_read_all(fd, &sb) < 0 || !sb.len || sb.buf[sb.len - 1] != '\n') {
		fclose(f);
		sbuf_free(&sb);
		return 1;
	}
	fclose(f);
	for (char *p = sb.buf, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		if (!strncmp(p, "post-receive ", 13)) {
			skip_post = !strcmp(p + 13, "skip");
			break;
		}
		lines = xrealloc(lines, (n_lines + 1) * sizeof(*lines));
		lines[n_lines++] = p;
	}
	/* post-receive gets the refs that moved, in pre-receive's order: one
	 * pass, searching from the last match */
	for (size_t i = 0; skip_post && i < n; i++) {
		char *want = xasprintf("allow %s %s %s", u[i].old_oid, u[i].new_oid, u[i].ref);
		size_t k;
		for (k = 0; k < n_lines && strcmp(lines[(cur + k) % n_lines], want); k++)
			;
		if (k == n_lines)
			skip_post = 0;
		else
			cur = (cur + k + 1) % n_lines;
		free(want);
	}
	free(lines);
	sbuf_free(&sb);
	return !(skip_post && n > 0);
}

void wf_verdicts_remove(const char *git_dir, long owner_pid)
{
	char *path = verdict_path(git_dir, owner_pid);
	unlink(path);
	free(path);
}
