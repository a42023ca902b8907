#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "freeze.h"

static struct wf_freeze window(const char *from, const char *to, const char *tz)
{
	struct wf_freeze f;
	int wt;

	memset(&f, 0, sizeof(f));
	cr_assert_eq(wf_freeze_parse(from, 0, &f.weekly, &f.from), 0, "%s", from);
	cr_assert_eq(wf_freeze_parse(to, 1, &wt, &f.to), 0, "%s", to);
	f.tz = (char *)tz;
	return f;
}

/* Fri 16:00 to Mon 08:00 on Berlin's wall clock, across both of 2026's
 * daylight-saving changes: a fixed offset would be an hour off after each. */
Test(freeze, weekly_window_keeps_its_local_hours_across_dst)
{
	struct wf_freeze f = window("Fri 16:00", "Mon 08:00", "Europe/Berlin");

	cr_assert_eq(wf_freeze_active(&f, 1774623540), 0);   /* Fri 2026-03-27 15:59 CET */
	cr_assert_eq(wf_freeze_active(&f, 1774623600), 1);   /* 16:00 CET */
	cr_assert_eq(wf_freeze_active(&f, 1774850340), 1);   /* Mon 03-30 07:59 CEST (after the change) */
	cr_assert_eq(wf_freeze_active(&f, 1774850400), 0);   /* 08:00 CEST = 06:00 UTC */
	cr_assert_eq(wf_freeze_active(&f, 1792764000), 1);   /* Fri 10-23 16:00 CEST */
	cr_assert_eq(wf_freeze_active(&f, 1792843200), 1);   /* Sat 10-24 */
	cr_assert_eq(wf_freeze_active(&f, 1792997940), 1);   /* Mon 10-26 07:59 CET (after the change back) */
	cr_assert_eq(wf_freeze_active(&f, 1792998000), 0);   /* 08:00 CET = 07:00 UTC */
}

Test(freeze, weekly_window_within_a_week)
{
	struct wf_freeze f = window("Mon 00:00", "Mon 06:00", "UTC");

	cr_assert_eq(wf_freeze_active(&f, 1797829140), 1);   /* Mon 2026-12-21 04:59 UTC */
	cr_assert_eq(wf_freeze_active(&f, 1774623600), 0);   /* a Friday */
}

Test(freeze, dated_window_on_its_zone_clock_through_its_last_day)
{
	struct wf_freeze f = window("2026-12-20", "2026-12-20", "America/New_York");

	/* 2026-12-21 04:59 UTC is 23:59 on the 20th in New York (EST, UTC-5) */
	cr_assert_eq(wf_freeze_active(&f, 1797829140), 1);
	cr_assert_eq(wf_freeze_active(&f, 1797829200), 0);
}

Test(freeze, dated_window_with_times_ends_before_its_end)
{
	struct wf_freeze f = window("2026-12-21 04:00", "2026-12-21 05:00", "UTC");

	cr_assert_eq(wf_freeze_active(&f, 1797829140), 1);
	cr_assert_eq(wf_freeze_active(&f, 1797829200), 0);
	cr_assert_null(wf_freeze_find(&f, 1, 1797829200));
	cr_assert_eq(wf_freeze_find(&f, 1, 1797829140), &f);
}

Test(freeze, the_process_zone_is_put_back)
{
	struct wf_freeze f = window("Fri 16:00", "Mon 08:00", "Asia/Tokyo");

	setenv("TZ", "UTC", 1);
	(void)wf_freeze_active(&f, 1774623600);
	cr_assert_str_eq(getenv("TZ"), "UTC");
	unsetenv("TZ");
	(void)wf_freeze_active(&f, 1774623600);
	cr_assert_null(getenv("TZ"));
}

Test(freeze, parse_refuses_what_is_not_a_time)
{
	int w;
	long long at;

	cr_assert_eq(wf_freeze_parse("Fri 16", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("Friday 16:00", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("Fri 24:00", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("2026-02-29", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("2028-02-29", 0, &w, &at), 0);
	cr_assert_eq(wf_freeze_parse("2026-12-20 18:00x", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("2026-12-20T18:00", 0, &w, &at), -1);
	cr_assert_eq(wf_freeze_parse("", 0, &w, &at), -1);
	cr_assert(wf_freeze_tz_ok("Europe/Berlin"));
	cr_assert(wf_freeze_tz_ok("UTC"));
	cr_assert(!wf_freeze_tz_ok("Europe/Nowhere"));
	cr_assert(!wf_freeze_tz_ok("../../etc/passwd"));
	cr_assert(!wf_freeze_tz_ok("/etc/localtime"));
}
