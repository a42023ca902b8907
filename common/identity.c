#include "identity.h"
#include "util.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

char *wf_identity(const char *const *vars, size_t n)
{
	struct passwd *pw;

	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return xstrdup(v);
	}
	pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	return xasprintf("uid-%ld", (long)geteuid());
}
