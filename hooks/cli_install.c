/* git-workflow install [OPTION...] REPO...: the install.sh the package (or
 * make install) placed in $(pkgdatadir), which copies the installed hook
 * programs into each repository: a host with the package adds the hooks
 * without a compiler (docs/install.md).  Its arguments are the admin's,
 * passed on as argv. */
#include "cli.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WF_PKGDATADIR
#define WF_PKGDATADIR "/usr/share/git-workflow-hooks"
#endif

int cli_install(struct cli *x)
{
	char **argv = xcalloc((size_t)x->argc + 2, sizeof(*argv));

	argv[0] = (char *)WF_PKGDATADIR "/install.sh";
	for (int i = 0; i < x->argc; i++)
		argv[i + 1] = x->argv[i];
	fflush(NULL);
	execv(argv[0], argv);
	fprintf(stderr, "git-workflow: install: cannot run %s: %s (it comes with the package or make install; "
		"in a source checkout run ./install.sh)\n", argv[0], strerror(errno));
	free(argv);
	return 1;
}
