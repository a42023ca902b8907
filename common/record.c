/* Deploy records: $GIT_DIR/workflow/records/NNNNNNNN.rec, one per event.
 * Written to a temporary file, fsync'd, then hard-linked to the first free
 * number (link never replaces an existing name), so a record is never
 * overwritten and never seen half-written.
 *
 * Format: text, one "key value" per line, values escaped with
 * sbuf_add_escaped (no newline can appear inside a value):
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
#include "util.h"

#define RECORD_MAGIC "wf-record 1"

static char *records_dir(const char *git_dir)
{
	size_t n = strlen(git_dir);
	return xasprintf("%s%sworkflow/records", git_dir, n && git_dir[n - 1] == '/' ? "" : "/");
}

static char *record_path(const char *dir, long seq)
{
	return xasprintf("%s/%08ld.rec", dir, seq);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) < 0)
			rc = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	{
		int e = errno;
		free(p);
		errno = e;
	}
	return rc;
}

/* ------------------------------------------------------------------ base64 */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(struct sbuf *sb, const unsigned char *in, size_t len)
{
	char q[4];
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = b64chars[v >> 6 & 63];
		q[3] = b64chars[v & 63];
		sbuf_add(sb, q, 4);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = q[3] = '=';
		sbuf_add(sb, q, 4);
	} else if (len - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = b64chars[v >> 6 & 63];
		q[3] = '=';
		sbuf_add(sb, q, 4);
	}
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;
	return p ? (int)(p - b64chars) : -1;
}

/* Strict decode (padding required).  Returns 0 or -1. */
static int b64_decode(const char *s, unsigned char **out, size_t *out_len)
{
	size_t len = strlen(s), o = 0;
	unsigned char *buf;

	*out = NULL;
	*out_len = 0;
	if (len % 4)
		return -1;
	buf = xmalloc(len / 4 * 3 + 1);
	for (size_t i = 0; i < len; i += 4) {
		int a = b64_val(s[i]), b = b64_val(s[i + 1]), c, d;
		int last = i + 4 == len;
		if (a < 0 || b < 0)
			goto bad;
		buf[o++] = (unsigned char)(a << 2 | b >> 4);
		if (last && s[i + 2] == '=') {
			if (s[i + 3] != '=' || (b & 15))
				goto bad;
			break;
		}
		c = b64_val(s[i + 2]);
		if (c < 0)
			goto bad;
		buf[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (last && s[i + 3] == '=') {
			if (c & 3)
				goto bad;
			break;
		}
		d = b64_val(s[i + 3]);
		if (d < 0)
			goto bad;
		buf[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	*out = buf;
	*out_len = o;
	return 0;
bad:
	free(buf);
	return -1;
}

/* ------------------------------------------------------------------- write */

static void add_field(struct sbuf *sb, const char *key, const char *val)
{
	if (!val)
		return;
	sbuf_adds(sb, key);
	sbuf_add(sb, " ", 1);
	sbuf_add_escaped(sb, val, strlen(val));
	sbuf_add(sb, "\n", 1);
}

static void serialize(struct sbuf *sb, const struct wf_record *r)
{
	sbuf_adds(sb, RECORD_MAGIC "\n");
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
		sbuf_add_escaped(sb, name, strlen(name));
		sbuf_addf(sb, " %d %d %.3f %zu %zu\n", s->exit_status, s->timed_out ? 1 : 0, d,
			  s->output_len, s->zoutput ? s->zlen : 0);
		sbuf_adds(sb, "zdata ");
		if (s->zoutput)
			b64_encode(sb, s->zoutput, s->zlen);
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

	if (mkdir_p(dir, 0775) < 0)
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

/* -------------------------------------------------------------------- read */

static int parse_long_long(const char *s, long long *v)
{
	char *end;
	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static int parse_size(const char *s, size_t *v)
{
	char *end;
	unsigned long long x;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > SIZE_MAX)
		return -1;
	*v = (size_t)x;
	return 0;
}

/* "step <name> <exit> <timed_out> <duration> <output_len> <zlen>": the name
 * may contain spaces, so the numbers are taken from the right. */
static int parse_step(char *v, struct wf_record_step *st)
{
	char *f[5];
	struct sbuf name = SBUF_INIT;
	long long ex, to;
	char *end;

	for (int i = 4; i >= 0; i--) {
		char *sp = strrchr(v, ' ');
		if (!sp)
			return -1;
		*sp = '\0';
		f[i] = sp + 1;
	}
	if (parse_long_long(f[0], &ex) < 0 || ex < INT_MIN || ex > INT_MAX)
		return -1;
	if (parse_long_long(f[1], &to) < 0 || (to != 0 && to != 1))
		return -1;
	if (f[2][0] < '0' || f[2][0] > '9')
		return -1;
	errno = 0;
	st->duration = strtod(f[2], &end);
	if (errno || *end)
		return -1;
	if (parse_size(f[3], &st->output_len) < 0 || parse_size(f[4], &st->zlen) < 0)
		return -1;
	st->exit_status = (int)ex;
	st->timed_out = (int)to;
	if (wf_unescape(v, &name) < 0) {
		sbuf_free(&name);
		return -1;
	}
	st->name = sbuf_detach(&name);
	return 0;
}

static int parse_record(char *text, size_t len, struct wf_record *r)
{
	struct { const char *key; char **dst; } fields[] = {
		{ "kind", &r->kind }, { "status", &r->status }, { "env", &r->env },
		{ "ref", &r->ref }, { "pusher", &r->pusher }, { "old", &r->old_oid },
		{ "new", &r->new_oid }, { "tag", &r->tag }, { "options", &r->options },
		{ "message", &r->message }, { "note", &r->note },
	};
	int have_time = 0, ended = 0, want_zdata = 0;
	size_t cap_steps = 0;
	char *line = text, *nl;

	if (memchr(text, '\0', len))
		return -1;
	if (len == 0 || text[len - 1] != '\n')
		return -1;
	for (int first = 1; line < text + len; line = nl + 1, first = 0) {
		char *key, *val, *sp;

		nl = strchr(line, '\n');
		*nl = '\0';
		if (ended)
			return -1;      /* nothing after "end" */
		if (first) {
			if (strcmp(line, RECORD_MAGIC) != 0)
				return -1;
			continue;
		}
		if (strcmp(line, "end") == 0) {
			if (want_zdata)
				return -1;
			ended = 1;
			continue;
		}
		sp = strchr(line, ' ');
		if (!sp)
			return -1;
		*sp = '\0';
		key = line;
		val = sp + 1;

		if (want_zdata) {
			struct wf_record_step *st = &r->steps[r->n_steps - 1];
			unsigned char *z;
			size_t zl;
			if (strcmp(key, "zdata") != 0 || b64_decode(val, &z, &zl) < 0)
				return -1;
			if (zl != st->zlen) {
				free(z);
				return -1;
			}
			if (zl == 0) {
				free(z);
				z = NULL;
			}
			st->zoutput = z;
			want_zdata = 0;
			continue;
		}
		if (strcmp(key, "step") == 0) {
			if (r->n_steps == cap_steps) {
				cap_steps = cap_steps ? cap_steps * 2 : 4;
				r->steps = xrealloc(r->steps, cap_steps * sizeof(*r->steps));
			}
			memset(&r->steps[r->n_steps], 0, sizeof(*r->steps));
			if (parse_step(val, &r->steps[r->n_steps]) < 0)
				return -1;
			r->n_steps++;
			want_zdata = 1;
			continue;
		}
		if (r->n_steps)
			return -1;      /* fields come before the steps */
		if (strcmp(key, "time") == 0) {
			if (have_time || parse_long_long(val, &r->time) < 0)
				return -1;
			have_time = 1;
			continue;
		}
		{
			size_t i;
			struct sbuf sb = SBUF_INIT;
			for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
				if (strcmp(key, fields[i].key) == 0)
					break;
			if (i == sizeof(fields) / sizeof(fields[0]) || *fields[i].dst)
				return -1;      /* unknown or repeated key */
			if (wf_unescape(val, &sb) < 0) {
				sbuf_free(&sb);
				return -1;
			}
			*fields[i].dst = sbuf_detach(&sb);
		}
	}
	if (!ended || !have_time || !r->kind || !r->status)
		return -1;
	return 0;
}

int wf_record_read(const char *git_dir, long seq, struct wf_record *r)
{
	char *dir = records_dir(git_dir), *path;
	struct sbuf sb = SBUF_INIT;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if (seq <= 0) {
		free(dir);
		return 1;
	}
	path = record_path(dir, seq);
	free(dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	rc = wf_read_all(fd, &sb);
	close(fd);
	if (rc < 0) {
		sbuf_free(&sb);
		return -1;
	}
	if (!sb.buf)
		sbuf_add(&sb, "", 0);
	if (!sb.buf || parse_record(sb.buf, sb.len, r) < 0) {
		sbuf_free(&sb);
		wf_record_free(r);
		errno = EINVAL;
		return -1;
	}
	sbuf_free(&sb);
	r->seq = seq;
	return 0;
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
