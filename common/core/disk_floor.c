/* Disk and inode floors (disk_floor.h). */
#include "disk_floor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wf_floor_parse(const char *s, int inodes, struct wf_floor *out)
{
	char *end;
	long long v;
	int shift = 0;

	memset(out, 0, sizeof(*out));
	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (!strcmp(end, "%")) {
		if (v < 1 || v > 99)
			return -1;
		out->pct = (int)v;
	} else {
		if (!inodes && *end && !end[1])
			shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : *end == 'T' ? 40 : -1;
		else if (*end)
			shift = -1;
		if (shift < 0 || v < 1 || v > (1LL << (62 - shift)))
			return -1;
		out->amount = v << shift;
	}
	snprintf(out->text, sizeof(out->text), "%s", s);
	return 0;
}

int wf_floor_under(const struct wf_floor *f, unsigned long long free, unsigned long long total)
{
	if (f->pct)
		return total > 0 && free * 100 < total * (unsigned long long)f->pct;
	return f->amount > 0 && free < (unsigned long long)f->amount;
}
