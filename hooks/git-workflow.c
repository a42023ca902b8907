/* git-workflow: the command-line tool over the same core as the hooks.
 *   git-workflow [-C REPO] [--json] [--color] status | log [ENV] | show TAG|N | follow N | repair |
 *                adopt ENV | check-config [FILE]
 *                                   | notify [--list | --retry | --drop WEBHOOK [--all]]
 * Installed on PATH it is also `git workflow ...`. */
#include "config.h"
#include "hotfix.h"
#include "identity.h"
#include "lock.h"
#include "notify.h"
#include "outside.h"
#include "record.h"
#include "follow.h"
#include "record_show.h"
#include "repair.h"
#include "runner.h"
#include "repo.h"
#include "steps.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int json, color;

static void usage(FILE *f)
{
	fputs("usage: git-workflow [-C REPO] [--json] [--color] COMMAND\n"
	      "  status             each env's tip and deploy tag, what waits to be promoted,\n"
	      "                     hotfixes not merged into Dev, a deploy in progress\n"
	      "  log [ENV]          deploy history, newest first\n"
	      "  show TAG|N         one deploy record, with its steps' output (--color keeps\n"
	      "                     its colours; other terminal sequences are shown escaped)\n"
	      "  repair             finish a deploy whose runner or push ended before its record\n"
	      "  follow N           the output of deploy run N as it comes, until it ends\n"
	      "  adopt ENV          accept ENV's tip, moved outside the workflow, as its baseline\n"
	      "  check-config [FILE] load and validate a workflow.conf\n"
	      "  notify [--list]    webhook events waiting in the spool, per webhook\n"
	      "  notify --retry     send the spooled webhook events now, ignoring the backoff\n"
	      "  notify --drop WEBHOOK [--all]\n"
	      "                     set aside the oldest waiting event of WEBHOOK (all with\n"
	      "                     --all): one its receiver will never take\n", f);
}

static int open_repo(struct wf_repo *r, const char *path, struct wf_config *c)
{
	char err[512];
	char *cpath;
	if (wf_repo_open_path(r, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "git-workflow: %s (use -C REPO to name the repository)\n", err);
		return -1;
	}
	cpath = wf_config_path(r->git_dir);
	if (wf_config_load_file(c, cpath, err, sizeof(err)) < 0) {
		fprintf(stderr, "git-workflow: %s\n", err);
		free(cpath);
		wf_repo_close(r);
		return -1;
	}
	free(cpath);
	r->c = c;
	return 0;
}

/* Count of commits in b not in a (a may be missing). */
static long count_between(struct wf_repo *r, const char *a, const char *b, struct sbuf *list)
{
	struct sbuf tmp = SBUF_INIT;
	long n = wf_repo_commit_list(r, a ? a : "0000000000000000000000000000000000000000", b, 0,
				     list ? list : &tmp);
	sbuf_free(&tmp);
	return n;
}

static int cmd_status(struct wf_repo *r)
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
			sbuf_addf(&sb, ",\"outside_workflow\":%s}", outside[i] < 0 ? "null" : outside[i] ? "true" : "false");
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

static int repair(struct wf_session *s, const char *arg)
{
	const struct wf_env *env[2] = { &s->config.test, &s->config.live };
	char tip[WF_OID_MAX + 1];
	int n = wf_repair(s, (long)getpid()), out = 0;

	(void)arg;
	for (int i = 0; i < 2; i++)
		if (wf_outside_check(&s->repo, env[i], tip) > 0) {
			char *m = wf_outside_message(&s->config, env[i], tip);
			printf("%s\n", m);
			free(m);
			out = 1;
		}
	if (n == 0 && !out)
		printf("nothing to repair: every env's tip is tagged and recorded\n");
	return n < 0 ? 1 : 0;
}

/* Finish what repair would first: a journal's deploy is no move outside. */
static int adopt(struct wf_session *s, const char *name)
{
	const struct wf_env *env = wf_config_env_by_name(&s->config, name);

	if (!env) {
		fprintf(stderr, "git-workflow: adopt: no env '%s' (%s or %s)\n", name, s->config.test.name,
			s->config.live.name);
		return 2;
	}
	if (wf_repair(s, (long)getpid()) < 0)
		return 1;
	return wf_outside_adopt(s, env) < 0 ? 1 : 0;
}

/* repair and adopt do what pre-receive does, on demand: as a session of
 * their own under the deploy lock, so no deploy runs meanwhile. */
static int under_lock(struct wf_repo *r, struct wf_config *c, int (*fn)(struct wf_session *, const char *),
		      const char *arg)
{
	struct wf_session s;
	struct wf_lock_info holder;
	char err[512], when[32];
	int l, rc;

	memset(&s, 0, sizeof(s));
	s.repo = *r;
	s.config = *c;
	s.config_ok = 1;
	s.opts_ok = 1;
	s.repo.c = &s.config;
	s.pusher = wf_identity((const char *const *)c->identity_vars, c->n_identity_vars);
	l = wf_lock_acquire(r->git_dir, (long)getpid(), s.pusher, "repair", &holder, err, sizeof(err));
	if (l != 0) {
		if (l < 0) {
			fprintf(stderr, "git-workflow: %s\n", err);
		} else {
			wf_format_time(holder.time, when);
			fprintf(stderr, "git-workflow: a deploy to %s is in progress (started by %s at %s); "
				"run it again when it has finished\n", holder.env, holder.user, when);
		}
		free(s.pusher);
		return 1;
	}
	rc = fn(&s, arg);
	wf_lock_release(r->git_dir, (long)getpid());
	free(s.pusher);
	return rc;
}

/* A deploy run's output from its start, as it comes, until it ends. */
static int cmd_follow(struct wf_repo *r, long run)
{
	fflush(stdout);
	switch (wf_follow(r->git_dir, run, 0, 1)) {
	case WF_FOLLOW_DONE:
		return 0;
	case WF_FOLLOW_NONE:
		fprintf(stderr, "git-workflow: no deploy run %ld in %sworkflow/runs\n", run, r->git_dir);
		return 1;
	case WF_FOLLOW_DIED:
		fprintf(stderr, "git-workflow: the deploy runner ended before the deploy did; run: git-workflow repair\n");
		return 1;
	default:
		return 1;
	}
}

static int cmd_check_config(const char *repo, const char *file)
{
	struct wf_config c;
	char err[512];
	char *path = NULL;
	int rc;

	if (!file) {
		struct wf_repo r;
		if (wf_repo_open_path(&r, repo, err, sizeof(err)) < 0) {
			fprintf(stderr, "git-workflow: %s (name a FILE or use -C REPO)\n", err);
			return 1;
		}
		path = wf_config_path(r.git_dir);
		wf_repo_close(&r);
		file = path;
	}
	rc = wf_config_load_file(&c, file, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	else {
		printf("%s: ok (test: %zu steps, live: %zu steps, %zu webhooks)\n", file, c.test.n_steps, c.live.n_steps,
		       c.n_webhooks);
		wf_config_free(&c);
	}
	free(path);
	return rc < 0 ? 1 : 0;
}

/* notify [--list] | notify --retry: exit 0 when nothing is left pending.
 * notify --drop WEBHOOK [--all]: exit 0 when something was set aside. */
static int cmd_notify(struct wf_repo *r, const struct wf_config *c, const char *arg, const char *webhook,
		      int all)
{
	long pending;

	if (arg && !strcmp(arg, "--drop")) {
		char err[512];
		long n = wf_notify_drop(r->git_dir, c, webhook, all, stdout, err, sizeof(err));
		if (n < 0)
			fprintf(stderr, "git-workflow: %s\n", err);
		return n > 0 ? 0 : 1;
	}
	if (!c->n_webhooks)
		printf("no webhooks configured (notify.webhooks in %s)\n", c->path ? c->path : "workflow.conf");
	if (arg && !strcmp(arg, "--retry"))
		pending = wf_notify_deliver(r->git_dir, c, WF_NOTIFY_RETRY, stdout);
	else
		pending = wf_notify_list(r->git_dir, c, stdout);
	return pending ? 1 : 0;
}

/* notify's arguments: none, --list, --retry, or --drop WEBHOOK [--all]. */
static int notify_args_ok(int n, char **a)
{
	if (n == 0)
		return 1;
	if (n == 1)
		return !strcmp(a[0], "--list") || !strcmp(a[0], "--retry");
	return !strcmp(a[0], "--drop") && (n == 2 || (n == 3 && !strcmp(a[2], "--all")));
}

int main(int argc, char **argv)
{
	const char *repo = ".";
	struct wf_repo r;
	struct wf_config c;
	int i = 1, rc;

	if (argc > 1 && !strcmp(argv[1], WF_RUNNER_ARG))
		return wf_runner_main(argc, argv);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc)
			repo = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--color"))
			color = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "git-workflow: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "check-config"))
		return cmd_check_config(repo, i + 1 < argc ? argv[i + 1] : NULL);
	if (strcmp(argv[i], "status") && strcmp(argv[i], "log") && strcmp(argv[i], "show") &&
	    strcmp(argv[i], "repair") && strcmp(argv[i], "adopt") && strcmp(argv[i], "notify") &&
	    strcmp(argv[i], "follow")) {
		fprintf(stderr, "git-workflow: unknown command '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "adopt") && i + 1 >= argc) {
		fprintf(stderr, "git-workflow: adopt needs an env (test or live)\n");
		return 2;
	}
	if (!strcmp(argv[i], "show") && i + 1 >= argc) {
		fprintf(stderr, "git-workflow: show needs a deploy tag or record number\n");
		return 2;
	}
	if (!strcmp(argv[i], "follow") && (i + 1 >= argc || atol(argv[i + 1]) <= 0)) {
		fprintf(stderr, "git-workflow: follow needs a deploy run number (the push printed it)\n");
		return 2;
	}
	if (open_repo(&r, repo, &c) < 0)
		return 1;
	if (!strcmp(argv[i], "notify") && !notify_args_ok(argc - i - 1, argv + i + 1)) {
		fprintf(stderr, "git-workflow: notify takes --list, --retry or --drop WEBHOOK [--all], not '%s'\n",
			i + 1 < argc ? argv[i + 1] : "");
		wf_repo_close(&r);
		wf_config_free(&c);
		return 2;
	}
	if (!strcmp(argv[i], "status"))
		rc = cmd_status(&r);
	else if (!strcmp(argv[i], "repair"))
		rc = under_lock(&r, &c, repair, NULL);
	else if (!strcmp(argv[i], "adopt"))
		rc = under_lock(&r, &c, adopt, argv[i + 1]);
	else if (!strcmp(argv[i], "notify"))
		rc = cmd_notify(&r, &c, i + 1 < argc ? argv[i + 1] : NULL, i + 2 < argc ? argv[i + 2] : NULL,
				i + 3 < argc);
	else if (!strcmp(argv[i], "follow"))
		rc = cmd_follow(&r, atol(argv[i + 1]));
	else if (!strcmp(argv[i], "log"))
		rc = wf_record_log(r.git_dir, i + 1 < argc ? argv[i + 1] : NULL, json, stdout, stderr);
	else
		rc = wf_record_show(r.git_dir, argv[i + 1], json, color, stdout, stderr);
	wf_repo_close(&r);
	wf_config_free(&c);
	return rc;
}
