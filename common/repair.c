#include "repair.h"
#include "lock.h"
#include "notify_hooks.h"
#include "record.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct inflight {
	long pid;
	unsigned long long start;
	char kind[16];
	char old_oid[WF_OID_MAX + 1], new_oid[WF_OID_MAX + 1];
	char pusher[256];
};

static char *journal_path(struct wf_session *s, const struct wf_env *env)
{
	return xasprintf("%sworkflow/inflight-%s", s->repo.git_dir, env->name);
}

int wf_inflight_begin(struct wf_session *s, const struct wf_deploy *d, long owner_pid)
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
	wf_text_line(&sb, s->pusher, strlen(s->pusher));
	f = fopen(tmp, "w");
	if (f) {
		rc = fprintf(f, "%ld %llu %s %s %s %s\n", owner_pid, wf_proc_start_time(owner_pid),
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

void wf_inflight_end(struct wf_session *s, const struct wf_deploy *d)
{
	char *path = journal_path(s, d->env);
	unlink(path);
	free(path);
}

/* 0 read, 1 none, -1 unreadable (treated as none, but reported). */
static int read_journal(struct wf_session *s, const struct wf_env *env, struct inflight *j)
{
	char *path = journal_path(s, env);
	FILE *f = fopen(path, "r");
	int n;

	free(path);
	memset(j, 0, sizeof(*j));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	n = fscanf(f, "%ld %llu %15s %64s %64s %255s", &j->pid, &j->start, j->kind, j->old_oid, j->new_oid,
		   j->pusher);
	fclose(f);
	if (n != 6 || !wf_is_hex_oid(j->new_oid))
		return -1;
	if (!strcmp(j->old_oid, "-"))
		memset(j->old_oid, '0', strlen(j->new_oid));
	return 0;
}

static int journal_owner_alive(const struct inflight *j, long me)
{
	return j->pid != me && wf_proc_start_time(j->pid) == j->start;
}

/* 1 when oid carries a deploy tag of env; the newest tag first (the usual
 * case), then all of them. */
static int tagged(struct wf_session *s, const struct wf_env *env, const char *oid)
{
	struct wf_repo_ops ops;
	char last[WF_OID_MAX + 1];
	long n = wf_repo_last_deploy_number(&s->repo, env->name);

	if (n > 0 && wf_repo_deploy_tag_target(&s->repo, env->name, n, last) == 0 && !strcmp(last, oid))
		return 1;
	wf_repo_policy_ops(&s->repo, &ops);
	return ops.has_deploy_tag(ops.ctx, oid, env->name);
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
	char tip[WF_OID_MAX + 1];
	int r = read_journal(s, env, &j);

	if (r == 0)
		return !journal_owner_alive(&j, me);
	if (wf_repo_ref_tip(&s->repo, env->ref, tip) != 0)
		return 0;
	return tagged(s, env, tip) == 0;
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

static int repair_env(struct wf_session *s, const struct wf_env *env, long me)
{
	struct inflight j;
	char tip[WF_OID_MAX + 1], prev[WF_OID_MAX + 1], err[512];
	const char *kind = "deploy", *old, *new;
	char *tag = NULL, *note, *annot, *msg;
	struct wf_record r;
	int have_j = read_journal(s, env, &j) == 0, t, made = 0;
	long last;

	if (have_j && journal_owner_alive(&j, me))
		return 0;
	if (wf_repo_ref_tip(&s->repo, env->ref, tip) != 0) {
		wf_inflight_end(s, &(struct wf_deploy){ .env = env });
		return 0;
	}
	t = tagged(s, env, tip);
	if (t < 0)
		return -1;
	if (!have_j && t)
		return 0;
	/* What is repaired: the journal's deploy, or the untagged tip. */
	if (have_j) {
		kind = j.kind;
		old = j.old_oid;
		new = j.new_oid;
	} else {
		last = wf_repo_last_deploy_number(&s->repo, env->name);
		if (last > 0 && wf_repo_deploy_tag_target(&s->repo, env->name, last, prev) == 0)
			old = prev;
		else
			old = "0000000000000000000000000000000000000000";
		new = tip;
	}
	if (!strcmp(new, tip) && !t) {
		annot = annotation(s, env, kind, have_j ? j.pusher : "unknown", old, new);
		if (wf_repo_create_deploy_tag(&s->repo, env->name, new, s->pusher, annot, &tag, err,
					      sizeof(err)) < 0) {
			wf_say("workflow: repair: cannot tag %s's tip %.12s: %s", env->branch, tip, err);
			free(annot);
			return -1;
		}
		free(annot);
		made = 1;
		note = xasprintf("post-receive was interrupted; repair by %s tagged %s; the steps may not have "
				 "run: re-run them or promote again", s->pusher, tag);
	} else {
		tag = tag_at(s, env, new);
		note = xasprintf("post-receive was interrupted; repair by %s recorded it (%s is now on %.12s)",
				 s->pusher, env->branch, tip);
	}
	msg = xasprintf("Interrupted %s to %s", kind, env->branch);
	memset(&r, 0, sizeof(r));
	r.kind = (char *)kind;
	r.status = "interrupted";
	r.env = (char *)env->name;
	r.ref = (char *)env->ref;
	r.pusher = have_j ? j.pusher : "unknown";
	r.time = (long long)time(NULL);
	r.old_oid = (char *)old;
	r.new_oid = (char *)new;
	r.tag = tag;
	r.message = msg;
	r.note = note;
	if (wf_record_write(s->repo.git_dir, &r) < 0) {
		wf_say("workflow: repair: could not record the interrupted %s to %s", kind, env->branch);
		free(msg);
		free(note);
		free(tag);
		return -1;
	}
	wf_say("workflow: repair: an interrupted %s to %s (%.12s) was %s and recorded as deploy record %ld "
	       "(git-workflow show %ld)", kind, env->branch, new, made ? "tagged" : "found", r.seq, r.seq);
	if (made)
		wf_say("workflow: repair: %s is %s; the steps may not have run", env->branch, tag);
	wf_notify_interrupted(s, env, kind, tag, old, new, r.pusher, msg, note, r.seq);
	wf_inflight_end(s, &(struct wf_deploy){ .env = env });
	free(msg);
	free(note);
	free(tag);
	return 1;
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
