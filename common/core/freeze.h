/* Deploy freezes (docs/workflow.md "Deploy freezes"): windows in which an
 * env takes no promotion, rollback or hotfix unless an overrider says why.
 * A window is weekly ("Fri 16:00" to "Mon 08:00", every week) or dated
 * ("2026-12-20" to "2027-01-04", a day or "2026-12-20 18:00" a minute),
 * read on the wall clock of its time zone, so a window keeps its local
 * hours across daylight-saving changes. */
#ifndef WF_FREEZE_H
#define WF_FREEZE_H

#include <stddef.h>
#include <time.h>

struct wf_freeze {
	int weekly;             /* 1: from and to are minutes into the week (Mon 00:00 = 0) */
	long long from, to;     /* dated: YYYYMMDDhhmm, from inclusive, to exclusive */
	char *tz;               /* an IANA zone ("Europe/Berlin"); NULL: the server's local time */
	char *from_text, *to_text; /* as written, for messages */
};

/* Parse one end of a window: "Fri 16:00" (weekly) or "2026-12-20" /
 * "2026-12-20 18:00" (dated).  A date alone as the end (is_to) runs
 * through that day.  0, or -1 when s is neither. */
int wf_freeze_parse(const char *s, int is_to, int *weekly, long long *out);
/* 1 when tz names a zone this machine has (/usr/share/zoneinfo), a
 * relative name without "..". */
int wf_freeze_tz_ok(const char *tz);
/* Is window f in force at now?  1 yes, 0 no. */
int wf_freeze_active(const struct wf_freeze *f, time_t now);
/* The first of the n windows in force at now, or NULL. */
const struct wf_freeze *wf_freeze_find(const struct wf_freeze *f, size_t n, time_t now);
/* "Fri 16:00 to Mon 08:00 (Europe/Berlin)", malloc'd. */
char *wf_freeze_describe(const struct wf_freeze *f);
void wf_freeze_free(struct wf_freeze *f, size_t n);

#endif
