#include "deploy_tag.h"
#include "util.h"

#include <string.h>

/* The value of the line at *p when it starts with key (its length in *n);
 * *p moves past the line.  NULL when the line is not that field. */
static const char *field(const char **p, const char *key, size_t *n)
{
	size_t kl = strlen(key);
	const char *v, *nl;

	if (strncmp(*p, key, kl))
		return NULL;
	v = *p + kl;
	nl = strchr(v, '\n');
	if (!nl)
		return NULL;
	*n = (size_t)(nl - v);
	*p = nl + 1;
	return v;
}

static int is(const char *v, size_t n, const char *s)
{
	return v && n == strlen(s) && !memcmp(v, s, n);
}

static int hex_oid(const char *v, size_t n)
{
	if (!v || (n != 40 && n != 64))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i] || !strchr("0123456789abcdef", v[i]))
			return 0;
	return 1;
}

/* wf_format_time's form: 2026-11-25T10:00:00Z */
static int time_ok(const char *v, size_t n)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";

	if (!v || n != sizeof(form) - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (form[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != form[i])
			return 0;
	return 1;
}

int wf_deploy_annotation_ok(const char *msg, const char *env, const char *target)
{
	/* the message comes first; it is escaped to one line, so the first
	 * blank line ends it */
	const char *p = msg ? strstr(msg, "\n\nkind: ") : NULL, *v;
	size_t n = 0;

	if (!p || memchr(msg, '\n', (size_t)(p - msg)))
		return 0;
	p += 2;
	v = field(&p, "kind: ", &n);
	if (!is(v, n, "deploy") && !is(v, n, "rollback") && !is(v, n, "hotfix"))
		return 0;
	v = field(&p, "env: ", &n);
	if (!is(v, n, env) || !field(&p, "pusher: ", &n))
		return 0;
	v = field(&p, "time: ", &n);
	if (!time_ok(v, n))
		return 0;
	v = field(&p, "from: ", &n);
	if (!is(v, n, "(none)") && !hex_oid(v, n))
		return 0;
	v = field(&p, "to: ", &n);
	if (!is(v, n, target) || !hex_oid(v, n))
		return 0;
	if (!field(&p, "options: ", &n) && !field(&p, "repaired: ", &n))
		return 0;
	/* a rollback that took a hotfix off the env names it (-o drop-hotfix) */
	field(&p, "dropped hotfix: ", &n);
	v = field(&p, "commits:", &n);
	if (!is(v, n, ""))
		return 0;
	/* then one "  abcdef123456 subject" line per commit, and nothing else */
	while (*p)
		if (!field(&p, "  ", &n))
			return 0;
	return 1;
}

int wf_deploy_tag_genuine(git_repository *repo, const char *name, const char *env, const git_oid *want,
			  git_oid *out)
{
	char *refname = xasprintf("refs/tags/%s", name);
	char hex[GIT_OID_HEXSZ + 1];
	git_reference *ref = NULL;
	git_tag *tag = NULL;
	int rc = git_reference_lookup(&ref, repo, refname);

	free(refname);
	if (rc < 0)
		return rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC ? 1 : -1;
	rc = 1;
	/* a lightweight tag names the commit itself: git_tag_lookup finds no
	 * tag object there */
	if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
		int e = git_tag_lookup(&tag, repo, git_reference_target(ref));
		if (e < 0 && e != GIT_ENOTFOUND)
			rc = -1;
	}
	if (tag && !strcmp(git_tag_name(tag), name) && git_tag_target_type(tag) == GIT_OBJECT_COMMIT &&
	    (!want || git_oid_equal(want, git_tag_target_id(tag)))) {
		git_oid_tostr(hex, sizeof(hex), git_tag_target_id(tag));
		if (wf_deploy_annotation_ok(git_tag_message(tag), env, hex)) {
			git_oid_cpy(out, git_tag_target_id(tag));
			rc = 0;
		}
	}
	git_tag_free(tag);
	git_reference_free(ref);
	return rc;
}
