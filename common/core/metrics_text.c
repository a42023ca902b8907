/* Delivery metrics as a plot-free text table, for a terminal or a mail:
 * the weeks as rows, the envs as columns, then the three figures. */
#include "metrics.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An env name as a column head: one safe line, at most this long. */
#define NAME_MAX_SHOWN 24

void wf_metrics_duration(char out[32], long long s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, 32, "%llds", s);
	else if (s < 3600)
		snprintf(out, 32, "%lldm %02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, 32, "%lldh %02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, 32, "%lldd %lldh", s / 86400, s % 86400 / 3600);
}

static char *head_of(const char *name)
{
	struct sbuf sb = SBUF_INIT;

	wf_text_line(&sb, name, wf_text_cut(name, strlen(name), NAME_MAX_SHOWN));
	return sbuf_detach(&sb);
}

static void week_table(struct sbuf *sb, const struct wf_metrics *m)
{
	char *heads[WF_METRICS_ENVS_MAX];
	int w[WF_METRICS_ENVS_MAX];

	sbuf_adds(sb, "deploys per week (UTC, Monday to Sunday; deploys, rollbacks, hotfixes that ran)\n");
	sbuf_adds(sb, "week of    ");
	for (size_t e = 0; e < m->n_envs; e++) {
		heads[e] = head_of(m->envs[e]);
		w[e] = (int)strlen(heads[e]) > 5 ? (int)strlen(heads[e]) : 5;
		sbuf_addf(sb, "  %*s", w[e], heads[e]);
		free(heads[e]);
	}
	sbuf_adds(sb, "\n");
	for (size_t i = 0; i < m->n_weeks; i++) {
		char day[32];

		wf_format_time(m->weeks[i], day);
		sbuf_addf(sb, "%.10s ", day);
		for (size_t e = 0; e < m->n_envs; e++)
			sbuf_addf(sb, "  %*zu", w[e], m->counts[i * WF_METRICS_ENVS_MAX + e]);
		sbuf_adds(sb, "\n");
	}
	sbuf_adds(sb, "total      ");
	for (size_t e = 0; e < m->n_envs; e++)
		sbuf_addf(sb, "  %*zu", w[e], m->total[e]);
	sbuf_adds(sb, "\n\n");
}

static void stat_line(struct sbuf *sb, const char *label, const struct wf_metrics_stat *s, const char *unit)
{
	char med[32], p90[32];

	if (!s->n) {
		sbuf_addf(sb, "%-30s -  (no %ss)\n", label, unit);
		return;
	}
	wf_metrics_duration(med, s->median);
	wf_metrics_duration(p90, s->p90);
	sbuf_addf(sb, "%-30s median %s, p90 %s (%zu %s%s)\n", label, med, p90, s->n, unit, s->n == 1 ? "" : "s");
}

void wf_metrics_text(struct sbuf *sb, const struct wf_metrics *m)
{
	char from[32], to[32];
	int pct = wf_metrics_failure_percent(m);

	wf_format_time(m->from, from);
	wf_format_time(m->now, to);
	sbuf_addf(sb, "delivery metrics from %s to %s\n\n", from, to);
	week_table(sb, m);
	stat_line(sb, "lead time, commit to live", &m->lead, "commit");
	if (pct < 0)
		sbuf_addf(sb, "%-30s -  (no live deploys)\n", "change failure rate");
	else
		sbuf_addf(sb, "%-30s %d%% (%zu of %zu live deploys: %zu failed, %zu rolled back, %zu hotfixed)\n",
			  "change failure rate", pct, m->failed + m->rolled_back + m->hotfixed, m->live, m->failed,
			  m->rolled_back, m->hotfixed);
	stat_line(sb, "time to restore", &m->restore, "restore");
	if (m->failing_since) {
		char since[32];
		wf_format_time(m->failing_since, since);
		sbuf_addf(sb, "%-30s live's last deploy failed: not restored since %s\n", "", since);
	}
	if (m->records_capped)
		sbuf_adds(sb, "note: only the newest records were read (the cap of the walk)\n");
	if (m->commits_capped)
		sbuf_adds(sb, "note: some deploys brought more commits than are walked; lead time counts the newest\n");
}
