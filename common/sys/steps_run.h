/* Inside steps.c: the two kinds of step, each filling res and c. */
#ifndef WF_STEPS_RUN_H
#define WF_STEPS_RUN_H

#include "steps.h"

/* 0 when the step succeeded, 1 when it failed or timed out. */
int wf_step_exec(const struct wf_step *s, const char *cwd, char *const env[], struct wf_output *c,
		 struct wf_step_result *res);
int wf_step_http(const struct wf_step *s, char *const env[], struct wf_output *c, struct wf_step_result *res);

#endif
