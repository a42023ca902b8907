/* The dashboard: read what the page shows (the log, each env's state, the
 * lock), then write the record pages and index.html, each whole and
 * renamed into place, so a reader never gets half a page. */
#include "fileio.h"
#include "dashboard.h"
#include "dashboard_int.h"
#include "outside.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* How far back past the log to look for an env's last deploy: records are
 * read whole, and a busy repository has thousands. */
#define ENV_SCAN_MAX 1000

char *wf_dashboard_dir(const struct wf_repo *r)
{
	const char *d = r->c ? r->c->dashboard_dir : "";

	if (!*d)
		return xasprintf("%sworkflow/dashboard", r->git_dir);
	return d[0] == '/' ? xstrdup(d) : xasprintf("%s%s", r->git_dir, d);
}

static void load_log(struct wf_dash *d)
{
	for (long i = wf_record_last(d->r->git_dir); i >= 1 && d->n_log < WF_DASH_LOG; i--) {
		struct wf_dash_entry *e = &d->log[d->n_log];
		int rc = wf_record_read_why(d->r->git_dir, i, &e->rec, e->why, sizeof(e->why));

		if (rc == 1)
			continue;
		e->seq = i;
		e->ok = rc == 0;
		d->n_log++;
	}
}

static int is_env_record(const struct wf_record *r, const char *env)
{
	return r->env && !strcmp(r->env, env) && r->kind && strcmp(r->kind, "refused");
}

/* The newest record of a deploy (not a refusal) of env: in the log, else
 * further back, kept in *keep. */
static const struct wf_record *last_record(struct wf_dash *d, const char *env, struct wf_record *keep)
{
	long oldest = wf_record_last(d->r->git_dir) + 1;

	for (size_t i = 0; i < d->n_log; i++) {
		if (d->log[i].ok && is_env_record(&d->log[i].rec, env))
			return &d->log[i].rec;
		oldest = d->log[i].seq;
	}
	for (long i = oldest - 1, n = 0; i >= 1 && n < ENV_SCAN_MAX; i--, n++) {
		char why[160];
		if (wf_record_read_why(d->r->git_dir, i, keep, why, sizeof(why)) != 0)
			continue;
		if (is_env_record(keep, env))
			return keep;
		wf_record_free(keep);
	}
	return NULL;
}

/* Test or Live: its deploy tag and status, as status and the lock say. */
static void env_state(struct wf_dash *d, struct wf_dash_env *e, struct wf_record *keep)
{
	long n = wf_repo_last_deploy_number(d->r, e->env->name);
	char t[WF_OID_MAX + 1];
	int outside = wf_outside_check(d->r, e->env, (char[WF_OID_MAX + 1]){ 0 });

	if (n > 0 && wf_repo_deploy_tag_target(d->r, e->env->name, n, t) == 0)
		snprintf(e->tag, sizeof(e->tag), "%s_%s_%ld%s", d->c->tag_prefix, e->env->name, n,
			 e->have && !strcmp(t, e->tip) ? "" : " (tip moved since)");
	e->last = last_record(d, e->env->name, keep);
	if (d->locked && !strcmp(d->lock.env, e->env->name)) {
		e->status = "in progress";
		e->status_class = "progress";
	} else if (outside > 0) {
		e->status = "outside the workflow";
		e->status_class = "failed";
	} else if (!e->last || !e->last->status) {
		e->status = e->have ? "no deploy recorded" : "no branch yet";
		e->status_class = "none";
	} else {
		e->status = e->last->status;
		e->status_class = !strcmp(e->status, "ok") ? "ok" : "failed";
	}
}

static void gather(struct wf_dash *d, struct wf_repo *r)
{
	const struct wf_config *c = r->c;
	const char *labels[3] = { "Dev", "Test", "Live" }, *ids[3] = { "dev", "test", "live" };
	const char *branches[3] = { c->dev_branch, c->test.branch, c->live.branch };
	const char *refs[3] = { c->dev_ref, c->test.ref, c->live.ref };
	const struct wf_env *envs[3] = { NULL, &c->test, &c->live };

	memset(d, 0, sizeof(*d));
	d->r = r;
	d->c = c;
	d->now = (long long)time(NULL);
	d->locked = wf_lock_status(r->git_dir, &d->lock) == 0;
	load_log(d);
	for (int i = 0; i < 3; i++) {
		struct wf_dash_env *e = &d->envs[i];
		e->label = labels[i];
		e->id = ids[i];
		e->branch = branches[i];
		e->env = envs[i];
		e->have = wf_repo_ref_tip(r, refs[i], e->tip) == 0;
		e->status = e->have ? "ok" : "no branch yet";
		e->status_class = e->have ? "ok" : "none";
		if (e->env)
			env_state(d, e, &d->older[i - 1]);
	}
}

static void release(struct wf_dash *d)
{
	for (size_t i = 0; i < d->n_log; i++)
		if (d->log[i].ok)
			wf_record_free(&d->log[i].rec);
	for (int i = 0; i < 2; i++)
		if (d->envs[i + 1].last == &d->older[i])
			wf_record_free(&d->older[i]);
}

static int write_page(const char *dir, const char *name, struct sbuf *sb, char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = wf_write_file_atomic(path, sb->buf ? sb->buf : "", sb->len, 0);

	if (rc < 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(path);
	sbuf_reset(sb);
	return rc;
}

/* The record pages first, so index.html never links to a missing one. */
static int write_all(struct wf_dash *d, const char *dir, int full, char *err, size_t errlen)
{
	struct sbuf sb = SBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < d->n_log && rc == 0; i++) {
		char name[48];
		char *path;
		struct stat st;
		int exists;

		if (!d->log[i].ok)
			continue;
		snprintf(name, sizeof(name), "record-%ld.html", d->log[i].seq);
		path = xasprintf("%s/%s", dir, name);
		exists = stat(path, &st) == 0;
		free(path);
		if (exists && !full)
			continue;
		wf_dash_record(&sb, d, &d->log[i].rec);
		rc = write_page(dir, name, &sb, err, errlen);
	}
	if (rc == 0) {
		wf_dash_index(&sb, d);
		rc = write_page(dir, "index.html", &sb, err, errlen);
	}
	sbuf_free(&sb);
	return rc;
}

int wf_dashboard_render(struct wf_repo *r, const char *dir, int full, char *err, size_t errlen)
{
	char *own = dir ? NULL : wf_dashboard_dir(r);
	struct wf_dash *d;
	int rc;

	if (!dir)
		dir = own;
	if (wf_mkdir_p(dir, 0775) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		free(own);
		return -1;
	}
	d = xcalloc(1, sizeof(*d));
	gather(d, r);
	rc = write_all(d, dir, full, err, errlen);
	release(d);
	free(d);
	free(own);
	return rc;
}

void wf_dashboard_write(struct wf_session *s)
{
	char err[1024];

	if (!s->config_ok)
		return;
	if (wf_dashboard_render(&s->repo, NULL, 0, err, sizeof(err)) < 0)
		wf_say("workflow: warning: the dashboard was not updated: %s", err);
}
