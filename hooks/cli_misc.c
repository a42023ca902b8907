/* git-workflow follow, check-config, notify, log and show. */
#include "cli.h"
#include "follow.h"
#include "notify.h"
#include "record_show.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A deploy run's output from its start, as it comes, until it ends. */
int cli_follow(struct cli *x)
{
	struct wf_repo *r = &x->r;
	long run = atol(x->argv[0]);

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

int cli_check_config(struct cli *x)
{
	const char *repo = x->repo_path, *file = x->argc ? x->argv[0] : NULL;
	struct wf_config c;
	char err[512];
	char *path = NULL, *git_dir = NULL;
	int rc;

	if (!file) {
		struct wf_repo r;
		if (wf_repo_open_path(&r, repo, err, sizeof(err)) < 0) {
			fprintf(stderr, "git-workflow: %s (name a FILE or use -C REPO)\n", err);
			return 1;
		}
		path = wf_config_path(r.git_dir);
		git_dir = xstrdup(r.git_dir);
		wf_repo_close(&r);
		file = path;
	}
	rc = wf_config_load_file(&c, file, err, sizeof(err));
	/* the repository's owner is known when it is the repository's config */
	if (rc == 0 && wf_config_trusted(&c, file, git_dir, err, sizeof(err)) < 0) {
		wf_config_free(&c);
		rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	else {
		printf("%s: ok (test: %zu step%s, live: %zu step%s, %zu webhook%s%s%s)\n", file, c.test.n_steps,
		       c.test.n_steps == 1 ? "" : "s", c.live.n_steps, c.live.n_steps == 1 ? "" : "s", c.n_webhooks,
		       c.n_webhooks == 1 ? "" : "s", c.multidev.n_branches ? ", branch environments: " : "",
		       c.multidev.n_branches ? c.multidev.branches[0] : "");
		wf_config_free(&c);
	}
	free(path);
	free(git_dir);
	return rc < 0 ? 1 : 0;
}

/* notify [--list] | notify --retry: exit 0 when nothing is left pending.
 * notify --drop WEBHOOK [--all]: exit 0 when something was set aside. */
static int notify(struct wf_repo *r, const struct wf_config *c, const char *arg, const char *webhook,
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

int cli_notify(struct cli *x)
{
	if (!notify_args_ok(x->argc, x->argv)) {
		fprintf(stderr, "git-workflow: notify takes --list, --retry or --drop WEBHOOK [--all], not '%s'\n",
			x->argc ? x->argv[0] : "");
		return 2;
	}
	return notify(&x->r, &x->c, x->argc > 0 ? x->argv[0] : NULL, x->argc > 1 ? x->argv[1] : NULL, x->argc > 2);
}

int cli_log(struct cli *x)
{
	return wf_record_log(x->r.git_dir, x->argc ? x->argv[0] : NULL, x->json, stdout, stderr);
}

int cli_show(struct cli *x)
{
	return wf_record_show(x->r.git_dir, x->argv[0], x->json, x->color, stdout, stderr);
}
