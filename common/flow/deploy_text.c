/* The words of a deploy (deploy_text.h). */
#include "deploy_text.h"
#include "maintenance.h"
#include "db_deploy.h"
#include "content.h"
#include "release.h"
#include "steps.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *default_message(struct wf_session *s, const struct wf_deploy *d)
{
	if (d->kind == WF_ROLLBACK)
		return xasprintf("Rollback of %s by %s", d->env->branch, s->pusher);
	if (d->kind == WF_HOTFIX)
		return xasprintf("Hotfix to %s by %s", d->env->branch, s->pusher);
	return xasprintf("Deploy to %s by %s", d->env->branch, s->pusher);
}

/* The message as pushed (or the default one); escaped where it is written. */
char *wf_deploy_message(struct wf_session *s, const struct wf_deploy *d)
{
	const char *m = s->opts.message;
	return m && *m ? xstrdup(m) : default_message(s, d);
}

/* The message as one line, as the tag shows it: what steps get. */
char *wf_deploy_message_line(const char *m)
{
	struct sbuf sb = SBUF_INIT;
	wf_text_line(&sb, m, strlen(m));
	return sbuf_detach(&sb);
}

/* The options as pushed, space separated (records escape it once). */
char *wf_deploy_options_line(struct wf_session *s)
{
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < s->opts.n_raw; i++) {
		if (i)
			sbuf_adds(&sb, " ");
		sbuf_adds(&sb, s->opts.raw[i]);
	}
	return sbuf_detach(&sb);
}

char *wf_deploy_annotation(struct wf_session *s, const struct wf_deploy *d, const char *message,
			const char *dropped, const char *commits)
{
	struct sbuf sb = SBUF_INIT;
	char when[32];
	char *opts = wf_deploy_options_line(s);

	wf_format_time((long long)time(NULL), when);
	/* one line each: pushed text cannot forge the fields after it */
	wf_text_line(&sb, message, strlen(message));
	sbuf_addf(&sb, "\n\nkind: %s\nenv: %s\npusher: ", wf_deploy_kind_word(d->kind), d->env->name);
	wf_text_line(&sb, s->pusher, strlen(s->pusher));
	sbuf_addf(&sb, "\ntime: %s\nfrom: %s\nto: %s\noptions: ", when,
		  wf_is_zero_oid(d->old_oid) ? "(none)" : d->old_oid, d->new_oid);
	wf_text_line(&sb, opts, strlen(opts));
	if (dropped) {
		sbuf_adds(&sb, "\ndropped hotfix: ");
		wf_text_line(&sb, dropped, strlen(dropped));
	}
	sbuf_adds(&sb, "\ncommits:\n");
	for (const char *p = commits; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		sbuf_adds(&sb, "  ");
		sbuf_add(&sb, p, len);
		sbuf_adds(&sb, "\n");
		p += len + (nl ? 1 : 0);
	}
	free(opts);
	return sbuf_detach(&sb);
}

static const char *const *toggles(struct wf_session *s, size_t *n)
{
	*n = s->opts.n_toggles;
	return (const char *const *)s->opts.toggles;
}

/* The hotfix commits a rollback takes off its env that Dev lacks (the
 * policy let it only with -o drop-hotfix), so the tag, the record and the
 * pusher say which were dropped.  NULL when none (or they can't be told). */
char *wf_deploy_dropped_hotfixes(struct wf_session *s, const struct wf_deploy *d)
{
	struct wf_repo_ops ops;
	char dev[WF_OID_MAX + 1];
	char *list = NULL;
	int r;

	if (d->kind != WF_ROLLBACK)
		return NULL;
	wf_repo_policy_ops(&s->repo, &ops);
	r = wf_repo_ref_tip(&s->repo, s->config.dev_ref, dev);
	if (r < 0 || wf_hotfixes_dropped(&ops, d->env, d->old_oid, d->new_oid, r == 0 ? dev : NULL, &list) <= 0) {
		free(list);
		return NULL;
	}
	return list;
}

void wf_deploy_describe(struct wf_session *s, const struct wf_deploy *d)
{
	long n = wf_repo_last_deploy_number(&s->repo, d->env->name);
	struct sbuf commits = SBUF_INIT;
	long count = wf_repo_commit_list(&s->repo, d->old_oid, d->new_oid, 20, &commits);
	size_t nt;
	const char *const *t = toggles(s, &nt);
	char *dropped = wf_deploy_dropped_hotfixes(s, d);

	wf_say("dry-run: %s %s: would create tag %s_%s_%ld on %.12s", wf_deploy_kind_word(d->kind), d->env->branch,
	       s->config.tag_prefix, d->env->name, n + 1, d->new_oid);
	if (dropped)
		wf_say("dry-run: %s %s: would drop hotfix commits not on %s: %s", wf_deploy_kind_word(d->kind),
		       d->env->branch, s->config.dev_branch, dropped);
	free(dropped);
	if (count > 0) {
		wf_say("dry-run: commits it brings:");
		for (char *line = strtok(commits.buf, "\n"); line; line = strtok(NULL, "\n"))
			wf_say("dry-run:   %s", line);
	}
	struct wf_release_info kept;
	if (d->env->rel.path && d->kind == WF_ROLLBACK && wf_release_find_commit(&d->env->rel, d->new_oid, &kept) == 0)
		/* as the rollback itself will (release_deploy.c) */
		wf_say("dry-run: %s: would switch %s/current back to the kept release %s (not built again)",
		       d->env->branch, d->env->rel.path, kept.name);
	else if (d->env->rel.path)
		wf_say("dry-run: %s: would place the release %s_%s_%ld in %s/releases, build it (%zu build step%s) "
		       "and switch %s/current to it", d->env->branch, s->config.tag_prefix, d->env->name, n + 1,
		       d->env->rel.path, d->env->rel.n_build, d->env->rel.n_build == 1 ? "" : "s", d->env->rel.path);
	if (d->env->rel.path && !d->env->multidev && s->opts.clone_content > 0)
		wf_say("dry-run: %s: would clone the content of %s (its shared directories) into %s/shared before the "
		       "steps, replacing what is there", d->env->branch, wf_content_source(&s->config, d->env,
		       s->opts.clone_from), d->env->rel.path);
	for (size_t i = 0; i < d->env->rel.n_hosts; i++)
		wf_say("dry-run: %s: would copy it to [%s] %s and switch it there, once every host has it",
		       d->env->branch, d->env->rel.hosts[i].name, d->env->rel.hosts[i].target);
	if (wf_maint_wanted(s, d))
		wf_say("dry-run: maintenance mode: would be on before the switch (%s), off after the steps",
		       d->env->rel.maint_on[0].name);
	wf_db_describe(s, d);
	for (size_t i = 0; i < d->env->n_steps; i++) {
		const struct wf_step *st = &d->env->steps[i];
		wf_say("dry-run: step %s: %s", st->name, wf_step_selected(st, t, nt) ? "would run" : "skipped");
	}
	for (size_t i = 0; i < d->env->rel.n_checks; i++)
		wf_say("dry-run: check %s: would run (a failure switches back)", d->env->rel.checks[i].name);
	sbuf_free(&commits);
}

