/* The database half of content down (content_db.h): a stub until the
 * database block exists; with no database configured there is nothing to
 * copy, which is what it says. */
#include "content_db.h"

int wf_content_db(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, char *err, size_t errlen)
{
	(void)s;
	(void)from;
	(void)to;
	(void)err;
	(void)errlen;
	return 0;
}
