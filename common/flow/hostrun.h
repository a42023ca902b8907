/* Inside release_hosts*.c: one fan-out over some of an env's hosts,
 * each job up to three commands built into it, the output streamed to
 * the pusher as "[name] line", each job's result kept for the record. */
#ifndef WF_HOSTRUN_H
#define WF_HOSTRUN_H

#include "deploy.h"
#include "fanout.h"
#include "remote_cmd.h"

struct hostrun {
	const struct wf_release_conf *rc;
	const char *ctl;                /* the deploy's ssh control directory, or NULL */
	size_t n;
	const struct wf_host **host;    /* the job's host */
	struct wf_fan_job *jobs;
	struct wf_argv (*argv)[3];
	char **input;                   /* each job's stdin, malloc'd or NULL */
	int quiet;                      /* output kept, not shown */
	size_t max;                     /* jobs at once (0: all): rc's hosts_parallel */
};

/* ctl: the deploy's ssh connections (sshmux.h), or NULL: each ssh its own. */
void hostrun_init(struct hostrun *h, const struct wf_release_conf *rc, const char *ctl, size_t n, int timeout);
/* The next command of job i, for the caller to fill. */
struct wf_argv *hostrun_cmd(struct hostrun *h, size_t i);
/* Job i runs on host, one ssh with the remote line cmd (freed). */
void hostrun_ssh(struct hostrun *h, size_t i, const struct wf_host *host, char *cmd);
/* Run them, h->max at once (all when 0); the number that failed. */
size_t hostrun_go(struct hostrun *h);
/* The last line job i printed (why it failed), into buf. */
void hostrun_reason(const struct hostrun *h, size_t i, char *buf, size_t len);
/* Job i as a record step "<what>@<host>" in out (NULL: not kept). */
void hostrun_record(const struct hostrun *h, size_t i, const char *what, struct wf_record_steps *out);
void hostrun_free(struct hostrun *h);
/* A line of a host's output to the pusher: "[label] line", made safe. */
void hostrun_say(void *ctx, const char *label, const char *line, size_t len);

#endif
