/* Multidev, the pure part (multidev.h): no file, no repository. */
#include "multidev.h"
#include "util.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names the hooks use for their own files (deploy-<env>.lock, the
 * inflight-<env> journals) or that would read as the fixed envs. */
/* the envs, and names the product uses for all of them at once */
static const char *const reserved[] = { "dev", "test", "live", "repair", "multidev", "all", NULL };

static const char *glob_of(const struct wf_multidev *m, const char *b)
{
	for (size_t i = 0; i < m->n_branches; i++)
		if (fnmatch(m->branches[i], b, 0) == 0)
			return m->branches[i];
	return NULL;
}

int wf_multidev_matches(const struct wf_multidev *m, const char *ref)
{
	return m->n_branches && ref && !strncmp(ref, "refs/heads/", 11) && glob_of(m, ref + 11);
}

static size_t slashes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* Every part of b is a name: not empty, not "." nor "..", no control byte. */
static int parts_ok(const char *b)
{
	for (const char *c = b; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
	for (const char *c = b;;) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (!len || (len == 1 && *c == '.') || (len == 2 && !strncmp(c, "..", 2)))
			return 0;
		if (!end)
			return 1;
		c = end + 1;
	}
}

static int label_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > WF_MD_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int wf_multidev_name(const struct wf_multidev *m, const char *b, char name[WF_MD_NAME_MAX + 1], char *why,
		     size_t whylen)
{
	const char *glob = glob_of(m, b), *last = strrchr(b, '/') ? strrchr(b, '/') + 1 : b;
	size_t n = strlen(last), k;

	name[0] = 0;
	if (!glob || !parts_ok(b))
		return snprintf(why, whylen, "'%s' cannot be a branch environment: a part of it is empty, '.' or "
			       "'..', or has a control character", b), -1;
	if (slashes(b) > slashes(glob))
		return snprintf(why, whylen, "'%s' cannot be a branch environment: its name would have a '/' "
			       "(branches matching '%s' are one name after the prefix)", b, glob), -1;
	for (k = 0; k < n && k < WF_MD_NAME_MAX; k++) {
		unsigned char ch = (unsigned char)last[k];
		name[k] = ch == '_' || ch == '.' ? '-' : (char)tolower(ch < 0x80 ? ch : '?');
	}
	name[k] = 0;
	if (n > WF_MD_NAME_MAX || !label_ok(name))
		return snprintf(why, whylen, "'%s' cannot be a branch environment: '%s' is not a DNS-safe name "
			       "(a-z, 0-9 and '-', at most %d, not starting or ending with '-')", b, last,
			       WF_MD_NAME_MAX), name[0] = 0, -1;
	for (const char *const *r = reserved; *r; r++)
		if (!strcmp(name, *r))
			return snprintf(why, whylen, "'%s' cannot be a branch environment: the name '%s' is "
				       "reserved", b, name), name[0] = 0, -1;
	return 0;
}

static void refuse(struct wf_decision *d, char *reason, char *hint)
{
	d->action = WF_REFUSE;
	d->env = NULL;
	free(d->reason);
	free(d->hint);
	d->reason = reason;
	d->hint = hint;
}

static const struct wf_md_known *known_named(const struct wf_md_known *k, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(k[i].name, name))
			return &k[i];
	return NULL;
}

/* One update of a branch that matches: its plan, or a refusal.  made:
 * the names this push creates so far (n_made of them). */
static void decide_one(const struct wf_multidev *m, const struct wf_update *u, const struct wf_md_known *k,
		       size_t nk, char (*made)[WF_MD_NAME_MAX + 1], size_t *n_made,
		       struct wf_decision *d, struct wf_md_plan *p)
{
	const char *b = u->ref + 11;
	const struct wf_md_known *e;
	char why[512];

	if (wf_update_is_delete(u)) {
		for (size_t j = 0; j < nk; j++)
			if (!strcmp(k[j].branch, b))
				p->op = WF_MD_DELETE, snprintf(p->name, sizeof(p->name), "%s", k[j].name);
		return;
	}
	if (wf_multidev_name(m, b, p->name, why, sizeof(why)) < 0) {
		refuse(d, xstrdup(why), xstrdup("rename the branch"));
		return;
	}
	if ((e = known_named(k, nk, p->name))) {
		if (!strcmp(e->branch, b))
			p->op = WF_MD_DEPLOY;
		else
			refuse(d, xasprintf("'%s' would be the branch environment '%s', which branch '%s' already is",
					    b, p->name, e->branch), xstrdup("rename the branch"));
		return;
	}
	for (size_t j = 0; j < *n_made; j++)
		if (!strcmp(made[j], p->name)) {
			refuse(d, xasprintf("'%s' would be the branch environment '%s', which another branch of "
					    "this push makes", b, p->name), xstrdup("push one of them"));
			return;
		}
	/* a deletion in the same push makes no room: git may still refuse it
	 * (receive.denyDeletes, a stale old value) after this is decided */
	if (nk + *n_made >= (size_t)m->max) {
		struct sbuf names = SBUF_INIT;
		for (size_t j = 0; j < nk && j < 10; j++)
			sbuf_addf(&names, "%s%s", j ? ", " : "", k[j].name);
		refuse(d, xasprintf("'%s' would be a new branch environment, but there are %zu of at most %d "
				    "(multidev.max: %s%s)", b, nk + *n_made, m->max, names.buf ? names.buf : "",
				    nk > 10 ? ", ..." : ""),
		       xstrdup("delete one (git push origin :<branch>, or git-workflow multidev delete NAME), "
			       "then push again"));
		sbuf_free(&names);
		return;
	}
	snprintf(made[(*n_made)++], WF_MD_NAME_MAX + 1, "%s", p->name);
	p->op = WF_MD_CREATE;
}

void wf_multidev_decide(const struct wf_config *c, struct wf_command *cmd, size_t n,
			const struct wf_md_known *known, size_t n_known)
{
	const struct wf_multidev *m = &c->multidev;
	char (*made)[WF_MD_NAME_MAX + 1] = xcalloc(n + 1, sizeof(*made));
	size_t n_made = 0;

	for (size_t i = 0; i < n; i++) {
		struct wf_command *x = &cmd[i];
		memset(&x->plan, 0, sizeof(x->plan));
		if (x->d.action == WF_ALLOW && !x->d.env && wf_multidev_matches(m, x->u->ref))
			decide_one(m, x->u, known, n_known, made, &n_made, &x->d, &x->plan);
		if (x->d.action == WF_REFUSE)
			memset(&x->plan, 0, sizeof(x->plan));
	}
	free(made);
}

void wf_multidev_env(const struct wf_config *c, const char *name, const char *branch, struct wf_env *out)
{
	const struct wf_multidev *m = &c->multidev;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup(name);
	out->branch = xstrdup(branch);
	out->ref = xasprintf("refs/heads/%s", branch);
	out->on_failure = WF_ON_FAILURE_ROLLBACK;  /* it has a path */
	out->steps = m->steps;
	out->n_steps = m->n_steps;
	out->rel = m->rel;
	out->rel.path = xasprintf("%s/%s", m->rel.path, name);
	/* one store for all of them: an unchanged file is on disk once */
	out->rel.store = xasprintf("%s/.store", m->rel.path);
	out->tagless = 1;
	out->multidev = 1;
}

void wf_multidev_env_free(struct wf_env *e)
{
	free((char *)e->name);
	free(e->branch);
	free(e->ref);
	free(e->rel.path);
	free(e->rel.store);
	memset(e, 0, sizeof(*e));
}
