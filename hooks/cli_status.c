/* git-workflow status: each env's tip and deploy tag, what waits to be
 * promoted, hotfixes not merged into Dev, a deploy in progress. */
#include "cli.h"
#include "hotfix.h"
#include "lock.h"
#include "outside.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Count of commits in b not in a (a may be missing). */
static long count_between(struct wf_repo *r, const char *a, const char *b, struct sbuf *list)
{
	struct sbuf tmp = SBUF_INIT;
	long n = wf_repo_commit_list(r, a ? a : "0000000000000000000000000000000000000000", b, 0,
				     list ? list : &tmp);
	sbuf_free(&tmp);
	return n;
}

static int status(struct wf_repo *r, int json)
{
	const struct wf_config *c = r->c;
	const char *names[3] = { c->dev_branch, c->test.branch, c->live.branch };
	const char *refs[3] = { c->dev_ref, c->test.ref, c->live.ref };
	const char *envs[3] = { NULL, c->test.name, c->live.name };
	const struct wf_env *env[3] = { NULL, &c->test, &c->live };
	int outside[3] = { 0, 0, 0 };
	char tips[3][GIT_OID_HEXSZ + 1];
	int have[3];
	long pending_test = -1, pending_live = -1;
	struct wf_hotfix_report hot;
	struct wf_lock_info lock;
	int locked = wf_lock_status(r->git_dir, &lock) == 0;
	char last[3][128];

	for (int i = 0; i < 3; i++) {
		have[i] = wf_repo_ref_tip(r, refs[i], tips[i]) == 0;
		last[i][0] = '\0';
		if (envs[i]) {
			long n = wf_repo_last_deploy_number(r, envs[i]);
			char t[GIT_OID_HEXSZ + 1];
			if (n > 0 && wf_repo_deploy_tag_target(r, envs[i], n, t) == 0)
				snprintf(last[i], sizeof(last[i]), "%s_%s_%ld%s", c->tag_prefix, envs[i], n,
					 have[i] && !strcmp(t, tips[i]) ? "" : " (tip moved since)");
			outside[i] = wf_outside_check(r, env[i], (char[WF_OID_MAX + 1]){ 0 });
		}
	}
	if (have[0])
		pending_test = count_between(r, have[1] ? tips[1] : NULL, tips[0], NULL);
	if (have[1])
		pending_live = count_between(r, have[2] ? tips[2] : NULL, tips[1], NULL);
	/* from the hotfix deploy tags: a rollback may have taken a hotfix off
	 * its env, and Dev still lacks it */
	if (wf_hotfix_report(r, have[0] ? tips[0] : NULL, &hot) < 0)
		fprintf(stderr, "git-workflow: status: cannot read the hotfix deploy tags\n");

	if (json) {
		struct sbuf sb = SBUF_INIT;
		sbuf_adds(&sb, "{\"envs\":[");
		for (int i = 0; i < 3; i++) {
			sbuf_addf(&sb, "%s{\"name\":", i ? "," : "");
			wf_json_string(&sb, names[i], strlen(names[i]));
			sbuf_addf(&sb, ",\"tip\":%s%s%s,\"deploy_tag\":", have[i] ? "\"" : "", have[i] ? tips[i] : "null",
				  have[i] ? "\"" : "");
			if (last[i][0])
				wf_json_string(&sb, last[i], strlen(last[i]));
			else
				sbuf_adds(&sb, "null");
			sbuf_addf(&sb, ",\"outside_workflow\":%s", outside[i] < 0 ? "null" : outside[i] ? "true" : "false");
			cli_releases_json(i ? &env[i]->rel : &c->dev.rel, &sb);
			sbuf_adds(&sb, "}");
		}
		sbuf_addf(&sb, "],\"pending_test\":%ld,\"pending_live\":%ld", pending_test, pending_live);
		wf_hotfix_report_json(&hot, &sb);
		sbuf_adds(&sb, ",\"deploy_in_progress\":");
		if (locked) {
			char when[32];
			wf_format_time(lock.time, when);
			sbuf_adds(&sb, "{\"env\":");
			wf_json_string(&sb, lock.env, strlen(lock.env));
			sbuf_adds(&sb, ",\"user\":");
			wf_json_string(&sb, lock.user, strlen(lock.user));
			sbuf_addf(&sb, ",\"since\":\"%s\"}", when);
		} else {
			sbuf_adds(&sb, "null");
		}
		sbuf_adds(&sb, "}\n");
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
		wf_hotfix_report_free(&hot);
		return 0;
	}
	for (int i = 0; i < 3; i++)
		printf("%-8s %-14.12s %s\n", names[i], have[i] ? tips[i] : "(none)", last[i]);
	cli_releases_status(c);
	for (int i = 1; i < 3; i++) {
		char *m = outside[i] > 0 ? wf_outside_message(c, env[i], tips[i]) : NULL;
		if (outside[i] < 0)
			printf("cannot tell whether %s moved outside the workflow\n", names[i]);
		else if (m)
			printf("%s\n", m);
		free(m);
	}
	if (pending_test >= 0)
		printf("%ld commit%s on %s not yet on %s\n", pending_test, pending_test == 1 ? "" : "s", names[0], names[1]);
	if (pending_live >= 0)
		printf("%ld commit%s on %s not yet on %s\n", pending_live, pending_live == 1 ? "" : "s", names[1], names[2]);
	wf_hotfix_report_print(&hot, c);
	if (locked) {
		char when[32];
		wf_format_time(lock.time, when);
		printf("a deploy to %s is in progress (started by %s at %s)\n", lock.env, lock.user, when);
	}
	wf_hotfix_report_free(&hot);
	return 0;
}

int cli_status(struct cli *x)
{
	return status(&x->r, x->json);
}
