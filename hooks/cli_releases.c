/* git-workflow releases [ENV]: each release of the envs that run code
 * (name, commit, when, size own/shared), current marked with '*'. */
#include "cli.h"
#include "release.h"
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

int cli_releases(struct cli *x)
{
	struct named e[3];
	size_t n = envs_of(&x->c, e), shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (x->argc > 0 && strcmp(x->argv[0], e[i].name))
			continue;
		list_env(&e[i]);
		shown++;
	}
	if (!shown) {
		fprintf(stderr, "git-workflow: releases: %s\n",
			x->argc > 0 ? "no such env with a path in workflow.conf" : "no env has a path in workflow.conf");
		return 1;
	}
	return 0;
}

void cli_releases_status(const struct wf_config *c)
{
	struct named e[3];
	size_t n = envs_of(c, e);

	for (size_t i = 0; i < n; i++) {
		char cur[WF_RELEASE_NAME_MAX];
		int have = wf_release_current(e[i].rel, cur) == 0;
		printf("%-8s runs in %s, current: %s\n", e[i].name, e[i].rel->path, have ? cur : "(none yet)");
	}
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
}
