/* git-workflow releases [--verify] [ENV]: each release of the envs that
 * run code (name, commit, when, size own/shared), current marked with
 * '*'; with --verify, each file of each kept release checked against its
 * commit. */
#include "cli.h"
#include "release.h"
#include "release_hosts.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named {
	const char *name;
	const struct wf_release_conf *rel;
};

static size_t envs_of(const struct wf_config *c, struct named out[3])
{
	size_t n = 0;
	if (c->dev.rel.path)
		out[n++] = (struct named){ "dev", &c->dev.rel };
	if (c->test.rel.path)
		out[n++] = (struct named){ c->test.name, &c->test.rel };
	if (c->live.rel.path)
		out[n++] = (struct named){ c->live.name, &c->live.rel };
	return n;
}

static void size_str(long long b, char out[32])
{
	if (b >= 10LL << 20)
		snprintf(out, 32, "%lld MB", b >> 20);
	else if (b >= 10LL << 10)
		snprintf(out, 32, "%lld kB", b >> 10);
	else
		snprintf(out, 32, "%lld B", b);
}

static void list_env(const struct named *e)
{
	struct wf_release_info *l;
	long n = wf_release_list(e->rel, &l);
	char cur[WF_RELEASE_NAME_MAX];

	wf_release_current(e->rel, cur);
	printf("%s: %s (keep %d)\n", e->name, e->rel->path, e->rel->keep);
	if (n <= 0)
		printf("  no releases\n");
	for (long i = n - 1; i >= 0; i--) {
		long long own, shared;
		char when[32], so[32], ss[32];
		wf_release_usage(e->rel, l[i].name, &own, &shared);
		wf_format_time(l[i].time, when);
		size_str(own, so);
		size_str(shared, ss);
		printf("%s %-24s %.12s  %s  own %s, shared %s\n", strcmp(l[i].name, cur) ? " " : "*", l[i].name,
		       l[i].commit, when, so, ss);
	}
	free(l);
}

static void list_branch_env(const char *name, const struct wf_release_conf *rel)
{
	struct named e = { name, rel };
	list_env(&e);
}

/* --verify: each kept release's files against its commit */
static git_repository *verify_repo;
static long verify_differ, verify_errors;

static void verify_env(const struct named *e)
{
	struct wf_release_info *l;
	long n = wf_release_list(e->rel, &l);

	if (n <= 0)
		printf("%s: no releases\n", e->name);
	for (long i = n - 1; i >= 0; i--) {
		struct sbuf sb = SBUF_INIT;
		long d = wf_release_verify(verify_repo, e->rel, l[i].name, &sb);
		if (d < 0) {
			printf("%s %s: cannot be checked (its commit %.12s is not in the repository?)\n", e->name,
			       l[i].name, l[i].commit);
			verify_errors++;
		} else if (d == 0) {
			printf("%s %s: matches %.12s\n", e->name, l[i].name, l[i].commit);
		} else {
			printf("%s %s: %ld file%s differ%s from %.12s:\n%s", e->name, l[i].name, d, d == 1 ? "" : "s",
			       d == 1 ? "s" : "", l[i].commit, sb.buf);
			verify_differ++;
		}
		sbuf_free(&sb);
	}
	if (n > 0)
		free(l);
}

static void verify_branch_env(const char *name, const struct wf_release_conf *rel)
{
	struct named e = { name, rel };
	verify_env(&e);
}

int cli_releases(struct cli *x)
{
	struct named e[3];
	size_t n = envs_of(&x->c, e), shown = 0;
	int verify = x->argc > 0 && !strcmp(x->argv[0], "--verify");
	const char *only = x->argc > verify ? x->argv[verify] : NULL;

	verify_repo = x->r.git;
	for (size_t i = 0; i < n; i++) {
		if (only && strcmp(only, e[i].name))
			continue;
		verify ? verify_env(&e[i]) : list_env(&e[i]);
		shown++;
	}
	shown += cli_multidev_each(x, only, verify ? verify_branch_env : list_branch_env);
	if (verify && shown)
		return verify_differ || verify_errors ? 1 : 0;
	if (!shown) {
		fprintf(stderr, "git-workflow: releases: %s\n",
			only ? "no such env with a path in workflow.conf" : "no env has a path in workflow.conf");
		return 1;
	}
	return 0;
}

/* Each host's current, flagged where it is not the one here. */
static void hosts_status(const struct wf_release_conf *rel, const char *here)
{
	char (*cur)[WF_RELEASE_NAME_MAX] = xcalloc(rel->n_hosts + 1, sizeof(*cur));
	size_t differ = 0;

	wf_hosts_current(rel, NULL, cur);
	for (size_t i = 0; i < rel->n_hosts; i++) {
		int same = !strcmp(cur[i], here);
		differ += !same;
		printf("  [%s] %s, current: %s%s\n", rel->hosts[i].name, rel->hosts[i].target,
		       cur[i][0] == '?' ? "(no answer)" : cur[i][0] ? cur[i] : "(none yet)",
		       same ? "" : "  <- DIFFERS from the git host's");
	}
	if (differ)
		printf("  %zu of %zu hosts are not on %s: push again, or roll back, to bring them together\n", differ,
		       rel->n_hosts, here[0] ? here : "a release");
	free(cur);
}

void cli_releases_status(const struct wf_config *c)
{
	struct named e[3];
	size_t n = envs_of(c, e);

	for (size_t i = 0; i < n; i++) {
		char cur[WF_RELEASE_NAME_MAX];
		int have = wf_release_current(e[i].rel, cur) == 0;
		printf("%-8s runs in %s, current: %s\n", e[i].name, e[i].rel->path, have ? cur : "(none yet)");
		if (e[i].rel->n_hosts)
			hosts_status(e[i].rel, cur);
	}
}

static void hosts_json(const struct wf_release_conf *rel, const char *here, struct sbuf *sb)
{
	char (*cur)[WF_RELEASE_NAME_MAX] = xcalloc(rel->n_hosts + 1, sizeof(*cur));

	wf_hosts_current(rel, NULL, cur);
	sbuf_adds(sb, ",\"hosts\":[");
	for (size_t i = 0; i < rel->n_hosts; i++) {
		sbuf_addf(sb, "%s{\"name\":", i ? "," : "");
		wf_json_string(sb, rel->hosts[i].name, strlen(rel->hosts[i].name));
		sbuf_adds(sb, ",\"target\":");
		wf_json_string(sb, rel->hosts[i].target, strlen(rel->hosts[i].target));
		sbuf_adds(sb, ",\"release\":");
		if (cur[i][0] && cur[i][0] != '?')
			wf_json_string(sb, cur[i], strlen(cur[i]));
		else
			sbuf_adds(sb, "null");
		sbuf_addf(sb, ",\"answered\":%s,\"differs\":%s}", cur[i][0] == '?' ? "false" : "true",
			  strcmp(cur[i], here) ? "true" : "false");
	}
	sbuf_adds(sb, "]");
	free(cur);
}

void cli_releases_json(const struct wf_release_conf *rel, struct sbuf *sb)
{
	char cur[WF_RELEASE_NAME_MAX];

	sbuf_adds(sb, ",\"path\":");
	if (!rel->path) {
		sbuf_adds(sb, "null,\"release\":null");
		return;
	}
	wf_json_string(sb, rel->path, strlen(rel->path));
	sbuf_adds(sb, ",\"release\":");
	if (wf_release_current(rel, cur) == 0)
		wf_json_string(sb, cur, strlen(cur));
	else
		sbuf_adds(sb, "null");
	if (rel->n_hosts)
		hosts_json(rel, cur, sb);
}
