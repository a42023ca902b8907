/* One ssh connection per host per deploy (docs/several-web-servers.md):
 * a private directory of ssh control sockets, made when the
 * deploy first goes to its hosts and named in its journal, so that the
 * copy (pre-receive) and the switch, steps, checks and pruning (the
 * runner) all go over the connection the first ssh to a host opened.
 * Closed (each master told to exit, the directory removed) when the
 * deploy ends, however it ends: its journal going closes it. */
#ifndef WF_SSHMUX_H
#define WF_SSHMUX_H

#include <stddef.h>

/* Under /tmp, not $GIT_DIR or $TMPDIR: a unix socket's path is limited
 * to about 100 bytes, and ssh's is this, "/", 40 hex digits (%C) and,
 * while it makes it, 17 more. */
#define WF_SSHMUX_PREFIX "/tmp/wf-ssh-"
#define WF_SSHMUX_DIR_MAX 32

/* Make a new directory of mode 0700 into dir.  0, or -1 (errno): the
 * deploy goes on without shared connections. */
int wf_sshmux_open(char dir[WF_SSHMUX_DIR_MAX]);
/* 1 when dir is a name wf_sshmux_open makes (a journal's word is
 * checked before anything is removed on it). */
int wf_sshmux_name_ok(const char *dir);
/* Tell the master of each socket in dir to exit (ssh -O exit), then
 * remove dir.  A dir that is gone or not such a name: nothing. */
void wf_sshmux_close(const char *dir);

#endif
