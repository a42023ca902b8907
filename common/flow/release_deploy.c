#include "release_deploy.h"
#include "db_deploy.h"
#include "content_clone.h"
#include "record.h"
#include "release.h"
#include "release_hosts.h"
#include "steps.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Deploy d refused before anything moved, recorded with what it ran
 * (its build's or its copies' results: d->steps). */
static void record_refused(struct wf_session *s, struct wf_deploy *d, const char *why)
{
	struct wf_record r;

	free(d->message);
	free(d->note);
	d->message = xasprintf("%s to %s refused: %s", d->job->kind, d->env->name, why);
	d->note = s->opts.message && *s->opts.message ? xasprintf("its message: %s", s->opts.message) : NULL;
	wf_deploy_record(s, d, "refused", &r);
	if (wf_record_write(s->repo.git_dir, &r) < 0)
		wf_say("workflow: warning: could not record the refused deploy");
	else
		wf_say("workflow: recorded as deploy record %ld (git-workflow show %ld)", r.seq, r.seq);
}

/* The build's output, kept beside the release (releases/<name>.build.log). */
static void keep_build_log(const struct wf_release_conf *rc, const char *name, const struct wf_record_steps *a)
{
	const struct wf_record_step *st = a->v;
	size_t n = a->n;
	char *dir = wf_release_dir(rc, name), *path = xasprintf("%s.build.log", dir);
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		char *out = NULL;
		size_t len = 0;
		sbuf_addf(&sb, "== %s: exit %d (%.1f s)\n", st[i].name, st[i].exit_status, st[i].duration);
		if (wf_decompress(st[i].zoutput, st[i].zlen, &out, &len) == 0)
			sbuf_add(&sb, out, len);
		free(out);
	}
	wf_write_file_atomic(path, sb.buf ? sb.buf : "", sb.len, 0);
	sbuf_free(&sb);
	free(path);
	free(dir);
}

/* Before the build: room for at least another release like the last. */
static int room_for(const struct wf_release_conf *rc, const struct wf_env *env)
{
	struct wf_release_info *l;
	long n = wf_release_list(rc, &l);
	long long need = n > 0 ? l[n - 1].size : 0, have = wf_release_free_space(rc);

	free(l);
	if (have < 0 || have >= need)
		return 0;
	wf_say("workflow: %s has %lld MB free, less than the last %s release (%lld MB): deploy refused; free "
	       "some space there (or lower %s.keep), then push again", rc->path, have >> 20, env->name, need >> 20,
	       env->name);
	return -1;
}


static unsigned long long pct_of(unsigned long long part, unsigned long long total)
{
	return total ? part * 100 / total : 0;
}

/* The env's filesystem against its floors (min_free, min_free_inodes): 0
 * above both, else -1 with why, naming both figures and the floor crossed. */
static int floors_ok(const struct wf_env *env, const char *when, char *why, size_t len)
{
	const struct wf_release_conf *rc = &env->rel;
	const struct wf_floor *b = &rc->min_free, *i = &rc->min_free_inodes;
	struct wf_release_fs fs;
	int ub, ui;

	if ((!b->amount && !b->pct && !i->amount && !i->pct) || wf_release_fs(rc, &fs) < 0)
		return 0;
	ub = wf_floor_under(b, fs.bytes_free, fs.bytes_total);
	ui = wf_floor_under(i, fs.inodes_free, fs.inodes_total);
	if (!ub && !ui)
		return 0;
	snprintf(why, len, "%s %s has %llu MB free (%llu%%) and %llu inodes free (%llu%%): under %s.%s (%s)", when,
		 rc->path, fs.bytes_free >> 20, pct_of(fs.bytes_free, fs.bytes_total), fs.inodes_free,
		 pct_of(fs.inodes_free, fs.inodes_total), env->name, ub ? "min_free" : "min_free_inodes",
		 ub ? b->text : i->text);
	return -1;
}

/* A floor crossed refuses the deploy (said and recorded). */
static int check_floors(struct wf_session *s, struct wf_deploy *d, const char *when)
{
	char why[512];

	if (floors_ok(d->env, when, why, sizeof(why)) == 0)
		return 0;
	wf_say("workflow: %s: deploy refused; free some space there (or lower %s.keep), then push again", why,
	       d->env->name);
	record_refused(s, d, why);
	return -1;
}

/* The build, without the hook's GIT_DIR and quarantine: in the release
 * directory, a build's git (composer's, npm's) must not act on the
 * bare repository. */
static int run_build(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx,
		     struct wf_record_steps *st)
{
	static const char *const vars[] = { "GIT_DIR", "GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY",
					     "GIT_ALTERNATE_OBJECT_DIRECTORIES" };
	char *saved[4];
	int failed;

	for (int i = 0; i < 4; i++) {
		const char *v = getenv(vars[i]);
		saved[i] = v ? xstrdup(v) : NULL;
		unsetenv(vars[i]);
	}
	failed = wf_deploy_steps(s, d, d->env->rel.build, d->env->rel.n_build, cx, "build", st);
	for (int i = 0; i < 4; i++) {
		if (saved[i])
			setenv(vars[i], saved[i], 1);
		free(saved[i]);
	}
	return failed;
}

/* After the build: the files it left alone shared again, the release
 * marked complete (from now on it may be switched to). */
static int finish(const struct wf_release_conf *rc, struct wf_job *j, const char *name, struct wf_placed *p)
{
	struct wf_release_info info;

	wf_release_relink(rc, name, p);
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", name);
	snprintf(info.commit, sizeof(info.commit), "%s", j->new_oid);
	info.time = (long long)time(NULL);
	info.size = p->size;
	if (wf_release_name_file(rc, name, j->new_oid) < 0)
		wf_say("workflow: warning: cannot write %s/%s in the release %s: %s", name,
		       rc->release_file ? rc->release_file : ".release", name, strerror(errno));
	if (wf_release_mark(rc, &info) < 0) {
		wf_say("workflow: cannot mark the release %s complete: %s; push refused", name, strerror(errno));
		return -1;
	}
	snprintf(j->release, sizeof(j->release), "%s", name);
	return 0;
}

/* Place d's tree as release name and run the build in it (d->cx, its
 * results in d->steps).  0, or -1 (said and recorded; the release
 * removed). */
static int place_and_build(struct wf_session *s, struct wf_deploy *d, const char *name)
{
	const struct wf_env *env = d->env;
	const struct wf_release_conf *rc = &env->rel;
	struct wf_job *j = d->job;
	struct wf_step_ctx *cx = &d->cx;
	struct wf_placed p;
	char err[1024] = "", cur[WF_RELEASE_NAME_MAX];
	char *dir = wf_release_dir(rc, name);
	int rc2 = -1;

	memset(cx, 0, sizeof(*cx));
	memset(&p, 0, sizeof(p));
	if (wf_release_current(rc, cur) == 0 && !strcmp(cur, name)) {
		wf_say("workflow: %s/current already names %s, the release this deploy would make; push refused",
		       rc->path, name);
		free(dir);
		return -1;
	}
	/* a release of that name no deploy used (its push did not move the ref) */
	wf_release_remove(rc, name);
	if (room_for(rc, env) < 0) {
		record_refused(s, d, "not enough disk space for the release");
		goto out;
	}
	if (check_floors(s, d, "before the release is placed,") < 0)
		goto out;
	if (wf_shared_setup(env, err, sizeof(err)) < 0 ||
	    wf_release_place(s->repo.git, rc, j->new_oid, name, rc->n_build > 0, &p, err, sizeof(err)) < 0) {
		wf_say("workflow: %s: %s", env->branch, err);
		record_refused(s, d, err);
		goto out;
	}
	cx->tag = name;
	cx->message = s->opts.message ? s->opts.message : "";
	snprintf(cx->cwd, sizeof(cx->cwd), "%s", dir);
	snprintf(cx->release, sizeof(cx->release), "%s", name);
	if (run_build(s, d, cx, &d->steps)) {
		wf_say("workflow: the build of %s failed: push refused; %s and %s/current did not move", env->branch,
		       env->branch, rc->path);
		keep_build_log(rc, name, &d->steps);
		record_refused(s, d, "build failed; nothing moved");
		goto out;
	}
	if (d->steps.n)
		keep_build_log(rc, name, &d->steps);
	if (check_floors(s, d, "with the new release placed and built,") < 0)
		goto out;
	rc2 = finish(rc, j, name, &p);
out:
	if (rc2 < 0) {
		wf_release_remove(rc, name);
		/* what it added to the store goes too: a refused deploy (a
		 * full disk above all) must not leave the disk fuller */
		wf_release_store_gc(rc);
	}
	wf_placed_free(&p);
	free(dir);
	return rc2;
}

/* The release, complete here, onto every host at once; a host that
 * cannot take it refuses the push as a failed build does (recorded with
 * the build's and each copy's result). */
static int copy_to_hosts(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	struct wf_job *j = d->job;
	char why[1024], *note;
	int r;

	/* one ssh connection per host for the whole deploy: the journal
	 * names its directory, so that the runner's ssh go over the
	 * connections the copy opened, and its removal (the deploy's end,
	 * however it ends) closes them.  Without one, each ssh connects. */
	if (!j->ssh_dir[0] && wf_sshmux_open(j->ssh_dir) == 0)
		(void)wf_job_write(s->repo.git_dir, j);
	r = wf_hosts_copy(&env->rel, wf_hosts_ctl(j), j->release, j->reused, &d->steps, why, sizeof(why));
	wf_test_pause(s->repo.git_dir, "hosts-after-copy");
	if (r == 0)
		return 0;
	wf_say("workflow: push refused: %s and current on every host did not move", env->branch);
	note = xasprintf("copy to a host failed (%s); nothing was switched", why);
	record_refused(s, d, note);
	free(note);
	if (!j->reused)
		wf_release_remove(&env->rel, j->release);
	wf_sshmux_close(j->ssh_dir);
	j->ssh_dir[0] = 0;
	return -1;
}

/* An untagged env's releases (Dev's, a branch env's) are numbered in the
 * order they were placed: <env>-<N>-<commit>. */
static long next_number(const struct wf_release_conf *rc, const char *env)
{
	char *dir = xasprintf("%s/releases", rc->path);
	DIR *d = opendir(dir);
	struct dirent *e;
	long hi = 0;
	size_t len = strlen(env);

	free(dir);
	while (d && (e = readdir(d))) {
		long k;
		if (!strncmp(e->d_name, env, len) && sscanf(e->d_name + len, "-%ld-", &k) == 1 && k > hi)
			hi = k;
	}
	if (d)
		closedir(d);
	return hi + 1;
}

int wf_release_prepare(struct wf_session *s, struct wf_deploy *d)
{
	const struct wf_env *env = d->env;
	const struct wf_release_conf *rc = &env->rel;
	struct wf_job *j = d->job;
	struct wf_release_info info;
	char name[WF_RELEASE_NAME_MAX];
	long last;

	/* a branch env's deletion places nothing */
	if (!rc->path || !strcmp(j->kind, "delete"))
		return 0;
	wf_release_remove_unfinished(rc);
	/* -o restore-db with no snapshot to restore: refused before anything moves */
	if (!strcmp(j->kind, "rollback") && s->opts.restore_db &&
	    wf_db_no_snapshot(s, env, wf_release_find_commit(rc, j->new_oid, &info) == 0 ? info.name : NULL)) {
		record_refused(s, d, "-o restore-db: no database snapshot for the release it goes back to");
		return -1;
	}
	if (!strcmp(j->kind, "rollback") && wf_release_find_commit(rc, j->new_oid, &info) == 0) {
		wf_say("workflow: %s goes back to the kept release %s (not built again)", env->branch, info.name);
		snprintf(j->release, sizeof(j->release), "%s", info.name);
		j->reused = 1;
	} else {
		if (env->tagless)
			snprintf(name, sizeof(name), "%s-%ld-%.12s", env->name, next_number(rc, env->name), j->new_oid);
		else {
			/* under the env's lock the next tag is last + 1; the
			 * runner renames the release if it has to take another */
			last = wf_repo_last_deploy_number(&s->repo, env->name);
			snprintf(name, sizeof(name), "%s_%s_%ld", s->config.tag_prefix, env->name, last < 0 ? 1 : last + 1);
		}
		if (place_and_build(s, d, name) < 0)
			return -1;
	}
	if (rc->n_hosts && copy_to_hosts(s, d) < 0)
		return -1;
	strcpy(j->state, WF_STATE_BUILT);
	if (wf_job_write(s->repo.git_dir, j) < 0) {
		wf_say("workflow: cannot write the deploy journal: %s; push refused", strerror(errno));
		if (!j->reused)
			wf_release_remove(rc, j->release);
		wf_sshmux_close(j->ssh_dir);
		return -1;
	}
	return 0;
}
