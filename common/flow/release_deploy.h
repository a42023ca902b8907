/* Releases in the push pipeline: placed and built in pre-receive before
 * the ref moves, switched to by the runner after it moved, checked, and
 * switched back when a check fails (release.h has the layout). */
#ifndef WF_RELEASE_DEPLOY_H
#define WF_RELEASE_DEPLOY_H

#include "deploy.h"
#include "journal.h"
#include "release.h"
#include "session.h"

/* pre-receive, under the env's lock, the accepted deploy d saved: place
 * its release (or find the kept one a rollback goes back to) and build it;
 * its journal names the release.  0, or -1 when the deploy is refused
 * (said why, recorded, the release removed: nothing moves). */
int wf_release_prepare(struct wf_session *s, struct wf_deploy *d);

/* The runner, once the tag is made: the job's release is named after the
 * tag (renamed if the tag took another number) and cx gets where the
 * steps run, before anything is switched (maintenance mode goes on
 * there first).  0, or -1 (note says why; the branch went back to the
 * commit current names). */
int wf_release_ready(struct wf_session *s, struct wf_deploy *d, const char *tag, struct wf_step_ctx *cx, char **note);
/* Then current switches to it, on every host first.  0, or -1 (note says
 * why; current did not move, and the branch went back to the commit
 * current names). */
int wf_release_go(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note);
/* Ready but not switched (maintenance mode could not be turned on): the
 * branch goes back to the commit current names. */
void wf_release_stay(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note);
/* A check (what: "check") or a step ("step") failed after the switch:
 * current back to the release before, the env's branch back to its commit
 * (compare-and-swap), so the two never part. */
void wf_release_undo(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, const char *what,
		     char **note);
/* After the steps and checks, passed or not: files a step wrote in place
 * that other releases share are theirs no more (release_heal.c). */
void wf_release_after_steps(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx, char **note);
/* The deploy succeeded: releases beyond keep go. */
void wf_release_done(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx);
/* A deploy that will not run (its ref unmoved, its push refused): the
 * release placed for it goes. */
void wf_release_forget(struct wf_session *s, const struct wf_deploy *d);

/* An env with a path whose branch and current name two commits: 1, with
 * the release current serves in *info and the branch's tip in tip; 0 when
 * they agree (or the env has no path, no release, no branch).  Whether a
 * deploy runs for it is the caller's to know (repair, status). */
int wf_release_apart(struct wf_repo *r, const struct wf_env *env, struct wf_release_info *info,
		     char tip[WF_OID_MAX + 1]);

/* repair, for a running deploy whose runner died: current switched to its
 * release when the branch is on its commit and current is not. */
void wf_release_repair(struct wf_session *s, const struct wf_deploy *d);

#endif
