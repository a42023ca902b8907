/* Deploy freeze windows, read on their zone's wall clock (freeze.h). */
#include "freeze.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static int parse_hm(const char *s, int *h, int *m)
{
	int n = 0;

	return sscanf(s, "%2d:%2d%n", h, m, &n) == 2 && n == 5 && !s[n] && *h >= 0 && *h < 24 && *m >= 0 &&
	       *m < 60;
}

static int parse_weekly(const char *s, long long *out)
{
	int h, m;

	for (int d = 0; d < 7; d++)
		if (!strncmp(s, days[d], 3) && s[3] == ' ' && parse_hm(s + 4, &h, &m)) {
			*out = (long long)d * 1440 + h * 60 + m;
			return 0;
		}
	return -1;
}

static int days_in(int y, int mo)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : d[mo - 1];
}

int wf_freeze_parse(const char *s, int is_to, int *weekly, long long *out)
{
	int y, mo, d, h = 0, m = 0, n = 0;

	if (parse_weekly(s, out) == 0) {
		*weekly = 1;
		return 0;
	}
	*weekly = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || y < 1970 || y > 9999 || mo < 1 ||
	    mo > 12 || d < 1 || d > days_in(y, mo))
		return -1;
	if (s[n] == ' ' && !parse_hm(s + n + 1, &h, &m))
		return -1;
	if (s[n] && s[n] != ' ')
		return -1;
	/* "to = 2027-01-04": through that day (24:00 sorts after 23:59) */
	if (!s[n] && is_to)
		h = 24;
	*out = (((long long)y * 100 + mo) * 100 + d) * 10000 + h * 100 + m;
	return 0;
}

int wf_freeze_tz_ok(const char *tz)
{
	char path[512];

	if (!tz || !*tz || tz[0] == '/' || strstr(tz, "..") || strlen(tz) > 200 ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") != strlen(tz))
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

/* now on the wall clock of tz (NULL: the local zone).  TZ is the only
 * way libc offers; it is put back as it was. */
static void wall_clock(const char *tz, time_t now, struct tm *out)
{
	const char *had = getenv("TZ");
	char *saved = had ? xstrdup(had) : NULL;

	if (tz) {
		setenv("TZ", tz, 1);
		tzset();
	}
	localtime_r(&now, out);
	if (tz) {
		if (saved)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	free(saved);
}

int wf_freeze_active(const struct wf_freeze *f, time_t now)
{
	struct tm t;
	long long at;

	wall_clock(f->tz, now, &t);
	if (f->weekly) {
		at = (long long)((t.tm_wday + 6) % 7) * 1440 + t.tm_hour * 60 + t.tm_min;
		/* "Fri 16:00" to "Mon 08:00" wraps the week's end */
		return f->from <= f->to ? at >= f->from && at < f->to : at >= f->from || at < f->to;
	}
	at = (((long long)(t.tm_year + 1900) * 100 + t.tm_mon + 1) * 100 + t.tm_mday) * 10000 + t.tm_hour * 100 +
	     t.tm_min;
	return at >= f->from && at < f->to;
}

const struct wf_freeze *wf_freeze_find(const struct wf_freeze *f, size_t n, time_t now)
{
	for (size_t i = 0; i < n; i++)
		if (wf_freeze_active(&f[i], now))
			return &f[i];
	return NULL;
}

char *wf_freeze_describe(const struct wf_freeze *f)
{
	return xasprintf("%s to %s (%s)", f->from_text, f->to_text, f->tz ? f->tz : "server time");
}

void wf_freeze_free(struct wf_freeze *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].tz);
		free(f[i].from_text);
		free(f[i].to_text);
	}
	free(f);
}
