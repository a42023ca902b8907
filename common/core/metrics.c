/* Delivery metrics: facts in, figures out (metrics.h says which). */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

/* 1970-01-05, the first Monday after the epoch (a Thursday) */
#define FIRST_MONDAY (4LL * 86400)

long long wf_metrics_week_of(long long t)
{
	long long r = (t - FIRST_MONDAY) % WF_METRICS_WEEK;

	/* C's % truncates: a time before the first Monday is still in a week */
	if (r < 0)
		r += WF_METRICS_WEEK;
	return t - r;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* p (0..100) of v sorted: between the closest ranks, rounded to a second. */
static long long percentile(const long long *v, size_t n, int p)
{
	size_t lo;
	long long num, rem;

	if (!n)
		return 0;
	/* rank (n - 1) * p / 100 in exact integers: lo and a remainder of 100 */
	num = (long long)(n - 1) * p;
	lo = (size_t)(num / 100);
	rem = num % 100;
	if (lo + 1 >= n || !rem)
		return v[lo];
	return v[lo] + ((v[lo + 1] - v[lo]) * rem + 50) / 100;
}

/* v sorted in place. */
static struct wf_metrics_stat stat_of(long long *v, size_t n)
{
	struct wf_metrics_stat s = { n, 0, 0 };

	if (n) /* qsort wants an array, even of none */
		qsort(v, n, sizeof(*v), cmp_ll);
	s.median = percentile(v, n, 50);
	s.p90 = percentile(v, n, 90);
	return s;
}

/* The column of env: an existing one, a new one, or "other" once full. */
static size_t column(struct wf_metrics *m, const char *env)
{
	const char *name = env ? env : "?";

	for (size_t i = 0; i < m->n_envs; i++)
		if (!strcmp(m->envs[i], name))
			return i;
	if (m->n_envs < WF_METRICS_ENVS_MAX - 1)
		m->envs[m->n_envs] = xstrdup(name);
	else if (m->n_envs == WF_METRICS_ENVS_MAX - 1)
		m->envs[m->n_envs] = xstrdup("other");
	else
		return WF_METRICS_ENVS_MAX - 1;
	return m->n_envs++;
}

static void weeks(struct wf_metrics *m)
{
	long long first = wf_metrics_week_of(m->from), last = wf_metrics_week_of(m->now);

	if ((last - first) / WF_METRICS_WEEK >= WF_METRICS_WEEKS_MAX)
		first = last - (WF_METRICS_WEEKS_MAX - 1) * WF_METRICS_WEEK;
	m->n_weeks = (size_t)((last - first) / WF_METRICS_WEEK) + 1;
	m->weeks = xcalloc(m->n_weeks, sizeof(*m->weeks));
	m->counts = xcalloc(m->n_weeks * WF_METRICS_ENVS_MAX, sizeof(*m->counts));
	for (size_t i = 0; i < m->n_weeks; i++)
		m->weeks[i] = first + (long long)i * WF_METRICS_WEEK;
}

static int in_window(const struct wf_metrics *m, const struct wf_metrics_fact *f)
{
	return f->time >= m->from && f->time <= m->now;
}

static void count(struct wf_metrics *m, const struct wf_metrics_fact *f)
{
	size_t c = column(m, f->env);
	long long w = (wf_metrics_week_of(f->time) - m->weeks[0]) / WF_METRICS_WEEK;

	if (w < 0)
		return; /* before the ten years kept */
	m->counts[(size_t)w * WF_METRICS_ENVS_MAX + c]++;
	m->total[c]++;
}

/* Every commit an ok Live deploy (not a rollback: it brings nothing new)
 * brought, from its commit to the deploy; a commit dated after its deploy
 * (a skewed clock) counts as 0. */
static void lead(struct wf_metrics *m, const struct wf_metrics_fact *f, size_t n)
{
	long long *v = NULL;
	size_t k = 0, cap = 0;

	for (size_t i = 0; i < n; i++) {
		if (!f[i].live || !f[i].ok || f[i].kind == WF_METRICS_ROLLBACK || !in_window(m, &f[i]))
			continue;
		if (k + f[i].n_commits > cap)
			v = xrealloc(v, (cap = (k + f[i].n_commits) * 2 + 16) * sizeof(*v));
		for (size_t j = 0; j < f[i].n_commits; j++) {
			long long d = f[i].time - f[i].commit_times[j];
			v[k++] = d > 0 ? d : 0;
		}
	}
	m->lead = stat_of(v, k);
	free(v);
}

/* Each Live deploy, whether it failed and how; each run of failures, how
 * long until the next deploy that ended ok. */
static void failures(struct wf_metrics *m, const struct wf_metrics_fact *f, size_t n)
{
	long long *restore = xcalloc(n + 1, sizeof(*restore)), since = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct wf_metrics_fact *next = NULL;

		if (!f[i].live || !in_window(m, &f[i]))
			continue;
		for (size_t j = i + 1; j < n && !next; j++)
			if (f[j].live)
				next = &f[j];
		m->live++;
		if (!f[i].ok)
			m->failed++;
		else if (next && next->kind == WF_METRICS_ROLLBACK)
			m->rolled_back++;
		else if (next && next->kind == WF_METRICS_HOTFIX)
			m->hotfixed++;
		if (!f[i].ok && !since)
			since = f[i].time;
		else if (f[i].ok && since) {
			restore[k++] = f[i].time - since > 0 ? f[i].time - since : 0;
			since = 0;
		}
	}
	m->restore = stat_of(restore, k);
	m->failing_since = since;
	free(restore);
}

void wf_metrics_compute(const struct wf_metrics_fact *f, size_t n, long long now, long long since,
			const char *const *order, size_t n_order, struct wf_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->now = now;
	m->from = now - since;
	weeks(m);
	for (size_t i = 0; i < n_order; i++)
		column(m, order[i]);
	for (size_t i = 0; i < n; i++)
		if (in_window(m, &f[i]))
			count(m, &f[i]);
	lead(m, f, n);
	failures(m, f, n);
}

void wf_metrics_free(struct wf_metrics *m)
{
	for (size_t i = 0; i < m->n_envs; i++)
		free(m->envs[i]);
	free(m->weeks);
	free(m->counts);
	memset(m, 0, sizeof(*m));
}

int wf_metrics_failure_percent(const struct wf_metrics *m)
{
	size_t bad = m->failed + m->rolled_back + m->hotfixed;

	if (!m->live)
		return -1;
	return (int)((bad * 200 + m->live) / (2 * m->live));
}
