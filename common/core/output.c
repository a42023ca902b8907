#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wf_output_init(struct wf_output *o, size_t cap, wf_line_cb cb, void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->cap = cap ? cap : WF_MAX_OUTPUT_DEFAULT;
	if (o->cap < 2)
		o->cap = 2;
	o->tail_cap = o->cap - o->cap / 2;
	o->cb = cb;
	o->ctx = ctx;
}

static void keep(struct wf_output *o, const char *data, size_t len)
{
	size_t room = o->cap / 2 > o->head.len ? o->cap / 2 - o->head.len : 0;
	size_t h = len < room ? len : room;

	sbuf_add(&o->head, data, h);
	data += h;
	len -= h;
	if (!len)
		return;
	if (!o->tail)
		o->tail = xmalloc(o->tail_cap);
	/* only the last tail_cap bytes of a big chunk can survive */
	if (len > o->tail_cap) {
		data += len - o->tail_cap;
		len = o->tail_cap;
	}
	while (len) {
		size_t at = (o->tail_pos + o->tail_len) % o->tail_cap;
		size_t n = o->tail_cap - at < len ? o->tail_cap - at : len;
		memcpy(o->tail + at, data, n);
		data += n;
		len -= n;
		if (o->tail_len + n > o->tail_cap) {
			o->tail_pos = (o->tail_pos + o->tail_len + n - o->tail_cap) % o->tail_cap;
			o->tail_len = o->tail_cap;
		} else {
			o->tail_len += n;
		}
	}
}

/* The gathered line to cb, while the shown part is within half the cap. */
static void pass_line(struct wf_output *o)
{
	if (!o->cb)
		return;
	if (o->shown + o->line.len > o->cap / 2) {
		o->hid = 1;
		return;
	}
	o->shown += o->line.len + 1;
	sbuf_add(&o->line, "", 1); /* NUL-terminate for cb */
	o->cb(o->ctx, o->line.buf, o->line.len - 1);
}

void wf_output_add(struct wf_output *o, const char *data, size_t len)
{
	keep(o, data, len);
	o->total += len;
	/* once lines are held back, none is shown again: nothing to gather */
	while (len && o->cb && !o->hid) {
		const char *nl = memchr(data, '\n', len);
		size_t span = nl ? (size_t)(nl - data) : len;
		size_t room = WF_OUTPUT_LINE_MAX - o->line.len;
		int end = nl != NULL;

		if (span >= room) {
			span = room;
			end = 1;
			nl = NULL;
		}
		sbuf_add(&o->line, data, span);
		data += span + (nl ? 1 : 0);
		len -= span + (nl ? 1 : 0);
		if (end) {
			pass_line(o);
			o->line.len = 0;
		}
	}
}

int wf_output_last_byte(const struct wf_output *o)
{
	if (o->tail_len)
		return (unsigned char)o->tail[(o->tail_pos + o->tail_len - 1) % o->tail_cap];
	return o->head.len ? (unsigned char)o->head.buf[o->head.len - 1] : -1;
}

void wf_output_finish(struct wf_output *o, char **out, size_t *len)
{
	size_t kept = o->head.len + o->tail_len, cut = o->total - kept;
	char note[160];

	if (o->line.len && !o->hid)
		pass_line(o);
	if (o->hid && o->cb) {
		snprintf(note, sizeof(note), "[workflow: %zu bytes of output in all; not all shown here: "
			 "git-workflow show keeps the first and the last %zu KB]", o->total, o->cap / 2048);
		o->cb(o->ctx, note, strlen(note));
	}
	if (cut) {
		snprintf(note, sizeof(note), "\n[workflow: %zu bytes of output cut here]\n", cut);
		sbuf_adds(&o->head, note);
	}
	if (o->tail_len) {
		size_t first = o->tail_cap - o->tail_pos < o->tail_len ? o->tail_cap - o->tail_pos : o->tail_len;
		sbuf_add(&o->head, o->tail + o->tail_pos, first);
		sbuf_add(&o->head, o->tail, o->tail_len - first);
	}
	*len = o->head.len;
	*out = o->head.buf ? sbuf_detach(&o->head) : xstrdup("");
	free(o->tail);
	sbuf_free(&o->line);
	memset(o, 0, sizeof(*o));
}
