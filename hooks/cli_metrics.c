/* git-workflow metrics [--since AGE] [--json]: delivery metrics from the
 * records and the commits (common/core/metrics.h says what each figure
 * counts), as a plot-free text table or as JSON (jansson) for scripts. */
#include "cli.h"
#include "metrics_read.h"
#include "multidev.h"
#include "text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SINCE (90LL * 86400)

/* An env name made one safe line, so that jansson always takes it as a
 * string or a key (it refuses invalid UTF-8); malloc'd. */
static char *safe(const char *s)
{
	struct sbuf sb = SBUF_INIT;

	wf_text_line(&sb, s, strlen(s));
	return sbuf_detach(&sb);
}

/* o[name] = n, the name made safe */
static void set_count(json_t *o, const char *name, size_t n)
{
	char *k = safe(name);

	json_object_set_new(o, k, json_integer((json_int_t)n));
	free(k);
}

static json_t *when(long long t)
{
	char b[32];

	wf_format_time(t, b);
	return json_string(b);
}

static json_t *stat_json(const struct wf_metrics_stat *s, const char *count)
{
	json_t *o = json_object();

	json_object_set_new(o, count, json_integer((json_int_t)s->n));
	json_object_set_new(o, "median_seconds", s->n ? json_integer(s->median) : json_null());
	json_object_set_new(o, "p90_seconds", s->n ? json_integer(s->p90) : json_null());
	return o;
}

static json_t *weeks_json(const struct wf_metrics *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->n_weeks; i++) {
		json_t *w = json_object(), *d = json_object();
		char day[32];

		wf_format_time(m->weeks[i], day);
		day[10] = 0;
		json_object_set_new(w, "week", json_string(day));
		for (size_t e = 0; e < m->n_envs; e++)
			set_count(d, m->envs[e], m->counts[i * WF_METRICS_ENVS_MAX + e]);
		json_object_set_new(w, "deploys", d);
		json_array_append_new(a, w);
	}
	return a;
}

static json_t *failure_json(const struct wf_metrics *m)
{
	json_t *o = json_object();
	int pct = wf_metrics_failure_percent(m);

	json_object_set_new(o, "live_deploys", json_integer((json_int_t)m->live));
	json_object_set_new(o, "failed", json_integer((json_int_t)m->failed));
	json_object_set_new(o, "rolled_back", json_integer((json_int_t)m->rolled_back));
	json_object_set_new(o, "hotfixed", json_integer((json_int_t)m->hotfixed));
	json_object_set_new(o, "rate_percent", pct < 0 ? json_null() : json_integer(pct));
	return o;
}

static char *metrics_json(const struct wf_metrics *m)
{
	json_t *o = json_object(), *envs = json_array(), *tot = json_object(), *ttr;
	char *text;

	json_object_set_new(o, "from", when(m->from));
	json_object_set_new(o, "to", when(m->now));
	for (size_t e = 0; e < m->n_envs; e++) {
		char *name = safe(m->envs[e]);
		json_array_append_new(envs, json_string(name));
		free(name);
		set_count(tot, m->envs[e], m->total[e]);
	}
	json_object_set_new(o, "envs", envs);
	json_object_set_new(o, "weeks", weeks_json(m));
	json_object_set_new(o, "deploys", tot);
	json_object_set_new(o, "lead_time", stat_json(&m->lead, "commits"));
	json_object_set_new(o, "change_failure", failure_json(m));
	ttr = stat_json(&m->restore, "restores");
	json_object_set_new(ttr, "failing_since", m->failing_since ? when(m->failing_since) : json_null());
	json_object_set_new(o, "time_to_restore", ttr);
	json_object_set_new(o, "records_capped", json_boolean(m->records_capped));
	json_object_set_new(o, "commits_capped", json_boolean(m->commits_capped));
	text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

/* --since AGE and --json, in any order: 0, or 2 (said why). */
static int args(struct cli *x, long long *since)
{
	for (int i = 0; i < x->argc; i++) {
		if (!strcmp(x->argv[i], "--json"))
			x->json = 1;
		else if (!strcmp(x->argv[i], "--since") && i + 1 < x->argc && (*since = wf_parse_age(x->argv[i + 1])) > 0)
			i++;
		else {
			fprintf(stderr, "git-workflow: metrics takes --since AGE (90d, 12h: more than 0) and --json, "
					"not '%s'\n", x->argv[i]);
			return 2;
		}
	}
	return 0;
}

int cli_metrics(struct cli *x)
{
	long long since = DEFAULT_SINCE;
	struct wf_metrics m;

	if (args(x, &since))
		return 2;
	wf_metrics_gather(&x->r, (long long)time(NULL), since, &m);
	if (x->json) {
		char *text = metrics_json(&m);
		if (text)
			printf("%s\n", text);
		free(text);
	} else {
		struct sbuf sb = SBUF_INIT;
		wf_metrics_text(&sb, &m);
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
	}
	wf_metrics_free(&m);
	return 0;
}
