#include "repair.h"
#include "lock.h"
#include "notify_hooks.h"
#include "outside.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct inflight {
	long pid;
	unsigned long long start;
	char stage[16];             /* "accepted" by pre-receive, "started" by post-receive */
	char kind[16];
	char old_oid[WF_OID_MAX + 1], new_oid[WF_OID_MAX + 1];
	char pusher[256];
};

static char *journal_path(struct wf_session *s, const struct wf_env *env)
{
	return xasprintf("%sworkflow/inflight-%s", s->repo.git_dir, env->name);
}

static int write_journal(struct wf_session *s, const struct wf_deploy *d, long owner_pid, const char *stage)
{
	char err[256];
	char *dir = wf_state_dir(s->repo.git_dir, err, sizeof(err));
	char *path, *tmp;
	struct sbuf sb = SBUF_INIT;
	FILE *f;
	int rc = -1;

	if (!dir)
		return -1;
	free(dir);
	path = journal_path(s, d->env);
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	sbuf_add_escaped(&sb, s->pusher, strlen(s->pusher));
	f = fopen(tmp, "w");
	if (f) {
		rc = fprintf(f, "%ld %llu %s %s %s %s %s\n", owner_pid, wf_proc_start_time(owner_pid), stage,
			     wf_deploy_kind_word(d->kind), wf_is_zero_oid(d->old_oid) ? "-" : d->old_oid, d->new_oid,
			     sb.buf ? sb.buf : "-") < 0 ? -1 : 0;
		if (fflush(f) != 0 || fsync(fileno(f)) != 0)
			rc = -1;
		if (fclose(f) != 0)
			rc = -1;
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
		if (rc != 0)
			unlink(tmp);
	}
	sbuf_free(&sb);
	free(tmp);
	free(path);
	return rc;
}

int wf_inflight_accept(struct wf_session *s, const struct wf_deploy *d, long owner_pid)
{
	return write_journal(s, d, owner_pid, "accepted");
}

int wf_inflight_begin(struct wf_session *s, const struct wf_deploy *d, long owner_pid)
{
	return write_journal(s, d, owner_pid, "started");
}

void wf_inflight_end(struct wf_session *s, const struct wf_deploy *d)
{
	char *path = journal_path(s, d->env);
	unlink(path);
	free(path);
}

int wf_inflight_present(const char *git_dir, const struct wf_env *env)
{
	char *path = xasprintf("%sworkflow/inflight-%s", git_dir, env->name);
	int rc = access(path, F_OK) == 0 ? 1 : errno == ENOENT ? 0 : -1;
	free(path);
	return rc;
}

/* 0 read, 1 none, -1 unreadable (treated as none, but reported).  A
 * journal from before stages were written starts with the kind. */
static int read_journal(struct wf_session *s, const struct wf_env *env, struct inflight *j)
{
	char *path = journal_path(s, env);
	FILE *f = fopen(path, "r");
	char word[16] = "";
	int n;

	free(path);
	memset(j, 0, sizeof(*j));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	n = fscanf(f, "%ld %llu %15s", &j->pid, &j->start, word);
	if (n == 3 && (!strcmp(word, "accepted") || !strcmp(word, "started"))) {
		strcpy(j->stage, word);
		n = fscanf(f, "%15s", j->kind) == 1 ? n : 0;
	} else {
		strcpy(j->stage, "started");
		strcpy(j->kind, word);
	}
	n = n == 3 ? fscanf(f, "%64s %64s %255s", j->old_oid, j->new_oid, j->pusher) + 3 : 0;
	fclose(f);
	if (n != 6 || !wf_is_hex_oid(j->new_oid))
		return -1;
	if (!strcmp(j->old_oid, "-"))
		memset(j->old_oid, '0', strlen(j->new_oid));
	return 0;
}

void wf_inflight_drop_accepted(struct wf_session *s, long owner_pid)
{
	const struct wf_env *e[2] = { &s->config.test, &s->config.live };
	struct inflight j;

	for (int i = 0; i < 2; i++)
		if (read_journal(s, e[i], &j) == 0 && j.pid == owner_pid && !strcmp(j.stage, "accepted"))
			wf_inflight_end(s, &(struct wf_deploy){ .env = e[i] });
}

static int journal_owner_alive(const struct inflight *j, long me)
{
	return j->pid != me && wf_proc_start_time(j->pid) == j->start;
}

static const struct wf_env *const *envs(struct wf_session *s, size_t *n)
{
	static const struct wf_env *e[2];
	e[0] = &s->config.test;
	e[1] = &s->config.live;
	*n = 2;
	return e;
}

static int env_needs_repair(struct wf_session *s, const struct wf_env *env, long me)
{
	struct inflight j;
	int r = read_journal(s, env, &j);

	if (r == 0)
		return !journal_owner_alive(&j, me);
	if (r < 0)
		return 1;
	/* no journal: an untagged tip is no deploy of ours (outside.h) */
	return wf_outside_note_needed(&s->repo, env) != 0;
}

int wf_repair_needed(struct wf_session *s, long owner_pid)
{
	size_t n;
	const struct wf_env *const *e = envs(s, &n);

	for (size_t i = 0; i < n; i++)
		if (env_needs_repair(s, e[i], owner_pid))
			return 1;
	return 0;
}

/* The newest deploy tag of env on oid, or NULL. */
static char *tag_at(struct wf_session *s, const struct wf_env *env, const char *oid)
{
	char got[WF_OID_MAX + 1];
	long n = wf_repo_last_deploy_number(&s->repo, env->name);

	for (; n > 0; n--)
		if (wf_repo_deploy_tag_target(&s->repo, env->name, n, got) == 0 && !strcmp(got, oid))
			return xasprintf("%s_%s_%ld", s->config.tag_prefix, env->name, n);
	return NULL;
}

static char *annotation(struct wf_session *s, const struct wf_env *env, const char *kind, const char *pusher,
			const char *old, const char *new)
{
	struct sbuf sb = SBUF_INIT, commits = SBUF_INIT;
	char when[32];

	wf_format_time((long long)time(NULL), when);
	wf_repo_commit_list(&s->repo, old, new, 200, &commits);
	sbuf_addf(&sb, "Interrupted %s to %s, tagged by repair\n\n", kind, env->branch);
	sbuf_addf(&sb, "kind: %s\nenv: %s\npusher: %s\ntime: %s\nfrom: %s\nto: %s\n", kind, env->name, pusher,
		  when, wf_is_zero_oid(old) ? "(none)" : old, new);
	sbuf_adds(&sb, "repaired: post-receive did not finish this deploy; its steps may not have run\n");
	sbuf_adds(&sb, "commits:\n");
	for (char *line = strtok(commits.buf, "\n"); line; line = strtok(NULL, "\n"))
		sbuf_addf(&sb, "  %s\n", line);
	sbuf_free(&commits);
	return sbuf_detach(&sb);
}

/* Tag new, the journal's deploy, on env's untagged tip.  The tag name or
 * NULL (said why). */
static char *tag_interrupted(struct wf_session *s, const struct wf_env *env, const struct inflight *j)
{
	char err[512];
	char *tag = NULL, *annot = annotation(s, env, j->kind, j->pusher, j->old_oid, j->new_oid);

	if (wf_repo_create_deploy_tag(&s->repo, env->name, j->new_oid, s->pusher, annot, &tag, err,
				      sizeof(err)) < 0)
		wf_say("workflow: repair: cannot tag %s's tip %.12s: %s", env->branch, j->new_oid, err);
	free(annot);
	return tag;
}

static int record_interrupted(struct wf_session *s, const struct wf_env *env, const struct inflight *j,
			      char *tag, char *note, int made)
{
	char *msg = xasprintf("Interrupted %s to %s", j->kind, env->branch);
	struct wf_record r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.kind = (char *)j->kind;
	r.status = "interrupted";
	r.env = (char *)env->name;
	r.ref = (char *)env->ref;
	r.pusher = (char *)j->pusher;
	r.time = (long long)time(NULL);
	r.old_oid = (char *)j->old_oid;
	r.new_oid = (char *)j->new_oid;
	r.tag = tag;
	r.message = msg;
	r.note = note;
	if (wf_record_write(s->repo.git_dir, &r) < 0) {
		wf_say("workflow: repair: could not record the interrupted %s to %s", j->kind, env->branch);
		rc = -1;
	} else {
		wf_say("workflow: repair: an interrupted %s to %s (%.12s) was %s and recorded as deploy record %ld "
		       "(git-workflow show %ld)", j->kind, env->branch, j->new_oid, made ? "tagged" : "found",
		       r.seq, r.seq);
		if (made)
			wf_say("workflow: repair: %s is %s; the steps may not have run", env->branch, tag);
		wf_notify_interrupted(s, env, j->kind, tag, j->old_oid, j->new_oid, r.pusher, msg, note, r.seq);
	}
	free(msg);
	return rc;
}

/* Finish the deploy of a journal whose push is gone: tag its tip when that
 * is still untagged, and record it. */
static int finish_journal(struct wf_session *s, const struct wf_env *env, const struct inflight *j)
{
	char tip[WF_OID_MAX + 1];
	char *tag = NULL, *note;
	int t, made = 0, rc;

	if (wf_repo_ref_tip(&s->repo, env->ref, tip) != 0 ||
	    (!strcmp(j->stage, "accepted") && strcmp(tip, j->new_oid))) {
		/* pre-receive's journal, and the ref never moved (git refused
		 * the update, or the push died first): no deploy happened */
		wf_inflight_end(s, &(struct wf_deploy){ .env = env });
		return 0;
	}
	t = wf_outside_tip_tagged(&s->repo, env, tip);
	if (t < 0)
		return -1;
	if (!strcmp(j->new_oid, tip) && !t) {
		if (!(tag = tag_interrupted(s, env, j)))
			return -1;
		made = 1;
		note = xasprintf("post-receive was interrupted; repair by %s tagged %s; the steps may not have "
				 "run: re-run them or promote again", s->pusher, tag);
	} else {
		tag = tag_at(s, env, j->new_oid);
		note = xasprintf("post-receive was interrupted; repair by %s recorded it (%s is now on %.12s)",
				 s->pusher, env->branch, tip);
	}
	rc = record_interrupted(s, env, j, tag, note, made);
	if (rc == 0)
		wf_inflight_end(s, &(struct wf_deploy){ .env = env });
	free(note);
	free(tag);
	return rc < 0 ? -1 : 1;
}

static int repair_env(struct wf_session *s, const struct wf_env *env, long me)
{
	struct inflight j;
	int r = read_journal(s, env, &j);

	if (r == 0 && journal_owner_alive(&j, me))
		return 0;
	if (r == 0)
		return finish_journal(s, env, &j);
	if (r < 0) {
		/* journals are renamed into place whole: this one is damaged,
		 * not being written, and says nothing we could finish */
		wf_say("workflow: repair: the in-flight journal of %s could not be read; removed", env->branch);
		wf_inflight_end(s, &(struct wf_deploy){ .env = env });
	}
	/* no journal: a tip no deploy made is reported, never tagged */
	return wf_outside_note(s, env) < 0 ? -1 : 0;
}

int wf_repair(struct wf_session *s, long owner_pid)
{
	size_t n;
	const struct wf_env *const *e = envs(s, &n);
	int total = 0;

	for (size_t i = 0; i < n; i++) {
		int r = repair_env(s, e[i], owner_pid);
		if (r < 0)
			return -1;
		total += r;
	}
	return total;
}

void wf_repair_if_needed(struct wf_session *s, long owner_pid)
{
	struct wf_lock_info holder;
	char err[512];
	int l;

	if (!wf_repair_needed(s, owner_pid))
		return;
	l = wf_lock_acquire(s->repo.git_dir, owner_pid, s->pusher, "repair", &holder, err, sizeof(err));
	if (l != 0)
		return; /* a deploy is running (its own journal), or no lock: next time */
	wf_repair(s, owner_pid);
	wf_lock_release(s->repo.git_dir, owner_pid);
}
