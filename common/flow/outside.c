#include "outside.h"
#include "fileio.h"
#include "event.h"
#include "lock.h"
#include "notify.h"
#include "notify_hooks.h"
#include "record.h"
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* $GIT_DIR/workflow/<what>-<env>: "adopted" (the baseline an admin
 * accepted) and "outside" (the tip already recorded as outside). */
static char *state_path(const char *git_dir, const char *what, const struct wf_env *env)
{
	return xasprintf("%sworkflow/%s-%s", git_dir, what, env->name);
}

/* 0 with out, 1 when missing or not an object name (an unreadable file
 * counts as none: the env then stays outside, which is fail closed). */
static int read_state(const char *git_dir, const char *what, const struct wf_env *env, char out[WF_OID_MAX + 1])
{
	char *path = state_path(git_dir, what, env);
	FILE *f = fopen(path, "r");
	int ok;

	free(path);
	if (!f)
		return 1;
	ok = fscanf(f, "%64s", out) == 1 && wf_is_hex_oid(out);
	fclose(f);
	return ok ? 0 : 1;
}

/* Written whole and renamed into place: a crash leaves the old or the new. */
static int write_state(const char *git_dir, const char *what, const struct wf_env *env, const char *oid)
{
	char err[256];
	char *dir = wf_state_dir(git_dir, err, sizeof(err));
	char *path, *tmp;
	FILE *f;
	int rc = -1;

	if (!dir)
		return -1;
	path = state_path(git_dir, what, env);
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f) {
		rc = fprintf(f, "%s\n", oid) < 0 ? -1 : 0;
		if (fflush(f) != 0 || fsync(fileno(f)) != 0)
			rc = -1;
		if (fclose(f) != 0)
			rc = -1;
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
		if (rc != 0)
			unlink(tmp);
		else
			wf_fsync_dir(dir);
	}
	free(tmp);
	free(path);
	free(dir);
	return rc;
}

static void remove_state(const char *git_dir, const char *what, const struct wf_env *env)
{
	char *path = state_path(git_dir, what, env);
	unlink(path);
	free(path);
}

int wf_outside_tip_tagged(struct wf_repo *r, const struct wf_env *env, const char *oid)
{
	struct wf_repo_ops ops;
	char last[WF_OID_MAX + 1];
	long n = wf_repo_last_deploy_number(r, env->name);

	if (n < 0)
		return -1;
	if (n > 0 && wf_repo_deploy_tag_target(r, env->name, n, last) == 0 && !strcmp(last, oid))
		return 1;
	wf_repo_policy_ops(r, &ops);
	return ops.has_deploy_tag(ops.ctx, oid, env->name);
}

int wf_outside_check(struct wf_repo *r, const struct wf_env *env, char tip[WF_OID_MAX + 1])
{
	char adopted[WF_OID_MAX + 1];
	int rc = wf_repo_ref_tip(r, env->ref, tip);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	/* a deploy in flight, or one repair will finish: the hooks moved it */
	rc = wf_job_present(r->git_dir, env->name);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (read_state(r->git_dir, "adopted", env, adopted) == 0 && !strcmp(adopted, tip))
		return 0;
	rc = wf_outside_tip_tagged(r, env, tip);
	return rc < 0 ? -1 : !rc;
}

char *wf_outside_message(const struct wf_config *c, const struct wf_env *env, const char *tip)
{
	return xasprintf("%s moved outside the workflow: it is on %.12s, which no deploy made (it was written "
			 "without the hooks, e.g. git update-ref on the server); deploys of %s are refused until an "
			 "admin runs `git-workflow adopt %s` on the server, or %s is rolled back to one of its deploy "
			 "tags: git push -f origin '%s_%s_N^{commit}:%s'",
			 env->branch, tip, env->branch, env->name, env->branch, c->tag_prefix, env->name,
			 env->branch);
}

int wf_outside_note_needed(struct wf_repo *r, const struct wf_env *env)
{
	char tip[WF_OID_MAX + 1], noted[WF_OID_MAX + 1], adopted[WF_OID_MAX + 1];
	int out = wf_outside_check(r, env, tip), have = read_state(r->git_dir, "outside", env, noted) == 0;

	if (out < 0)
		return -1;
	if (out)
		return !have || strcmp(noted, tip) != 0;
	/* back in the workflow: what forget() removes */
	return have || (read_state(r->git_dir, "adopted", env, adopted) == 0 &&
			(wf_repo_ref_tip(r, env->ref, tip) != 0 || strcmp(tip, adopted)));
}

/* The commit of env's newest deploy, or zeros. */
static void last_deploy(struct wf_repo *r, const struct wf_env *env, char out[WF_OID_MAX + 1])
{
	long n = wf_repo_last_deploy_number(r, env->name);
	if (n <= 0 || wf_repo_deploy_tag_target(r, env->name, n, out) != 0)
		strcpy(out, WF_ZERO_OID);
}

/* A `refused` event: a webhook that takes refusals hears of it. */
static void forget(struct wf_session *s, const struct wf_env *env)
{
	char tip[WF_OID_MAX + 1], adopted[WF_OID_MAX + 1];

	remove_state(s->repo.git_dir, "outside", env);
	/* back in the workflow by a deploy: an adopted baseline it left is
	 * no longer one (moving the env back there by hand is outside again) */
	if (read_state(s->repo.git_dir, "adopted", env, adopted) == 0 &&
	    (wf_repo_ref_tip(&s->repo, env->ref, tip) != 0 || strcmp(tip, adopted)))
		remove_state(s->repo.git_dir, "adopted", env);
}

int wf_outside_note(struct wf_session *s, const struct wf_env *env)
{
	char tip[WF_OID_MAX + 1], noted[WF_OID_MAX + 1], prev[WF_OID_MAX + 1];
	int out = wf_outside_check(&s->repo, env, tip), have = read_state(s->repo.git_dir, "outside", env, noted) == 0;
	struct wf_record r;
	int rc = 1;

	if (out <= 0) {
		if (out == 0)
			forget(s, env);
		return out;
	}
	if (have && !strcmp(noted, tip))
		return 0;
	last_deploy(&s->repo, env, prev);
	wf_record_start(&r, "refused", "outside", env->name, env->ref, "unknown", prev, tip);
	r.message = wf_outside_message(&s->config, env, tip);
	r.note = xasprintf("no hook ran for this move; found by %s's push or repair; not tagged", s->pusher);
	if (wf_record_write(s->repo.git_dir, &r) < 0 || write_state(s->repo.git_dir, "outside", env, tip) < 0) {
		wf_say("workflow: could not record that %s moved outside the workflow", env->branch);
		rc = -1;
	} else {
		wf_notify_record(s, &r);
	}
	free(r.message);
	free(r.note);
	return rc;
}

enum wf_outside_rule wf_outside_rule(enum wf_action a, int is_live, int env_out, int test_out, int tagged_env,
				     int tagged_test)
{
	if (a != WF_PROMOTE && a != WF_ROLLBACK && a != WF_HOTFIX)
		return WF_OUTSIDE_OK;
	/* back onto one of its deploys is how a rollback clears it; a hotfix
	 * would build on the moved tip */
	if (env_out && (a == WF_HOTFIX || !tagged_env))
		return WF_OUTSIDE_ENV;
	/* a moved test's tip passes live's "Test's tip" rule: only its
	 * deploy tags say a commit was tested */
	if (is_live && a == WF_PROMOTE && test_out && !tagged_test)
		return WF_OUTSIDE_TEST;
	return WF_OUTSIDE_OK;
}

static void refuse(struct wf_decision *d, char *reason, char *hint)
{
	free(d->reason);
	free(d->hint);
	d->action = WF_REFUSE;
	d->reason = reason;
	d->hint = hint;
}

static void refuse_rule(const struct wf_config *c, struct wf_decision *d, enum wf_outside_rule rule,
			const char *new_oid, const char *env_tip)
{
	const struct wf_env *env = d->env, *t = &c->test;

	if (rule == WF_OUTSIDE_ENV)
		refuse(d, xasprintf("%s moved outside the workflow (it is on %.12s, which no deploy made), so "
				    "deploys of %s are refused", env->branch, env_tip, env->branch),
		       xasprintf("ask an admin to run `git-workflow adopt %s` on the server, or roll %s back "
				 "to a deploy tag: git push -f origin '%s_%s_N^{commit}:%s'", env->name,
				 env->branch, c->tag_prefix, env->name, env->branch));
	else
		refuse(d, xasprintf("%s is locked: code reaches %s from %s, and %.12s was never deployed to %s "
				    "(%s moved outside the workflow)", env->branch, env->branch, t->branch, new_oid,
				    t->branch, t->branch),
		       xasprintf("ask an admin to run `git-workflow adopt %s` on the server, or deploy to %s "
				 "first: git push origin %s:%s", t->name, t->branch, c->dev_branch, t->branch));
}

void wf_outside_guard(struct wf_session *s, struct wf_command *cmd, size_t n, int say)
{
	const struct wf_env *envs[2] = { &s->config.test, &s->config.live };
	char tips[2][WF_OID_MAX + 1];
	int out[2];
	struct wf_repo_ops ops;

	wf_repo_policy_ops(&s->repo, &ops);
	for (int e = 0; e < 2; e++) {
		out[e] = wf_outside_check(&s->repo, envs[e], tips[e]);
		if (say && out[e] == 1) {
			char *m = wf_outside_message(&s->config, envs[e], tips[e]);
			wf_say("workflow: %s", m);
			free(m);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct wf_decision *d = &cmd[i].d;
		const char *new_oid = cmd[i].u->new_oid;
		int live = d->env == envs[1], tagged_env = 0, tagged_test = 0;
		enum wf_outside_rule rule;

		if (!d->env || (d->action != WF_PROMOTE && d->action != WF_ROLLBACK && d->action != WF_HOTFIX))
			continue;
		if (out[live] == 1)
			tagged_env = ops.has_deploy_tag(ops.ctx, new_oid, d->env->name);
		if (live && out[0] == 1)
			tagged_test = ops.has_deploy_tag(ops.ctx, new_oid, envs[0]->name);
		if (out[live] < 0 || (live && out[0] < 0) || tagged_env < 0 || tagged_test < 0) {
			refuse(d, xasprintf("cannot check whether %s moved outside the workflow: the repository "
					    "could not answer; refusing to be safe", d->env->branch),
			       xstrdup("retry the push; if it persists, ask the admin to run: git fsck"));
			continue;
		}
		rule = wf_outside_rule(d->action, live, out[live], live && out[0], tagged_env, tagged_test);
		if (rule != WF_OUTSIDE_OK)
			refuse_rule(&s->config, d, rule, new_oid, tips[live]);
	}
}

int wf_outside_adopt(struct wf_session *s, const struct wf_env *env)
{
	char tip[WF_OID_MAX + 1], prev[WF_OID_MAX + 1];
	int out = wf_outside_check(&s->repo, env, tip);
	struct wf_record r;

	if (out <= 0) {
		if (out < 0)
			fprintf(stderr, "git-workflow: cannot tell whether %s moved outside the workflow\n", env->branch);
		else
			printf("%s is not outside the workflow: nothing to adopt\n", env->branch);
		return out < 0 ? -1 : 1;
	}
	last_deploy(&s->repo, env, prev);
	wf_record_start(&r, "adopt", "ok", env->name, env->ref, s->pusher, prev, tip);
	r.message = xasprintf("%s's tip %.12s, moved outside the workflow, adopted as its baseline by %s",
			      env->branch, tip, s->pusher);
	r.note = xstrdup("not a deploy: no deploy tag was made and the steps did not run");
	if (write_state(s->repo.git_dir, "adopted", env, tip) < 0 || wf_record_write(s->repo.git_dir, &r) < 0) {
		remove_state(s->repo.git_dir, "adopted", env);
		fprintf(stderr, "git-workflow: cannot write %sworkflow/adopted-%s or its record\n", s->repo.git_dir,
			env->name);
		free(r.message);
		free(r.note);
		return -1;
	}
	remove_state(s->repo.git_dir, "outside", env);
	printf("%s's tip %.12s is adopted as its baseline (record %ld): deploys of %s go on from it; no deploy "
	       "tag was made and %s's steps did not run (promote again to run them)\n",
	       env->branch, tip, r.seq, env->branch, env->branch);
	free(r.message);
	free(r.note);
	return 0;
}
