/* Before a deploy: can the record directory take its record?  A deploy
 * whose record could not be written would later look interrupted and its
 * output would be lost, so pre-receive refuses it instead (fail closed), as
 * it does when the webhook spool cannot keep its events. */
#ifndef WF_RECORD_SPACE_H
#define WF_RECORD_SPACE_H

#include <stddef.h>
#include "config.h"

/* Free space a deploy needs in the record directory. */
#define WF_RECORD_SPACE_MIN (1024 * 1024)

/* 0, or -1 with a one-line reason (what is wrong and where) in err. */
int wf_record_check_space(const char *git_dir, const struct wf_config *c, char *err, size_t errlen);

#endif
