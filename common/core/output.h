/* A step's output, kept within a cap whatever the step prints: the head
 * and the tail, with a line saying how much was cut between them.  Complete
 * lines go to a callback as they come (to the pusher), until what was shown
 * reaches half the cap; memory stays bounded by the cap. */
#ifndef WF_OUTPUT_H
#define WF_OUTPUT_H

#include <stddef.h>
#include "util.h"

#define WF_MAX_OUTPUT_DEFAULT (10u * 1024 * 1024)
/* A line longer than this is passed on in pieces. */
#define WF_OUTPUT_LINE_MAX 65536

/* Called for each complete line of output (without the newline, NUL
 * terminated), and for a trailing partial line at the end. */
typedef void (*wf_line_cb)(void *ctx, const char *line, size_t len);

struct wf_output {
	size_t cap;             /* bytes kept at most: head + tail */
	struct sbuf head;       /* the first cap/2 bytes */
	char *tail;             /* ring buffer of the last cap - cap/2 bytes */
	size_t tail_cap, tail_len, tail_pos;
	size_t total;           /* bytes seen */
	struct sbuf line;       /* the line being gathered for cb */
	size_t shown;           /* bytes passed to cb */
	int hid;                /* lines were held back from cb */
	wf_line_cb cb;
	void *ctx;
};

/* cap 0 means WF_MAX_OUTPUT_DEFAULT; cb may be NULL. */
void wf_output_init(struct wf_output *o, size_t cap, wf_line_cb cb, void *ctx);
void wf_output_add(struct wf_output *o, const char *data, size_t len);
/* The last byte added, or -1 when none. */
int wf_output_last_byte(const struct wf_output *o);
/* Pass on the partial last line, then hand over what was kept (head, the
 * cut line, tail; NUL-terminated, malloc'd) and free the rest. */
void wf_output_finish(struct wf_output *o, char **out, size_t *len);

#endif
