#include "hotfix.h"
#include "text.h"
#include "deploy_refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Commits of one hotfix tag not on Dev, listed at most: a hotfix is a few
 * commits on top of Live, and Live came from Dev, so this many means Dev
 * lost Live's history (a forced push); the report is written after every
 * deploy and must not walk all of it. */
#define HOTFIX_LIST_MAX 1000

/* 1 with out set when refs/tags/name is an annotated tag the hooks
 * marked as a hotfix, 0 when it is not, -1 on error.  The pushed message
 * is escaped onto the annotation's first line, so only the hooks can
 * write the "kind:" line after the blank one. */
static int hotfix_target(struct wf_repo *r, const char *name, char out[WF_OID_MAX + 1])
{
	char *ref = xasprintf("refs/tags/%s", name);
	git_object *obj = NULL, *peeled = NULL;
	const char *m;
	git_oid id;
	int rc = git_reference_name_to_id(&id, r->git, ref);

	free(ref);
	if (rc < 0)
		return rc == GIT_ENOTFOUND ? 0 : -1;
	if (git_object_lookup(&obj, r->git, &id, GIT_OBJECT_ANY) < 0)
		return -1;
	rc = 0;
	m = git_object_type(obj) == GIT_OBJECT_TAG ? git_tag_message((git_tag *)obj) : NULL;
	if (m && strstr(m, "\n\nkind: hotfix\n")) {
		rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0 ? -1 : 1;
		if (rc == 1)
			git_oid_tostr(out, WF_OID_MAX + 1, git_object_id(peeled));
	}
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

long wf_repo_hotfix_tags(struct wf_repo *r, const char *env, struct wf_hotfix_tag **out)
{
	struct wf_deploy_ref *tags = NULL;
	long n = 0, count = wf_deploy_refs(r, env, &tags);
	int rc = 0;

	*out = NULL;
	if (count < 0)
		return -1;
	*out = xcalloc((size_t)count + 1, sizeof(**out));
	for (long i = 0; i < count && rc >= 0; i++) {
		rc = hotfix_target(r, tags[i].name, (*out)[n].oid);
		if (rc == 1)
			(*out)[n++].name = xstrdup(tags[i].name);
	}
	wf_deploy_refs_free(tags, count);
	if (rc < 0) {
		wf_hotfix_tags_free(*out, n);
		*out = NULL;
		return -1;
	}
	return n;
}

/* 1 when sb has a line starting with id ("abc123456789 ") */
static int has_line(const struct sbuf *sb, const char *id)
{
	size_t len = strlen(id);
	for (const char *p = sb->buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		if (!strncmp(p, id, len))
			return 1;
	return 0;
}

/* Add the lines of list that env e does not list yet to dst, each with
 * suffix: one commit is in every later hotfix of the same env. */
static long add_new_lines(struct wf_hotfix_report *h, int e, struct sbuf *dst, char *list, const char *suffix)
{
	long added = 0;
	char *save = NULL;

	for (char *line = list ? strtok_r(list, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char id[14];
		snprintf(id, sizeof(id), "%.12s ", line);
		if (has_line(&h->on[e], id) || has_line(&h->off[e], id))
			continue;
		sbuf_addf(dst, "%s%s\n", line, suffix);
		added++;
	}
	return added;
}

/* -1 error, 0 Dev has tip h, 1 the env has it, 2 neither */
static int where(const struct wf_repo_ops *ops, const char *h, const char *dev, const char *tip)
{
	int r = ops->is_ancestor(ops->ctx, h, dev);
	if (r != 0)
		return r < 0 ? -1 : 0;
	r = tip ? ops->is_ancestor(ops->ctx, h, tip) : 0;
	return r < 0 ? -1 : r ? 1 : 2;
}

/* One env: the tags whose tip the env has first, so that a commit both on
 * the env and in a hotfix taken off it counts as on the env. */
static int report_env(struct wf_repo *r, const struct wf_repo_ops *ops, const struct wf_env *env, int e,
		      const char *dev, struct wf_hotfix_report *h)
{
	struct wf_hotfix_tag *t = NULL;
	char tip[WF_OID_MAX + 1];
	int have = wf_repo_ref_tip(r, env->ref, tip) == 0, rc = 0;
	long n = wf_repo_hotfix_tags(r, env->name, &t);
	int *state;

	if (n < 0)
		return -1;
	state = xcalloc((size_t)n + 1, sizeof(*state));
	for (long i = 0; i < n && rc == 0; i++)
		rc = (state[i] = where(ops, t[i].oid, dev, have ? tip : NULL)) < 0 ? -1 : 0;
	for (int want = 1; want <= 2 && rc == 0; want++)
		for (long i = 0; i < n && rc == 0; i++) {
			struct sbuf list = SBUF_INIT;
			char *suffix;
			if (state[i] != want)
				continue;
			if (wf_repo_commit_list(r, dev, t[i].oid, HOTFIX_LIST_MAX, &list) < 0) {
				rc = -1;
			} else if (want == 1) {
				h->n_on[e] += add_new_lines(h, e, &h->on[e], list.buf, "");
			} else {
				suffix = xasprintf(" (%s)", t[i].name);
				h->n_off[e] += add_new_lines(h, e, &h->off[e], list.buf, suffix);
				free(suffix);
			}
			sbuf_free(&list);
		}
	free(state);
	wf_hotfix_tags_free(t, n);
	return rc;
}

int wf_hotfix_report(struct wf_repo *r, const char *dev_tip, struct wf_hotfix_report *h)
{
	struct wf_repo_ops ops;

	memset(h, 0, sizeof(*h));
	if (!dev_tip)
		return 0;
	wf_repo_base_ops(r, &ops);
	if (report_env(r, &ops, &r->c->test, 0, dev_tip, h) < 0 ||
	    report_env(r, &ops, &r->c->live, 1, dev_tip, h) < 0)
		return -1;
	return 0;
}

static void print_lines(const char *buf)
{
	for (const char *p = buf; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		printf("  %.*s\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

void wf_hotfix_report_print(const struct wf_hotfix_report *h, const struct wf_config *c)
{
	const struct wf_env *envs[2] = { &c->test, &c->live };

	for (int e = 0; e < 2; e++) {
		const char *b = envs[e]->branch, *dev = c->dev_branch;
		if (h->n_on[e] > 0) {
			printf("%ld hotfix commit%s on %s not merged into %s (git pull origin %s && git push origin "
			       "%s):\n", h->n_on[e], h->n_on[e] == 1 ? "" : "s", b, dev, b, dev);
			print_lines(h->on[e].buf);
		}
		/* their env no longer has them: the deploy tag still does */
		if (h->n_off[e] > 0) {
			printf("%ld hotfix commit%s no longer on %s and not merged into %s (git fetch --tags origin "
			       "&& git merge TAG && git push origin %s):\n", h->n_off[e], h->n_off[e] == 1 ? "" : "s",
			       b, dev, dev);
			print_lines(h->off[e].buf);
		}
	}
}

static void json_lines(struct sbuf *sb, const struct sbuf *a, const struct sbuf *b)
{
	int first = 1;

	for (int k = 0; k < 2; k++)
		for (const char *p = (k ? b : a)->buf; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char *line = xasprintf("%.*s", (int)len, p);
			sbuf_adds(sb, first ? "" : ",");
			wf_json_string(sb, line, strlen(line));
			free(line);
			first = 0;
			p += len + (nl ? 1 : 0);
		}
}

void wf_hotfix_report_json(const struct wf_hotfix_report *h, struct sbuf *sb)
{
	sbuf_adds(sb, ",\"unmerged_hotfixes\":[");
	json_lines(sb, &h->on[0], &h->on[1]);
	sbuf_adds(sb, "],\"dropped_hotfixes\":[");
	json_lines(sb, &h->off[0], &h->off[1]);
	sbuf_adds(sb, "]");
}

void wf_hotfix_report_free(struct wf_hotfix_report *h)
{
	for (int e = 0; e < 2; e++) {
		sbuf_free(&h->on[e]);
		sbuf_free(&h->off[e]);
	}
}
