/* dashboard record-N.html: one record with its commits, options, message
 * and each step's output (escaped, capped), and the steps' durations as an
 * inline SVG bar chart so a slow step stands out. */
#include "dashboard_int.h"
#include "html.h"
#include "steps.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* A page per step output of 10 MB is too much for a browser: head and
 * tail are kept, `git-workflow show N` has it all. */
#define OUTPUT_SHOWN_MAX (256 * 1024)
#define COMMITS_MAX 200
#define CHART_W 720
#define CHART_LABEL_W 200
#define CHART_BAR_MAX 420
#define CHART_ROW_H 22

static void row(struct sbuf *sb, const char *label, const char *v, size_t max)
{
	sbuf_addf(sb, "<tr><th>%s</th><td>", label);
	wf_html_line(sb, v, max, "-");
	sbuf_adds(sb, "</td></tr>\n");
}

static void fields(struct sbuf *sb, const struct wf_record *r)
{
	char when[32];

	wf_format_time(r->time, when);
	sbuf_adds(sb, "<table class=\"fields\">\n");
	row(sb, "kind", r->kind, 40);
	sbuf_adds(sb, "<tr><th>status</th><td>");
	wf_dash_status_badge(sb, r->status, NULL);
	sbuf_adds(sb, "</td></tr>\n");
	row(sb, "env", r->env, 40);
	row(sb, "ref", r->ref, 1000);
	row(sb, "pusher", r->pusher, 256);
	row(sb, "time", when, 40);
	row(sb, "from", r->old_oid, 64);
	row(sb, "to", r->new_oid, 64);
	row(sb, "tag", r->tag, 160);
	row(sb, "options", r->options, 4096);
	/* a message has lines of its own: kept, as in a <pre> */
	sbuf_adds(sb, "<tr><th>message</th><td><pre class=\"msg\">");
	if (r->message)
		wf_html_escape(sb, r->message, wf_text_cut(r->message, strlen(r->message), 65536), WF_TEXT_OUTPUT);
	sbuf_adds(sb, "</pre></td></tr>\n");
	if (r->note)
		row(sb, "note", r->note, 4096);
	sbuf_adds(sb, "</table>\n");
}

/* The commits the record's move brought (from..to).  A refused push's
 * commits were never kept: the repository does not have them. */
static void commits(struct sbuf *sb, struct wf_dash *d, const struct wf_record *r)
{
	struct sbuf list = SBUF_INIT;
	long n = -1;

	sbuf_adds(sb, "<h2>Commits</h2>\n");
	if (r->new_oid && wf_is_hex_oid(r->new_oid) && !wf_is_zero_oid(r->new_oid))
		n = wf_repo_commit_list(d->r, r->old_oid && wf_is_hex_oid(r->old_oid) ? r->old_oid
							 : WF_ZERO_OID,
					r->new_oid, COMMITS_MAX + 1, &list);
	if (n < 0)
		sbuf_adds(sb, "<p class=\"muted\">not in the repository</p>\n");
	else if (n == 0)
		sbuf_adds(sb, "<p class=\"muted\">none new (the env moved to a commit it had before, or back)</p>\n");
	else {
		sbuf_addf(sb, "<p>%s%ld commit%s</p>\n", n > COMMITS_MAX ? "more than " : "",
			  n > COMMITS_MAX ? (long)COMMITS_MAX : n, n == 1 ? "" : "s");
		wf_dash_commit_items(sb, list.buf);
	}
	sbuf_free(&list);
}

static void chart(struct sbuf *sb, const struct wf_record *r)
{
	double max = 0;
	int h = (int)r->n_steps * CHART_ROW_H + 6;

	for (size_t i = 0; i < r->n_steps; i++)
		if (r->steps[i].duration > max)
			max = r->steps[i].duration;
	sbuf_addf(sb, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"step durations\">\n",
		  CHART_W, h, CHART_W, h);
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct wf_record_step *s = &r->steps[i];
		int y = (int)i * CHART_ROW_H + 4;
		int w = max > 0 ? (int)(s->duration / max * CHART_BAR_MAX + 0.5) : 0;
		const char *fill = s->exit_status || s->timed_out ? "#c62828" : "#2e8540";

		sbuf_addf(sb, "<text x=\"0\" y=\"%d\" font-size=\"12\" font-family=\"sans-serif\">", y + 13);
		wf_html_line(sb, s->name, 28, "");
		sbuf_addf(sb, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>", CHART_LABEL_W, y,
			  w < 1 ? 1 : w, fill);
		sbuf_addf(sb, "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-family=\"sans-serif\">%.2f s</text>\n",
			  CHART_LABEL_W + (w < 1 ? 1 : w) + 6, y + 13, s->duration);
	}
	sbuf_adds(sb, "</svg>\n");
}

/* Output made safe for HTML: newlines kept, colour dropped, control bytes
 * and invalid UTF-8 as \xNN, markup as entities; head and tail of a big one. */
static void output(struct sbuf *sb, const char *o, size_t len, long seq)
{
	size_t head = len, tail = len;

	if (len > OUTPUT_SHOWN_MAX) {
		head = wf_text_cut(o, len, OUTPUT_SHOWN_MAX / 2);
		tail = len - OUTPUT_SHOWN_MAX / 2;
		while (tail < len && ((unsigned char)o[tail] & 0xc0) == 0x80)
			tail++;
	}
	sbuf_adds(sb, "<pre class=\"output\">");
	wf_html_escape(sb, o, head, WF_TEXT_OUTPUT);
	if (head < len) {
		sbuf_addf(sb, "\n... (%zu bytes cut here; git-workflow show %ld has them all) ...\n", tail - head, seq);
		wf_html_escape(sb, o + tail, len - tail, WF_TEXT_OUTPUT);
	}
	sbuf_adds(sb, "</pre>\n");
}

static void steps(struct sbuf *sb, const struct wf_record *r)
{
	sbuf_adds(sb, "<h2>Steps</h2>\n");
	if (!r->n_steps) {
		sbuf_adds(sb, "<p class=\"muted\">no steps ran</p>\n");
		return;
	}
	chart(sb, r);
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct wf_record_step *s = &r->steps[i];
		char *o = NULL;
		size_t len = 0;

		sbuf_addf(sb, "<h3 id=\"step-%zu\">", i + 1);
		wf_html_line(sb, s->name, 200, "");
		sbuf_addf(sb, ": %s, exit %d, %.1f s</h3>\n",
			  s->timed_out ? "timed out" : s->exit_status ? "failed" : "ok", s->exit_status, s->duration);
		if (wf_decompress(s->zoutput, s->zlen, &o, &len) != 0) {
			sbuf_adds(sb, "<p class=\"muted\">the output cannot be read</p>\n");
			continue;
		}
		output(sb, o, len, r->seq);
		free(o);
	}
}

void wf_dash_record(struct sbuf *sb, struct wf_dash *d, const struct wf_record *r)
{
	char *title = xasprintf("deploy record %ld", r->seq);

	wf_html_begin(sb, title, wf_dash_css);
	sbuf_addf(sb, "<header>\n<h1>Deploy record %ld</h1>\n<p><a href=\"index.html\">back to the dashboard</a></p>\n"
		      "</header>\n<main>\n", r->seq);
	fields(sb, r);
	commits(sb, d, r);
	steps(sb, r);
	sbuf_adds(sb, "</main>\n");
	wf_html_end(sb);
	free(title);
}
