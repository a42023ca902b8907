/* git-workflow multidev list | delete NAME | prune --older AGE, and the
 * branch envs in status (docs/branch-envs.md). */
#include "cli.h"
#include "journal.h"
#include "lock.h"
#include "multidev_flow.h"
#include "multidev_registry.h"
#include "outcome.h"
#include "release.h"
#include "release_deploy.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct wf_env *env_of(struct wf_session *s, const struct wf_md_entry *e)
{
	char *ref = xasprintf("refs/heads/%s", e->branch);
	const struct wf_env *env = wf_session_env(s, e->name, ref);

	free(ref);
	return env;
}

/* One line of text for a field people or pushes wrote. */
static char *shown(const char *v)
{
	struct sbuf sb = SBUF_INIT;
	wf_text_line(&sb, v, strlen(v));
	return sbuf_detach(&sb);
}

static void entry_json(struct wf_session *s, const struct wf_md_entry *e, struct sbuf *sb)
{
	const struct wf_env *env = env_of(s, e);
	struct wf_outcome o;
	char when[32];

	wf_format_time(e->created, when);
	sbuf_adds(sb, "{\"name\":");
	wf_json_string(sb, e->name, strlen(e->name));
	sbuf_adds(sb, ",\"branch\":");
	wf_json_string(sb, e->branch, strlen(e->branch));
	sbuf_addf(sb, ",\"created\":\"%s\",\"created_by\":", when);
	wf_json_string(sb, e->created_by, strlen(e->created_by));
	sbuf_addf(sb, ",\"create_steps\":\"%s\",\"pinned\":%s,\"expires\":", e->create, e->pinned ? "true" : "false");
	if (wf_md_expires(e, s->config.multidev.expire)) {
		wf_format_time(wf_md_expires(e, s->config.multidev.expire), when);
		sbuf_addf(sb, "\"%s\"", when);
	} else {
		sbuf_adds(sb, "null");
	}
	if (wf_outcome_last(s->repo.git_dir, e->name, &o) == 0)
		sbuf_addf(sb, ",\"last_deploy\":{\"outcome\":\"%s\",\"record\":%ld,\"commit\":\"%s\"}", o.state,
			  o.record, o.oid);
	if (env)
		cli_releases_json(&env->rel, sb);
	sbuf_adds(sb, "}");
}

/* A branch env whose branch and current name two commits (no deploy
 * runs for it: it has no journal), flagged as status flags Test's. */
static void apart(struct wf_session *s, const struct wf_env *env, const char *name)
{
	struct wf_release_info info;
	char tip[WF_OID_MAX + 1];

	if (env && wf_job_present(s->repo.git_dir, name) == 0 && wf_release_apart(&s->repo, env, &info, tip))
		printf("WARNING: the branch environment %s is on %.12s but its current serves releases/%s, another "
		       "commit: push a new commit to its branch to deploy it again\n", name, tip, info.name);
}

/* How the branch env's last deploy ended, when not ok (a failed one shows). */
static void last_deploy(struct wf_session *s, const char *name)
{
	struct wf_outcome o;

	if (wf_outcome_last(s->repo.git_dir, name, &o) == 0 && strcmp(o.state, "ok"))
		printf("  %s: last deploy of %.12s: %s%s%.0ld%s\n", name, o.oid, o.state,
		       o.record ? " (git-workflow show " : "", o.record, o.record ? ")" : "");
}

/* "; expires 2026-12-17T10:00:00Z", "; pinned (-o keep-env)" or "" */
static const char *expiry(struct wf_session *s, const struct wf_md_entry *e)
{
	static char buf[96];
	char when[32];
	long long at = wf_md_expires(e, s->config.multidev.expire);

	if (!s->config.multidev.expire)
		return "";
	if (!at)
		return "; pinned (-o keep-env): never expires";
	wf_format_time(at, when);
	snprintf(buf, sizeof(buf), "; expires %s", when);
	return buf;
}

static void entry_text(struct wf_session *s, const struct wf_md_entry *e)
{
	const struct wf_env *env = env_of(s, e);
	char cur[WF_RELEASE_NAME_MAX] = "", when[32];
	char *b = shown(e->branch), *by = shown(e->created_by);

	if (!env || wf_release_current(&env->rel, cur) != 0)
		strcpy(cur, "(none yet)");
	wf_format_time(e->created, when);
	printf("%-16s %-24s %-28s created %s by %s%s%s\n", e->name, b, cur, when, by,
	       !strcmp(e->create, "ok") ? "" : !strcmp(e->create, "failed") ? " (create steps failed)"
										: " (being created)",
	       expiry(s, e));
	apart(s, env, e->name);
	last_deploy(s, e->name);
	free(b);
	free(by);
}

/* Every branch env: text lines, or a JSON array into json; say_none: a
 * line when there is none. */
static int list(struct cli *x, struct sbuf *json, int say_none)
{
	struct wf_session s;
	struct wf_md_entry *l;
	long n = wf_md_list(x->r.git_dir, &l);

	if (n < 0) {
		fprintf(stderr, "git-workflow: multidev: cannot read %sworkflow/multidev\n", x->r.git_dir);
		free(l);
		return 1;
	}
	cli_session(x, &s);
	if (json)
		sbuf_adds(json, "[");
	for (long i = 0; i < n; i++) {
		if (json && i)
			sbuf_adds(json, ",");
		if (json)
			entry_json(&s, &l[i], json);
		else
			entry_text(&s, &l[i]);
	}
	if (json)
		sbuf_adds(json, "]");
	else if (!n && say_none)
		printf("no branch environments%s\n", x->c.multidev.n_branches ? "" : " (multidev is not configured)");
	cli_session_end(&s);
	wf_md_list_free(l, n);
	return 0;
}

/* Branch env e removed under its deploy lock, as a push deleting its
 * branch would (the branch itself stays).  0, or 1 (said why). */
static int remove_env(struct cli *x, struct wf_session *s, const struct wf_md_entry *e, const char *cmd,
		      const char *why)
{
	struct wf_lock_info holder;
	const struct wf_env *env;
	char err[512];
	int rc = 1, l = wf_lock_acquire(x->r.git_dir, (long)getpid(), s->pusher, e->name, &holder, err, sizeof(err));

	if (l != 0) {
		fprintf(stderr, "git-workflow: multidev %s: %s: %s\n", cmd, e->name,
			l < 0 ? err : "a deploy to it is in progress; run this again when it has finished");
		return 1;
	}
	env = env_of(s, e);
	rc = env && wf_md_delete(s, env, why) == 0 ? 0 : 1;
	if (rc == 0)
		printf("%s %s; its branch %s is kept: a push to it makes the environment again (git push origin :%s "
		       "deletes the branch)\n", strcmp(cmd, "delete") ? "expired:" : "deleted", e->name, e->branch,
		       e->branch);
	wf_lock_release(x->r.git_dir, (long)getpid());
	return rc;
}

static int delete(struct cli *x, const char *name)
{
	struct wf_session s;
	struct wf_md_entry e;
	int rc;

	if (!wf_release_name_ok(name) || wf_md_read(x->r.git_dir, name, &e) != 0) {
		fprintf(stderr, "git-workflow: multidev delete: no branch environment '%s' (git-workflow multidev "
			"list shows them)\n", name);
		return 1;
	}
	cli_session(x, &s);
	rc = remove_env(x, &s, &e, "delete", "deleted with git-workflow multidev delete");
	wf_md_entry_free(&e);
	cli_session_end(&s);
	return rc;
}

/* expire: every branch env not pushed to for multidev.expire and not
 * pinned (-o keep-env) goes, as with delete: for a timer to run. */
static int expire(struct cli *x)
{
	long long ttl = x->c.multidev.expire, now = (long long)time(NULL);
	struct wf_session s;
	struct wf_md_entry *l;
	long n;
	int rc = 0, gone = 0;

	if (!ttl) {
		printf("multidev.expire is not set: no branch environment expires\n");
		return 0;
	}
	if ((n = wf_md_list(x->r.git_dir, &l)) < 0) {
		fprintf(stderr, "git-workflow: multidev expire: cannot read %sworkflow/multidev\n", x->r.git_dir);
		return 1;
	}
	cli_session(x, &s);
	for (long i = 0; i < n; i++) {
		long long at = wf_md_expires(&l[i], ttl);
		char *why;
		if (!at || at > now)
			continue;
		why = xasprintf("expired: no push for longer than multidev.expire (%llds)", ttl);
		rc |= remove_env(x, &s, &l[i], "expire", why);
		gone += rc == 0;
		free(why);
	}
	printf("%d branch environment%s expired\n", gone, gone == 1 ? "" : "s");
	cli_session_end(&s);
	wf_md_list_free(l, n);
	return rc;
}

static int prune(struct cli *x, const char *age_text)
{
	long long age = wf_parse_age(age_text);
	struct wf_session s;
	int n;

	if (age < 0) {
		fprintf(stderr, "git-workflow: multidev prune: --older takes an age with its unit, such as 14d, 12h, 30m or 90s, "
			"not '%s'\n", age_text);
		return 2;
	}
	if (!x->c.multidev.n_branches) {
		fprintf(stderr, "git-workflow: multidev prune: multidev is not configured in workflow.conf\n");
		return 1;
	}
	cli_session(x, &s);
	n = wf_md_prune(&s, age);
	cli_session_end(&s);
	if (n < 0) {
		fprintf(stderr, "git-workflow: multidev prune: cannot read %s/.deleted\n", x->c.multidev.rel.path);
		return 1;
	}
	printf("%d kept director%s removed\n", n, n == 1 ? "y" : "ies");
	return 0;
}

int cli_multidev(struct cli *x)
{
	const char *what = x->argv[0];

	if (!strcmp(what, "list") && x->argc == 1) {
		struct sbuf sb = SBUF_INIT;
		int rc = list(x, x->json ? &sb : NULL, 1);
		if (x->json && rc == 0)
			printf("%s\n", sb.buf);
		sbuf_free(&sb);
		return rc;
	}
	if (!strcmp(what, "delete") && x->argc == 2)
		return delete(x, x->argv[1]);
	if (!strcmp(what, "prune") && x->argc == 3 && !strcmp(x->argv[1], "--older"))
		return prune(x, x->argv[2]);
	if (!strcmp(what, "expire") && x->argc == 1)
		return expire(x);
	fprintf(stderr, "git-workflow: multidev takes list, delete NAME, expire or prune --older AGE\n");
	return 2;
}

size_t cli_multidev_each(struct cli *x, const char *only,
			 void (*fn)(const char *name, const struct wf_release_conf *rel))
{
	struct wf_session s;
	struct wf_md_entry *l;
	long n = wf_md_list(x->r.git_dir, &l);
	size_t shown = 0;

	cli_session(x, &s);
	for (long i = 0; i < n; i++) {
		const struct wf_env *env;
		if (only && strcmp(only, l[i].name) && strcmp(only, l[i].branch))
			continue;
		if ((env = env_of(&s, &l[i]))) {
			fn(l[i].name, &env->rel);
			shown++;
		}
	}
	cli_session_end(&s);
	wf_md_list_free(l, n < 0 ? 0 : n);
	return shown;
}

void cli_multidev_status(struct cli *x)
{
	if (!x->c.multidev.n_branches)
		return;
	printf("branch environments (multidev, at most %d):\n", x->c.multidev.max);
	list(x, NULL, 1);
}

void cli_multidev_json(struct cli *x, struct sbuf *sb)
{
	sbuf_adds(sb, ",\"branch_envs\":");
	if (list(x, sb, 0) != 0)
		sbuf_adds(sb, "null");
}
