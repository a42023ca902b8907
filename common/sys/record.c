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
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "outcome.h"
#include "record.h"
#include "record_json.h"
#include "text.h"
#include "fileio.h"
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

/* The record's text in a temporary file of dir, fsync'd: its path, or
 * NULL with errno. */
static char *write_tmp(const char *git_dir, const char *dir, const struct wf_record *r)
{
	char *gd = wf_dir_slash(git_dir);
	char *json = wf_record_json(gd, r), *tmp = xasprintf("%s/.tmp-XXXXXX", dir);
	int fd = json ? mkstemp(tmp) : -1, ok, e;
	mode_t um = umask(0);

	umask(um);
	free(gd);
	ok = fd >= 0 && fchmod(fd, 0664 & ~um) == 0 && wf_write_all(fd, json, strlen(json)) == 0 &&
	     wf_write_all(fd, "\n", 1) == 0 && fsync(fd) == 0;
	e = errno;
	if (fd >= 0 && close(fd) < 0 && ok)
		ok = 0, e = errno;
	free(json);
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
		errno = e ? e : EIO;
		return NULL;
	}
	return tmp;
}

/* Give tmp the first free number: link never replaces an existing name
 * (on a file system without hard links, the no-replace rename does the
 * same).  The number, or -1 with errno; tmp is gone either way. */
static long take_number(const char *git_dir, const char *dir, char *tmp)
{
	long seq = wf_record_last(git_dir);
	int e = EIO;

	for (int tries = 0; seq >= 0 && tries < 100000; tries++) {
		char *final = record_path(dir, ++seq);
		int r = link(tmp, final);
		if (r < 0 && (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS || errno == EMLINK))
			r = renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE);
		e = errno;
		free(final);
		if (r == 0) {
			unlink(tmp);
			return seq;
		}
		if (e != EEXIST)
			break;
	}
	unlink(tmp);
	errno = e;
	return -1;
}

struct wf_record_step *wf_record_steps_add(struct wf_record_steps *a)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 8;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

void wf_record_steps_free(struct wf_record_steps *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].zoutput);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

void wf_record_start(struct wf_record *r, const char *kind, const char *status, const char *env, const char *ref,
		     const char *pusher, const char *old_oid, const char *new_oid)
{
	
	memset(r, 0, sizeof(*r));
	r->kind = (char *)kind;
	r->status = (char *)status;
	r->env = (char *)(env ? env : "");
	r->ref = (char *)(ref ? ref : "");
	r->pusher = (char *)(pusher ? pusher : "unknown");
	r->time = (long long)time(NULL);
	r->old_oid = (char *)(old_oid && *old_oid ? old_oid : WF_ZERO_OID);
	r->new_oid = (char *)(new_oid && *new_oid ? new_oid : WF_ZERO_OID);
}

int wf_record_write(const char *git_dir, struct wf_record *r)
{
	char *dir = records_dir(git_dir), *tmp;
	long seq = -1;

	if (wf_mkdir_p(dir, 0775) == 0 && (tmp = write_tmp(git_dir, dir, r))) {
		seq = take_number(git_dir, dir, tmp);
		free(tmp);
	}
	if (seq > 0) {
		r->seq = seq;
		wf_fsync_dir(dir);
		/* the look-up of how a commit's deploy ended comes from here
		 * only; a failure to note it leaves the older outcome, never
		 * an ok one the record does not say */
		if (wf_outcome_of_record(git_dir, r) < 0)
			fprintf(stderr, "workflow: warning: cannot note the outcome of record %ld in %sworkflow/outcome: "
				"%s\n", seq, git_dir, strerror(errno));
	}
	free(dir);
	if (seq > 0)
		errno = 0;
	return seq > 0 ? 0 : -1;
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
