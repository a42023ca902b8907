/* Deploy records: one file per event under $GIT_DIR/workflow/records/,
 * written once (create-exclusive, then renamed into place) and never
 * rewritten.  git gc does not touch them. */
#ifndef WF_RECORD_H
#define WF_RECORD_H

#include <stddef.h>

struct wf_record_step {
	char *name;
	int exit_status;
	int timed_out;
	double duration;
	unsigned char *zoutput;  /* zlib-compressed output */
	size_t zlen;
	size_t output_len;       /* uncompressed size */
};

/* A growable array of step results (libgit2's git_array_t): one slot a
 * step, a build, a check or a host's part, however many a deploy runs. */
struct wf_record_steps {
	struct wf_record_step *v;
	size_t n, cap;
};
/* A new zeroed slot at the end. */
struct wf_record_step *wf_record_steps_add(struct wf_record_steps *a);
void wf_record_steps_free(struct wf_record_steps *a);

struct wf_record {
	long seq;               /* assigned by wf_record_write: 1, 2, 3 ... */
	char *kind;             /* "deploy", "rollback", "hotfix", "refused", "repair" */
	char *status;           /* "ok", "failed", "refused", "dry-run" */
	char *env;              /* "test", "live" */
	char *ref;              /* the ref pushed */
	char *pusher;
	long long time;         /* unix seconds */
	char *old_oid, *new_oid;
	char *tag;              /* deploy tag name or NULL */
	char *options;          /* push options, space separated, or NULL */
	char *message;          /* deploy message or refusal reason */
	char *note;             /* free text: rollback done, CAS failure ... */
	struct wf_record_step *steps;
	size_t n_steps;
};

/* r zeroed, then what every record says: kind, status, env, ref, pusher,
 * old and new (NULL: no commit), and now.  The one place a record is
 * begun; the strings are borrowed, as wf_record_write reads them. */
void wf_record_start(struct wf_record *r, const char *kind, const char *status, const char *env, const char *ref,
		     const char *pusher, const char *old_oid, const char *new_oid);

/* Write r as a new record; sets r->seq.  Returns 0 or -1 (errno set). */
int wf_record_write(const char *git_dir, struct wf_record *r);
#define WF_RECORD_MAGIC "wf-record 1"

/* Read record seq.  Returns 0, 1 if there is no such record, -1 on error. */
int wf_record_read(const char *git_dir, long seq, struct wf_record *r);
/* The same, saying in why what is wrong with a record that cannot be read
 * ("truncated: ...", "empty", "line 4: ..."): so it is named, not hidden. */
int wf_record_read_why(const char *git_dir, long seq, struct wf_record *r, char *why, size_t whylen);
/* Where record seq is (malloc'd). */
char *wf_record_path(const char *git_dir, long seq);
/* Highest record number present (0 when none). */
long wf_record_last(const char *git_dir);
void wf_record_free(struct wf_record *r);

#endif
