#include "identity.h"
#include "text.h"
#include "util.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The name comes from the host (an HTTP auth user name, a GitLab user...),
 * not from git, so it may hold any byte.  A control byte (newline, ESC, ...)
 * would forge lines in tag annotations, records, lock files and the
 * messages the pusher sees, so the name is made one printable line here,
 * where it is read: control characters and invalid UTF-8 escaped, other
 * names (UTF-8 included) kept as they are, so hotfix.users still matches.
 * Escaping that line again changes nothing, so it is shown escaped once. */
static char *safe_name(const char *v)
{
	struct sbuf sb = SBUF_INIT;
	wf_text_line(&sb, v, strlen(v));
	return sbuf_detach(&sb);
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
