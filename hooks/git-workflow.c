/* git-workflow: the command-line tool over the same core as the hooks.
 *   git-workflow [-C REPO] [--json] [--color] status | log [ENV] | show TAG|N | follow N | repair |
 *                adopt ENV | dashboard [-o DIR] | metrics [--since AGE] [--json] | releases [--verify] [ENV] | check-config [FILE]
 *                | multidev list | multidev delete NAME | multidev prune --older AGE
 *                | restore-db ENV RELEASE | clone-db FROM TO [--into-live]
 *                                   | notify [--list | --retry | --drop WEBHOOK [--all]]
 * Installed on PATH it is also `git workflow ...`. */
#include "cli.h"
#include "identity.h"
#include "runner.h"
#include "dashboard_later.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	      "  dashboard [-o DIR] write the dashboard pages (HTML) now, into DIR or\n"
	      "                     dashboard.dir (default $GIT_DIR/workflow/dashboard)\n"
	      "  metrics [--since AGE] [--json]\n"
	      "                     delivery metrics of the last AGE (default 90d): deploys per\n"
	      "                     week per env, lead time to live, change failure rate,\n"
	      "                     time to restore\n"
	      "  approve TAG        approve a test deploy that passed (live.approvals), as\n"
	      "                     git push origin 'TAG^{commit}:refs/approve/TAG' does\n"
	      "  releases [ENV]     each release of the envs with a path: name, commit, when,\n"
	      "                     size own/shared; current marked with *\n"
	      "  releases --verify [ENV]  each file of each kept release checked against its\n"
	      "                     commit; exits 1 when one differs\n"
	      "  multidev list      the branch environments: name, branch, current release,\n"
	      "                     created when and by whom\n"
	      "  multidev delete NAME  remove a branch environment (its shared files are kept\n"
	      "                     in multidev.path/.deleted/); the branch stays\n"
	      "  multidev expire    remove the branch environments no push reached for\n"
	      "                     multidev.expire (not those pushed with -o keep-env)\n"
	      "  multidev prune --older AGE  remove what .deleted/ kept for longer than AGE\n"
	      "                     (14d, 12h, 30m, 90s)\n"
	      "  clone-content [--content-up] FROM TO  copy FROM's shared paths (uploads,\n"
	      "                     shared files) into TO's, its old ones set aside; into\n"
	      "                     live only with --content-up\n"
	      "  restore-db ENV RELEASE  replace ENV's database by the snapshot kept with\n"
	      "                     RELEASE (releases/RELEASE.db.sql.gz); what was written\n"
	      "                     since the snapshot is lost\n"
	      "  clone-db FROM TO [--into-live]  replace TO's database by a copy of FROM's,\n"
	      "                     then run TO's sanitize steps (docs/database.md)\n"
	      "  check-config [FILE] load and validate a workflow.conf\n"
	      "  install [OPTION...] REPO...\n"
	      "                     add the installed hooks to bare repositories (the\n"
	      "                     installed install.sh; --help lists its options)\n"
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
	if (wf_config_load_file(c, cpath, err, sizeof(err)) < 0 ||
	    (wf_config_trusted(c, cpath, r->git_dir, err, sizeof(err)) < 0 && (wf_config_free(c), 1))) {
		fprintf(stderr, "git-workflow: %s\n", err);
		free(cpath);
		wf_repo_close(r);
		return -1;
	}
	free(cpath);
	r->c = c;
	return 0;
}

void cli_session(struct cli *x, struct wf_session *s)
{
	memset(s, 0, sizeof(*s));
	s->repo = x->r;
	s->config = x->c;
	s->config_ok = s->opts_ok = 1;
	s->repo.c = &s->config;
	s->pusher = wf_identity((const char *const *)x->c.identity_vars, x->c.n_identity_vars);
}

void cli_session_end(struct wf_session *s)
{
	wf_session_free_envs(s);
	free(s->pusher);
	s->pusher = NULL;
}

/* Every command: its name, how many arguments it takes (and what to say
 * when the count is off), whether it needs the repository opened. */
static const struct command {
	const char *name;
	int min, max;
	const char *wrong;
	int repo;
	int (*run)(struct cli *x);
} commands[] = {
	{ "status", 0, 0, "status takes no arguments", 1, cli_status },
	{ "log", 0, 1, "log takes at most an env", 1, cli_log },
	{ "show", 1, 1, "show needs a deploy tag or record number", 1, cli_show },
	{ "follow", 1, 1, "follow needs a deploy run number (the push printed it)", 1, cli_follow },
	{ "repair", 0, 0, "repair takes no arguments", 1, cli_repair },
	{ "adopt", 1, 1, "adopt needs an env (test or live)", 1, cli_adopt },
	{ "notify", 0, 3, "notify takes --list, --retry or --drop WEBHOOK [--all]", 1, cli_notify },
	{ "dashboard", 0, 2, "dashboard takes at most -o DIR", 1, cli_dashboard },
	{ "metrics", 0, 3, "metrics takes --since AGE and --json", 1, cli_metrics },
	{ "approve", 1, 1, "approve needs a deploy tag of test", 1, cli_approve },
	{ "releases", 0, 2, "releases takes --verify and at most an env", 1, cli_releases },
	{ "multidev", 1, 3, "multidev takes list, delete NAME or prune --older AGE", 1, cli_multidev },
	{ "clone-content", 2, 3, "clone-content needs FROM and TO (and --content-up into live)", 1, cli_clone_content },
	{ "restore-db", 2, 2, "restore-db needs an env and a release (git-workflow releases ENV)", 1, cli_restore_db },
	{ "clone-db", 2, 3, "clone-db needs FROM and TO envs (and --into-live to replace Live's)", 1, cli_clone_db },
	{ "check-config", 0, 1, "check-config takes at most a FILE", 0, cli_check_config },
	{ "install", 1, 4096, "install needs a repository (git-workflow install [OPTION...] REPO.git...)", 0,
	  cli_install },
};

/* -C REPO, --json, --color, -h: the index of the command, or -1 (exit
 * status in *rc). */
static int options(int argc, char **argv, struct cli *x, int *rc)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc)
			x->repo_path = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			x->json = 1;
		else if (!strcmp(argv[i], "--color"))
			x->color = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			*rc = 0;
			return -1;
		} else {
			fprintf(stderr, "git-workflow: unknown option '%s'\n", argv[i]);
			usage(stderr);
			*rc = 2;
			return -1;
		}
	}
	if (i >= argc) {
		usage(stderr);
		*rc = 2;
		return -1;
	}
	return i;
}

int main(int argc, char **argv)
{
	struct cli x = { .repo_path = "." };
	const struct command *cmd = NULL;
	int i, rc = 2;

	if (argc > 1 && !strcmp(argv[1], WF_RUNNER_ARG))
		return wf_runner_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], WF_DASHBOARD_ARG))
		return wf_dashboard_writer_main();
	if ((i = options(argc, argv, &x, &rc)) < 0)
		return rc;
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(commands[k].name, argv[i]))
			cmd = &commands[k];
	if (!cmd) {
		fprintf(stderr, "git-workflow: unknown command '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	x.argc = argc - i - 1;
	x.argv = argv + i + 1;
	if (x.argc < cmd->min || x.argc > cmd->max) {
		fprintf(stderr, "git-workflow: %s\n", cmd->wrong);
		return 2;
	}
	if (cmd->repo && open_repo(&x.r, x.repo_path, &x.c) < 0)
		return 1;
	rc = cmd->run(&x);
	if (cmd->repo) {
		wf_repo_close(&x.r);
		wf_config_free(&x.c);
	}
	return rc;
}
