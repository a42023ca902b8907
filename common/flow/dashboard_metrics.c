/* The dashboard's delivery metrics panel: the last 90 days' figures
 * (core/metrics.h) and the deploys per week per env as an inline SVG bar
 * chart: no script, nothing fetched, env names escaped like all pushed
 * text (html.h). */
#include "dashboard_int.h"
#include "html.h"
#include "metrics_read.h"

#include <string.h>

#define SINCE (90LL * 86400)
#define BAR_W 9                 /* one env's bar */
#define GAP 8                   /* between weeks */
#define PLOT_H 110              /* the tallest bar */
#define LEFT 28                 /* the axis' numbers */
#define LEGEND_H 18

static const char *const colours[WF_METRICS_ENVS_MAX] = { "#e09b00", "#2e8540", "#1f6fb2", "#8e44ad",
							   "#c0392b", "#16a085", "#7f8c8d", "#34495e" };

static void figure(struct sbuf *sb, const char *label, const struct wf_metrics_stat *s, const char *unit)
{
	char med[32], p90[32];

	sbuf_addf(sb, "<dt>%s</dt><dd>", label);
	if (!s->n) {
		sbuf_addf(sb, "<span class=\"muted\">no %ss</span></dd>\n", unit);
		return;
	}
	wf_metrics_duration(med, s->median);
	wf_metrics_duration(p90, s->p90);
	sbuf_addf(sb, "median %s, p90 %s <span class=\"muted\">(%zu %s%s)</span></dd>\n", med, p90, s->n, unit,
		  s->n == 1 ? "" : "s");
}

static void figures(struct sbuf *sb, const struct wf_metrics *m)
{
	int pct = wf_metrics_failure_percent(m);

	sbuf_adds(sb, "<dl class=\"figures\">\n");
	figure(sb, "lead time to live", &m->lead, "commit");
	sbuf_adds(sb, "<dt>change failure rate</dt><dd>");
	if (pct < 0)
		sbuf_adds(sb, "<span class=\"muted\">no live deploys</span>");
	else
		sbuf_addf(sb, "%d%% <span class=\"muted\">(%zu of %zu live deploys: %zu failed, %zu rolled back, "
			      "%zu hotfixed)</span>", pct, m->failed + m->rolled_back + m->hotfixed, m->live, m->failed,
			  m->rolled_back, m->hotfixed);
	sbuf_adds(sb, "</dd>\n");
	figure(sb, "time to restore", &m->restore, "restore");
	if (m->failing_since) {
		char since[32];
		wf_format_time(m->failing_since, since);
		sbuf_addf(sb, "<dt></dt><dd><span class=\"status failed\">live failing since %s</span></dd>\n", since);
	}
	sbuf_adds(sb, "</dl>\n");
}

static void legend(struct sbuf *sb, const struct wf_metrics *m, int y)
{
	int x = LEFT;

	for (size_t e = 0; e < m->n_envs; e++) {
		sbuf_addf(sb, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, y, colours[e]);
		sbuf_addf(sb, "<text x=\"%d\" y=\"%d\" font-size=\"11\" font-family=\"sans-serif\">", x + 14, y + 9);
		wf_html_line(sb, m->envs[e], 24, "");
		sbuf_addf(sb, " (%zu)</text>\n", m->total[e]);
		x += 14 + 7 * (int)(strlen(m->envs[e]) < 24 ? strlen(m->envs[e]) : 24) + 40;
	}
}

/* One bar of week i, env e, with a tooltip (SVG's own <title>). */
static void bar(struct sbuf *sb, const struct wf_metrics *m, size_t i, size_t e, int x, size_t max)
{
	size_t n = m->counts[i * WF_METRICS_ENVS_MAX + e];
	int h = max ? (int)((n * PLOT_H + max / 2) / max) : 0;
	char day[32];

	if (!n)
		return;
	wf_format_time(m->weeks[i], day);
	sbuf_addf(sb, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>week of %.10s: %zu ",
		  x, LEGEND_H + 6 + PLOT_H - h, BAR_W, h < 1 ? 1 : h, colours[e], day, n);
	wf_html_line(sb, m->envs[e], 24, "");
	sbuf_addf(sb, " deploy%s</title></rect>\n", n == 1 ? "" : "s");
}

static void chart(struct sbuf *sb, const struct wf_metrics *m)
{
	int group = (int)m->n_envs * BAR_W + GAP, w = LEFT + (int)m->n_weeks * group + 10;
	int h = LEGEND_H + 6 + PLOT_H + 18, base = LEGEND_H + 6 + PLOT_H;
	size_t max = 0;

	for (size_t i = 0; i < m->n_weeks * WF_METRICS_ENVS_MAX; i++)
		max = m->counts[i] > max ? m->counts[i] : max;
	sbuf_addf(sb, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"deploys per week per env\">\n", w, h, w, h);
	legend(sb, m, 0);
	sbuf_addf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8a939f\"/>\n", LEFT - 2, base, w - 4,
		  base);
	sbuf_addf(sb, "<text x=\"0\" y=\"%d\" font-size=\"10\" font-family=\"sans-serif\">%zu</text>\n",
		  LEGEND_H + 6 + 10, max);
	for (size_t i = 0; i < m->n_weeks; i++) {
		int x = LEFT + (int)i * group;
		char day[32];

		for (size_t e = 0; e < m->n_envs; e++)
			bar(sb, m, i, e, x + (int)e * BAR_W, max);
		/* every other week's date, counted from this one, when they would crowd */
		if (group >= 30 || (m->n_weeks - 1 - i) % 2 == 0) {
			wf_format_time(m->weeks[i], day);
			sbuf_addf(sb, "<text x=\"%d\" y=\"%d\" font-size=\"10\" font-family=\"sans-serif\">%.5s</text>\n",
				  x, base + 13, day + 5);
		}
	}
	sbuf_adds(sb, "</svg>\n");
}

void wf_dash_metrics(struct sbuf *sb, struct wf_dash *d)
{
	struct wf_metrics m;

	wf_metrics_gather(d->r, d->now, SINCE, &m);
	sbuf_adds(sb, "<h2 id=\"metrics\">Delivery metrics <small class=\"muted\">(the last 90 days; "
		      "git-workflow metrics)</small></h2>\n<div class=\"metrics\">\n");
	figures(sb, &m);
	chart(sb, &m);
	sbuf_adds(sb, "</div>\n");
	wf_metrics_free(&m);
}
