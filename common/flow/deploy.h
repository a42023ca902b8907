/* What post-receive does for an accepted promotion, rollback or hotfix:
 * tag, run the env's steps, record, roll back on failure when configured.
 * The dry-run description comes from the same place, so it can't drift. */
#ifndef WF_DEPLOY_H
#define WF_DEPLOY_H

#include "command.h"
#include "journal.h"
#include "policy.h"
#include "record.h"
#include "session.h"

/* What steps, builds and checks of one deploy run with. */
struct wf_step_ctx {
	const char *tag;                /* the deploy tag (predicted, for a build) */
	const char *message;            /* the deploy message as one line */
	char cwd[4096];                 /* where they run: the release, or the git dir */
	char release[128];              /* the release ("" when the env has no path) */
	char prev[128];                 /* the release current named before ("" none) */
	char placed[128];               /* the release's name as placed, before it followed its tag */
	const char *clone_from;         /* create steps of a branch env: WF_CLONE_FROM (NULL: others) */
	const char *clone_from_path;    /* that env's path ("" when it has none) */
	long long since;                /* when the switch began (unix s): what is written after is the steps' */
	/* the run's step results, where the hosts' results go (NULL: not kept) */
	struct wf_record_steps *out;
};

/* One deploy from the decision to its record, as git's struct command
 * carries one ref from the push to the report: what it is (kind, env, ref,
 * old and new, who pushed it), its journal (the on-disk form that carries
 * it from pre-receive to the runner, with the state it is in, and that
 * repair reads when the runner is gone), and what the run fills in (its
 * tag, message, note, each step's result).  Its record and its webhook
 * event are derived from it, by wf_deploy_record and wf_notify_record. */
struct wf_deploy {
	enum wf_action kind;            /* WF_PROMOTE, WF_ROLLBACK, WF_HOTFIX */
	const struct wf_env *env;
	const char *ref;                /* the ref pushed */
	char old_oid[WF_OID_MAX + 1];   /* env tip before */
	char new_oid[WF_OID_MAX + 1];
	struct wf_job *job;             /* its journal: &journal once accepted or loaded; NULL in a dry run */
	const char *pusher;             /* who pushed it (NULL: the session's) */
	/* what the run fills in (wf_deploy_clear frees it) */
	char *tag;                      /* its deploy tag, once made */
	long n;                         /* the tag's number (0: Dev, untagged) */
	char *message;                  /* as pushed, or the default one */
	char *shown;                    /* the message as one line */
	char *opts;                     /* the push options, space separated */
	char *note;                     /* what happened besides the steps */
	char *annot, *dropped;          /* the tag's annotation; a dropped hotfix */
	struct sbuf commits;            /* the commits it brings */
	struct wf_record_steps steps;   /* each build's, step's, check's and host's result */
	struct wf_step_ctx cx;
	int failed;
	struct wf_job journal;          /* its on-disk form (deploy_journal.c) */
};

/* The journal is a deploy's on-disk form (deploy_journal.c).  Accept
 * command c (an env deploy) as deploy d, state accepted, its ref not moved
 * yet: d owns its journal, pusher and options copied. */
void wf_deploy_accept(struct wf_session *s, const struct wf_command *c, struct wf_deploy *d);
/* Write d's journal (atomically).  0, or -1 with errno. */
int wf_deploy_save(struct wf_session *s, const struct wf_deploy *d);
/* The deploy env's journal holds: 0 (d->env NULL when the journal names
 * no env this config has), 1 none, -1 unreadable. */
int wf_deploy_load(struct wf_session *s, const char *env, struct wf_deploy *d);
/* Free an accepted or loaded deploy: what a run filled in and its journal. */
void wf_deploy_unload(struct wf_deploy *d);

/* d's record as it stands: status "ok" or "failed" (by d->failed), or
 * the one given ("started", "interrupted"; "refused" makes it a refusal,
 * kind "refused").  The strings are d's. */
void wf_deploy_record(struct wf_session *s, const struct wf_deploy *d, const char *status, struct wf_record *r);
/* Free what a run filled in. */
void wf_deploy_clear(struct wf_deploy *d);

/* Run steps (what: "step", "build", "check" in the messages), streaming
 * their output and adding each to out.  1 when one failed (the rest did
 * not run), else 0. */
int wf_deploy_steps(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *steps, size_t n,
		    const struct wf_step_ctx *cx, const char *what, struct wf_record_steps *out);

/* One step the deploy makes itself (e.g. the OPcache reset), with extra
 * "NAME=value" variables besides the WF_* ones, its result in cx->out.
 * 1 when it failed. */
int wf_deploy_run_step(struct wf_session *s, const struct wf_deploy *d, const struct wf_step *st,
		       const struct wf_step_ctx *cx, char *const extra[], const char *what);

/* The WF_* variables of a step ("NAME=value", NULL-terminated); free
 * each and the array. */
char **wf_deploy_step_env(struct wf_session *s, const struct wf_deploy *d, const struct wf_step_ctx *cx);

/* note, then more, in one record note; both malloc'd, note may be NULL */
char *wf_join_note(char *note, char *more);

/* Print what the deploy would do (tag, commits, steps); change nothing. */
void wf_deploy_describe(struct wf_session *s, const struct wf_deploy *d);

/* Carry it out.  Returns 0 when it succeeded, 1 when it failed (reported
 * to the pusher and recorded). */
int wf_deploy_run(struct wf_session *s, struct wf_deploy *d);

/* The deploy kind of an accepted update of an env ref (post-receive):
 * a fast-forward is a promotion, anything else a rollback. */
enum wf_action wf_deploy_kind(struct wf_session *s, const char *old_oid, const char *new_oid);

/* Tell the pusher why a command is refused; record it when it was a write
 * to an env or a hotfix ref. */
void wf_report_refusal(struct wf_session *s, const struct wf_command *c);

#endif
