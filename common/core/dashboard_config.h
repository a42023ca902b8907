/* The dashboard's config group, kept out of config.c's body:
 *   dashboard = { dir = "/var/www/site-dashboard"; };
 * dir: where the pages are written; relative to $GIT_DIR; default
 * $GIT_DIR/workflow/dashboard. */
#ifndef WF_DASHBOARD_CONFIG_H
#define WF_DASHBOARD_CONFIG_H

#include <stddef.h>
#include "config.h"

struct config_setting_t;

/* Read the top-level group "dashboard" of root, if any, into c.  file
 * names the config in messages.  0, or -1 with "file:line: ..." in err. */
int wf_dashboard_config_load(const struct config_setting_t *root, struct wf_config *c, const char *file,
			     char *err, size_t errlen);

#endif
