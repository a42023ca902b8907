/* update: called by git once per pushed ref, so it must start fast: it is
 * linked with libc only (no libgit2, no libconfig).  It answers with the
 * verdict pre-receive saved for this exact (ref, old, new) (see
 * common/sys/push_state.h); when there is none (pre-receive not installed, or
 * it could not save them) it runs workflow-update, installed beside it,
 * which opens the repository and decides. */
#include "owner.h"
#include "push_state.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void run_full_checker(char **argv)
{
	char self[PATH_MAX], *slash, *full;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		/* installed as workflow-update itself: never exec in a loop */
		if (slash && strcmp(slash + 1, "workflow-update")) {
			*slash = 0;
			full = xasprintf("%s/workflow-update", self);
			argv[0] = full;
			execv(full, argv);
			free(full);
			*slash = '/';
		}
	}
	/* fail closed: without a verdict and without the checker, refuse */
	fprintf(stderr, "workflow: update hook: cannot run workflow-update beside it (%s); reinstall the "
			"hooks with install.sh; %s refused\n", n > 0 ? self : "/proc/self/exe unreadable",
		argv[1] ? argv[1] : "ref");
}

int main(int argc, char **argv)
{
	const char *git_dir = getenv("GIT_DIR");

	if (argc == 4 && git_dir && *git_dir) {
		char *dir = wf_dir_slash(git_dir);
		int v = wf_push_state_verdict(dir, wf_push_owner(), argv[1], argv[2], argv[3]);
		free(dir);
		/* a refused ref: pre-receive already told the pusher why */
		if (v >= 0)
			return v;
	}
	run_full_checker(argv);
	return 1;
}
