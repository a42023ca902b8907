/* The commands the hooks run for a web server
 * (docs/several-web-servers.md): ssh and rsync as argv, and the fixed
 * remote command lines ssh hands to the host's shell.  Pure: built here,
 * run by fanout.c.
 *
 * What goes into a remote line: the host's path (checked by the config:
 * letters, digits and "/._+-@=,"), release names the hooks made
 * (wf_release_name_ok) and shared paths and step argv from the config,
 * each single-quoted.  Pushed text (the message, the pusher, refs) is
 * never on it: the WF_* variables of a step go over ssh's stdin, one
 * NAME=value a line, and the remote line exports only WF_ names read
 * with `read -r` ("data, not code": no expansion touches the values). */
#ifndef WF_REMOTE_CMD_H
#define WF_REMOTE_CMD_H

#include <stddef.h>
#include "config.h"
#include "util.h"

/* A NULL-terminated argv being built. */
struct wf_argv {
	char **v;
	size_t n, cap;
};
void wf_argv_add(struct wf_argv *a, const char *s);
void wf_argv_free(struct wf_argv *a);

/* s in single quotes for a POSIX shell ('it'\''s'). */
void wf_sh_quote(struct sbuf *sb, const char *s);

/* ctl, in each of these: the deploy's directory of ssh control sockets
 * (sys/sshmux.h), or NULL.  With one, ssh gets ControlMaster=auto,
 * ControlPath=<ctl>/%C and ControlPersist: one connection per host for
 * the whole deploy, unless the admin's ssh list shares connections its
 * own way (then it is left alone). */
#define WF_REMOTE_PERSIST "60"
/* 1 when ctl is used (see above). */
int wf_remote_shared(const struct wf_release_conf *rc, const char *ctl);

/* ssh [-p port] <rc->ssh> <ours> [<sharing>] login cmd */
void wf_remote_ssh(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl, const char *cmd,
		   struct wf_argv *a);
/* rsync of path/releases/<name>/ to the host's releases/<name>/, hard
 * links to the releases in link (on the host, as here) for what did not
 * change; then of its marker, once the tree is all there. */
void wf_remote_rsync_tree(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl,
			  const char *name, const char *const *link, size_t n_link, struct wf_argv *a);
void wf_remote_rsync_marker(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl,
			    const char *name, struct wf_argv *a);

/* Remote lines, malloc'd.  Names must pass wf_release_name_ok. */
/* current -> releases/<to> by a rename over it, the shared paths made
 * first; from != to: the copy is renamed first (the tag took another
 * number).  Refuses a release without its marker. */
char *wf_remote_switch(const struct wf_release_conf *rc, const struct wf_host *h, const char *from, const char *to);
/* What current names ("releases/<name>"), or nothing. */
char *wf_remote_current(const struct wf_host *h);
/* Remove the release (a failed copy), unless current names it. */
char *wf_remote_remove(const struct wf_host *h, const char *name);
/* Remove every release but those in keep and what current names. */
char *wf_remote_prune(const struct wf_host *h, const char *const *keep, size_t n_keep);
/* Run step (its argv, or its shell script) in dir, with WF_* from stdin. */
char *wf_remote_step(const struct wf_step *st, const char *dir);
/* The stdin of a remote step: env's "WF_X=value" entries, a line each,
 * with any newline in a value made a space. */
char *wf_remote_step_input(char *const env[]);

#endif
