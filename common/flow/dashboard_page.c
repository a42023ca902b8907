/* dashboard index.html: the three env columns with what is ready to
 * promote between them, unmerged hotfixes, the delivery metrics, the
 * deploy log, the webhooks.
 * Every pushed string goes through wf_html_*; nothing else is raw. */
#include "dashboard_int.h"
#include "hotfix.h"
#include "html.h"
#include "spool.h"

#include <stdlib.h>
#include <string.h>

#define LOG_MESSAGE_MAX 120

const char wf_dash_css[] =
	"body{font:14px/1.45 'DejaVu Sans',system-ui,sans-serif;margin:0;background:#eef0f3;color:#1d232b}\n"
	"header{background:#1d232b;color:#fff;padding:12px 24px}\n"
	"header h1{margin:0;font-size:20px}header p{margin:2px 0 0;color:#b8c0cc;font-size:12px}\n"
	"header a{color:#9cc7ff}\n"
	"main{padding:16px 24px}\n"
	"h2{font-size:16px;margin:22px 0 8px}\n"
	".envs{display:flex;gap:10px;align-items:stretch}\n"
	".env{flex:2;min-width:0;background:#fff;border-radius:6px;border-top:5px solid #8a939f;padding:10px 14px;"
	"box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
	".env.ok{border-top-color:#2e8540}.env.failed{border-top-color:#c62828}.env.progress{border-top-color:#e09b00}\n"
	".env h2{margin:0 0 8px;font-size:18px}.env h2 small{font-weight:normal;color:#667;font-size:13px}\n"
	".promote{flex:1;min-width:0;align-self:center;background:#f8f9fb;border:1px dashed #a8b0bb;border-radius:6px;"
	"padding:8px 10px;font-size:12px}\n"
	".promote p{margin:0 0 4px;font-weight:600}.promote ul{margin:0;padding-left:16px}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 10px;margin:0}dt{color:#667}dd{margin:0;"
	"overflow-wrap:anywhere}\n"
	".status{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px}\n"
	".status.ok{background:#2e8540}.status.failed{background:#c62828}.status.progress{background:#e09b00}"
	".status.none{background:#8a939f}\n"
	"code,pre{font-family:'DejaVu Sans Mono',ui-monospace,monospace;font-size:12px}\n"
	".warn{background:#fff4e0;border:1px solid #e09b00;border-radius:6px;padding:8px 14px;margin-top:14px}\n"
	".warn h2{margin:4px 0;color:#8a5a00}.cmd{background:#1d232b;color:#e8e8e8;padding:4px 8px;border-radius:4px;"
	"display:inline-block}\n"
	"table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e5e8;vertical-align:top}\n"
	".log td{white-space:nowrap}.log td:last-child,.webhooks td{white-space:normal;overflow-wrap:anywhere}\n"
	".fields th{width:7em}.fields td{overflow-wrap:anywhere}dd.t,.status{white-space:nowrap}\n"
	"th{background:#f4f5f7;font-size:12px;color:#556}\n"
	"pre{background:#15191f;color:#dde;padding:8px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;"
	"max-height:600px}\n"
	"pre.msg{background:none;color:inherit;padding:0;margin:0;font:inherit;max-height:none}\n"
	".muted{color:#778}\n"
	".metrics{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start;background:#fff;border-radius:6px;"
	"padding:10px 14px;box-shadow:0 1px 3px rgba(0,0,0,.12)}.metrics dl{flex:1;min-width:280px}\n";

void wf_dash_status_badge(struct sbuf *sb, const char *status, const char *cls)
{
	if (!cls)
		cls = !status ? "none" : !strcmp(status, "ok") ? "ok" : !strcmp(status, "in progress") ? "progress"
		: !strcmp(status, "dry-run") ? "none" : "failed";

	sbuf_addf(sb, "<span class=\"status %s\">", cls);
	wf_html_line(sb, status, 40, "?");
	sbuf_adds(sb, "</span>");
}

void wf_dash_commit_items(struct sbuf *sb, const char *lines)
{
	int n = 0;

	sbuf_adds(sb, "<ul>\n");
	for (const char *p = lines; p && *p && n < WF_DASH_LIST; n++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), id = len < 12 ? len : 12;

		sbuf_adds(sb, "<li><code>");
		wf_html_escape(sb, p, id, 0);
		sbuf_adds(sb, "</code>");
		wf_html_escape(sb, p + id, len - id, 0);
		sbuf_adds(sb, "</li>\n");
		p += len + (nl ? 1 : 0);
	}
	sbuf_adds(sb, "</ul>\n");
}

static void field(struct sbuf *sb, const char *label, const char *value, size_t max)
{
	/* a time stamp reads best on one line */
	sbuf_addf(sb, "<dt>%s</dt><dd%s>", label, strcmp(label, "when") ? "" : " class=\"t\"");
	wf_html_line(sb, value, max, "-");
	sbuf_adds(sb, "</dd>\n");
}

/* Dev's who and when: its tip commit's author; Test and Live: their last
 * deploy's pusher. */
static void who_when(struct sbuf *sb, struct wf_dash *d, const struct wf_dash_env *e)
{
	char when[32] = "-";
	git_commit *cm = NULL;
	git_oid id;

	if (e->env && e->last) {
		wf_format_time(e->last->time, when);
		field(sb, "by", e->last->pusher, 100);
		field(sb, "when", when, 40);
		field(sb, "last", e->last->kind, 40);
		return;
	}
	if (!e->env && e->have && git_oid_fromstr(&id, e->tip) == 0 && git_commit_lookup(&cm, d->r->git, &id) == 0) {
		wf_format_time((long long)git_commit_time(cm), when);
		field(sb, "by", git_commit_author(cm)->name, 100);
		field(sb, "when", when, 40);
		git_commit_free(cm);
		return;
	}
	field(sb, "by", NULL, 1);
	field(sb, "when", NULL, 1);
}

static void subject(struct sbuf *sb, struct wf_dash *d, const char *oid)
{
	git_commit *cm = NULL;
	git_oid id;
	const char *m;

	if (git_oid_fromstr(&id, oid) < 0 || git_commit_lookup(&cm, d->r->git, &id) < 0)
		return;
	m = git_commit_summary(cm);
	wf_html_line(sb, m, 200, "");
	git_commit_free(cm);
}

static void env_column(struct sbuf *sb, struct wf_dash *d, const struct wf_dash_env *e)
{
	sbuf_addf(sb, "<div class=\"env %s\" id=\"env-%s\">\n<h2>%s <small>", e->status_class, e->id, e->label);
	wf_html_line(sb, e->branch, 100, "");
	sbuf_adds(sb, "</small></h2>\n<dl>\n<dt>tip</dt><dd>");
	if (e->have) {
		sbuf_addf(sb, "<code>%.12s</code> ", e->tip);
		subject(sb, d, e->tip);
	} else {
		sbuf_adds(sb, "<span class=\"muted\">(none)</span>");
	}
	sbuf_adds(sb, "</dd>\n");
	if (e->env)
		field(sb, "deploy tag", e->tag[0] ? e->tag : NULL, 160);
	who_when(sb, d, e);
	sbuf_adds(sb, "<dt>status</dt><dd>");
	wf_dash_status_badge(sb, e->status, e->status_class);
	sbuf_adds(sb, "</dd>\n</dl>\n</div>\n");
}

/* Between two columns: the commits of a that b lacks, counted (from the
 * commit-graph: exact at no cost; without one, up to WF_DASH_COUNT_MAX)
 * and the newest WF_DASH_LIST listed.  While Live is absent that is the
 * whole history, and the page is written after every deploy. */
static void promote_box(struct sbuf *sb, struct wf_dash *d, const struct wf_dash_env *a, const struct wf_dash_env *b)
{
	struct sbuf list = SBUF_INIT;
	const char *old = b->have ? b->tip : WF_ZERO_OID;
	long n = -1;
	int more = 0;

	sbuf_addf(sb, "<div class=\"promote\" id=\"ready-%s\">\n<p>", b->id);
	if (a->have)
		n = wf_repo_commit_count(d->r, old, a->tip, WF_DASH_COUNT_MAX, &more);
	if (n > 0 && wf_repo_commit_list(d->r, old, a->tip, WF_DASH_LIST, &list) < 0)
		n = -1;
	if (n < 0) {
		sbuf_adds(sb, "nothing to promote</p>\n</div>\n");
		sbuf_free(&list);
		return;
	}
	sbuf_addf(sb, "%s%ld commit%s on ", more ? "more than " : "", n, n == 1 && !more ? "" : "s");
	wf_html_line(sb, a->branch, 100, "");
	sbuf_adds(sb, " not yet on ");
	wf_html_line(sb, b->branch, 100, "");
	sbuf_adds(sb, "</p>\n");
	if (n > 0) {
		wf_dash_commit_items(sb, list.buf);
		if (more)
			sbuf_adds(sb, "<p class=\"muted\">and more</p>\n");
		else if (n > WF_DASH_LIST)
			sbuf_addf(sb, "<p class=\"muted\">and %ld more</p>\n", n - WF_DASH_LIST);
		sbuf_adds(sb, "<p><code class=\"cmd\">git push origin ");
		wf_html_line(sb, a->branch, 100, "");
		sbuf_adds(sb, ":");
		wf_html_line(sb, b->branch, 100, "");
		sbuf_adds(sb, "</code></p>\n");
	}
	sbuf_adds(sb, "</div>\n");
	sbuf_free(&list);
}

static void hotfix_list(struct sbuf *sb, const char *what, long n, const struct sbuf *lines, const char *cmd)
{
	sbuf_addf(sb, "<div class=\"warn\">\n<h2>%ld hotfix commit%s %s</h2>\n", n, n == 1 ? "" : "s", what);
	wf_dash_commit_items(sb, lines->buf);
	sbuf_adds(sb, "<p>Merge them back: <code class=\"cmd\">");
	sbuf_adds(sb, cmd);
	sbuf_adds(sb, "</code></p>\n</div>\n");
}

/* As status says it: hotfix commits Dev lacks, on their env or taken off
 * it by a rollback (then only their deploy tag has them). */
static void hotfixes(struct sbuf *sb, struct wf_dash *d)
{
	const struct wf_env *envs[2] = { &d->c->test, &d->c->live };
	struct wf_hotfix_report h;

	if (wf_hotfix_report(d->r, d->envs[0].have ? d->envs[0].tip : NULL, &h) < 0) {
		sbuf_adds(sb, "<div class=\"warn\"><h2>The hotfix deploy tags cannot be read</h2></div>\n");
		return;
	}
	for (int e = 0; e < 2; e++) {
		struct sbuf what = SBUF_INIT, cmd = SBUF_INIT;
		const char *b = envs[e]->branch, *dev = d->c->dev_branch;

		if (h.n_on[e] > 0) {
			sbuf_adds(&what, "on ");
			wf_html_line(&what, b, 100, "");
			sbuf_adds(&what, " not merged into ");
			wf_html_line(&what, dev, 100, "");
			sbuf_adds(&cmd, "git pull origin ");
			wf_html_line(&cmd, b, 100, "");
			sbuf_adds(&cmd, " &amp;&amp; git push origin ");
			wf_html_line(&cmd, dev, 100, "");
			hotfix_list(sb, what.buf, h.n_on[e], &h.on[e], cmd.buf);
		}
		sbuf_reset(&what);
		sbuf_reset(&cmd);
		if (h.n_off[e] > 0) {
			sbuf_adds(&what, "no longer on ");
			wf_html_line(&what, b, 100, "");
			sbuf_adds(&what, " and not merged into ");
			wf_html_line(&what, dev, 100, "");
			sbuf_adds(&cmd, "git fetch --tags origin &amp;&amp; git merge TAG &amp;&amp; git push origin ");
			wf_html_line(&cmd, dev, 100, "");
			hotfix_list(sb, what.buf, h.n_off[e], &h.off[e], cmd.buf);
		}
		sbuf_free(&what);
		sbuf_free(&cmd);
	}
	wf_hotfix_report_free(&h);
}

static void log_row(struct sbuf *sb, const struct wf_dash_entry *e)
{
	const struct wf_record *r = &e->rec;
	char when[32];

	if (!e->ok) {
		sbuf_addf(sb, "<tr><td>%ld</td><td colspan=\"7\">cannot be read: ", e->seq);
		wf_html_line(sb, e->why, 160, "");
		sbuf_adds(sb, "</td></tr>\n");
		return;
	}
	wf_format_time(r->time, when);
	sbuf_addf(sb, "<tr><td><a href=\"record-%ld.html\">%ld</a></td><td>%s</td><td>", e->seq, e->seq, when);
	wf_html_line(sb, r->kind, 40, "");
	sbuf_adds(sb, "</td><td>");
	wf_dash_status_badge(sb, r->status, NULL);
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, r->env, 40, "");
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, r->tag, 80, "-");
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, r->pusher, 80, "");
	sbuf_adds(sb, "</td><td>");
	wf_html_line(sb, r->message, LOG_MESSAGE_MAX, "");
	sbuf_adds(sb, "</td></tr>\n");
}

static void deploy_log(struct sbuf *sb, const struct wf_dash *d)
{
	sbuf_addf(sb, "<h2 id=\"log\">Deploy log <small class=\"muted\">(the last %zu records, newest first)</small>"
		  "</h2>\n", d->n_log);
	if (!d->n_log) {
		sbuf_adds(sb, "<p class=\"muted\">no deploys recorded yet</p>\n");
		return;
	}
	sbuf_adds(sb, "<table class=\"log\">\n<tr><th>#</th><th>time</th><th>kind</th><th>status</th><th>env</th>"
		      "<th>tag</th><th>pusher</th><th>message</th></tr>\n");
	for (size_t i = 0; i < d->n_log; i++)
		log_row(sb, &d->log[i]);
	sbuf_adds(sb, "</table>\n");
}

/* Per webhook, as notify --list: the URL without credentials. */
static void webhooks(struct sbuf *sb, const struct wf_dash *d)
{
	sbuf_adds(sb, "<h2 id=\"webhooks\">Webhooks</h2>\n");
	if (!d->c->n_webhooks) {
		sbuf_adds(sb, "<p class=\"muted\">no webhooks configured</p>\n");
		return;
	}
	sbuf_adds(sb, "<table class=\"webhooks\">\n<tr><th>webhook</th><th>pending events</th><th>failed attempts</th>"
		      "<th>last error</th><th>next try</th></tr>\n");
	for (size_t i = 0; i < d->c->n_webhooks; i++) {
		char *dir = wf_spool_dir(d->r->git_dir, d->c->webhooks[i].url);
		char *url = wf_url_redacted(d->c->webhooks[i].url), when[32] = "-";
		struct wf_spool_state st;
		long *seqs = NULL;
		size_t n = 0;

		wf_spool_list(dir, &seqs, &n);
		if (wf_spool_state_read(dir, &st) < 0)
			memset(&st, 0, sizeof(st));
		if (n && st.attempts)
			wf_format_time(st.next_try, when);
		sbuf_adds(sb, "<tr><td>");
		wf_html_line(sb, url, 300, "");
		sbuf_addf(sb, "</td><td>%zu</td><td>%d</td><td>", n, st.attempts);
		wf_html_line(sb, st.last_error[0] ? st.last_error : NULL, 256, "-");
		sbuf_addf(sb, "</td><td>%s</td></tr>\n", when);
		free(seqs);
		free(dir);
		free(url);
	}
	sbuf_adds(sb, "</table>\n");
}

static const char *repo_name(const char *git_dir, size_t *len)
{
	size_t n = strlen(git_dir);
	const char *p;

	while (n > 1 && git_dir[n - 1] == '/')
		n--;
	for (p = git_dir + n; p > git_dir && p[-1] != '/'; p--)
		;
	*len = (size_t)(git_dir + n - p);
	return p;
}

void wf_dash_index(struct sbuf *sb, struct wf_dash *d)
{
	size_t len;
	const char *name = repo_name(d->r->git_dir, &len);
	char *title = xasprintf("%.*s: deploys", (int)len, name), now[32];

	wf_format_time(d->now, now);
	wf_html_begin(sb, title, wf_dash_css);
	sbuf_adds(sb, "<header>\n<h1>");
	wf_html_line(sb, title, 300, "");
	sbuf_addf(sb, "</h1>\n<p>written %s by git-workflow dashboard</p>\n</header>\n<main>\n", now);
	if (d->locked) {
		char since[32];
		wf_format_time(d->lock.time, since);
		sbuf_adds(sb, "<div class=\"warn\" id=\"in-progress\"><h2>A deploy to ");
		wf_html_line(sb, d->lock.env, 64, "");
		sbuf_adds(sb, " is in progress</h2><p>started by ");
		wf_html_line(sb, d->lock.user, 256, "");
		sbuf_addf(sb, " at %s</p></div>\n", since);
	}
	sbuf_adds(sb, "<section class=\"envs\" id=\"envs\">\n");
	for (int i = 0; i < 3; i++) {
		if (i)
			promote_box(sb, d, &d->envs[i - 1], &d->envs[i]);
		env_column(sb, d, &d->envs[i]);
	}
	sbuf_adds(sb, "</section>\n");
	wf_dash_branch_envs(sb, d);
	hotfixes(sb, d);
	wf_dash_metrics(sb, d);
	deploy_log(sb, d);
	webhooks(sb, d);
	sbuf_adds(sb, "</main>\n");
	wf_html_end(sb);
	free(title);
}
