/* The capped output of a step: head and tail kept, lines shown until half
 * the cap, memory bounded whatever is written. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

struct seen {
	struct sbuf all;
	size_t n;
};

static void on_line(void *ctx, const char *line, size_t len)
{
	struct seen *s = ctx;
	cr_assert_eq(strlen(line), len, "the line is NUL-terminated at its length");
	sbuf_add(&s->all, line, len);
	sbuf_adds(&s->all, "|");
	s->n++;
}

static char *finish(struct wf_output *o, size_t *len)
{
	char *out;
	wf_output_finish(o, &out, len);
	return out;
}

Test(output, small_output_kept_whole_and_lines_passed)
{
	struct wf_output o;
	struct seen s = { SBUF_INIT, 0 };
	size_t len;
	char *out;

	wf_output_init(&o, 0, on_line, &s);
	wf_output_add(&o, "one\ntw", 6);
	wf_output_add(&o, "o\nthree", 7);
	cr_assert_eq(wf_output_last_byte(&o), 'e');
	out = finish(&o, &len);
	cr_assert_str_eq(out, "one\ntwo\nthree");
	cr_assert_eq(len, 13);
	cr_assert_str_eq(s.all.buf, "one|two|three|");
	free(out);
	sbuf_free(&s.all);
}

Test(output, big_output_keeps_head_and_tail_and_says_what_was_cut)
{
	struct wf_output o;
	struct seen s = { SBUF_INIT, 0 };
	char line[16];
	size_t len;
	char *out;

	wf_output_init(&o, 1000, on_line, &s);
	for (int i = 0; i < 10000; i++) {
		int n = snprintf(line, sizeof(line), "line %05d\n", i);
		wf_output_add(&o, line, (size_t)n);
	}
	out = finish(&o, &len);
	cr_assert(!strncmp(out, "line 00000\nline 00001\n", 22));
	cr_assert(strstr(out, "[workflow: 109000 bytes of output cut here]"), "%s", out);
	cr_assert(len > 1000 && len < 1100, "kept %zu", len);
	cr_assert_eq(memcmp(out + len - 11, "line 09999\n", 11), 0);
	/* shown: the lines within half the cap, then one line saying so */
	cr_assert_eq(s.n, 45 + 1, "%zu lines shown", s.n);
	cr_assert(strstr(s.all.buf, "110000 bytes of output in all; not all shown here"));
	free(out);
	sbuf_free(&s.all);
}

Test(output, one_huge_chunk_and_endless_line)
{
	struct wf_output o;
	struct seen s = { SBUF_INIT, 0 };
	size_t big = 3 * WF_OUTPUT_LINE_MAX, len;
	char *chunk = malloc(big), *out;

	memset(chunk, 'x', big);
	chunk[big - 1] = 'z';
	wf_output_init(&o, 100, NULL, NULL);
	wf_output_add(&o, chunk, big);
	out = finish(&o, &len);
	cr_assert(!strncmp(out, "xxxxx", 5));
	cr_assert_eq(out[len - 1], 'z');
	free(out);
	/* no newline at all: passed on in pieces of WF_OUTPUT_LINE_MAX */
	wf_output_init(&o, 8 * WF_OUTPUT_LINE_MAX, on_line, &s);
	wf_output_add(&o, chunk, big);
	out = finish(&o, &len);
	cr_assert_eq(len, big);
	cr_assert_eq(s.n, 3);
	free(out);
	free(chunk);
	sbuf_free(&s.all);
}
