/* One job per web server, all at once: each job a sequence of commands
 * (argv, never a shell on this side) run one after the other until one
 * fails, each with the step machinery's timeout and process group, in a
 * process of its own; their output comes back line by line, told apart
 * by the job's label, and is kept per job for the record. */
#ifndef WF_FANOUT_H
#define WF_FANOUT_H

#include <stddef.h>
#include "output.h"

struct wf_fan_job {
	const char *label;      /* "web1": the line callback gets it */
	char **cmds[4];         /* NULL-terminated argvs, run in order */
	size_t n_cmds;
	const char *input;      /* given to each command on its stdin (NULL: /dev/null) */
	int timeout;            /* seconds, per command */
	size_t max_output;      /* bytes kept (0: the default) */
	/* filled in by wf_fan_run */
	int exit_status;        /* of the command that failed (0: all ran);
				 * 124 timed out, 127 could not start */
	double duration;        /* seconds, the whole sequence */
	char *output;           /* malloc'd, NUL-terminated */
	size_t output_len;
};

typedef void (*wf_fan_line_cb)(void *ctx, const char *label, const char *line, size_t len);

/* Run the n jobs in parallel, at most max at once (0: all), in order,
 * and wait for all of them.  The number of jobs that failed. */
size_t wf_fan_run(struct wf_fan_job *jobs, size_t n, size_t max, wf_fan_line_cb cb, void *ctx);
/* Free each job's output (not its commands). */
void wf_fan_free(struct wf_fan_job *jobs, size_t n);

#endif
