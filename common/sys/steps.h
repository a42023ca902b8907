/* Running the update steps of a deploy: argv without a shell (unless the
 * admin wrote shell = true), in its own process group, with a timeout that
 * kills the whole group, output streamed line by line as it comes and kept. */
#ifndef WF_STEPS_H
#define WF_STEPS_H

#include <stddef.h>
#include "config.h"
#include "output.h"

struct wf_step_result {
	int exit_status;        /* exit code; 128+signal if killed by a signal; -1 if it could not start */
	int timed_out;          /* 1 when the timeout killed it */
	double duration;        /* seconds, wall clock */
	char *output;           /* what it wrote (stdout+stderr interleaved), malloc'd; beyond
				 * the step's max_output only the head and the tail */
	size_t output_len;
	size_t output_total;    /* bytes it wrote in all */
	char *error;            /* why it could not start / HTTP error, malloc'd or NULL */
};


/* Run one step.  cwd: directory to run in.  env: extra "NAME=value"
 * strings (NULL-terminated) added to the hook's environment.
 * Returns 0 when the step succeeded (exit 0, or 2xx for HTTP), 1 when it
 * failed or timed out; res is filled in either case. */
int wf_step_run(const struct wf_step *s, const char *cwd, char *const env[],
		wf_line_cb cb, void *cbctx, struct wf_step_result *res);

void wf_step_result_free(struct wf_step_result *res);

/* Called in the parent right after a command step's process group is made
 * (pgid), so the deploy runner can journal what repair may have to stop. */
void wf_steps_on_start(void (*cb)(void *ctx, long pgid), void *ctx);
/* The stdin of the command steps run from now on: fd (read from where
 * it stands), or /dev/null again with -1.  For a process of its own
 * (fanout.c), which gives a step over ssh its WF_* variables that way. */
void wf_steps_stdin(int fd);
/* The stdout of the command steps run from now on: fd (written from
 * where it stands; stderr stays the step's output), or the output again
 * with -1.  For a database dump (common/flow/database.c). */
void wf_steps_stdout(int fd);

/* Does step s run for a push with these options (the option names as given,
 * e.g. "no-update", "clone-content")?  docs/WORKFLOW.md: it runs when its
 * `when` is unset, or the push says -o X, or default is true and the push
 * does not say -o no-X. */
int wf_step_selected(const struct wf_step *s, const char *const *opts, size_t n_opts);

/* zlib helpers for stored output. */
int wf_compress(const char *in, size_t len, unsigned char **out, size_t *out_len);
int wf_decompress(const unsigned char *in, size_t len, char **out, size_t *out_len);

#endif
