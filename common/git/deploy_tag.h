/* Which tags are deploys.  A deploy of env is a ref refs/tags/<prefix>_<env>_<N>
 * the hooks made: an annotated tag object of that same name, on a commit,
 * whose annotation has the fields deploy.c (or repair) writes, for that env
 * and that commit.  A lightweight tag, a tag object copied under another
 * name, or one with another text is not: anyone who can write the
 * repository directly (git update-ref, a library pushing to a local path)
 * makes those without a hook, and they must not number deploys, be
 * rollback targets or make code "tested".  Reads one tag object: cheap. */
#ifndef WF_DEPLOY_TAG_H
#define WF_DEPLOY_TAG_H

#include <git2.h>

/* 1 when msg is an annotation the hooks write for a deploy of env onto the
 * commit target (full hex), 0 when not.  Pure. */
int wf_deploy_annotation_ok(const char *msg, const char *env, const char *target);

/* Is refs/tags/<name> a deploy of env?  0 yes (out: its commit), 1 no (or
 * no such tag, or want is set and it is on another commit), -1 when the
 * repository could not answer. */
int wf_deploy_tag_genuine(git_repository *repo, const char *name, const char *env, const git_oid *want,
			  git_oid *out);

#endif
