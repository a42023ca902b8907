/* What became of the last deploy of a commit to an env: the lookup that
 * "only code that passed Test goes live" asks, one file per commit,
 * $GIT_DIR/workflow/outcome/<env>/<commit>, holding "<state> <tag> <record>
 * <commit>", and the env's last deploy of any commit in <env>.last.
 * Derived from the deploy records (wf_outcome_of_record, called by
 * wf_record_write), and set to "running" before a deploy's tag is made, so
 * a commit Test is in the middle of deploying (or failing) never counts as
 * passed.  A deploy tag alone says nothing about how its deploy ended. */
#ifndef WF_OUTCOME_H
#define WF_OUTCOME_H

#include <stddef.h>
#include "policy.h"             /* struct wf_outcome: what the policy asks */

struct wf_record;

/* Note the outcome of env's deploy of commit oid.  0, or -1 (errno). */
int wf_outcome_write(const char *git_dir, const char *env, const char *oid, const char *state, const char *tag,
		     long record);

/* The outcome a record says, noted when it is a deploy, rollback or hotfix
 * of env (a refused build too: it failed); nothing for other records.
 * 0 or -1. */
int wf_outcome_of_record(const char *git_dir, const struct wf_record *r);

/* env's outcome of oid: 0 (o filled), 1 none noted, -1 unreadable.
 * A repository from before outcomes were noted has them derived from its
 * records once, on the first look-up. */
int wf_outcome_read(const char *git_dir, const char *env, const char *oid, struct wf_outcome *o);

/* env's last deploy, of whichever commit (o->oid): 0, 1 none, -1. */
int wf_outcome_last(const char *git_dir, const char *env, struct wf_outcome *o);

#endif
