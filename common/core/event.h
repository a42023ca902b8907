/* Webhook events: what happened (a deploy started, succeeded or failed, a
 * hotfix, a rollback, a refused write to Test/Live) as the JSON document
 * posted to webhooks, or as a Slack-compatible message.  Pure: builds text
 * from the fields it is given, so it is unit-tested without a repository. */
#ifndef WF_EVENT_H
#define WF_EVENT_H

#include <stddef.h>
#include "config.h"
#include "util.h"
#include "text.h"

struct wf_event_commit {
	const char *id;          /* full object name */
	const char *summary;     /* first line of the message, as pushed */
};

struct wf_event_step {
	const char *name;
	int exit_status;
	int timed_out;
	double duration;         /* seconds */
};

struct wf_event {
	const char *kind;        /* "deploy", "hotfix", "rollback" or "refused" */
	const char *status;      /* "started", "succeeded", "failed"; "refused" for refusals */
	const char *repository;  /* repository name, e.g. "site" for /srv/git/site.git */
	const char *env;         /* "test", "live", or NULL */
	const char *ref;         /* the ref pushed */
	const char *tag;         /* deploy tag or NULL */
	const char *from, *to;   /* object names; a zero or NULL from is written as null */
	const char *pusher;
	const char *message;     /* deploy message, or why the write was refused */
	const char *note;        /* e.g. what the rollback after a failure did, or NULL */
	long long time;          /* unix seconds */
	long record;             /* deploy record number, 0 when none */
	const struct wf_event_commit *commits;
	size_t n_commits;
	size_t commits_total;    /* how many there are in all (>= n_commits) */
	const struct wf_event_step *steps;
	size_t n_steps;
};

/* The event's name as used in the X-Workflow-Event header and the
 * document's "event" field: "<kind>.<status>" (e.g. "deploy.started"),
 * or "refused".  Returns buf or a string literal. */
const char *wf_event_name(const struct wf_event *ev, char buf[64]);

/* Does webhook w subscribe to ev?  Its events list names kinds ("deploy",
 * "hotfix", "rollback", "refused") and "failure", which takes the failed
 * ones of every kind. */
int wf_event_wanted(const struct wf_webhook *w, const struct wf_event *ev);

/* The body to post: format "slack" gives {"text": ...}, anything else the
 * JSON document.  One line, ending in a newline. */
void wf_event_body(const struct wf_event *ev, const char *format, struct sbuf *out);
void wf_event_json(const struct wf_event *ev, struct sbuf *out);
void wf_event_slack(const struct wf_event *ev, struct sbuf *out);

#endif
