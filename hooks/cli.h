/* git-workflow's commands, one table (git-workflow.c) over these: each
 * takes the arguments after its name and the repository opened for it. */
#ifndef WF_CLI_H
#define WF_CLI_H

#include <stdio.h>
#include "config.h"
#include "repo.h"

struct cli {
	const char *repo_path;          /* -C REPO, default "." */
	struct wf_repo r;               /* opened, for commands that need it */
	struct wf_config c;
	int json, color;
	int argc;                       /* the command's own arguments */
	char **argv;
};

struct wf_session;
/* A session over the repository and config the tool opened (git-workflow.c),
 * the pusher the tool's user; cli_session_end frees what it added. */
void cli_session(struct cli *x, struct wf_session *s);
void cli_session_end(struct wf_session *s);

int cli_status(struct cli *x);          /* cli_status.c */
int cli_repair(struct cli *x);          /* cli_repair.c */
int cli_adopt(struct cli *x);
int cli_follow(struct cli *x);          /* cli_misc.c */
int cli_check_config(struct cli *x);
int cli_notify(struct cli *x);
int cli_log(struct cli *x);
int cli_show(struct cli *x);
int cli_dashboard(struct cli *x);      /* cli_dashboard.c */
int cli_releases(struct cli *x);       /* cli_releases.c */
int cli_metrics(struct cli *x);        /* cli_metrics.c */
int cli_approve(struct cli *x);        /* cli_approve.c */
int cli_multidev(struct cli *x);       /* cli_multidev.c */
int cli_install(struct cli *x);        /* cli_install.c */
int cli_clone_content(struct cli *x);  /* cli_content.c */
int cli_restore_db(struct cli *x);     /* cli_database.c */
int cli_clone_db(struct cli *x);
void cli_multidev_status(struct cli *x);
/* fn for each branch env (only: the one of that name or branch, NULL
 * all), with its releases' place; how many. */
size_t cli_multidev_each(struct cli *x, const char *only,
			 void (*fn)(const char *name, const struct wf_release_conf *rel));
void cli_releases_status(const struct wf_config *c);
struct sbuf;
/* ,"path":...,"release":... of one env, for status --json */
void cli_releases_json(const struct wf_release_conf *rel, struct sbuf *sb);
/* ,"branch_envs":[...] for status --json */
void cli_multidev_json(struct cli *x, struct sbuf *sb);

#endif
