/* The dashboard's branch environments (Multidev): one row each, from the
 * registry, with the release its current names. */
#include "dashboard_int.h"
#include "html.h"
#include "multidev_registry.h"
#include "release.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void row(struct sbuf *sb, const struct wf_config *c, const struct wf_md_entry *e)
{
	struct wf_env env;
	char cur[WF_RELEASE_NAME_MAX], when[32];

	wf_multidev_env(c, e->name, e->branch, &env);
	if (wf_release_current(&env.rel, cur) != 0)
		cur[0] = 0;
	wf_format_time(e->created, when);
	sbuf_adds(sb, "<tr><td>");
	wf_html_line(sb, e->name, 64, "");
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, e->branch, 200, "");
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, cur[0] ? cur : NULL, WF_RELEASE_NAME_MAX, "(none yet)");
	sbuf_addf(sb, "</td><td>%s</td><td>", when);
	wf_html_line(sb, e->created_by, 80, "");
	sbuf_adds(sb, "</td><td>");
	wf_dash_status_badge(sb, !strcmp(e->create, "ok") ? "ok" : !strcmp(e->create, "failed") ? "failed" : "in progress",
			     NULL);
	if (c->multidev.expire) {
		long long at = wf_md_expires(e, c->multidev.expire);
		if (at)
			wf_format_time(at, when);
		sbuf_addf(sb, "</td><td>%s", at ? when : "pinned (keep-env)");
	}
	sbuf_adds(sb, "</td></tr>\n");
	wf_multidev_env_free(&env);
}

void wf_dash_branch_envs(struct sbuf *sb, struct wf_dash *d)
{
	struct wf_md_entry *l;
	long n;

	if (!d->c->multidev.n_branches)
		return;
	n = wf_md_list(d->r->git_dir, &l);
	sbuf_addf(sb, "<h2 id=\"branch-envs\">Branch environments <small class=\"muted\">(multidev, at most %d)"
		  "</small></h2>\n", d->c->multidev.max);
	if (n <= 0) {
		sbuf_adds(sb, n < 0 ? "<p class=\"muted\">cannot be read</p>\n" : "<p class=\"muted\">none yet</p>\n");
		wf_md_list_free(l, n < 0 ? 0 : n);
		return;
	}
	sbuf_adds(sb, "<table class=\"branch-envs\">\n<tr><th>name</th><th>branch</th><th>current release</th>"
		      "<th>created</th><th>by</th><th>create steps</th>");
	sbuf_adds(sb, d->c->multidev.expire ? "<th>expires</th></tr>\n" : "</tr>\n");
	for (long i = 0; i < n; i++)
		row(sb, d->c, &l[i]);
	sbuf_adds(sb, "</table>\n");
	wf_md_list_free(l, n);
}
