/* git-workflow clone-content FROM TO (docs/content.md): what -o
 * clone-content does in a deploy, on demand, under TO's deploy lock so no
 * deploy of TO runs meanwhile; into Live only with --content-up. */
#include "cli.h"
#include "content.h"
#include "content_clone.h"
#include "lock.h"
#include "record.h"
#include "release.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Its record: what was cloned (or why not), as a deploy's note says it. */
static void record(struct wf_session *s, const struct wf_env *to, const char *what, int failed)
{
	struct wf_record r;

	wf_record_start(&r, "clone-content", failed ? "failed" : "ok", to->name, to->ref, s->pusher, NULL, NULL);
	r.message = (char *)what;
	if (wf_record_write(s->repo.git_dir, &r) < 0)
		fprintf(stderr, "git-workflow: warning: could not record the clone in %sworkflow/records\n",
			s->repo.git_dir);
}

static int clone_locked(struct cli *x, struct wf_session *s, const struct wf_env *from, const struct wf_env *to)
{
	struct wf_lock_info holder;
	char err[1024], when[32], *summary = NULL;
	int rc, l = wf_lock_acquire_wait(x->r.git_dir, (long)getpid(), s->pusher, to->name, &holder, err,
					 sizeof(err), WF_LOCK_WAIT_MS);

	if (l != 0) {
		if (l > 0) {
			wf_format_time(holder.time, when);
			snprintf(err, sizeof(err), "a deploy to %s is in progress (started by %s at %s); run it again "
				 "when it has finished", holder.env, holder.user, when);
		}
		fprintf(stderr, "git-workflow: clone-content: %s\n", err);
		return 1;
	}
	rc = wf_content_clone(s, from, to, &summary, err, sizeof(err)) < 0;
	if (rc) {
		fprintf(stderr, "git-workflow: clone-content: %s\n", err);
		record(s, to, err, 1);
	} else {
		printf("%s: %s; its old content replaced (removed now)\n", to->name, summary);
		record(s, to, summary, 0);
		wf_release_empty_trash(&to->rel);
	}
	free(summary);
	wf_lock_release(x->r.git_dir, (long)getpid());
	return rc;
}

int cli_clone_content(struct cli *x)
{
	const char *names[2] = { NULL, NULL };
	const struct wf_env *from, *to;
	struct wf_session s;
	int up = 0, k = 0, rc = 2;
	char *why, *hint;

	for (int i = 0; i < x->argc; i++)
		if (!strcmp(x->argv[i], "--content-up"))
			up = 1;
		else if (k < 2 && x->argv[i][0] != '-')
			names[k++] = x->argv[i];
	if (k != 2 || x->argc != 2 + up) {
		fprintf(stderr, "git-workflow: clone-content needs FROM and TO (and --content-up into live)\n");
		return 2;
	}
	cli_session(x, &s);
	from = wf_content_env(&s, names[0]);
	to = wf_content_env(&s, names[1]);
	if (!from || !to) {
		fprintf(stderr, "git-workflow: clone-content: no env '%s' (dev with a path, test, live or a branch "
			"environment)\n", from ? names[1] : names[0]);
	} else if ((why = wf_content_refusal(&s.config, from->name, to, up, 0, s.pusher, &hint))) {
		/* the command line is the server's own: its user is trusted as an admin */
		fprintf(stderr, "git-workflow: clone-content: %s%s\n", why,
			!strcmp(to->name, s.config.live.name) ? " (--content-up says it is meant)" : "");
		free(why);
		free(hint);
		rc = 1;
	} else {
		rc = clone_locked(x, &s, from, to);
	}
	cli_session_end(&s);
	return rc;
}
