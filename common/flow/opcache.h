/* OPcache reset after a switch (opcache.c). */
#ifndef WF_OPCACHE_H
#define WF_OPCACHE_H

#include "deploy.h"

/* With the env's php_fpm socket set: reset OPcache in that pool, as a step
 * of deploy d ("opcache-reset", recorded).  1 when it failed, else 0. */
int wf_opcache_reset(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx);

#endif
