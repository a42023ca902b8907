#include "repo.h"
#include "text.h"
#include "deploy_tag.h"
#include "deploy_refs.h"
#include "outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void git_err(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	snprintf(err, errlen, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static int finish_open(struct wf_repo *r, char *err, size_t errlen)
{
	const char *path = git_repository_path(r->git);
	r->git_dir = wf_dir_slash(path);
	(void)err;
	(void)errlen;
	return 0;
}

int wf_repo_open(struct wf_repo *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	wf_git_init();
	if (git_repository_open_ext(&r->git, NULL,
				    GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		git_err(err, errlen, "cannot open the repository");
		git_libgit2_shutdown();
		r->git = NULL;
		return -1;
	}
	return finish_open(r, err, errlen);
}

int wf_repo_open_path(struct wf_repo *r, const char *path, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	wf_git_init();
	if (git_repository_open_ext(&r->git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_err(err, errlen, path);
		git_libgit2_shutdown();
		r->git = NULL;
		return -1;
	}
	return finish_open(r, err, errlen);
}

void wf_repo_close(struct wf_repo *r)
{
	if (!r->git)
		return;
	wf_cgraph_free(r->cgraph);
	git_repository_free(r->git);
	free(r->git_dir);
	git_libgit2_shutdown();
	memset(r, 0, sizeof(*r));
}

struct wf_cgraph *wf_repo_cgraph(struct wf_repo *r)
{
	if (!r->cgraph_tried) {
		r->cgraph = wf_cgraph_open(r->git);
		r->cgraph_tried = 1;
	}
	return r->cgraph;
}

static int is_ancestor(void *ctx, const char *anc, const char *desc)
{
	struct wf_repo *r = ctx;
	git_oid a, d;
	int rc;

	if (git_oid_fromstr(&a, anc) < 0 || git_oid_fromstr(&d, desc) < 0)
		return -1;
	if (git_oid_equal(&a, &d))
		return 1;
	/* git's commit-graph when it can answer: libgit2 1.5 reads every
	 * commit in between from the packs (see commit_graph.h) */
	if (wf_repo_cgraph(r) && (rc = wf_cgraph_is_ancestor(r->cgraph, r->git, &a, &d)) >= 0)
		return rc;
	rc = git_graph_descendant_of(r->git, &d, &a);
	return rc < 0 ? -1 : rc;
}

int wf_repo_ref_tip(struct wf_repo *r, const char *ref, char out[GIT_OID_HEXSZ + 1])
{
	git_oid oid;
	int rc = git_reference_name_to_id(&oid, r->git, ref);
	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc < 0)
		return -1;
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
	return 0;
}

static int ref_tip(void *ctx, const char *ref, char out[WF_OID_MAX + 1])
{
	return wf_repo_ref_tip(ctx, ref, out);
}

/* Parse N from "<prefix>_<env>_<N>"; 0 when name is not such a tag. */
static long deploy_number(const struct wf_config *c, const char *env, const char *name)
{
	size_t pl = strlen(c->tag_prefix), el = strlen(env);
	const char *p;
	char *end;
	long n;

	if (strncmp(name, c->tag_prefix, pl) || name[pl] != '_' || strncmp(name + pl + 1, env, el) ||
	    name[pl + 1 + el] != '_')
		return 0;
	p = name + pl + el + 2;
	if (*p < '1' || *p > '9')
		return 0;
	n = strtol(p, &end, 10);
	return *end ? 0 : n;
}

long wf_repo_deploy_number(const struct wf_config *c, const char *env, const char *name)
{
	return deploy_number(c, env, name);
}

/* The commit of a deploy tag the hooks made (deploy_tag.h): 0, 1 when
 * name is no such tag (a lightweight one, say), -1. */
static int tag_target(struct wf_repo *r, const char *env, const char *name, const git_oid *want, git_oid *out)
{
	return wf_deploy_tag_genuine(r->git, name, env, want, out);
}

/* Only the tag whose packed peel is new is read (or one packed-refs does
 * not peel: a loose one, as the hooks write them). */
static int has_deploy_tag(void *ctx, const char *oid, const char *env)
{
	struct wf_repo *r = ctx;
	struct wf_deploy_ref *tags = NULL;
	git_oid want, got;
	long n;
	int found = 0;

	if (git_oid_fromstr(&want, oid) < 0 || (n = wf_deploy_refs(r, env, &tags)) < 0)
		return -1;
	for (long i = 0; i < n && !found; i++)
		if (!tags[i].has_peeled || git_oid_equal(&tags[i].peeled, &want)) {
			int rc = tag_target(r, env, tags[i].name, &want, &got);
			found = rc == 0 ? 1 : rc < 0 ? -1 : 0;
		}
	wf_deploy_refs_free(tags, n);
	return found;
}

static int deploy_outcome(void *ctx, const char *env, const char *oid, struct wf_outcome *out)
{
	struct wf_repo *r = ctx;
	return wf_outcome_read(r->git_dir, env, oid, out);
}

static int is_commit(void *ctx, const char *oid)
{
	struct wf_repo *r = ctx;
	git_oid id;
	git_commit *c = NULL;
	if (git_oid_fromstr(&id, oid) < 0)
		return -1;
	if (git_commit_lookup(&c, r->git, &id) < 0)
		return 0;
	git_commit_free(c);
	return 1;
}

/* One line of a commit list: "abcdef123456 subject\n". */
static char *missing_commits(void *ctx, const char *have, const char *tip, size_t max)
{
	struct sbuf sb = SBUF_INIT;
	long n = wf_repo_commit_list(ctx, tip, have, max, &sb);
	if (n < 0) {
		sbuf_free(&sb);
		return NULL;
	}
	/* one line for a message: "abc subject, def subject" */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n')
			sb.buf[i] = i + 1 < sb.len ? ';' : '\0';
	return sbuf_detach(&sb);
}

/* The ops the policy asks; repo_ops.c adds the hotfix tags (hotfix.c reads
 * them through this file: one direction only). */
void wf_repo_base_ops(struct wf_repo *r, struct wf_repo_ops *ops)
{
	ops->ctx = r;
	ops->is_ancestor = is_ancestor;
	ops->ref_tip = ref_tip;
	ops->has_deploy_tag = has_deploy_tag;
	ops->deploy_outcome = deploy_outcome;
	ops->is_commit = is_commit;
	ops->missing_commits = missing_commits;
	ops->hotfix_tags = NULL;
	ops->approvals = NULL;
}

/* Highest first, so the usual case reads one tag object. */
long wf_repo_last_deploy_number(struct wf_repo *r, const char *env)
{
	struct wf_deploy_ref *tags = NULL;
	long max = 0, n = wf_deploy_refs(r, env, &tags);

	if (n < 0)
		return -1;
	for (long i = n - 1; i >= 0 && !max; i--) {
		char got[GIT_OID_HEXSZ + 1];
		int rc = wf_repo_deploy_tag_target(r, env, tags[i].n, got);
		if (rc < 0)
			max = -1;
		else if (rc == 0)
			max = tags[i].n;
	}
	wf_deploy_refs_free(tags, n);
	return max;
}

int wf_repo_deploy_tag_target(struct wf_repo *r, const char *env, long n, char out[GIT_OID_HEXSZ + 1])
{
	char *name = xasprintf("%s_%s_%ld", r->c->tag_prefix, env, n);
	git_oid id;
	int rc = tag_target(r, env, name, NULL, &id);
	free(name);
	if (rc != 0)
		return rc;
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &id);
	return 0;
}

/* A signature name may not hold '<', '>' or line breaks. */
static char *clean_name(const char *s)
{
	char *c = xstrdup(*s ? s : "unknown");
	for (char *p = c; *p; p++)
		if (*p == '<' || *p == '>' || (unsigned char)*p < 0x20)
			*p = '_';
	return c;
}

int wf_repo_create_deploy_tag(struct wf_repo *r, const char *env, const char *oid,
			      const char *tagger, const char *message, char **name,
			      char *err, size_t errlen)
{
	git_oid id, tag_id;
	git_object *target = NULL;
	git_signature *sig = NULL;
	char *who = clean_name(tagger);
	long n = wf_repo_last_deploy_number(r, env);
	int rc = -1;

	*name = NULL;
	if (n < 0 || git_oid_fromstr(&id, oid) < 0 || git_object_lookup(&target, r->git, &id, GIT_OBJECT_COMMIT) < 0 ||
	    git_signature_now(&sig, who, who) < 0) {
		git_err(err, errlen, "cannot create the deploy tag");
		goto out;
	}
	for (int tries = 0; tries < 100; tries++) {
		char *tag = xasprintf("%s_%s_%ld", r->c->tag_prefix, env, ++n);
		int e = git_tag_create(&tag_id, r->git, tag, target, sig, message, 0);
		if (e == 0) {
			*name = tag;
			rc = 0;
			goto out;
		}
		free(tag);
		if (e != GIT_EEXISTS) {
			git_err(err, errlen, "cannot create the deploy tag");
			goto out;
		}
	}
	snprintf(err, errlen, "cannot create the deploy tag: 100 numbers in a row were taken");
out:
	git_signature_free(sig);
	git_object_free(target);
	free(who);
	return rc;
}

int wf_repo_move_ref(struct wf_repo *r, const char *ref, const char *new, const char *expected,
		     const char *log_message)
{
	git_oid n, e;
	git_reference *out = NULL;
	int rc;

	if (git_oid_fromstr(&n, new) < 0 || git_oid_fromstr(&e, expected) < 0)
		return -1;
	rc = git_reference_create_matching(&out, r->git, ref, &n, 1, &e, log_message);
	git_reference_free(out);
	if (rc == GIT_EMODIFIED)
		return 1;
	return rc < 0 ? -1 : 0;
}

int wf_repo_delete_ref(struct wf_repo *r, const char *ref, const char *expected)
{
	char tip[GIT_OID_HEXSZ + 1];
	git_reference *gr = NULL;
	int rc = wf_repo_ref_tip(r, ref, tip);
	if (rc != 0)
		return rc;
	if (strcmp(tip, expected))
		return 1;
	if (git_reference_lookup(&gr, r->git, ref) < 0)
		return -1;
	rc = git_reference_delete(gr);
	git_reference_free(gr);
	return rc == GIT_EMODIFIED ? 1 : rc < 0 ? -1 : 0;
}
