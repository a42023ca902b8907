/* Delivery metrics (common/core/metrics.c): known histories, known answers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define WED 1795600800LL        /* 2026-11-25T10:00:00Z, a Wednesday */
#define MON 1795392000LL        /* 2026-11-23T00:00:00Z, its Monday */
#define H 3600LL
#define D 86400LL

static const char *const order[] = { "test", "live" };

static struct wf_metrics_fact live(long long t, enum wf_metrics_kind k, int ok)
{
	return (struct wf_metrics_fact){ "live", 1, k, ok, t, NULL, 0 };
}

Test(metrics, a_week_starts_on_monday_utc)
{
	cr_assert_eq(wf_metrics_week_of(WED), MON);
	cr_assert_eq(wf_metrics_week_of(MON), MON);
	cr_assert_eq(wf_metrics_week_of(MON - 1), MON - 7 * D, "Sunday 23:59:59 is the week before");
	cr_assert_eq(wf_metrics_week_of(0), -3 * D, "1970-01-01 (a Thursday) is in the week of Monday 1969-12-29");
}

Test(metrics, weeks_include_the_empty_ones)
{
	struct wf_metrics_fact f[] = {
		{ "test", 0, WF_METRICS_DEPLOY, 1, WED - 21 * D, NULL, 0 },
		{ "test", 0, WF_METRICS_DEPLOY, 0, WED - 20 * D, NULL, 0 },
		{ "live", 1, WF_METRICS_DEPLOY, 1, WED - 20 * D, NULL, 0 },
		{ "test", 0, WF_METRICS_DEPLOY, 1, WED - 1 * H, NULL, 0 },
		{ "test", 0, WF_METRICS_DEPLOY, 1, WED - 30 * D, NULL, 0 }, /* before the window */
	};
	struct wf_metrics m;

	wf_metrics_compute(f, 5, WED, 21 * D, order, 2, &m);
	cr_assert_eq(m.n_weeks, 4);
	cr_assert_eq(m.weeks[0], MON - 21 * D);
	cr_assert_eq(m.weeks[3], MON);
	cr_assert_eq(m.n_envs, 2);
	cr_assert_str_eq(m.envs[0], "test");
	cr_assert_str_eq(m.envs[1], "live");
	cr_assert_eq(m.counts[0 * WF_METRICS_ENVS_MAX + 0], 2);
	cr_assert_eq(m.counts[0 * WF_METRICS_ENVS_MAX + 1], 1);
	cr_assert_eq(m.counts[1 * WF_METRICS_ENVS_MAX + 0], 0);
	cr_assert_eq(m.counts[2 * WF_METRICS_ENVS_MAX + 0], 0);
	cr_assert_eq(m.counts[3 * WF_METRICS_ENVS_MAX + 0], 1);
	cr_assert_eq(m.total[0], 3);
	cr_assert_eq(m.total[1], 1);
	wf_metrics_free(&m);
}

Test(metrics, more_envs_than_columns_fold_into_other)
{
	struct wf_metrics_fact f[12];
	char names[12][8];
	struct wf_metrics m;

	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "md%d", i);
		f[i] = (struct wf_metrics_fact){ names[i], 0, WF_METRICS_DEPLOY, 1, WED, NULL, 0 };
	}
	wf_metrics_compute(f, 12, WED, 7 * D, order, 2, &m);
	cr_assert_eq(m.n_envs, WF_METRICS_ENVS_MAX);
	cr_assert_str_eq(m.envs[2], "md0");
	cr_assert_str_eq(m.envs[WF_METRICS_ENVS_MAX - 1], "other");
	/* md0..md4 have columns 2..6; md5..md11 are "other" */
	cr_assert_eq(m.total[WF_METRICS_ENVS_MAX - 1], 7);
	wf_metrics_free(&m);
}

Test(metrics, lead_time_median_and_p90_per_commit)
{
	long long a[] = { WED - 10 * H, WED - 20 * H }, b[] = { WED + H - 30 * H, WED + H - 40 * H };
	long long c[] = { WED + 2 * H + 100 }; /* dated after its deploy: 0 */
	struct wf_metrics_fact f[] = {
		{ "live", 1, WF_METRICS_DEPLOY, 1, WED, a, 2 },
		{ "live", 1, WF_METRICS_DEPLOY, 1, WED + H, b, 2 },
		{ "live", 1, WF_METRICS_DEPLOY, 0, WED + H, b, 2 },     /* failed: never went live */
		{ "test", 0, WF_METRICS_DEPLOY, 1, WED + H, b, 2 },     /* not live */
		{ "live", 1, WF_METRICS_DEPLOY, 1, WED + 2 * H, c, 1 },
	};
	struct wf_metrics m;

	wf_metrics_compute(f, 5, WED + 3 * H, 7 * D, order, 2, &m);
	/* 0, 10h, 20h, 30h, 40h: median 20h; p90 at rank 3.6: 30h + 0.6 * 10h */
	cr_assert_eq(m.lead.n, 5);
	cr_assert_eq(m.lead.median, 20 * H);
	cr_assert_eq(m.lead.p90, 36 * H);
	wf_metrics_free(&m);
}

Test(metrics, an_even_count_has_the_median_between_the_middle_two)
{
	long long t[] = { WED - 10, WED - 20, WED - 30, WED - 40 };
	struct wf_metrics_fact f = { "live", 1, WF_METRICS_DEPLOY, 1, WED, t, 4 };
	struct wf_metrics m;

	wf_metrics_compute(&f, 1, WED, D, order, 2, &m);
	cr_assert_eq(m.lead.median, 25);
	cr_assert_eq(m.lead.p90, 37);
	wf_metrics_free(&m);
}

Test(metrics, change_failure_rate_counts_failed_rolled_back_and_hotfixed)
{
	struct wf_metrics_fact f[] = {
		live(WED, WF_METRICS_DEPLOY, 1),            /* rolled back by the next */
		live(WED + 1, WF_METRICS_ROLLBACK, 1),
		live(WED + 2, WF_METRICS_DEPLOY, 0),        /* failed */
		live(WED + 3, WF_METRICS_DEPLOY, 1),        /* hotfixed by the next */
		{ "test", 0, WF_METRICS_DEPLOY, 1, WED + 4, NULL, 0 }, /* not Live: skipped */
		live(WED + 5, WF_METRICS_HOTFIX, 1),
		live(WED + 6, WF_METRICS_DEPLOY, 1),
	};
	struct wf_metrics m;

	wf_metrics_compute(f, 7, WED + 10, D, order, 2, &m);
	cr_assert_eq(m.live, 6);
	cr_assert_eq(m.failed, 1);
	cr_assert_eq(m.rolled_back, 1);
	cr_assert_eq(m.hotfixed, 1);
	cr_assert_eq(wf_metrics_failure_percent(&m), 50);
	wf_metrics_free(&m);
}

Test(metrics, one_failed_of_three_is_33_percent)
{
	struct wf_metrics_fact f[] = { live(WED, WF_METRICS_DEPLOY, 1), live(WED + 1, WF_METRICS_DEPLOY, 0),
				       live(WED + 2, WF_METRICS_DEPLOY, 1) };
	struct wf_metrics m;

	wf_metrics_compute(f, 3, WED + 10, D, order, 2, &m);
	cr_assert_eq(wf_metrics_failure_percent(&m), 33);
	wf_metrics_free(&m);
}

Test(metrics, no_live_deploys_no_rate)
{
	struct wf_metrics m;

	wf_metrics_compute(NULL, 0, WED, D, order, 2, &m);
	cr_assert_eq(wf_metrics_failure_percent(&m), -1);
	cr_assert_eq(m.lead.n, 0);
	cr_assert_eq(m.restore.n, 0);
	wf_metrics_free(&m);
}

Test(metrics, time_to_restore_runs_from_the_first_failure_to_the_next_ok)
{
	struct wf_metrics_fact f[] = {
		live(WED, WF_METRICS_DEPLOY, 1),
		live(WED + 100, WF_METRICS_DEPLOY, 0),
		live(WED + 200, WF_METRICS_DEPLOY, 0),
		live(WED + 400, WF_METRICS_ROLLBACK, 1),    /* restored after 300 s */
		live(WED + 1000, WF_METRICS_DEPLOY, 0),
		live(WED + 1100, WF_METRICS_DEPLOY, 1),     /* after 100 s */
		live(WED + 2000, WF_METRICS_DEPLOY, 0),     /* still failing */
	};
	struct wf_metrics m;

	wf_metrics_compute(f, 7, WED + 3000, D, order, 2, &m);
	cr_assert_eq(m.restore.n, 2);
	cr_assert_eq(m.restore.median, 200);
	cr_assert_eq(m.restore.p90, 280);
	cr_assert_eq(m.failing_since, WED + 2000);
	wf_metrics_free(&m);
}

Test(metrics, durations_read_as_people_say_them)
{
	char b[32];

	wf_metrics_duration(b, 45);
	cr_assert_str_eq(b, "45s");
	wf_metrics_duration(b, 12 * 60 + 30);
	cr_assert_str_eq(b, "12m 30s");
	wf_metrics_duration(b, 3 * H + 5 * 60);
	cr_assert_str_eq(b, "3h 05m");
	wf_metrics_duration(b, 2 * D + 4 * H + 59);
	cr_assert_str_eq(b, "2d 4h");
}

Test(metrics, the_text_table_has_every_week_and_the_figures)
{
	struct wf_metrics_fact f[] = { { "test", 0, WF_METRICS_DEPLOY, 1, WED - 8 * D, NULL, 0 },
				       live(WED - 8 * D, WF_METRICS_DEPLOY, 1),
				       live(WED - 1, WF_METRICS_DEPLOY, 0),
				       { "md/\x1b[31mx", 0, WF_METRICS_DEPLOY, 1, WED, NULL, 0 } };
	struct wf_metrics m;
	struct sbuf sb = SBUF_INIT;

	wf_metrics_compute(f, 4, WED, 14 * D, order, 2, &m);
	wf_metrics_text(&sb, &m);
	cr_assert(strstr(sb.buf, "week of       test   live  md/\\x1b[31mx\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "2026-11-09       0      0             0\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "2026-11-16       1      1             0\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "2026-11-23       0      1             1\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "total            1      2             1\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "change failure rate            50% (1 of 2 live deploys: 1 failed, 0 rolled back, "
				 "0 hotfixed)\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "time to restore                -  (no restores)\n"), "%s", sb.buf);
	cr_assert(strstr(sb.buf, "not restored since 2026-11-25T09:59:59Z"), "%s", sb.buf);
	sbuf_free(&sb);
	wf_metrics_free(&m);
}
