/* git-workflow status: each env's tip and deploy tag, what waits to be
 * promoted, hotfixes not merged into Dev, a deploy in progress. */
#include "cli.h"
#include "freeze.h"
#include "hotfix.h"
#include "journal.h"
#include "lock.h"
#include "outcome.h"
#include "outside.h"
#include "release.h"
#include "release_deploy.h"
#include "text.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Count of commits in b not in a (a may be missing): exact, from the
 * commit-graph when there is one (status is asked for, not on a push). */
static long count_between(struct wf_repo *r, const char *a, const char *b)
{
	int more;
	return wf_repo_commit_count(r, a ? a : WF_ZERO_OID, b, LONG_MAX - 1, &more);
}

/* What status shows, gathered once for the text and the JSON. */
struct view {
	const struct wf_config *c;
	const char *names[3];
	const struct wf_env *env[3];    /* NULL for Dev */
	char tips[3][GIT_OID_HEXSZ + 1];
	int have[3], outside[3];
	char last[3][128];
	struct wf_outcome deployed[3];  /* each env's last deploy and how it ended */
	int have_deployed[3];
	int runner_gone[3];             /* "running", but its runner is gone: repair has not seen it yet */
	char apart[3][WF_RELEASE_NAME_MAX]; /* current's release when it names another commit than the branch */
	char *frozen[3];                /* the freeze window in force now, described (NULL: none) */
	long pending_test, pending_live;
	struct wf_hotfix_report hot;
	struct wf_lock_info lock;
	int locked;
};

/* The env's last deploy, and whether its branch and current part. */
static void gather_env(struct wf_repo *r, struct view *v, int i, const struct wf_env *e)
{
	struct wf_release_info info;
	const struct wf_freeze *f;
	char tip[WF_OID_MAX + 1];
	struct wf_job j;

	v->have_deployed[i] = wf_outcome_last(r->git_dir, e->name, &v->deployed[i]) == 0;
	if (v->have_deployed[i] && !strcmp(v->deployed[i].state, "running")) {
		int r2 = wf_job_read(r->git_dir, e->name, &j);
		v->runner_gone[i] = r2 != 0 || !wf_job_owner_alive(&j);
		if (r2 == 0)
			wf_job_free(&j);
	}
	if (wf_release_apart(r, e, &info, tip))
		snprintf(v->apart[i], sizeof(v->apart[i]), "%s", info.name);
	if (e->n_freeze && (f = wf_freeze_find(e->freeze, e->n_freeze, time(NULL))))
		v->frozen[i] = wf_freeze_describe(f);
}

static void gather(struct wf_repo *r, struct view *v)
{
	const struct wf_config *c = r->c;
	const char *refs[3] = { c->dev_ref, c->test.ref, c->live.ref };

	memset(v, 0, sizeof(*v));
	v->c = c;
	v->names[0] = c->dev_branch, v->names[1] = c->test.branch, v->names[2] = c->live.branch;
	v->env[1] = &c->test, v->env[2] = &c->live;
	v->locked = wf_lock_status(r->git_dir, &v->lock) == 0;
	v->pending_test = v->pending_live = -1;
	for (int i = 0; i < 3; i++) {
		v->have[i] = wf_repo_ref_tip(r, refs[i], v->tips[i]) == 0;
		gather_env(r, v, i, i ? v->env[i] : &c->dev);
		if (v->env[i]) {
			const char *e = v->env[i]->name;
			long n = wf_repo_last_deploy_number(r, e);
			char t[GIT_OID_HEXSZ + 1];
			struct wf_outcome o;
			/* the deploy that put the tip there (a failed one after it
			 * was moved back is not its tag) */
			if (v->have[i] && wf_outcome_read(r->git_dir, e, v->tips[i], &o) == 0 && strcmp(o.tag, "-"))
				snprintf(v->last[i], sizeof(v->last[i]), "%s", o.tag);
			else if (n > 0 && wf_repo_deploy_tag_target(r, e, n, t) == 0)
				snprintf(v->last[i], sizeof(v->last[i]), "%s_%s_%ld%s", c->tag_prefix, e, n,
					 v->have[i] && !strcmp(t, v->tips[i]) ? "" : " (tip moved since)");
			v->outside[i] = wf_outside_check(r, v->env[i], (char[WF_OID_MAX + 1]){ 0 });
		}
	}
	if (v->have[0])
		v->pending_test = count_between(r, v->have[1] ? v->tips[1] : NULL, v->tips[0]);
	if (v->have[1])
		v->pending_live = count_between(r, v->have[2] ? v->tips[2] : NULL, v->tips[1]);
	/* from the hotfix deploy tags: a rollback may have taken a hotfix off
	 * its env, and Dev still lacks it */
	if (wf_hotfix_report(r, v->have[0] ? v->tips[0] : NULL, &v->hot) < 0)
		fprintf(stderr, "git-workflow: status: cannot read the hotfix deploy tags\n");
}

static void last_deploy_json(const struct view *v, int i, struct sbuf *sb)
{
	const struct wf_outcome *o = &v->deployed[i];

	sbuf_adds(sb, ",\"last_deploy\":");
	if (v->have_deployed[i]) {
		sbuf_adds(sb, "{\"outcome\":");
		wf_json_string(sb, o->state, strlen(o->state));
		sbuf_adds(sb, ",\"tag\":");
		if (strcmp(o->tag, "-"))
			wf_json_string(sb, o->tag, strlen(o->tag));
		else
			sbuf_adds(sb, "null");
		sbuf_addf(sb, ",\"record\":%ld,\"commit\":\"%s\",\"runner_gone\":%s}", o->record, o->oid,
			  v->runner_gone[i] ? "true" : "false");
	} else {
		sbuf_adds(sb, "null");
	}
	sbuf_adds(sb, ",\"frozen\":");
	if (v->frozen[i])
		wf_json_string(sb, v->frozen[i], strlen(v->frozen[i]));
	else
		sbuf_adds(sb, "null");
	sbuf_adds(sb, ",\"current_apart\":");
	if (v->apart[i][0])
		wf_json_string(sb, v->apart[i], strlen(v->apart[i]));
	else
		sbuf_adds(sb, "null");
}

/* How each env's last deploy ended (a failed one shows, not only tags),
 * and any env whose branch and current part while no deploy runs. */
static void print_outcomes(const struct view *v)
{
	for (int i = 0; i < 3; i++) {
		const struct wf_outcome *o = &v->deployed[i];
		const char *tag = strcmp(o->tag, "-") ? o->tag : "";
		if (v->have_deployed[i] && o->record)
			printf("%-8s last deploy %s%sof %.12s: %s (git-workflow show %ld)\n", v->names[i], tag,
			       *tag ? " " : "", o->oid, o->state, o->record);
		else if (v->have_deployed[i])
			printf("%-8s last deploy %s%sof %.12s: %s%s\n", v->names[i], tag, *tag ? " " : "", o->oid,
			       o->state, v->runner_gone[i] ? "; WARNING: its runner is gone: run git-workflow repair" : "");
		if (v->frozen[i])
			printf("%-8s FROZEN now: no deploys %s, but by freeze.overriders with -o override=\"REASON\"\n",
			       v->names[i], v->frozen[i]);
		if (v->apart[i][0] && !v->locked)
			printf("WARNING: %s is on %.12s but its current serves releases/%s, another commit: run "
			       "git-workflow repair\n", v->names[i], v->tips[i], v->apart[i]);
	}
}

static void print_json(struct cli *x, const struct view *v)
{
	struct sbuf sb = SBUF_INIT;
	char when[32];

	sbuf_adds(&sb, "{\"envs\":[");
	for (int i = 0; i < 3; i++) {
		sbuf_addf(&sb, "%s{\"name\":", i ? "," : "");
		wf_json_string(&sb, v->names[i], strlen(v->names[i]));
		sbuf_addf(&sb, ",\"tip\":%s%s%s,\"deploy_tag\":", v->have[i] ? "\"" : "",
			  v->have[i] ? v->tips[i] : "null", v->have[i] ? "\"" : "");
		if (v->last[i][0])
			wf_json_string(&sb, v->last[i], strlen(v->last[i]));
		else
			sbuf_adds(&sb, "null");
		sbuf_addf(&sb, ",\"outside_workflow\":%s",
			  v->outside[i] < 0 ? "null" : v->outside[i] ? "true" : "false");
		last_deploy_json(v, i, &sb);
		cli_releases_json(i ? &v->env[i]->rel : &v->c->dev.rel, &sb);
		sbuf_adds(&sb, "}");
	}
	sbuf_addf(&sb, "],\"pending_test\":%ld,\"pending_live\":%ld", v->pending_test, v->pending_live);
	wf_hotfix_report_json(&v->hot, &sb);
	sbuf_adds(&sb, ",\"deploy_in_progress\":");
	if (v->locked) {
		wf_format_time(v->lock.time, when);
		sbuf_adds(&sb, "{\"env\":");
		wf_json_string(&sb, v->lock.env, strlen(v->lock.env));
		sbuf_adds(&sb, ",\"user\":");
		wf_json_string(&sb, v->lock.user, strlen(v->lock.user));
		sbuf_addf(&sb, ",\"since\":\"%s\"}", when);
	} else {
		sbuf_adds(&sb, "null");
	}
	cli_multidev_json(x, &sb);
	sbuf_adds(&sb, "}\n");
	fputs(sb.buf, stdout);
	sbuf_free(&sb);
}

static void print_text(struct cli *x, const struct view *v)
{
	const char *const *names = v->names;
	char when[32];

	for (int i = 0; i < 3; i++)
		printf("%-8s %-14.12s %s\n", names[i], v->have[i] ? v->tips[i] : "(none)", v->last[i]);
	print_outcomes(v);
	cli_releases_status(v->c);
	cli_multidev_status(x);
	for (int i = 1; i < 3; i++) {
		char *m = v->outside[i] > 0 ? wf_outside_message(v->c, v->env[i], v->tips[i]) : NULL;
		if (v->outside[i] < 0)
			printf("cannot tell whether %s moved outside the workflow\n", names[i]);
		else if (m)
			printf("%s\n", m);
		free(m);
	}
	if (v->pending_test >= 0)
		printf("%ld commit%s on %s not yet on %s\n", v->pending_test, v->pending_test == 1 ? "" : "s",
		       names[0], names[1]);
	if (v->pending_live >= 0)
		printf("%ld commit%s on %s not yet on %s\n", v->pending_live, v->pending_live == 1 ? "" : "s",
		       names[1], names[2]);
	wf_hotfix_report_print(&v->hot, v->c);
	if (v->locked) {
		wf_format_time(v->lock.time, when);
		printf("a deploy to %s is in progress (started by %s at %s)\n", v->lock.env, v->lock.user, when);
	}
}

static int status(struct cli *x)
{
	struct view *v = xcalloc(1, sizeof(*v));

	gather(&x->r, v);
	if (x->json)
		print_json(x, v);
	else
		print_text(x, v);
	wf_hotfix_report_free(&v->hot);
	for (int i = 0; i < 3; i++)
		free(v->frozen[i]);
	free(v);
	return 0;
}

int cli_status(struct cli *x)
{
	return status(x);
}
