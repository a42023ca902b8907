/* One env's database into another's (content_db.h): from's dumped into a
 * temp file outside every release (unlinked at once: nothing stays
 * behind, and no reader of a release ever sees it), to's dropped, created
 * and loaded from it, never mixed with what it had; then to's sanitize
 * steps, with WF_DB_* (and for PostgreSQL PG*) naming the database. */
#include "content_db.h"
#include "database.h"
#include "db_deploy.h"
#include "release.h"
#include "steps.h"
#include "subst.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The variables of to's sanitize steps: WF_DB_* and WF_URL, to's url
 * (${WF_ENV} in it made to's name): a recipe's step makes the copied
 * site's addresses to's own with it, never spliced into a command. */
static char **sanitize_vars(const struct wf_env *to, const struct wf_db_target *t)
{
	char **vars = wf_db_env_vars(t), *env = xasprintf("WF_ENV=%s", to->name), *sub[] = { env, NULL }, *u;
	size_t n = 0;

	while (vars[n])
		n++;
	vars = xrealloc(vars, (n + 2) * sizeof(*vars));
	u = to->rel.url ? wf_subst(to->rel.url, sub, WF_SUBST_RAW) : xstrdup("");
	vars[n] = xasprintf("WF_URL=%s", u);
	vars[n + 1] = NULL;
	free(u);
	free(env);
	return vars;
}

/* Where they run: to's current release (a recipe's steps load the CMS
 * from it), else the repository. */
static void sanitize_cwd(const struct wf_env *to, struct wf_step_ctx *cx)
{
	char cur[WF_RELEASE_NAME_MAX], *dir;

	if (!to->rel.path || wf_release_current(&to->rel, cur) < 0)
		return;
	dir = wf_release_dir(&to->rel, cur);
	snprintf(cx->cwd, sizeof(cx->cwd), "%s", dir);
	snprintf(cx->release, sizeof(cx->release), "%s", cur);
	free(dir);
}

/* to's sanitize steps, on to's database, selected by the push's options. */
static int sanitize(struct wf_session *s, const struct wf_deploy *d, struct wf_step_ctx *cx,
		    const struct wf_db_target *t, const struct wf_env *to)
{
	const struct wf_db_env *e = t->conf;
	char **vars = sanitize_vars(to, t);
	int failed = 0;

	sanitize_cwd(to, cx);
	for (size_t i = 0; i < e->n_sanitize && !failed; i++) {
		if (!wf_step_selected(&e->sanitize[i], (const char *const *)s->opts.toggles, s->opts.n_toggles)) {
			wf_say("workflow: sanitize %s: skipped", e->sanitize[i].name);
			continue;
		}
		failed = wf_deploy_run_step(s, d, &e->sanitize[i], cx, vars, "sanitize");
	}
	wf_db_strv_free(vars);
	return failed;
}

/* Where the dump waits: the repository's workflow/ directory. */
static char *tmp_dir(struct wf_session *s)
{
	return xasprintf("%s/workflow/tmp", s->repo.git_dir);
}

/* f's database into t's, then t's sanitize steps. */
static int copy(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, const struct wf_db_target *fp,
		const struct wf_db_target *tp, char *err, size_t errlen)
{
	const struct wf_db_target f = *fp, t = *tp;
	struct wv {
		struct wf_deploy d;
		struct wf_step_ctx cx;
	} w;
	char *dir;
	int fd, failed;

	/* read from two CMS files, the same name may be the same server's:
	 * refused as well (the copy would drop its own source) */
	if (!strcmp(f.name, t.name) && ((f.cnf[0] || t.cnf[0]) || (!strcmp(f.options_file, t.options_file) &&
								    !strcmp(f.service, t.service)))) {
		snprintf(err, errlen, "%s and %s name the same database (%s): nothing copied", from->name, to->name,
			 t.name);
		return -1;
	}
	wf_say("workflow: database: %s (%s) into %s (%s): %s's is replaced", from->name, f.name, to->name, t.name,
	       to->name);
	wf_db_deploy_for(&w.d, &w.cx, to);
	dir = tmp_dir(s);
	fd = wf_db_dump_tmp(s, &w.d, &w.cx, &f, dir);
	free(dir);
	if (fd < 0) {
		snprintf(err, errlen, "the dump of %s's database %s failed; %s's was not touched", from->name, f.name,
			 to->name);
		return -1;
	}
	failed = wf_db_replace(s, &w.d, &w.cx, &t, fd);
	close(fd);
	if (failed) {
		snprintf(err, errlen, "loading %s's database %s failed: it may be partly loaded", to->name, t.name);
		return -1;
	}
	if (sanitize(s, &w.d, &w.cx, &t, to)) {
		/* unsanitized data (real emails) is not left where tests run */
		failed = wf_db_run(s, &w.d, &w.cx, &t, WF_DB_DROP, -1, -1);
		snprintf(err, errlen, "a sanitize step of %s failed: its database %s %s", to->name, t.name,
			 failed ? "could not be dropped and has unsanitized data: drop it" : "was dropped, not left unsanitized");
		return -1;
	}
	wf_say("workflow: database: %s's database %s now has %s's data%s", to->name, t.name, from->name,
	       t.conf->n_sanitize ? ", sanitized" : "");
	return 0;
}

int wf_content_db(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, char *err, size_t errlen)
{
	struct wf_db_target f, t;
	int rf = wf_db_open(s, from, &f, err, errlen), rt = rf < 0 ? -1 : wf_db_open(s, to, &t, err, errlen), rc;

	if (rf < 0 || rt < 0 || rf > 0 || rt > 0) {
		if (rf < 0 || rt < 0) {
			wf_db_close(&f);
			return -1;
		}
		if (rf == 0 || rt == 0)
			wf_say("workflow: database: %s has none configured (database.%s): not copied",
			       rf > 0 ? from->name : to->name, rf > 0 ? (from->multidev ? "multidev" : from->name)
								      : (to->multidev ? "multidev" : to->name));
		wf_db_close(&f);
		wf_db_close(&t);
		return 0;
	}
	rc = copy(s, from, to, &f, &t, err, errlen);
	wf_db_close(&f);
	wf_db_close(&t);
	return rc;
}

char *wf_content_db_note(struct wf_session *s, const struct wf_env *from, const struct wf_env *to)
{
	struct wf_db_target f, t;
	char err[256], *note = NULL;

	/* the names as the CMS's files say them, read again */
	if (wf_db_open(s, from, &f, err, sizeof(err)) != 0)
		return NULL;
	if (wf_db_open(s, to, &t, err, sizeof(err)) == 0)
		note = xasprintf("database %s into %s (%zu sanitize step%s)", f.name, t.name, t.conf->n_sanitize,
				 t.conf->n_sanitize == 1 ? "" : "s");
	wf_db_close(&f);
	wf_db_close(&t);
	return note;
}
