/* An approval of a Test deploy, by a push to refs/approve/<tag> or by
 * `git-workflow approve TAG` (approve.h): noted, recorded, said. */
#include "approve.h"
#include "approvals.h"
#include "push_options.h"
#include "record.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int wf_approve(struct wf_session *s, const char *tag, const char *commit, const char *ref)
{
	const struct wf_env *test = &s->config.test;
	int need = s->config.live.approvals, r = wf_approval_add(s->repo.git_dir, tag, s->pusher);
	struct wf_record rec;
	char **who = NULL;
	size_t n = 0;

	if (r < 0) {
		wf_say("workflow: cannot note the approval of %s in %sworkflow/approvals: %s", tag, s->repo.git_dir,
		       strerror(errno));
		return -1;
	}
	if (r == 1) {
		wf_say("workflow: %s had already approved %s", s->pusher, tag);
		return 1;
	}
	wf_approvals_read(s->repo.git_dir, tag, &who, &n);
	wf_strv_free(who, n);
	wf_record_start(&rec, "approval", "ok", test->name, ref, s->pusher, NULL, commit);
	rec.tag = (char *)tag;
	rec.message = xasprintf("%s approved %s (%zu approval%s; %s needs %d by others than its pusher)", s->pusher,
				tag, n, n == 1 ? "" : "s", s->config.live.branch, need);
	wf_say("workflow: %s", rec.message);
	if (wf_record_write(s->repo.git_dir, &rec) < 0)
		wf_say("workflow: warning: could not record the approval");
	else
		wf_say("workflow: recorded as record %ld (git-workflow show %ld)", rec.seq, rec.seq);
	free(rec.message);
	return 0;
}
