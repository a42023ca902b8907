/* Content down (content_clone.h, docs/content.md).  Every path is copied
 * first, beside the target in path/.trash/ (one filesystem, so a rename
 * moves it), and only when all are copied is each swapped in, one
 * renameat2(RENAME_EXCHANGE) a path: a request sees the old uploads or
 * the new, never a mix nor none, and a copy that fails changes nothing.
 * The old ones are left in .trash/, removed with the old releases. */
#include "content.h"
#include "content_clone.h"
#include "content_db.h"
#include "copytree.h"
#include "fileio.h"
#include "multidev_registry.h"
#include "release.h"
#include "steps.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const struct wf_env *wf_content_env(struct wf_session *s, const char *name)
{
	const struct wf_env *e = wf_config_deploy_env(&s->config, name);
	struct wf_md_entry m;
	char *ref;

	if (e || !s->config.multidev.n_branches || wf_md_read(s->repo.git_dir, name, &m) != 0)
		return e;
	ref = xasprintf("refs/heads/%s", m.branch);
	e = wf_session_env(s, name, ref);
	free(ref);
	wf_md_entry_free(&m);
	return e;
}

/* The index of p among rc's shared paths, or -1. */
static long shared_index(const struct wf_release_conf *rc, const char *p)
{
	for (size_t i = 0; i < rc->n_shared; i++)
		if (!strcmp(rc->shared[i], p))
			return (long)i;
	return -1;
}

struct plan {
	char **stage;           /* per target shared path: its copy in .trash/, NULL when not cloned */
	size_t n;
	long paths, kept;       /* cloned; shared files kept (each env's own) */
	struct wf_copy_stats st;
};

static void plan_free(struct plan *p, int remove)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->stage[i] && remove)
			wf_remove_tree(p->stage[i]);
		free(p->stage[i]);
	}
	free(p->stage);
}

/* The target's path may be replaced: not a symlink the admin made to put
 * it elsewhere (another disk), which a rename would quietly undo. */
static int target_ok(const struct wf_env *to, const char *rel, char *err, size_t errlen)
{
	char *dst = xasprintf("%s/shared/%s", to->rel.path, rel);
	struct stat st;
	int ok = lstat(dst, &st) < 0 || !S_ISLNK(st.st_mode);

	if (!ok)
		snprintf(err, errlen, "%s is a symlink (its content is elsewhere): clone-content replaces only what is "
			 "in %s/shared; copy into where it points by hand", dst, to->rel.path);
	free(dst);
	return ok;
}

/* Copy each shared path the source has into to's .trash/: 0, or -1 (err). */
static int stage_all(const struct wf_env *from, const struct wf_env *to, struct wf_copy_opts *o, struct plan *p,
		     char *err, size_t errlen)
{
	const struct wf_release_conf *t = &to->rel;

	p->stage = xcalloc(t->n_shared + 1, sizeof(*p->stage));
	p->n = t->n_shared;
	for (size_t i = 0; i < t->n_shared; i++) {
		const char *rel = t->shared[i];
		long j = shared_index(&from->rel, rel);
		int file = wf_content_is_file(t, i);
		char *src;
		struct stat st;
		int rc;

		/* a shared file is the env's own config (its database, its host
		 * names): a copy would point Test at Live's database, or Live at
		 * Test's.  Templates write a branch env's. */
		if (file) {
			p->kept++;
			continue;
		}
		if (j < 0 || wf_content_is_file(&from->rel, (size_t)j) != file)
			continue;       /* the source does not share it (so): nothing of its to take */
		if (!target_ok(to, rel, err, errlen))
			return -1;
		src = xasprintf("%s/shared/%s", from->rel.path, rel);
		if (stat(src, &st) < 0) {
			free(src);
			continue;       /* it has none yet */
		}
		p->stage[i] = xasprintf("%s/.trash/content-%ld-%zu", t->path, (long)getpid(), i);
		wf_remove_tree(p->stage[i]);
		o->how = !file && t->clone_hardlinks ? WF_COPY_HARDLINK : WF_COPY_CLONE;
		rc = wf_copy_tree(src, p->stage[i], o, &p->st, err, errlen);
		free(src);
		if (rc < 0)
			return -1;
		p->paths++;
	}
	return 0;
}

/* stage in place of dst, atomically where the filesystem can exchange
 * two names; what was at dst is then at stage (or stage.old). */
static int put_in_place(const char *stage, const char *dst)
{
	char *old;
	int rc;

	if (renameat2(AT_FDCWD, stage, AT_FDCWD, dst, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno == ENOENT)
		return rename(stage, dst);      /* nothing there yet */
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	old = xasprintf("%s.old", stage);       /* no exchange here: aside, then in */
	rc = rename(dst, old) < 0 ? -1 : rename(stage, dst);
	free(old);
	return rc;
}

/* Each copy in place of the target's path; the old one where the copy was. */
static int swap_all(const struct wf_env *to, struct plan *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n; i++) {
		char *dst, *dir;
		int rc;

		if (!p->stage[i])
			continue;
		dst = xasprintf("%s/shared/%s", to->rel.path, to->rel.shared[i]);
		dir = xstrdup(dst);
		*strrchr(dir, '/') = 0;
		rc = wf_mkdir_p(dir, 0775) < 0 ? -1 : put_in_place(p->stage[i], dst);
		if (rc < 0)
			snprintf(err, errlen, "cannot put the copy of %s in place: %s (the shared paths before it are "
				 "replaced, it and those after are not)", dst, strerror(errno));
		free(dst);
		free(dir);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* "content of live: 2 paths, 1203 files, 4512 bytes (copied)" */
static char *summarize(const struct wf_env *from, const struct plan *p, const struct wf_copy_opts *o)
{
	char *how = wf_copy_how_text(&p->st), *line;

	line = xasprintf("content of %s: %ld path%s, %lld file%s, %lld bytes (%s%s)%s", from->name, p->paths,
			 p->paths == 1 ? "" : "s", p->st.files, p->st.files == 1 ? "" : "s", p->st.bytes, how,
			 o->uid != (uid_t)-1 ? ", shared_owner applied" : "",
			 p->kept ? "; its shared files kept (its own config)" : "");
	free(how);
	return line;
}

int wf_content_clone(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, char **summary,
		     char *err, size_t errlen)
{
	struct wf_copy_opts o = { WF_COPY_CLONE, (uid_t)-1, (gid_t)-1, 0 };
	struct plan p;
	char *trash;
	int rc;

	*summary = NULL;
	memset(&p, 0, sizeof(p));
	if (!from->rel.path || !to->rel.path) {
		snprintf(err, errlen, "%s has no path: its content is not on this machine", from->rel.path ? to->name : from->name);
		return -1;
	}
	if (to->rel.shared_owner && wf_owner_ids(to->rel.shared_owner, &o.uid, &o.gid, err, errlen) < 0)
		return -1;
	trash = xasprintf("%s/.trash", to->rel.path);
	rc = wf_mkdir_p(trash, 0755);
	if (rc < 0)
		snprintf(err, errlen, "cannot create %s: %s", trash, strerror(errno));
	free(trash);
	if (rc < 0)
		return -1;
	rc = stage_all(from, to, &o, &p, err, errlen) < 0 || swap_all(to, &p, err, errlen) < 0 ? -1 : 0;
	if (rc == 0)
		*summary = summarize(from, &p, &o);
	/* a failed copy goes; after a swap the stage holds the old content */
	plan_free(&p, rc < 0);
	if (rc == 0 && wf_content_db(s, from, to, err, errlen) < 0) {
		free(*summary);
		*summary = NULL;
		return -1;
	}
	if (rc == 0) {
		/* the record says the database went too, not only the files */
		char *db = wf_content_db_note(s, from, to), *both;
		if (db) {
			both = xasprintf("%s; %s", *summary, db);
			free(*summary);
			free(db);
			*summary = both;
		}
	}
	return rc;
}

int wf_content_deploy(struct wf_session *s, struct wf_deploy *d, const char *from_name, struct wf_record_steps *out)
{
	const struct wf_env *from = wf_content_env(s, from_name);
	struct wf_record_step *r = wf_record_steps_add(out);
	struct timespec t0, t1;
	char err[1024] = "", *hint = NULL, *why, *summary = NULL, *text;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* the policy refused what it could tell before anything ran; again
	 * here, with the env as it is now (a branch env as source) */
	why = !from ? xasprintf("-o clone-from=%s: no such environment", from_name)
		    : wf_content_refusal(&s->config, from->name, d->env, s->opts.content_up, 1,
					 d->pusher ? d->pusher : s->pusher, &hint);
	if (why)
		snprintf(err, sizeof(err), "%s", why);
	else
		wf_say("workflow: %s: cloning the content of %s (its shared directories) into %s/shared ...", d->env->branch,
		       from->name, d->env->rel.path);
	if (!why && wf_content_clone(s, from, d->env, &summary, err, sizeof(err)) == 0) {
		wf_say("workflow: %s: %s; %s's old content replaced (removed after the push)", d->env->branch,
		       summary, d->env->name);
		d->note = wf_join_note(d->note, xstrdup(summary));
	} else {
		wf_say("workflow: %s: clone-content failed: %s", d->env->branch, err);
		d->note = wf_join_note(d->note, xasprintf("clone-content failed: %s", err));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	text = xasprintf("%s\n", summary ? summary : err);
	r->name = xstrdup("clone-content");
	r->exit_status = summary ? 0 : 1;
	r->duration = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	r->output_len = strlen(text);
	wf_compress(text, r->output_len, &r->zoutput, &r->zlen);
	free(text);
	free(why);
	free(hint);
	free(summary);
	return r->exit_status;
}
