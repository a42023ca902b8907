/* git-workflow: the command-line tool over the same core as the hooks.
 *   git-workflow [-C REPO] [--json] status | log [ENV] | show TAG|N | repair | adopt ENV | check-config [FILE]
 *                                   | notify [--list | --retry | --drop WEBHOOK [--all]]
 * Installed on PATH it is also `git workflow ...`. */
#include "config.h"
#include "identity.h"
#include "lock.h"
#include "notify.h"
#include "outside.h"
#include "record.h"
#include "repair.h"
#include "repo.h"
#include "steps.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int json;

static void usage(FILE *f)
{
	fputs("usage: git-workflow [-C REPO] [--json] COMMAND\n"
	      "  status             each env's tip and deploy tag, what waits to be promoted,\n"
	      "                     hotfixes not merged into Dev, a deploy in progress\n"
	      "  log [ENV]          deploy history, newest first\n"
	      "  show TAG|N         one deploy record, with its steps' output\n"
	      "  repair             tag and record a deploy an interrupted post-receive left\n"
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

static void print_escaped(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_add_escaped(&sb, s ? s : "", s ? strlen(s) : 0);
	fputs(sb.buf ? sb.buf : "", stdout);
	sbuf_free(&sb);
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
	long pending_test = -1, pending_live = -1, hotfixes = -1;
	struct sbuf hot = SBUF_INIT;
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
	if (have[2] && have[0])
		hotfixes = count_between(r, tips[0], tips[2], &hot);

	if (json) {
		struct sbuf sb = SBUF_INIT;
		sbuf_adds(&sb, "{\"envs\":[");
		for (int i = 0; i < 3; i++) {
			sbuf_addf(&sb, "%s{\"name\":", i ? "," : "");
			sbuf_add_json_string(&sb, names[i]);
			sbuf_addf(&sb, ",\"tip\":%s%s%s,\"deploy_tag\":", have[i] ? "\"" : "", have[i] ? tips[i] : "null",
				  have[i] ? "\"" : "");
			if (last[i][0])
				sbuf_add_json_string(&sb, last[i]);
			else
				sbuf_adds(&sb, "null");
			sbuf_addf(&sb, ",\"outside_workflow\":%s}", outside[i] < 0 ? "null" : outside[i] ? "true" : "false");
		}
		sbuf_addf(&sb, "],\"pending_test\":%ld,\"pending_live\":%ld,\"unmerged_hotfixes\":[", pending_test,
			  pending_live);
		{
			int first = 1;
			for (char *line = strtok(hot.buf ? hot.buf : (char[]){ 0 }, "\n"); line; line = strtok(NULL, "\n")) {
				sbuf_adds(&sb, first ? "" : ",");
				sbuf_add_json_string(&sb, line);
				first = 0;
			}
		}
		sbuf_adds(&sb, "],\"deploy_in_progress\":");
		if (locked) {
			char when[32];
			wf_format_time(lock.time, when);
			sbuf_adds(&sb, "{\"env\":");
			sbuf_add_json_string(&sb, lock.env);
			sbuf_adds(&sb, ",\"user\":");
			sbuf_add_json_string(&sb, lock.user);
			sbuf_addf(&sb, ",\"since\":\"%s\"}", when);
		} else {
			sbuf_adds(&sb, "null");
		}
		sbuf_adds(&sb, "}\n");
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
		sbuf_free(&hot);
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
	if (hotfixes > 0) {
		printf("%ld hotfix commit%s on %s not merged into %s (git pull origin %s && git push origin %s):\n",
		       hotfixes, hotfixes == 1 ? "" : "s", names[2], names[0], names[2], names[0]);
		for (char *line = strtok(hot.buf, "\n"); line; line = strtok(NULL, "\n"))
			printf("  %s\n", line);
	}
	if (locked) {
		char when[32];
		wf_format_time(lock.time, when);
		printf("a deploy to %s is in progress (started by %s at %s)\n", lock.env, lock.user, when);
	}
	sbuf_free(&hot);
	return 0;
}

static void json_field(struct sbuf *sb, const char *key, const char *v, int comma)
{
	sbuf_addf(sb, "%s\"%s\":", comma ? "," : "", key);
	if (v)
		sbuf_add_json_string(sb, v);
	else
		sbuf_adds(sb, "null");
}

static void record_json(struct sbuf *sb, const struct wf_record *r, int with_output)
{
	char when[32];
	wf_format_time(r->time, when);
	sbuf_addf(sb, "{\"seq\":%ld", r->seq);
	json_field(sb, "kind", r->kind, 1);
	json_field(sb, "status", r->status, 1);
	json_field(sb, "env", r->env, 1);
	json_field(sb, "ref", r->ref, 1);
	json_field(sb, "pusher", r->pusher, 1);
	json_field(sb, "time", when, 1);
	json_field(sb, "from", r->old_oid, 1);
	json_field(sb, "to", r->new_oid, 1);
	json_field(sb, "tag", r->tag, 1);
	json_field(sb, "options", r->options, 1);
	json_field(sb, "message", r->message, 1);
	json_field(sb, "note", r->note, 1);
	sbuf_adds(sb, ",\"steps\":[");
	for (size_t i = 0; i < r->n_steps; i++) {
		const struct wf_record_step *s = &r->steps[i];
		sbuf_addf(sb, "%s{", i ? "," : "");
		json_field(sb, "name", s->name, 0);
		sbuf_addf(sb, ",\"exit_status\":%d,\"timed_out\":%s,\"duration\":%.3f", s->exit_status,
			  s->timed_out ? "true" : "false", s->duration);
		if (with_output) {
			char *out = NULL;
			size_t len = 0;
			if (wf_decompress(s->zoutput, s->zlen, &out, &len) == 0) {
				json_field(sb, "output", out, 1);
				free(out);
			}
		}
		sbuf_adds(sb, "}");
	}
	sbuf_adds(sb, "]}");
}

static int cmd_log(struct wf_repo *r, const char *env)
{
	long last = wf_record_last(r->git_dir);
	struct sbuf sb = SBUF_INIT;
	int first = 1;

	if (json)
		sbuf_adds(&sb, "[");
	for (long i = last; i >= 1; i--) {
		struct wf_record rec;
		char when[32];
		if (wf_record_read(r->git_dir, i, &rec) != 0)
			continue;
		if (env && (!rec.env || strcmp(rec.env, env))) {
			wf_record_free(&rec);
			continue;
		}
		if (json) {
			if (!first)
				sbuf_adds(&sb, ",");
			record_json(&sb, &rec, 0);
		} else {
			wf_format_time(rec.time, when);
			printf("%4ld %s %-8s %-8s %-5s %-18s %-10s ", rec.seq, when, rec.kind ? rec.kind : "",
			       rec.status ? rec.status : "", rec.env ? rec.env : "", rec.tag ? rec.tag : "-",
			       rec.pusher ? rec.pusher : "");
			print_escaped(rec.message);
			putchar('\n');
		}
		first = 0;
		wf_record_free(&rec);
	}
	if (json) {
		sbuf_adds(&sb, "]\n");
		fputs(sb.buf, stdout);
	} else if (first) {
		printf("no deploys recorded yet\n");
	}
	sbuf_free(&sb);
	return 0;
}

static int cmd_show(struct wf_repo *r, const char *what)
{
	long last = wf_record_last(r->git_dir), seq = 0;
	struct wf_record rec;
	char *end, when[32];

	seq = strtol(what, &end, 10);
	if (*end || seq <= 0) {
		seq = 0;
		for (long i = last; i >= 1 && !seq; i--) {
			if (wf_record_read(r->git_dir, i, &rec) != 0)
				continue;
			if (rec.tag && !strcmp(rec.tag, what))
				seq = i;
			wf_record_free(&rec);
		}
	}
	if (seq <= 0 || wf_record_read(r->git_dir, seq, &rec) != 0) {
		fprintf(stderr, "git-workflow: no deploy record '%s' (see git-workflow log)\n", what);
		return 1;
	}
	if (json) {
		struct sbuf sb = SBUF_INIT;
		record_json(&sb, &rec, 1);
		sbuf_adds(&sb, "\n");
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
		wf_record_free(&rec);
		return 0;
	}
	wf_format_time(rec.time, when);
	printf("record   %ld\nkind     %s\nstatus   %s\nenv      %s\nref      ", rec.seq, rec.kind ? rec.kind : "",
	       rec.status ? rec.status : "", rec.env ? rec.env : "");
	print_escaped(rec.ref);
	printf("\npusher   ");
	print_escaped(rec.pusher);
	printf("\ntime     %s\nfrom     %s\nto       %s\ntag      %s\noptions  ", when, rec.old_oid ? rec.old_oid : "",
	       rec.new_oid ? rec.new_oid : "", rec.tag ? rec.tag : "-");
	print_escaped(rec.options);
	printf("\nmessage  ");
	print_escaped(rec.message);
	if (rec.note) {
		printf("\nnote     ");
		print_escaped(rec.note);
	}
	putchar('\n');
	for (size_t i = 0; i < rec.n_steps; i++) {
		const struct wf_record_step *s = &rec.steps[i];
		char *out = NULL;
		size_t len = 0;
		printf("\nstep %s: %s, exit %d, %.1f s\n", s->name, s->timed_out ? "timed out" : s->exit_status ? "failed" : "ok",
		       s->exit_status, s->duration);
		if (wf_decompress(s->zoutput, s->zlen, &out, &len) == 0) {
			fwrite(out, 1, len, stdout);
			if (len && out[len - 1] != '\n')
				putchar('\n');
			free(out);
		}
	}
	wf_record_free(&rec);
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

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc)
			repo = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
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
	    strcmp(argv[i], "repair") && strcmp(argv[i], "adopt") && strcmp(argv[i], "notify")) {
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
	else if (!strcmp(argv[i], "log"))
		rc = cmd_log(&r, i + 1 < argc ? argv[i + 1] : NULL);
	else
		rc = cmd_show(&r, argv[i + 1]);
	wf_repo_close(&r);
	wf_config_free(&c);
	return rc;
}
