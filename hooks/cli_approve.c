/* git-workflow approve TAG: the tool's user approves a Test deploy that
 * passed, as a push to refs/approve/TAG does (docs/workflow.md
 * "Approvals"). */
#include "approve.h"
#include "cli.h"
#include "outcome.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The commit of test's deploy tag: 0, or 1 when tag is none of test's. */
static int tag_commit(struct cli *x, const char *tag, char oid[GIT_OID_HEXSZ + 1])
{
	char *prefix = xasprintf("%s_%s_", x->c.tag_prefix, x->c.test.name), *end;
	size_t len = strlen(prefix);
	long n = 0;
	int r = 1;

	if (!strncmp(tag, prefix, len) && tag[len] >= '1' && tag[len] <= '9') {
		n = strtol(tag + len, &end, 10);
		if (!*end && n > 0)
			r = wf_repo_deploy_tag_target(&x->r, x->c.test.name, n, oid) == 0 ? 0 : 1;
	}
	free(prefix);
	return r;
}

int cli_approve(struct cli *x)
{
	const char *tag = x->argv[0];
	char oid[GIT_OID_HEXSZ + 1];
	struct wf_outcome o;
	struct wf_session s;
	int rc;

	if (tag_commit(x, tag, oid) != 0) {
		fprintf(stderr, "git-workflow: approve: '%s' is no deploy tag of %s (git-workflow log %s lists them)\n",
			tag, x->c.test.name, x->c.test.name);
		return 1;
	}
	if (wf_outcome_read(x->r.git_dir, x->c.test.name, oid, &o) != 0 || strcmp(o.tag, tag) ||
	    strcmp(o.state, "ok")) {
		fprintf(stderr, "git-workflow: approve: %s is not a %s deploy that passed; only one that did can be "
			"approved\n", tag, x->c.test.name);
		return 1;
	}
	cli_session(x, &s);
	rc = wf_approve(&s, tag, oid, "") < 0;
	cli_session_end(&s);
	return rc;
}
