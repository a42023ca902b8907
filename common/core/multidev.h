/* Multidev, the pure part: which branches are environments, the name each
 * gets, and what a push does to them, decided from the push and the branch
 * envs that exist (given as data).  docs/branch-envs.md. */
#ifndef WF_MULTIDEV_H
#define WF_MULTIDEV_H

#include <stddef.h>
#include "config.h"
#include "hook_input.h"
#include "command.h"
#include "policy.h"


/* A branch env that exists (the registry's entry, as data). */
struct wf_md_known {
	const char *name;
	const char *branch;     /* short name */
};

/* 1 when ref is refs/heads/<b> and b matches one of m's globs. */
int wf_multidev_matches(const struct wf_multidev *m, const char *ref);

/* The env name of branch b (short name): its last part, letters made
 * lowercase, '_' and '.' made '-'.  0, or -1 with why: a '.' or '..'
 * part, control bytes, more parts than the glob has, a name that is not a
 * DNS label (a-z 0-9 '-', 1..63, no '-' at either end), a reserved one. */
int wf_multidev_name(const struct wf_multidev *m, const char *b, char name[WF_MD_NAME_MAX + 1], char *why,
		     size_t whylen);

/* For each accepted command (d.action WF_ALLOW) of a branch that is an
 * env: its plan says what it does, or its decision becomes a refusal (a
 * name that is not safe, taken by another branch, twice in this push, max
 * reached). */
void wf_multidev_decide(const struct wf_config *c, struct wf_command *cmd, size_t n,
			const struct wf_md_known *known, size_t n_known);

/* The env of branch env name (branch: its short branch): the multidev
 * group's steps, build and checks, at multidev.path/<name>, no tags. */
void wf_multidev_env(const struct wf_config *c, const char *name, const char *branch, struct wf_env *out);
/* What wf_multidev_env allocated (the rest is the config's). */
void wf_multidev_env_free(struct wf_env *e);


#endif
