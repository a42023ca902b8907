#include "record_json.h"
#include "base64.h"
#include "digest.h"
#include "text.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A text field: the string when it is UTF-8, else its shown form plus the
 * exact bytes in <key>_base64. */
static void set_text(json_t *o, const char *key, const char *v)
{
	json_t *s = v ? json_stringn(v, strlen(v)) : json_null();
	struct sbuf sb = SBUF_INIT;

	if (s) {
		json_object_set_new(o, key, s);
		return;
	}
	wf_text_line(&sb, v, strlen(v));
	json_object_set_new(o, key, json_stringn(sb.buf ? sb.buf : "", sb.len));
	sbuf_reset(&sb);
	wf_b64_encode(&sb, (const unsigned char *)v, strlen(v));
	{
		char *k = xasprintf("%s_base64", key);
		json_object_set_new(o, k, json_stringn(sb.buf ? sb.buf : "", sb.len));
		free(k);
	}
	sbuf_free(&sb);
}

/* Store one step's gzip'd output under workflow/output/ (once per
 * content); its name relative to workflow/, or NULL with errno. */
static char *store_output(const char *git_dir, const struct wf_record_step *s)
{
	unsigned char h[WF_SHA256_LEN];
	char hex[2 * WF_SHA256_LEN + 1], *dir, *path, *name;

	wf_sha256(s->zoutput, s->zlen, h);
	wf_hex(h, sizeof(h), hex);
	name = xasprintf("output/%s.gz", hex);
	dir = xasprintf("%sworkflow/output", git_dir);
	path = xasprintf("%sworkflow/%s", git_dir, name);
	if (wf_mkdir_p(dir, 0775) < 0 ||
	    (access(path, F_OK) != 0 && wf_write_file_atomic(path, s->zoutput, s->zlen, 1) < 0)) {
		free(name);
		name = NULL;
	}
	free(dir);
	free(path);
	return name;
}

static json_t *step_json(const char *git_dir, const struct wf_record_step *s)
{
	json_t *o = json_object();
	char *name = s->zoutput ? store_output(git_dir, s) : NULL;

	if (s->zoutput && !name) {
		json_decref(o);
		return NULL;
	}
	set_text(o, "name", s->name ? s->name : "");
	json_object_set_new(o, "exit_status", json_integer(s->exit_status));
	json_object_set_new(o, "timed_out", json_boolean(s->timed_out));
	json_object_set_new(o, "duration", json_real(s->duration >= 0 ? s->duration : 0));
	json_object_set_new(o, "output_bytes", json_integer((json_int_t)s->output_len));
	json_object_set_new(o, "output", name ? json_string(name) : json_null());
	free(name);
	return o;
}

char *wf_record_json(const char *git_dir, const struct wf_record *r)
{
	json_t *o = json_object(), *steps = json_array();
	char when[32], *text;

	wf_format_time(r->time, when);
	json_object_set_new(o, "format", json_string(WF_RECORD_FORMAT));
	set_text(o, "kind", r->kind);
	set_text(o, "status", r->status);
	set_text(o, "env", r->env);
	set_text(o, "ref", r->ref);
	set_text(o, "pusher", r->pusher);
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "unix_time", json_integer(r->time));
	set_text(o, "old", r->old_oid);
	set_text(o, "new", r->new_oid);
	set_text(o, "tag", r->tag);
	set_text(o, "options", r->options);
	set_text(o, "message", r->message);
	set_text(o, "note", r->note);
	for (size_t i = 0; i < r->n_steps; i++) {
		json_t *s = step_json(git_dir, &r->steps[i]);
		if (!s) {
			json_decref(steps);
			json_decref(o);
			return NULL;
		}
		json_array_append_new(steps, s);
	}
	json_object_set_new(o, "steps", steps);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/* A text field back: the exact bytes of <key>_base64 when there, else the
 * string; NULL when absent or null.  -1 when it is of another type. */
static int get_text(json_t *o, const char *key, char **out)
{
	char *k = xasprintf("%s_base64", key);
	json_t *b = json_object_get(o, k), *v = json_object_get(o, key);
	unsigned char *bytes = NULL;
	size_t n = 0;

	free(k);
	*out = NULL;
	if (json_is_string(b) && wf_b64_decode(json_string_value(b), &bytes, &n) == 0) {
		*out = xstrndup((const char *)bytes, n);
		free(bytes);
		return 0;
	}
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

/* The gzip'd output a step names, read whole. */
static int read_output(const char *git_dir, const char *name, struct wf_record_step *st)
{
	char *path = xasprintf("%sworkflow/%s", git_dir, name);
	struct sbuf sb = SBUF_INIT;
	int fd = strstr(name, "..") || name[0] == '/' ? -1 : open(path, O_RDONLY | O_CLOEXEC), rc;

	free(path);
	if (fd < 0)
		return -1;
	rc = wf_read_all(fd, &sb);
	close(fd);
	st->zlen = sb.len;
	st->zoutput = (unsigned char *)sbuf_detach(&sb);
	return rc;
}

static int parse_step(const char *git_dir, json_t *o, struct wf_record_step *st, char *why, size_t whylen)
{
	json_t *out = json_object_get(o, "output");

	if (!json_is_object(o) || get_text(o, "name", &st->name) < 0 || !st->name ||
	    !json_is_integer(json_object_get(o, "exit_status"))) {
		snprintf(why, whylen, "a step is malformed");
		return -1;
	}
	st->exit_status = (int)json_integer_value(json_object_get(o, "exit_status"));
	st->timed_out = json_is_true(json_object_get(o, "timed_out"));
	st->duration = json_number_value(json_object_get(o, "duration"));
	st->output_len = (size_t)json_integer_value(json_object_get(o, "output_bytes"));
	if (json_is_string(out) && read_output(git_dir, json_string_value(out), st) < 0) {
		snprintf(why, whylen, "the output of step %s (%s) cannot be read", st->name, json_string_value(out));
		return -1;
	}
	return 0;
}

static int parse_fields(json_t *o, struct wf_record *r)
{
	return get_text(o, "kind", &r->kind) | get_text(o, "status", &r->status) | get_text(o, "env", &r->env) |
	       get_text(o, "ref", &r->ref) | get_text(o, "pusher", &r->pusher) | get_text(o, "old", &r->old_oid) |
	       get_text(o, "new", &r->new_oid) | get_text(o, "tag", &r->tag) |
	       get_text(o, "options", &r->options) | get_text(o, "message", &r->message) |
	       get_text(o, "note", &r->note);
}

static int parse_doc(const char *git_dir, json_t *o, struct wf_record *r, char *why, size_t whylen)
{
	json_t *steps = json_object_get(o, "steps"), *st;
	size_t i;

	if (!json_is_object(o) || !json_is_string(json_object_get(o, "format")) ||
	    strcmp(json_string_value(json_object_get(o, "format")), WF_RECORD_FORMAT)) {
		snprintf(why, whylen, "not a deploy record (no \"format\": \"%s\")", WF_RECORD_FORMAT);
		return -1;
	}
	if (parse_fields(o, r) < 0 || !r->kind || !r->status || !json_is_integer(json_object_get(o, "unix_time"))) {
		snprintf(why, whylen, "its time, kind or status is missing or malformed");
		return -1;
	}
	r->time = json_integer_value(json_object_get(o, "unix_time"));
	if (!json_is_array(steps))
		return 0;
	r->steps = xcalloc(json_array_size(steps) + 1, sizeof(*r->steps));
	json_array_foreach(steps, i, st) {
		r->n_steps = i + 1;
		if (parse_step(git_dir, st, &r->steps[i], why, whylen) < 0)
			return -1;
	}
	return 0;
}

int wf_record_parse_json(const char *git_dir, const char *text, size_t len, struct wf_record *r, char *why,
			 size_t whylen)
{
	json_error_t err;
	json_t *o;
	int rc;

	if (len == 0) {
		snprintf(why, whylen, "empty");
		return -1;
	}
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!o) {
		if ((size_t)err.position >= len)
			snprintf(why, whylen, "truncated: the JSON ends before the record does");
		else
			snprintf(why, whylen, "line %d: %s", err.line, err.text);
		return -1;
	}
	rc = parse_doc(git_dir, o, r, why, whylen);
	json_decref(o);
	return rc;
}
