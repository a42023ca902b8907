/* post-receive: for most pushes there is nothing to do after the refs
 * moved but remove the push's state.  This program, linked with libc only,
 * does that when pre-receive's verdicts (common/sys/push_state.h) say so: no
 * deploy, no hotfix, no webhooks, and every ref that moved is one it
 * allowed.  Otherwise it runs workflow-post-receive, installed beside it,
 * with the same input: the full post-receive (tags, steps, records,
 * webhooks).  Anything a post-receive must do on every push belongs in
 * workflow-post-receive AND in pre-receive's post_receive_needed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "hook_input.h"
#include "lock.h"
#include "owner.h"
#include "push_state.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* exec workflow-post-receive with in as its stdin; returns only on error */
static void run_full(char **argv, const struct sbuf *in)
{
	char self[PATH_MAX], *slash, *full;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd = memfd_create("post-receive-input", MFD_CLOEXEC);

	if (n <= 0 || fd < 0 || (in->len && write(fd, in->buf, in->len) != (ssize_t)in->len) ||
	    lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) < 0) {
		fprintf(stderr, "workflow: post-receive: cannot hand the push to workflow-post-receive; a "
				"deploy runs all the same, unfollowed (see git-workflow log)\n");
		return;
	}
	self[n] = 0;
	slash = strrchr(self, '/');
	/* installed as workflow-post-receive itself: never exec in a loop */
	if (slash && strcmp(slash + 1, "workflow-post-receive")) {
		*slash = 0;
		full = xasprintf("%s/workflow-post-receive", self);
		argv[0] = full;
		execv(full, argv);
		free(full);
		*slash = '/';
	}
	fprintf(stderr, "workflow: post-receive: cannot run workflow-post-receive beside %s; a deploy runs "
			"all the same, unfollowed (see git-workflow log); reinstall the hooks with install.sh\n", self);
}

int main(int argc, char **argv)
{
	struct sbuf in = SBUF_INIT;
	struct wf_update *u = NULL;
	size_t n = 0;
	char err[256];
	const char *git_dir = getenv("GIT_DIR");

	(void)argc;
	if (wf_read_all(0, &in) < 0) {
		fprintf(stderr, "workflow: post-receive: cannot read the hook input; a deploy runs all the same, "
				"unfollowed (see git-workflow log)\n");
		return 1;
	}
	if (git_dir && *git_dir &&
	    wf_hook_input_parse(in.buf ? in.buf : "", in.len, &u, &n, err, sizeof(err)) == 0) {
		char *dir = wf_dir_slash(git_dir);
		long owner = wf_push_owner();
		int needed = wf_push_state_post_needed(dir, owner, u, n);
		if (!needed) {
			wf_push_state_remove(dir, owner);
			wf_lock_release(dir, owner);
		}
		free(dir);
		wf_updates_free(u, n);
		if (!needed) {
			sbuf_free(&in);
			return 0;
		}
	}
	run_full(argv, &in);
	sbuf_free(&in);
	return 1;
}
