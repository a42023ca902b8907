/* git-workflow log and show: deploy records as people read them (each
 * field one safe line, capped; step output made safe for a terminal) or as
 * JSON for scripts (whole, byte for byte as far as JSON can say it).  A
 * record that cannot be read is named with what is wrong with it. */
#include "record_show.h"
#include "record.h"
#include "steps.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A 1 MB message must not flood a terminal: --json has it all. */
#define SHOW_FIELD_MAX 4096
#define LOG_MESSAGE_MAX 200

/* s as one safe line, at most max bytes of it. */
static char *line_of(const char *s, size_t max)
{
	struct sbuf sb = SBUF_INIT;
	size_t len = s ? strlen(s) : 0, n = wf_text_cut(s, len, max);

	wf_text_line(&sb, s, n);
	if (n < len)
		sbuf_addf(&sb, " ... (%zu more bytes; --json shows them)", len - n);
	return sbuf_detach(&sb);
}

static void put_line(FILE *out, const char *label, const char *s)
{
	char *l = line_of(s, SHOW_FIELD_MAX);
	fprintf(out, "%-9s%s\n", label, l);
	free(l);
}

static void json_field(struct sbuf *sb, const char *key, const char *v, int comma)
{
	sbuf_addf(sb, "%s\"%s\":", comma ? "," : "", key);
	if (v)
		wf_json_string(sb, v, strlen(v));
	else
		sbuf_adds(sb, "null");
}

static void record_json(struct sbuf *sb, const struct wf_record *r, int with_output)
{
	const char *keys[] = { "kind", "status", "env", "ref", "pusher", "time", "from", "to", "tag",
			       "options", "message", "note" };
	char when[32];
	const char *vals[] = { r->kind, r->status, r->env, r->ref, r->pusher, when, r->old_oid, r->new_oid,
			       r->tag, r->options, r->message, r->note };

	wf_format_time(r->time, when);
	sbuf_addf(sb, "{\"seq\":%ld", r->seq);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_field(sb, keys[i], vals[i], 1);
	sbuf_adds(sb, ",\"steps\":[");
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct wf_record_step *s = &r->steps[i];
		char *out = NULL;
		size_t len = 0;

		sbuf_addf(sb, "%s{", i ? "," : "");
		json_field(sb, "name", s->name, 0);
		sbuf_addf(sb, ",\"exit_status\":%d,\"timed_out\":%s,\"duration\":%.3f", s->exit_status,
			  s->timed_out ? "true" : "false", s->duration);
		/* with its length: the output may hold NUL bytes */
		if (with_output && wf_decompress(s->zoutput, s->zlen, &out, &len) == 0) {
			sbuf_adds(sb, ",\"output\":");
			wf_json_string(sb, out, len);
			free(out);
		}
		sbuf_adds(sb, "}");
	}
	sbuf_adds(sb, "]}");
}

static void unreadable(FILE *f, const char *git_dir, long seq, const char *why)
{
	char *path = wf_record_path(git_dir, seq);
	fprintf(f, "git-workflow: deploy record %ld (%s) cannot be read: %s\n", seq, path, why);
	free(path);
}

static void log_line(FILE *out, const struct wf_record *rec)
{
	char when[32];
	char *kind = line_of(rec->kind, 40), *status = line_of(rec->status, 40), *env = line_of(rec->env, 40);
	char *tag = line_of(rec->tag ? rec->tag : "-", 80), *pusher = line_of(rec->pusher, 80);
	char *msg = line_of(rec->message, LOG_MESSAGE_MAX);

	wf_format_time(rec->time, when);
	fprintf(out, "%4ld %s %-16s %-8s %-11s %-18s %-10s %s\n", rec->seq, when, kind, status, env, tag, pusher, msg);
	free(kind);
	free(status);
	free(env);
	free(tag);
	free(pusher);
	free(msg);
}

int wf_record_log(const char *git_dir, const char *env, int json, FILE *out, FILE *err)
{
	long last = wf_record_last(git_dir);
	struct sbuf sb = SBUF_INIT;
	int first = 1, bad = 0;

	if (json)
		sbuf_adds(&sb, "[");
	for (long i = last; i >= 1; i--) {
		struct wf_record rec;
		char why[160];
		int rc = wf_record_read_why(git_dir, i, &rec, why, sizeof(why));

		if (rc < 0) {
			/* in the list where it belongs; JSON stays JSON */
			unreadable(json ? err : out, git_dir, i, why);
			bad = 1;
		}
		if (rc != 0)
			continue;
		if (env && (!rec.env || strcmp(rec.env, env))) {
			wf_record_free(&rec);
			continue;
		}
		if (json) {
			if (!first)
				sbuf_adds(&sb, ",");
			record_json(&sb, &rec, 0);
		} else {
			log_line(out, &rec);
		}
		first = 0;
		wf_record_free(&rec);
	}
	if (json) {
		sbuf_adds(&sb, "]\n");
		fputs(sb.buf, out);
	} else if (first && !bad && env) {
		fprintf(out, "nothing recorded for an env named %s (the envs are named as in the config: dev, test, "
			"live, or a branch env's name)\n", env);
	} else if (first && !bad) {
		fprintf(out, "no deploys recorded yet\n");
	}
	sbuf_free(&sb);
	return bad;
}

/* The record a tag names, newest first; 0 when none.  *bad counts the
 * records that could not be read on the way. */
static long find_tag(const char *git_dir, const char *tag, int *bad)
{
	for (long i = wf_record_last(git_dir); i >= 1; i--) {
		struct wf_record rec;
		int rc = wf_record_read(git_dir, i, &rec), hit;

		if (rc < 0)
			(*bad)++;
		if (rc != 0)
			continue;
		hit = rec.tag && !strcmp(rec.tag, tag);
		wf_record_free(&rec);
		if (hit)
			return i;
	}
	return 0;
}

static void show_text(FILE *out, const struct wf_record *rec, int color)
{
	char when[32];

	wf_format_time(rec->time, when);
	fprintf(out, "record   %ld\n", rec->seq);
	put_line(out, "kind", rec->kind);
	put_line(out, "status", rec->status);
	put_line(out, "env", rec->env);
	put_line(out, "ref", rec->ref);
	put_line(out, "pusher", rec->pusher);
	put_line(out, "time", when);
	put_line(out, "from", rec->old_oid);
	put_line(out, "to", rec->new_oid);
	put_line(out, "tag", rec->tag ? rec->tag : "-");
	put_line(out, "options", rec->options);
	put_line(out, "message", rec->message);
	if (rec->note)
		put_line(out, "note", rec->note);
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct wf_record_step *s = &rec->steps[i];
		struct sbuf sb = SBUF_INIT;
		char *o = NULL, *name = line_of(s->name, 200);
		size_t len = 0;

		fprintf(out, "\nstep %s: %s, exit %d, %.1f s\n", name,
			s->timed_out ? "timed out" : s->exit_status ? "failed" : "ok", s->exit_status, s->duration);
		free(name);
		if (wf_decompress(s->zoutput, s->zlen, &o, &len) != 0)
			continue;
		/* safe for the terminal of whoever reads it; stored as it was */
		wf_text_escape(&sb, o, len, WF_TEXT_OUTPUT | (color ? WF_TEXT_COLOR : 0));
		if (color && sb.len)
			sbuf_adds(&sb, "\033[m");
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			sbuf_adds(&sb, "\n");
		fputs(sb.buf ? sb.buf : "", out);
		sbuf_free(&sb);
		free(o);
	}
}

int wf_record_show(const char *git_dir, const char *what, int json, int color, FILE *out, FILE *err)
{
	struct wf_record rec;
	char *end, why[160];
	long seq = strtol(what, &end, 10);
	int bad = 0, rc;

	if (*end || seq <= 0)
		seq = find_tag(git_dir, what, &bad);
	if (seq <= 0) {
		fprintf(err, "git-workflow: no deploy record '%s' (see git-workflow log)", what);
		if (bad)
			fprintf(err, "; %d record(s) cannot be read, git-workflow log names them", bad);
		fputc('\n', err);
		return 1;
	}
	rc = wf_record_read_why(git_dir, seq, &rec, why, sizeof(why));
	if (rc != 0) {
		if (rc < 0)
			unreadable(err, git_dir, seq, why);
		else
			fprintf(err, "git-workflow: no deploy record '%s' (see git-workflow log)\n", what);
		return 1;
	}
	if (json) {
		struct sbuf sb = SBUF_INIT;
		record_json(&sb, &rec, 1);
		sbuf_adds(&sb, "\n");
		fputs(sb.buf, out);
		sbuf_free(&sb);
	} else {
		show_text(out, &rec, color);
	}
	wf_record_free(&rec);
	return 0;
}
