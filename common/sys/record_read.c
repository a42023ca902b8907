/* Reading deploy records back (the format is in record.c).  Strict: a
 * record that is not exactly what wf_record_write writes is refused, with
 * what is wrong with it, so the CLI can name it instead of hiding it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "record.h"
#include "record_json.h"
#include "text.h"
#include "util.h"

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

struct parse {
	struct wf_record *r;
	int have_time, ended, want_zdata;
	size_t cap_steps;
	char *why;
	size_t whylen;
};

static int bad(struct parse *p, int line, const char *what)
{
	if (line)
		snprintf(p->why, p->whylen, "line %d: %s", line, what);
	else
		snprintf(p->why, p->whylen, "%s", what);
	return -1;
}

static int zdata_line(struct parse *p, int ln, const char *key, const char *val)
{
	struct wf_record_step *st = &p->r->steps[p->r->n_steps - 1];
	unsigned char *z;
	size_t zl;

	if (strcmp(key, "zdata") != 0)
		return bad(p, ln, "a step line is not followed by its zdata line");
	if (wf_b64_decode(val, &z, &zl) < 0)
		return bad(p, ln, "the step's output is not valid base64");
	if (zl != st->zlen) {
		free(z);
		return bad(p, ln, "the step's output is not as long as its step line says");
	}
	if (zl == 0) {
		free(z);
		z = NULL;
	}
	st->zoutput = z;
	p->want_zdata = 0;
	return 0;
}

static int field_line(struct parse *p, int ln, const char *key, const char *val)
{
	struct wf_record *r = p->r;
	struct { const char *key; char **dst; } fields[] = {
		{ "kind", &r->kind }, { "status", &r->status }, { "env", &r->env },
		{ "ref", &r->ref }, { "pusher", &r->pusher }, { "old", &r->old_oid },
		{ "new", &r->new_oid }, { "tag", &r->tag }, { "options", &r->options },
		{ "message", &r->message }, { "note", &r->note },
	};
	struct sbuf sb = SBUF_INIT;
	size_t i, nf = sizeof(fields) / sizeof(fields[0]);

	if (r->n_steps)
		return bad(p, ln, "a field after the steps");
	if (strcmp(key, "time") == 0) {
		if (p->have_time || parse_long_long(val, &r->time) < 0)
			return bad(p, ln, "a repeated or malformed time");
		p->have_time = 1;
		return 0;
	}
	for (i = 0; i < nf; i++)
		if (strcmp(key, fields[i].key) == 0)
			break;
	if (i == nf || *fields[i].dst)
		return bad(p, ln, "an unknown or repeated field");
	if (wf_unescape(val, &sb) < 0) {
		sbuf_free(&sb);
		return bad(p, ln, "a malformed escape");
	}
	*fields[i].dst = sbuf_detach(&sb);
	return 0;
}

static int one_line(struct parse *p, int ln, char *line)
{
	struct wf_record *r = p->r;
	char *sp;

	if (p->ended)
		return bad(p, ln, "text after the \"end\" line");
	if (strcmp(line, "end") == 0) {
		if (p->want_zdata)
			return bad(p, ln, "\"end\" where a zdata line belongs");
		p->ended = 1;
		return 0;
	}
	sp = strchr(line, ' ');
	if (!sp)
		return bad(p, ln, "not a \"key value\" line");
	*sp = '\0';
	if (p->want_zdata)
		return zdata_line(p, ln, line, sp + 1);
	if (strcmp(line, "step") != 0)
		return field_line(p, ln, line, sp + 1);
	if (r->n_steps == p->cap_steps) {
		p->cap_steps = p->cap_steps ? p->cap_steps * 2 : 4;
		r->steps = xrealloc(r->steps, p->cap_steps * sizeof(*r->steps));
	}
	memset(&r->steps[r->n_steps], 0, sizeof(*r->steps));
	if (parse_step(sp + 1, &r->steps[r->n_steps]) < 0)
		return bad(p, ln, "a malformed step line");
	r->n_steps++;
	p->want_zdata = 1;
	return 0;
}

static int parse_record(char *text, size_t len, struct wf_record *r, char *why, size_t whylen)
{
	struct parse p = { r, 0, 0, 0, 0, why, whylen };
	char *line = text, *nl;
	int ln = 1;

	if (len == 0)
		return bad(&p, 0, "empty");
	if (memchr(text, '\0', len))
		return bad(&p, 0, "it holds a NUL byte (not a deploy record)");
	nl = strchr(text, '\n');
	if (!nl || (size_t)(nl - text) != strlen(WF_RECORD_MAGIC) || strncmp(text, WF_RECORD_MAGIC, (size_t)(nl - text)))
		return bad(&p, 0, "not a deploy record (its first line is not \"" WF_RECORD_MAGIC "\")");
	if (text[len - 1] != '\n')
		return bad(&p, 0, "truncated: its last line is cut off");
	for (line = nl + 1; line < text + len; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (one_line(&p, ++ln, line) < 0)
			return -1;
	}
	if (!p.ended)
		return bad(&p, 0, "truncated: it ends before its \"end\" line");
	if (!p.have_time || !r->kind || !r->status)
		return bad(&p, 0, "its time, kind or status is missing");
	return 0;
}

int wf_record_read_why(const char *git_dir, long seq, struct wf_record *r, char *why, size_t whylen)
{
	struct sbuf sb = SBUF_INIT;
	char *path;
	int fd, rc, json;

	memset(r, 0, sizeof(*r));
	snprintf(why, whylen, "no such record");
	if (seq <= 0)
		return 1;
	path = wf_record_path(git_dir, seq);
	json = strlen(path) > 5 && !strcmp(path + strlen(path) - 5, ".json");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return errno == ENOENT ? 1 : -1;
	}
	rc = wf_read_all(fd, &sb);
	if (rc < 0)
		snprintf(why, whylen, "%s", strerror(errno));
	close(fd);
	if (rc == 0)
		sbuf_add(&sb, "", 0);
	if (rc == 0 && json) {
		char *gd = wf_dir_slash(git_dir);
		rc = wf_record_parse_json(gd, sb.buf ? sb.buf : "", sb.len, r, why, whylen);
		free(gd);
	} else if (rc == 0) {
		rc = parse_record(sb.buf, sb.len, r, why, whylen);
	}
	if (rc < 0) {
		sbuf_free(&sb);
		wf_record_free(r);
		errno = EINVAL;
		return -1;
	}
	sbuf_free(&sb);
	r->seq = seq;
	return 0;
}

int wf_record_read(const char *git_dir, long seq, struct wf_record *r)
{
	char why[160];
	return wf_record_read_why(git_dir, seq, r, why, sizeof(why));
}
