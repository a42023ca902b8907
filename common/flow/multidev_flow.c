/* Multidev in pre-receive: judging, and the registry entries of the envs
 * a push creates (multidev_flow.h). */
#include "multidev_flow.h"
#include "multidev_registry.h"
#include "release.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* -o clone-from names an env there is: Dev, Test, Live or a branch env. */
static int clone_from_ok(struct wf_session *s, const struct wf_md_entry *l, long n)
{
	const char *c = s->opts.clone_from;

	if (!c || !strcmp(c, "dev") || !strcmp(c, "test") || !strcmp(c, "live"))
		return 1;
	for (long i = 0; i < n; i++)
		if (!strcmp(l[i].name, c))
			return 1;
	return 0;
}

/* -o clone-from on a push that makes no branch env (nor deploys one whose
 * create steps have not succeeded yet): it changes nothing. */
static void note_clone_from(struct wf_session *s, const struct wf_command *cmd, size_t n,
			    const struct wf_md_entry *l, long nl)
{
	for (size_t i = 0; i < n; i++) {
		const struct wf_md_plan *p = &cmd[i].plan;
		if (p->op == WF_MD_CREATE)
			return;
		for (long k = 0; p->op == WF_MD_DEPLOY && k < nl; k++)
			if (!strcmp(l[k].name, p->name) && strcmp(l[k].create, "ok"))
				return;
	}
	/* with -o clone-content it names where a deploy's content comes from */
	if (s->opts.clone_from && s->opts.clone_content <= 0)
		wf_say("workflow: note: this push makes no branch environment, so -o clone-from changes nothing");
}

int wf_md_judge(struct wf_session *s, struct wf_command *cmd, size_t n)
{
	struct wf_md_entry *l = NULL;
	struct wf_md_known *k;
	long nl;
	int rc = 0;
	size_t touched = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&cmd[i].plan, 0, sizeof(cmd[i].plan));
		touched += wf_multidev_matches(&s->config.multidev, cmd[i].u->ref);
	}
	/* the registry is read only by a push to a branch env (or naming
	 * one in -o clone-from, which must exist) */
	if (!s->config.multidev.n_branches || (!touched && !s->opts.clone_from)) {
		note_clone_from(s, cmd, n, NULL, 0);
		return 0;
	}
	nl = wf_md_list(s->repo.git_dir, &l);
	if (nl < 0) {
		wf_say("workflow: cannot read the branch environments in %sworkflow/multidev: %s; push refused",
		       s->repo.git_dir, strerror(errno));
		free(l);
		return -1;
	}
	k = wf_md_known_of(l, nl);
	wf_multidev_decide(&s->config, cmd, n, k, (size_t)nl);
	for (size_t i = 0; i < n; i++)
		if (cmd[i].plan.op != WF_MD_NONE)
			cmd[i].d.env = wf_session_env(s, cmd[i].plan.name, cmd[i].u->ref);
	if (!clone_from_ok(s, l, nl)) {
		wf_say("workflow: -o clone-from=%s: no such environment (dev, test, live or a branch "
		       "environment: git-workflow multidev list); push refused", s->opts.clone_from);
		rc = -1;
	} else {
		note_clone_from(s, cmd, n, l, nl);
	}
	free(k);
	wf_md_list_free(l, nl);
	return rc;
}

/* Is name free in the registry as it is now, and is there room? */
static int still_free(struct wf_session *s, const char *name, const char *branch, long have, long adding)
{
	struct wf_md_entry e;
	int r = wf_md_read(s->repo.git_dir, name, &e);

	if (r == 0) {
		wf_say("workflow: the branch environment %s was just made for branch %s; fetch and push again",
		       name, e.branch);
		wf_md_entry_free(&e);
		return 0;
	}
	if (r < 0 || have + adding >= s->config.multidev.max) {
		wf_say("workflow: %s: %s; push refused", branch,
		       r < 0 ? "the branch environments cannot be read" : "multidev.max was reached meanwhile");
		return 0;
	}
	return 1;
}

static int enter(struct wf_session *s, const struct wf_env *env)
{
	struct wf_md_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", env->name);
	e.branch = env->branch;
	e.created_by = s->pusher;
	e.created = e.pushed = (long long)time(NULL);
	e.pinned = s->opts.keep_env > 0;
	strcpy(e.create, "pending");
	if (wf_md_write(s->repo.git_dir, &e) == 0)
		return 0;
	wf_say("workflow: cannot enter the branch environment %s in %sworkflow/multidev: %s; push refused",
	       env->name, s->repo.git_dir, strerror(errno));
	return -1;
}

int wf_md_reserve(struct wf_session *s, const struct wf_command *cmd, size_t n)
{
	struct wf_md_entry *l = NULL;
	long have, adding = 0;
	size_t i, entered = 0;
	int fd, ok = 1;

	for (i = 0; i < n; i++)
		adding += cmd[i].plan.op == WF_MD_CREATE;
	if (!adding)
		return 0;
	if ((fd = wf_md_lock(s->repo.git_dir)) < 0) {
		wf_say("workflow: cannot lock %sworkflow/multidev: %s; push refused", s->repo.git_dir,
		       strerror(errno));
		return -1;
	}
	have = wf_md_list(s->repo.git_dir, &l);
	wf_md_list_free(l, have);
	for (i = 0, adding = 0; ok && i < n; i++)
		if (cmd[i].plan.op == WF_MD_CREATE)
			ok = still_free(s, cmd[i].plan.name, cmd[i].u->ref + 11, have < 0 ? 0 : have, adding++);
	for (i = 0; ok && i < n; i++)
		if (cmd[i].plan.op == WF_MD_CREATE && enter(s, cmd[i].d.env) < 0)
			ok = 0, entered = i;
	/* one could not be entered: those before it go */
	for (i = 0; i < entered; i++)
		if (cmd[i].plan.op == WF_MD_CREATE)
			wf_md_remove(s->repo.git_dir, cmd[i].plan.name);
	wf_md_unlock(fd);
	return ok ? 0 : -1;
}

void wf_md_note_pushes(struct wf_session *s, const struct wf_command *cmd, size_t n)
{
	int fd = -1;

	for (size_t i = 0; i < n; i++) {
		struct wf_md_entry e;
		if (cmd[i].plan.op != WF_MD_DEPLOY)
			continue;
		if (fd < 0 && (fd = wf_md_lock(s->repo.git_dir)) < 0)
			return;
		if (wf_md_read(s->repo.git_dir, cmd[i].plan.name, &e) != 0)
			continue;
		e.pushed = (long long)time(NULL);
		if (s->opts.keep_env)
			e.pinned = s->opts.keep_env > 0;
		if (wf_md_write(s->repo.git_dir, &e) < 0)
			wf_say("workflow: warning: cannot note the push in the branch environment %s's entry: %s",
			       e.name, strerror(errno));
		wf_md_entry_free(&e);
	}
	if (fd >= 0)
		wf_md_unlock(fd);
}

void wf_md_forget(struct wf_session *s, const struct wf_env *env)
{
	struct wf_md_entry e;
	char cur[WF_RELEASE_NAME_MAX];

	if (!env || !env->multidev || wf_md_read(s->repo.git_dir, env->name, &e) != 0)
		return;
	if (!strcmp(e.create, "pending") && wf_release_current(&env->rel, cur) != 0) {
		wf_remove_tree(env->rel.path);
		wf_md_remove(s->repo.git_dir, env->name);
	}
	wf_md_entry_free(&e);
}

void wf_md_unreserve(struct wf_session *s, const struct wf_command *cmd, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cmd[i].plan.op == WF_MD_CREATE)
			wf_md_forget(s, cmd[i].d.env);
}
