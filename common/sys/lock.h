/* The deploy locks: one deploy per env at a time (workflow/deploy-<env>.lock),
 * so a Dev deploy never waits for a Test promotion; repair takes the lock
 * of all (WF_LOCK_ALL_FILE, a name no env's lock can have: env names are
 * a-z, 0-9 and '-'), which waits for every env's.  pre-receive takes
 * them for the receive-pack process that runs the push (the hooks' parent),
 * hands them to the deploy runner, which releases them; a lock whose owner
 * process is gone (or is a new process with the same pid) is stale and
 * taken over. */
#ifndef WF_LOCK_H
#define WF_LOCK_H

#include <stddef.h>

struct wf_lock_info {
	long pid;
	unsigned long long start;   /* process start time, from /proc */
	char user[256];
	char env[64];
	long long time;
};

/* env: the env's name, or WF_LOCK_ALL for every env at once.
 * 0 taken (or already ours), 1 busy (holder filled in), -1 error (err). */
#define WF_LOCK_ALL "repair"
#define WF_LOCK_ALL_FILE "deploy-_all.lock"
int wf_lock_acquire(const char *git_dir, long owner_pid, const char *user, const char *env,
		    struct wf_lock_info *holder, char *err, size_t errlen);
/* The same, waiting up to ms for a holder to release it: a runner that has
 * just finished, or that is about to find its push's ref unmoved, holds it
 * for a moment after the push that started it ended. */
#define WF_LOCK_WAIT_MS 3000
int wf_lock_acquire_wait(const char *git_dir, long owner_pid, const char *user, const char *env,
			 struct wf_lock_info *holder, char *err, size_t errlen, int ms);
/* Give the locks owner_pid holds to new_pid (the deploy runner, which
 * outlives the push).  0 handed over, -1 when owner_pid holds none. */
int wf_lock_handover(const char *git_dir, long owner_pid, long new_pid);
/* Release the locks owner_pid holds.  0 released or none ours, -1 error. */
int wf_lock_release(const char *git_dir, long owner_pid);
/* A live holder of any lock: 0 when held (info filled), 1 when all free. */
int wf_lock_status(const char *git_dir, struct wf_lock_info *info);
/* Start time of a process (0 when it does not exist or is a zombie). */
unsigned long long wf_proc_start_time(long pid);

/* $GIT_DIR/workflow/, created when missing.  malloc'd path or NULL. */
char *wf_state_dir(const char *git_dir, char *err, size_t errlen);

#endif
