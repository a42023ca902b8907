/* release_hosts.h: copies, switches, pruning and current on every host
 * of an env (the steps are in release_hosts_steps.c). */
#include "release_hosts.h"
#include "hostrun.h"
#include "steps.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a copy, a switch or a look at a host may take (s). */
#define COPY_TIMEOUT 1800
#define SWITCH_TIMEOUT 60

/* The releases a copy links unchanged files to: those kept here, which
 * the hosts keep too, current first, then newest first. */
static size_t link_dests(const struct wf_release_conf *rc, const char *name, char ***out)
{
	struct wf_release_info *l;
	long n = wf_release_list(rc, &l);
	char cur[WF_RELEASE_NAME_MAX];
	size_t k = 0;

	*out = xcalloc((size_t)(n > 0 ? n : 0) + 1, sizeof(**out));
	if (wf_release_current(rc, cur) == 0 && strcmp(cur, name))
		(*out)[k++] = xstrdup(cur);
	for (long i = n - 1; i >= 0; i--)
		if (strcmp(l[i].name, name) && strcmp(l[i].name, cur))
			(*out)[k++] = xstrdup(l[i].name);
	free(l);
	return k;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *wf_hosts_ctl(const struct wf_job *j)
{
	/* gone (closed by the runner that made it, or /tmp emptied): ssh
	 * cannot make a master there, each connects on its own */
	return j && j->ssh_dir[0] && access(j->ssh_dir, X_OK) == 0 ? j->ssh_dir : NULL;
}

/* Each host's copy as a record step. */
static void copy_results(struct hostrun *h, struct wf_record_steps *st)
{
	for (size_t i = 0; i < h->n; i++)
		hostrun_record(h, i, "copy", st);
}

int wf_hosts_copy(const struct wf_release_conf *rc, const char *ctl, const char *name, int reused,
		  struct wf_record_steps *st, char *whyall, size_t whylen)
{
	struct hostrun h;
	struct sbuf sb = SBUF_INIT;
	char **link, why[512];
	size_t n_link = link_dests(rc, name, &link), failed;

	if (rc->parallel && (size_t)rc->parallel < rc->n_hosts)
		wf_say("workflow: copying the release %s to %zu hosts, %d at a time (rsync over ssh)", name,
		       rc->n_hosts, rc->parallel);
	else
		wf_say("workflow: copying the release %s to %zu host%s at once (rsync over ssh)", name, rc->n_hosts,
		       rc->n_hosts == 1 ? "" : "s");
	hostrun_init(&h, rc, ctl, rc->n_hosts, COPY_TIMEOUT);
	for (size_t i = 0; i < rc->n_hosts; i++) {
		h.host[i] = &rc->hosts[i];
		wf_remote_rsync_tree(rc, &rc->hosts[i], ctl, name, (const char *const *)link, n_link,
				     hostrun_cmd(&h, i));
		wf_remote_rsync_marker(rc, &rc->hosts[i], ctl, name, hostrun_cmd(&h, i));
	}
	failed = hostrun_go(&h);
	for (size_t i = 0; i < rc->n_hosts; i++) {
		if (!h.jobs[i].exit_status) {
			wf_say("workflow: [%s] has the release %s (%.1f s)", rc->hosts[i].name, name, h.jobs[i].duration);
			continue;
		}
		hostrun_reason(&h, i, why, sizeof(why));
		wf_say("workflow: [%s] the copy to %s FAILED: %s", rc->hosts[i].name, rc->hosts[i].target, why);
		sbuf_addf(&sb, "%s%s: %s", sb.len ? "; " : "", rc->hosts[i].name, why);
	}
	snprintf(whyall, whylen, "%s", sb.buf ? sb.buf : "");
	sbuf_free(&sb);
	copy_results(&h, st);
	hostrun_free(&h);
	free_names(link, n_link);
	if (!failed)
		return 0;
	if (!reused)
		wf_hosts_remove(rc, ctl, name);
	wf_say("workflow: %zu of %zu hosts could not get the release: nothing was switched anywhere%s", failed,
	       rc->n_hosts, reused ? "" : ", the copies are removed");
	return -1;
}

void wf_hosts_remove(const struct wf_release_conf *rc, const char *ctl, const char *name)
{
	struct hostrun h;

	if (!wf_release_name_ok(name))
		return;
	hostrun_init(&h, rc, ctl, rc->n_hosts, SWITCH_TIMEOUT);
	for (size_t i = 0; i < rc->n_hosts; i++)
		hostrun_ssh(&h, i, &rc->hosts[i], wf_remote_remove(&rc->hosts[i], name));
	hostrun_go(&h);
	hostrun_free(&h);
}

/* Switch the hosts in want[] (1) to `to`; want[i] becomes 2 for each
 * that switched.  The number that failed. */
static size_t switch_some(const struct wf_release_conf *rc, const char *ctl, const char *from, const char *to,
			  int *want, struct wf_step_ctx *cx, const char *what)
{
	const struct wf_host **which = xcalloc(rc->n_hosts + 1, sizeof(*which));
	size_t *idx = xcalloc(rc->n_hosts + 1, sizeof(*idx)), n = 0, failed;
	struct hostrun h;
	char why[512];

	for (size_t i = 0; i < rc->n_hosts; i++)
		if (want[i])
			which[n] = &rc->hosts[i], idx[n++] = i;
	hostrun_init(&h, rc, ctl, n, SWITCH_TIMEOUT);
	h.max = 0;      /* every host in one round, whatever hosts_parallel says */
	for (size_t k = 0; k < n; k++)
		hostrun_ssh(&h, k, which[k], wf_remote_switch(rc, which[k], from, to));
	failed = hostrun_go(&h);
	for (size_t k = 0; k < n; k++) {
		hostrun_record(&h, k, what, cx ? cx->out : NULL);
		if (!h.jobs[k].exit_status) {
			want[idx[k]] = 2;
			continue;
		}
		hostrun_reason(&h, k, why, sizeof(why));
		wf_say("workflow: [%s] cannot switch current to %s: %s", which[k]->name, to, why);
	}
	hostrun_free(&h);
	free(idx);
	free(which);
	return failed;
}

/* Which host is on which release, after a switch that could not be
 * undone everywhere. */
static char *where_hosts_are(const struct wf_release_conf *rc, const char *ctl)
{
	char (*cur)[WF_RELEASE_NAME_MAX] = xcalloc(rc->n_hosts + 1, sizeof(*cur));
	struct sbuf sb = SBUF_INIT;

	wf_hosts_current(rc, ctl, cur);
	for (size_t i = 0; i < rc->n_hosts; i++)
		sbuf_addf(&sb, "%s%s on %s", i ? ", " : "", rc->hosts[i].name,
			  cur[i][0] == '?' ? "(no answer)" : cur[i][0] ? cur[i] : "(no current)");
	free(cur);
	return sbuf_detach(&sb);
}

int wf_hosts_switch(const struct wf_release_conf *rc, const char *ctl, const char *from, const char *to,
		    const char *prev, const char *what, struct wf_step_ctx *cx, char **note)
{
	int *want = xcalloc(rc->n_hosts + 1, sizeof(*want));
	size_t failed, back_failed = 0;
	char *where;

	for (size_t i = 0; i < rc->n_hosts; i++)
		want[i] = 1;
	failed = switch_some(rc, ctl, from, to, want, cx, what);
	if (!failed) {
		wf_say("workflow: all %zu hosts are on %s", rc->n_hosts, to);
		free(want);
		return 0;
	}
	/* the ones that switched go back with the others */
	for (size_t i = 0; i < rc->n_hosts; i++)
		want[i] = want[i] == 2 && prev && prev[0];
	if (prev && prev[0])
		back_failed = switch_some(rc, ctl, prev, prev, want, cx, "back");
	where = where_hosts_are(rc, ctl);
	if (back_failed || !prev || !prev[0])
		wf_say("workflow: hosts not all on one release: %s", where);
	else
		wf_say("workflow: every host is back on %s (%s)", prev, where);
	*note = wf_join_note(*note, xasprintf("%zu host%s could not switch to %s; hosts: %s", failed,
					      failed == 1 ? "" : "s", to, where));
	free(where);
	free(want);
	return -1;
}

void wf_hosts_prune(const struct wf_release_conf *rc, const char *ctl)
{
	struct wf_release_info *l;
	long n = wf_release_list(rc, &l);
	const char **keep = xcalloc((size_t)(n > 0 ? n : 0) + 1, sizeof(*keep));
	struct hostrun h;

	for (long i = 0; i < n; i++)
		keep[i] = l[i].name;
	hostrun_init(&h, rc, ctl, rc->n_hosts, SWITCH_TIMEOUT);
	for (size_t i = 0; i < rc->n_hosts; i++)
		hostrun_ssh(&h, i, &rc->hosts[i], wf_remote_prune(&rc->hosts[i], keep, n > 0 ? (size_t)n : 0));
	if (hostrun_go(&h))
		wf_say("workflow: warning: old releases could not be removed on every host (the next deploy tries "
		       "again)");
	hostrun_free(&h);
	free(keep);
	free(l);
}

void wf_hosts_current(const struct wf_release_conf *rc, const char *ctl, char (*cur)[WF_RELEASE_NAME_MAX])
{
	struct hostrun h;

	hostrun_init(&h, rc, ctl, rc->n_hosts, 20);
	h.quiet = 1;
	for (size_t i = 0; i < rc->n_hosts; i++) {
		hostrun_ssh(&h, i, &rc->hosts[i], wf_remote_current(&rc->hosts[i]));
		h.jobs[i].max_output = 4096;
	}
	hostrun_go(&h);
	for (size_t i = 0; i < rc->n_hosts; i++) {
		const char *o = h.jobs[i].output ? h.jobs[i].output : "";
		size_t len = strcspn(o, "\n");
		snprintf(cur[i], WF_RELEASE_NAME_MAX, "%s", h.jobs[i].exit_status ? "?" : "");
		if (!h.jobs[i].exit_status && len > 9 && !strncmp(o, "releases/", 9) && len - 9 < WF_RELEASE_NAME_MAX)
			snprintf(cur[i], WF_RELEASE_NAME_MAX, "%.*s", (int)(len - 9), o + 9);
	}
	hostrun_free(&h);
}
