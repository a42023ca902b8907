/* The libgit2 adapter: the repository opened once per hook run, the
 * answers the policy asks for, and the few writes the hooks make. */
#ifndef WF_REPO_H
#define WF_REPO_H

#include <git2.h>
#include "commit_graph.h"
#include "config.h"
#include "policy.h"
#include "util.h"

struct wf_repo {
	git_repository *git;
	char *git_dir;                  /* absolute, with trailing '/' */
	const struct wf_config *c;
	struct wf_cgraph *cgraph;       /* commit-graph for ancestry, opened on first use */
	int cgraph_tried;
};

/* git_libgit2_init with the cache limits the hooks need; wf_repo_open
 * calls it */
void wf_git_init(void);
/* Open the repository the hook runs in.  GIT_REPOSITORY_OPEN_FROM_ENV makes
 * libgit2 honour GIT_DIR, GIT_OBJECT_DIRECTORY and the alternates, so
 * pre-receive sees the quarantined objects of the push. */
int wf_repo_open(struct wf_repo *r, char *err, size_t errlen);
/* Open a repository by path (the command-line tool). */
int wf_repo_open_path(struct wf_repo *r, const char *path, char *err, size_t errlen);
void wf_repo_close(struct wf_repo *r);

/* The commit-graph, opened on first use (NULL when the repository has none). */
struct wf_cgraph *wf_repo_cgraph(struct wf_repo *r);
/* The wf_repo_ops for the policy; r->c must be set (repo_ops.c). */
void wf_repo_policy_ops(struct wf_repo *r, struct wf_repo_ops *ops);
/* All of them but the hotfix tags (repo.c). */
void wf_repo_base_ops(struct wf_repo *r, struct wf_repo_ops *ops);

/* N of a tag name "<prefix>_<env>_<N>"; 0 when name is not one. */
long wf_repo_deploy_number(const struct wf_config *c, const char *env, const char *name);
/* Highest N of the deploy tags <prefix>_<env>_<N> (only those the hooks
 * made: deploy_tag.h); 0 when none. -1 on error. */
long wf_repo_last_deploy_number(struct wf_repo *r, const char *env);
/* Commit the deploy tag <prefix>_<env>_<n> is on; 0, 1 when there is no
 * such tag or the hooks did not make it, -1. */
int wf_repo_deploy_tag_target(struct wf_repo *r, const char *env, long n, char out[GIT_OID_HEXSZ + 1]);
/* Create the next deploy tag of env on oid with the annotation message.
 * Retries with the next number if another deploy took it.  Returns 0 with
 * *name (malloc'd) or -1 with err. */
int wf_repo_create_deploy_tag(struct wf_repo *r, const char *env, const char *oid,
			      const char *tagger, const char *message, char **name,
			      char *err, size_t errlen);
/* The commits in new not in old (old may be zero or NULL), newest first,
 * at most max (0 = all, a walk as long as the range: not on a push path):
 * fn(ctx, id, commit) each, commit NULL when it cannot be read.  Returns
 * how many or -1 (repo_commits.c). */
typedef int (*wf_commit_fn)(void *ctx, const git_oid *id, git_commit *c);
long wf_repo_commit_walk(struct wf_repo *r, const char *old, const char *new, size_t max, wf_commit_fn fn,
			 void *ctx);
/* The same as "abcdef123456 subject\n" lines, the summary made safe to
 * print (wf_text_line). */
long wf_repo_commit_list(struct wf_repo *r, const char *old, const char *new, size_t max,
			 struct sbuf *out);
/* The committer times of the commits in new not in old (old NULL or zero:
 * every commit of new), newest first, at most max of them, *capped set
 * when there were more: in *times (malloc'd, also on 0).  The count or -1. */
long wf_repo_commit_times(struct wf_repo *r, const char *old, const char *new, size_t max, long long **times,
			  int *capped);
/* How many commits are in new and not in old (git rev-list --count):
 * exact from the commit-graph; without one, a walk that stops after cap
 * commits, and then returns cap with *more set.  -1 on error. */
long wf_repo_commit_count(struct wf_repo *r, const char *old, const char *new, long cap, int *more);
/* Current tip of ref: 0, 1 missing, -1 error. */
int wf_repo_ref_tip(struct wf_repo *r, const char *ref, char out[GIT_OID_HEXSZ + 1]);
/* Move ref to new only if it still points at expected (compare-and-swap).
 * Returns 0, 1 when the ref moved meanwhile, -1 on other errors. */
int wf_repo_move_ref(struct wf_repo *r, const char *ref, const char *new, const char *expected,
		     const char *log_message);
/* Delete ref if it still points at expected.  0, 1 moved meanwhile, -1. */
int wf_repo_delete_ref(struct wf_repo *r, const char *ref, const char *expected);

#endif
