/* Following a deploy run: its log (workflow/runs/<run>.log) copied to the
 * pusher as it grows.  The push only watches: whatever happens to the
 * follower (the pusher hangs up, reads slowly, presses Ctrl-C), the runner
 * goes on. */
#ifndef WF_FOLLOW_H
#define WF_FOLLOW_H

enum wf_follow_end {
	WF_FOLLOW_DONE,         /* the run finished; all of its log was copied */
	WF_FOLLOW_WAITED,       /* wait seconds passed: it goes on */
	WF_FOLLOW_GONE,         /* the reader went away (a write failed) */
	WF_FOLLOW_DIED,         /* the runner ended without finishing */
	WF_FOLLOW_NONE          /* no such run */
};

/* Copy run's log to fd from the start until one of the ends above.
 * wait: seconds; 0 means no limit. */
enum wf_follow_end wf_follow(const char *git_dir, long run, long wait, int fd);

#endif
