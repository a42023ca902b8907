/* pre-receive's judgement of a push (judge.c). */
#ifndef WF_JUDGE_H
#define WF_JUDGE_H

#include <stddef.h>
#include "hook_input.h"
#include "session.h"

/* Judge the push (u, n) and start what it deploys: 0 when accepted,
 * else -1 (each refusal said). */
int wf_judge_push(struct wf_session *s, const struct wf_update *u, size_t n);

#endif
