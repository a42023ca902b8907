/* Deploy records: $GIT_DIR/workflow/records/NNNNNNNN.json, one per event,
 * one JSON document each (record_json.h).  Written to a temporary file,
 * fsync'd, then hard-linked to the first free number (link never replaces
 * an existing name), so a record is never overwritten and never seen
 * half-written.  Records of earlier versions (NNNNNNNN.rec) keep their
 * numbers and are still read (record_read.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "record.h"
#include "record_json.h"
#include "text.h"
#include "util.h"


static char *records_dir(const char *git_dir)
{
	size_t n = strlen(git_dir);
	return xasprintf("%s%sworkflow/records", git_dir, n && git_dir[n - 1] == '/' ? "" : "/");
}

static char *record_path(const char *dir, long seq)
{
	return xasprintf("%s/%08ld.json", dir, seq);
}

char *wf_record_path(const char *git_dir, long seq)
{
	char *dir = records_dir(git_dir), *p = record_path(dir, seq);

	/* a record from before JSON records */
	if (access(p, F_OK) != 0) {
		char *old = xasprintf("%s/%08ld.rec", dir, seq);
		if (access(old, F_OK) == 0) {
			free(p);
			p = old;
		} else {
			free(old);
		}
	}
	free(dir);
	return p;
}

/* ------------------------------------------------------------------- write */

int wf_record_write(const char *git_dir, struct wf_record *r)
{
	struct sbuf sb = SBUF_INIT;
	char *dir = records_dir(git_dir), *tmp = NULL, *final = NULL;
	mode_t um;
	long seq;
	int fd = -1, rc = -1, e = 0;

	if (wf_mkdir_p(dir, 0775) < 0)
		goto out;
	{
		size_t n = strlen(git_dir);
		char *gd = n && git_dir[n - 1] == '/' ? xstrdup(git_dir) : xasprintf("%s/", git_dir);
		char *json = wf_record_json(gd, r);
		free(gd);
		if (!json)
			goto out;
		sbuf_adds(&sb, json);
		sbuf_adds(&sb, "\n");
		free(json);
	}

	tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		tmp = NULL;
		goto out;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0664 & ~um) < 0 || wf_write_all(fd, sb.buf, sb.len) < 0 || fsync(fd) < 0)
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;

	seq = wf_record_last(git_dir);
	if (seq < 0)
		goto out;
	for (int tries = 0; tries < 100000; tries++) {
		seq++;
		free(final);
		final = record_path(dir, seq);
		if (link(tmp, final) == 0) {
			rc = 0;
			break;
		}
		if (errno == EEXIST)
			continue;
		if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS || errno == EMLINK) {
			/* File system without hard links: the no-replace rename
			 * gives the same never-overwrite guarantee. */
			if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0) {
				free(tmp);
				tmp = NULL;
				rc = 0;
				break;
			}
			if (errno == EEXIST)
				continue;
		}
		break;
	}
	if (rc == 0) {
		r->seq = seq;
		wf_fsync_dir(dir);
	}
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(final);
	free(dir);
	sbuf_free(&sb);
	errno = rc == 0 ? 0 : (e ? e : EIO);
	return rc;
}

long wf_record_last(const char *git_dir)
{
	char *dir = records_dir(git_dir);
	DIR *d = opendir(dir);
	struct dirent *de;
	long best = 0;

	free(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n), digits = 0;
		long v;
		char *end;

		while (n[digits] >= '0' && n[digits] <= '9')
			digits++;
		if (digits < 8 || !((len == digits + 5 && !strcmp(n + digits, ".json")) ||
				    (len == digits + 4 && !strcmp(n + digits, ".rec"))))
			continue;
		errno = 0;
		v = strtol(n, &end, 10);
		if (errno || end != n + digits)
			continue;
		if (v > best)
			best = v;
	}
	closedir(d);
	return best;
}

void wf_record_free(struct wf_record *r)
{
	if (!r)
		return;
	free(r->kind);
	free(r->status);
	free(r->env);
	free(r->ref);
	free(r->pusher);
	free(r->old_oid);
	free(r->new_oid);
	free(r->tag);
	free(r->options);
	free(r->message);
	free(r->note);
	for (size_t i = 0; i < r->n_steps; i++) {
		free(r->steps[i].name);
		free(r->steps[i].zoutput);
	}
	free(r->steps);
	memset(r, 0, sizeof(*r));
}
