/* Deploy records: $GIT_DIR/workflow/records/NNNNNNNN.rec, one per event.
 * Written to a temporary file, fsync'd, then hard-linked to the first free
 * number (link never replaces an existing name), so a record is never
 * overwritten and never seen half-written.
 *
 * Format: text, one "key value" per line, values escaped with
 * wf_text_store (no newline can appear inside a value; UTF-8 kept):
 *   wf-record 1
 *   kind deploy
 *   status ok
 *   env test
 *   ref refs/heads/test
 *   pusher alice
 *   time 1732500000
 *   old <oid>
 *   new <oid>
 *   tag deploy_test_3
 *   options update no-cache-clear
 *   message Release 1.2\n\nfixes
 *   note ...
 *   step <name> <exit> <timed_out> <duration> <output_len> <zlen>
 *   zdata <base64 of the zlib-compressed output>
 *   end
 * Absent (NULL) fields are omitted.  Reading is strict: anything else is a
 * malformed record. */
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
#include "base64.h"
#include "text.h"
#include "util.h"


static char *records_dir(const char *git_dir)
{
	size_t n = strlen(git_dir);
	return xasprintf("%s%sworkflow/records", git_dir, n && git_dir[n - 1] == '/' ? "" : "/");
}

static char *record_path(const char *dir, long seq)
{
	return xasprintf("%s/%08ld.rec", dir, seq);
}

char *wf_record_path(const char *git_dir, long seq)
{
	char *dir = records_dir(git_dir), *p = record_path(dir, seq);
	free(dir);
	return p;
}

/* ------------------------------------------------------------------- write */

static void add_field(struct sbuf *sb, const char *key, const char *val)
{
	if (!val)
		return;
	sbuf_adds(sb, key);
	sbuf_add(sb, " ", 1);
	wf_text_store(sb, val, strlen(val));
	sbuf_add(sb, "\n", 1);
}

static void serialize(struct sbuf *sb, const struct wf_record *r)
{
	sbuf_adds(sb, WF_RECORD_MAGIC "\n");
	add_field(sb, "kind", r->kind);
	add_field(sb, "status", r->status);
	add_field(sb, "env", r->env);
	add_field(sb, "ref", r->ref);
	add_field(sb, "pusher", r->pusher);
	sbuf_addf(sb, "time %lld\n", r->time);
	add_field(sb, "old", r->old_oid);
	add_field(sb, "new", r->new_oid);
	add_field(sb, "tag", r->tag);
	add_field(sb, "options", r->options);
	add_field(sb, "message", r->message);
	add_field(sb, "note", r->note);
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct wf_record_step *s = &r->steps[i];
		const char *name = s->name ? s->name : "";
		double d = s->duration >= 0 ? s->duration : 0;
		sbuf_adds(sb, "step ");
		wf_text_store(sb, name, strlen(name));
		sbuf_addf(sb, " %d %d %.3f %zu %zu\n", s->exit_status, s->timed_out ? 1 : 0, d,
			  s->output_len, s->zoutput ? s->zlen : 0);
		sbuf_adds(sb, "zdata ");
		if (s->zoutput)
			wf_b64_encode(sb, s->zoutput, s->zlen);
		sbuf_add(sb, "\n", 1);
	}
	sbuf_adds(sb, "end\n");
}

int wf_record_write(const char *git_dir, struct wf_record *r)
{
	struct sbuf sb = SBUF_INIT;
	char *dir = records_dir(git_dir), *tmp = NULL, *final = NULL;
	mode_t um;
	long seq;
	int fd = -1, rc = -1, e = 0;

	if (wf_mkdir_p(dir, 0775) < 0)
		goto out;
	serialize(&sb, r);

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
		if (digits < 8 || len != digits + 4 || strcmp(n + digits, ".rec") != 0)
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
