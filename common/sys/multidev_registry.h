/* The branch envs that exist: one JSON file each,
 * $GIT_DIR/workflow/multidev/<name>.json, written atomically.  pre-receive
 * writes an entry (create "pending") under the registry's lock when it
 * accepts the push that makes the env, so that two pushes cannot take one
 * name nor go over multidev.max; the runner notes the create steps'
 * outcome; deleting the env removes it. */
#ifndef WF_MULTIDEV_REGISTRY_H
#define WF_MULTIDEV_REGISTRY_H

#include <stddef.h>
#include "multidev.h"

struct wf_md_entry {
	char name[WF_MD_NAME_MAX + 1];
	char *branch;           /* short branch name */
	char *created_by;
	long long created;      /* unix s */
	char create[16];        /* the create steps: "pending", "ok", "failed" */
	long long pushed;       /* its last accepted push (unix s; 0: none since created) */
	int pinned;             /* -o keep-env: multidev.expire never removes it */
};

/* When e expires under multidev.expire = expire seconds (0: never, as a
 * pinned env): its last push (or creation) plus expire. */
long long wf_md_expires(const struct wf_md_entry *e, long long expire);

/* 0 read, 1 none, -1 unreadable (errno). */
int wf_md_read(const char *git_dir, const char *name, struct wf_md_entry *e);
int wf_md_write(const char *git_dir, const struct wf_md_entry *e);
int wf_md_remove(const char *git_dir, const char *name);
/* Every entry, by name; the count, or -1. */
long wf_md_list(const char *git_dir, struct wf_md_entry **out);
void wf_md_entry_free(struct wf_md_entry *e);
void wf_md_list_free(struct wf_md_entry *l, long n);
/* The list as the policy core takes it (pointers into l). */
struct wf_md_known *wf_md_known_of(const struct wf_md_entry *l, long n);

/* The registry's lock (flock, waits): a descriptor, or -1 (errno). */
int wf_md_lock(const char *git_dir);
void wf_md_unlock(int fd);

#endif
