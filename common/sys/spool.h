/* The webhook spool: every event is written here before anyone tries to
 * send it, so a webhook that is down, slow, or a hook killed mid-send never
 * loses one.  One directory per webhook (named by a hash of its URL, so
 * reordering the config does not mix queues):
 *   $GIT_DIR/workflow/spool/<16 hex>/
 *     000000000042.event  one pending event: "event: NAME\ndelivery: ID\n\n" + body
 *     next                the next sequence number
 *     state               backoff: "attempts N\nnext_try UNIX\nlast_error TEXT\n"
 *     url                 the URL without userinfo or query, for `notify --list`
 *     dropped/            events an admin took out of the queue (notify --drop)
 *     .lock, .deliver     flock files: adding, delivering
 * An event file is written to a temporary name, fsync'd and renamed, all
 * under .lock, so sequence order is the order events were added and a kill
 * leaves either the whole event or none. */
#ifndef WF_SPOOL_H
#define WF_SPOOL_H

#include <stddef.h>

/* $GIT_DIR/workflow/spool (malloc'd). */
char *wf_spool_root(const char *git_dir);
/* The spool directory of the webhook with this URL (malloc'd; not created). */
char *wf_spool_dir(const char *git_dir, const char *url);

/* url without "user:password@" and without "?query" / "#fragment", which
 * is where tokens usually are (malloc'd). */
char *wf_url_redacted(const char *url);

/* Append an event.  Creates the directory.  Returns 0 (seq set, may be
 * NULL) or -1 with errno set. */
int wf_spool_add(const char *dir, const char *url, const char *event, const char *body, size_t len,
		 long *seq);

/* Can dir take an event of about size bytes?  Creates the directory,
 * writes and syncs a probe file of that size and removes it.  Returns 0,
 * or -1 with errno set (ENOSPC for a full disk). */
int wf_spool_probe(const char *dir, size_t size);

/* Sequence numbers of the pending events, ascending (malloc'd, may be NULL
 * when n is 0).  Returns 0, or -1 when the directory cannot be read (a
 * missing directory is 0 pending). */
int wf_spool_list(const char *dir, long **seqs, size_t *n);

struct wf_spooled {
	char *event;
	char *delivery;
	char *body;
	size_t body_len;
};
/* Read event seq.  Returns 0, 1 when it is gone, -1 when it is malformed
 * or unreadable. */
int wf_spool_read(const char *dir, long seq, struct wf_spooled *e);
void wf_spooled_free(struct wf_spooled *e);
/* Remove a delivered event. */
int wf_spool_remove(const char *dir, long seq);
/* Move an event no receiver will take out of the queue, to
 * dir/dropped/<seq>.event (kept, never sent).  Returns 0 or -1 (errno). */
int wf_spool_set_aside(const char *dir, long seq);

struct wf_spool_state {
	int attempts;            /* failed attempts in a row */
	long long next_try;      /* unix seconds; 0 = now */
	char last_error[256];
};
/* Missing state is all zero; returns 0, or -1 on a read error. */
int wf_spool_state_read(const char *dir, struct wf_spool_state *st);
int wf_spool_state_write(const char *dir, const struct wf_spool_state *st);

/* Seconds to wait after the n-th failure in a row: first (notify.backoff,
 * 30 s by default) doubling up to an hour. */
long wf_spool_backoff(int attempts, long first);

/* Take the delivery lock without waiting: returns an fd to pass to
 * wf_spool_unlock, or -1 when another process is delivering (or the lock
 * cannot be made). */
int wf_spool_lock_deliver(const char *dir);
void wf_spool_unlock(int fd);

#endif
