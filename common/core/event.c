#include "event.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

static void json_str(struct sbuf *sb, const char *s)
{
	if (!s)
		sbuf_adds(sb, "null");
	else
		wf_json_string(sb, s, strlen(s));
}

static void field(struct sbuf *sb, const char *name, const char *value)
{
	sbuf_addf(sb, ",\"%s\":", name);
	json_str(sb, value);
}

const char *wf_event_name(const struct wf_event *ev, char buf[64])
{
	if (!strcmp(ev->kind, "refused"))
		return "refused";
	snprintf(buf, 64, "%s.%s", ev->kind, ev->status);
	return buf;
}

int wf_event_wanted(const struct wf_webhook *w, const struct wf_event *ev)
{
	for (size_t i = 0; i < w->n_events; i++) {
		if (!strcmp(w->events[i], ev->kind))
			return 1;
		if (!strcmp(w->events[i], "failure") &&
		    (!strcmp(ev->status, "failed") || !strcmp(ev->status, "interrupted")))
			return 1;
	}
	return 0;
}

static const char *step_status(const struct wf_event_step *st)
{
	return st->timed_out ? "timed_out" : st->exit_status == 0 ? "ok" : "failed";
}

void wf_event_json(const struct wf_event *ev, struct sbuf *sb)
{
	char name[64], when[32];
	const char *from = ev->from && !wf_is_zero_oid(ev->from) ? ev->from : NULL;

	sbuf_adds(sb, "{\"event\":");
	json_str(sb, wf_event_name(ev, name));
	field(sb, "kind", ev->kind);
	field(sb, "status", ev->status);
	field(sb, "repository", ev->repository);
	field(sb, "env", ev->env);
	field(sb, "ref", ev->ref);
	field(sb, "tag", ev->tag);
	field(sb, "from", from);
	field(sb, "to", ev->to);
	field(sb, "pusher", ev->pusher);
	field(sb, "message", ev->message);
	field(sb, "note", ev->note);
	sbuf_adds(sb, ",\"commits\":[");
	for (size_t i = 0; i < ev->n_commits; i++) {
		sbuf_adds(sb, i ? ",{\"id\":" : "{\"id\":");
		json_str(sb, ev->commits[i].id);
		field(sb, "summary", ev->commits[i].summary);
		sbuf_adds(sb, "}");
	}
	sbuf_addf(sb, "],\"commits_total\":%zu,\"steps\":[",
		  ev->commits_total > ev->n_commits ? ev->commits_total : ev->n_commits);
	for (size_t i = 0; i < ev->n_steps; i++) {
		const struct wf_event_step *st = &ev->steps[i];
		sbuf_adds(sb, i ? ",{\"name\":" : "{\"name\":");
		json_str(sb, st->name);
		field(sb, "status", step_status(st));
		sbuf_addf(sb, ",\"exit_status\":%d,\"timed_out\":%s,\"duration\":%.3f}", st->exit_status,
			  st->timed_out ? "true" : "false", st->duration);
	}
	sbuf_adds(sb, "]");
	if (ev->record > 0)
		sbuf_addf(sb, ",\"record\":%ld", ev->record);
	else
		sbuf_adds(sb, ",\"record\":null");
	wf_format_time(ev->time, when);
	field(sb, "time", when);
	sbuf_adds(sb, "}\n");
}

/* Slack's mrkdwn treats & < > as markup: escape them as it documents. */
static void slack_text(struct sbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '&')
			sbuf_adds(sb, "&amp;");
		else if (*s == '<')
			sbuf_adds(sb, "&lt;");
		else if (*s == '>')
			sbuf_adds(sb, "&gt;");
		else
			sbuf_add(sb, s, 1);
	}
}

void wf_event_slack(const struct wf_event *ev, struct sbuf *sb)
{
	struct sbuf t = SBUF_INIT;

	if (!strcmp(ev->kind, "refused")) {
		sbuf_adds(&t, "*push refused* to ");
		slack_text(&t, ev->ref);
		sbuf_adds(&t, " in ");
		slack_text(&t, ev->repository);
		sbuf_adds(&t, " by ");
		slack_text(&t, ev->pusher);
	} else {
		sbuf_adds(&t, "*");
		slack_text(&t, ev->kind);
		sbuf_adds(&t, " to ");
		slack_text(&t, ev->env);
		sbuf_adds(&t, " ");
		slack_text(&t, ev->status);
		sbuf_adds(&t, "* in ");
		slack_text(&t, ev->repository);
		if (ev->tag) {
			sbuf_adds(&t, ": ");
			slack_text(&t, ev->tag);
		}
		if (ev->to)
			sbuf_addf(&t, " (%.12s)", ev->to);
		sbuf_adds(&t, " by ");
		slack_text(&t, ev->pusher);
	}
	if (ev->message && *ev->message) {
		sbuf_adds(&t, "\n> ");
		slack_text(&t, ev->message);
	}
	for (size_t i = 0; i < ev->n_steps; i++) {
		sbuf_adds(&t, "\n- step ");
		slack_text(&t, ev->steps[i].name);
		sbuf_addf(&t, ": %s (%.1f s)", step_status(&ev->steps[i]), ev->steps[i].duration);
	}
	if (ev->note && *ev->note) {
		sbuf_adds(&t, "\n");
		slack_text(&t, ev->note);
	}
	sbuf_adds(sb, "{\"text\":");
	wf_json_string(sb, t.buf ? t.buf : "", t.len);
	sbuf_adds(sb, "}\n");
	sbuf_free(&t);
}

void wf_event_body(const struct wf_event *ev, const char *format, struct sbuf *out)
{
	if (format && !strcmp(format, "slack"))
		wf_event_slack(ev, out);
	else
		wf_event_json(ev, out);
}
