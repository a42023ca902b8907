/* How much of an env's filesystem a deploy must leave free
 * (docs/releases.md "Disk and inode floors"): `min_free` (space) and
 * `min_free_inodes`, each a percentage of the filesystem ("10%") or an
 * amount ("2G", "500M"; inodes: a count).  Zero: no floor. */
#ifndef WF_DISK_FLOOR_H
#define WF_DISK_FLOOR_H

struct wf_floor {
	long long amount;       /* bytes, or inodes (0: none) */
	int pct;                /* percent of the filesystem (0: none) */
	char text[32];          /* as written, for messages */
};

/* Parse "10%", "2G", "500M", "64K", "1048576" (inodes: no unit but %).
 * 0, or -1 when s is none of these. */
int wf_floor_parse(const char *s, int inodes, struct wf_floor *out);
/* 1 when free of total falls under f. */
int wf_floor_under(const struct wf_floor *f, unsigned long long free, unsigned long long total);

#endif
