#include "identity.h"
#include "util.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The name comes from the host (an HTTP auth user name, a GitLab user...),
 * not from git, so it may hold any byte.  A name with a control byte
 * (newline, ESC, ...) would forge lines in tag annotations, records, lock
 * files and the messages the pusher sees: such a name is used escaped
 * (one printable line).  Other names, UTF-8 included, are kept as they
 * are so hotfix.users still matches them. */
static char *safe_name(const char *v)
{
	struct sbuf sb = SBUF_INIT;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
			sbuf_add_escaped(&sb, v, strlen(v));
			return sbuf_detach(&sb);
		}
	return xstrdup(v);
}

char *wf_identity(const char *const *vars, size_t n)
{
	struct passwd *pw;

	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return safe_name(v);
	}
	pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return safe_name(pw->pw_name);
	return xasprintf("uid-%ld", (long)geteuid());
}
