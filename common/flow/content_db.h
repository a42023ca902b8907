/* The database half of content down (docs/content.md): after the files,
 * the source env's database into the target's, then the target's sanitize
 * steps. */
#ifndef WF_CONTENT_DB_H
#define WF_CONTENT_DB_H

#include <stddef.h>
#include "session.h"
/* What wf_content_db copied, for the record: "database A into B (1
 * sanitize step)"; NULL when no database is configured for them. */
char *wf_content_db_note(struct wf_session *s, const struct wf_env *from, const struct wf_env *to);
/* Copy from's database into to's and run to's sanitize steps, after the
 * files (docs/content.md). 0 when done or when no database is configured for
 * them; -1 with a one-line reason in err. Lines for the pusher via wf_say. */
int wf_content_db(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, char *err, size_t errlen);

#endif
