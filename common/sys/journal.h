/* The deploy journal: one file per env, $GIT_DIR/workflow/inflight-<env>,
 * from the moment pre-receive accepts a deploy until its record is
 * written.  It carries the deploy across processes: pre-receive writes it
 * (pending) and starts the runner; the runner marks it running and notes
 * each step as it starts and ends; repair reads it when the runner is gone.
 * Text fields are stored escaped, one "key: value" line each. */
#ifndef WF_JOURNAL_H
#define WF_JOURNAL_H

#include <stddef.h>
#include "hook_input.h"
#include "sshmux.h"

#define WF_JOB_MAX_OPTIONS 100
#define WF_JOB_MAX_STEPS 64

struct wf_job {
	char env[64];
	char kind[16];                  /* "deploy", "rollback", "hotfix" */
	char ref[1024];                 /* the ref pushed */
	char old_oid[WF_OID_MAX + 1];   /* env tip before ("" when none) */
	char new_oid[WF_OID_MAX + 1];
	char base[WF_OID_MAX + 1];      /* hotfix: the tip it was checked on */
	char *pusher;
	char **options;                 /* the push options, raw */
	size_t n_options;
	long owner_pid;                 /* receive-pack, and its start time */
	unsigned long long owner_start;
	long runner_pid;                /* the runner, once started (0 before) */
	unsigned long long runner_start;
	long run;                       /* its log: workflow/runs/<run>.log */
	int running;                    /* 0 pending (the ref may not have moved yet), 1 running */
	char state[16];                 /* the phase it is in (WF_STATE_*), written before it is entered */
	char step[256];                 /* the step running now, "" between steps */
	long step_pgid;
	char *steps_done;               /* "name exit, name exit" of the steps that ended */
	char release[128];              /* env with a path: the release placed for it ("" none) */
	int reused;                     /* 1: a kept release switched to again (a rollback) */
	char ssh_dir[WF_SSHMUX_DIR_MAX]; /* env with hosts: its ssh connections (sshmux.h), "" none */
};

/* A deploy's phases, in order; each is written to the journal before the
 * deploy acts on it, so repair and the record read where it stopped.
 * Then the record says how it ended (ok, failed, interrupted). */
#define WF_STATE_ACCEPTED "accepted"    /* pre-receive: journaled, the ref has not moved */
#define WF_STATE_BUILT "built"          /* its release is placed and built */
#define WF_STATE_TAGGED "tagged"        /* the runner: the ref moved; the tag is made */
#define WF_STATE_SWITCHED "switched"    /* current is switched to the release */
#define WF_STATE_STEPS "steps"          /* the steps run */
#define WF_STATE_CHECKS "checks"        /* the checks run */

/* Enter state: j->state set and the journal rewritten (best effort: a
 * journal that cannot be written is said by the next write). */
void wf_job_enter(const char *git_dir, struct wf_job *j, const char *state);

/* Write (or rewrite) the journal of j->env atomically.  0 or -1 (errno). */
int wf_job_write(const char *git_dir, const struct wf_job *j);
/* 0 read, 1 none, -1 unreadable or malformed. */
int wf_job_read(const char *git_dir, const char *env, struct wf_job *j);
/* The journal goes: the deploy has ended, and so do its ssh connections
 * (the ssh_dir it names is closed). */
void wf_job_remove(const char *git_dir, const char *env);
/* The envs that have a journal (Dev, Test, Live and branch envs): a
 * malloc'd array of n names (free with wf_strv_free), or NULL when none. */
char **wf_job_envs(const char *git_dir, size_t *n);
/* 1 when env has a journal (of any push), 0 none, -1 cannot tell. */
int wf_job_present(const char *git_dir, const char *env);
void wf_job_free(struct wf_job *j);

/* Whether the process that owns the job now (the runner once it started,
 * else the push) is still alive. */
int wf_job_owner_alive(const struct wf_job *j);

/* Note a step starting (pgid > 0) or ending (pgid 0, its exit status). */
void wf_job_step(const char *git_dir, struct wf_job *j, const char *name, long pgid, int exit_status);

#endif
