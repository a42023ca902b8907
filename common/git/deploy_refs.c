#include "deploy_refs.h"
#include "packed_refs.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct list {
	struct wf_repo *r;
	const char *env;
	struct wf_deploy_ref *v;
	long n, loose;                  /* v[0 .. loose) came from loose files */
	size_t cap;
};

static long find(const struct list *l, const char *name, long upto)
{
	for (long i = 0; i < upto; i++)
		if (!strcmp(l->v[i].name, name))
			return i;
	return -1;
}

static void add(struct list *l, const char *name, const char *peeled)
{
	long num = wf_repo_deploy_number(l->r->c, l->env, name);
	struct wf_deploy_ref *d;

	if (num <= 0)
		return;
	if ((size_t)l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->n = num;
	d->has_peeled = peeled && git_oid_fromstr(&d->peeled, peeled) == 0;
}

/* Loose first: a tag git pack-refs is packing is in the one or the other
 * whichever order it is caught in. */
static int loose(struct list *l, const char *dir_path, const char *base)
{
	DIR *dir = opendir(dir_path);
	struct dirent *e;
	size_t bl = strlen(base);

	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, base, bl))
			add(l, e->d_name, NULL);
	closedir(dir);
	l->loose = l->n;
	return 0;
}

/* A packed one a loose file shadows is that file's (already listed, and
 * its peel is not the file's). */
static int packed(void *ctx, const char *name, size_t len, const char *peeled)
{
	struct list *l = ctx;
	char *short_name = xasprintf("%.*s", (int)(len - strlen("refs/tags/")), name + strlen("refs/tags/"));

	if (find(l, short_name, l->loose) < 0)
		add(l, short_name, peeled);
	free(short_name);
	return 0;
}

static int by_number(const void *a, const void *b)
{
	long x = ((const struct wf_deploy_ref *)a)->n, y = ((const struct wf_deploy_ref *)b)->n;
	return x < y ? -1 : x > y;
}

long wf_deploy_refs(struct wf_repo *r, const char *env, struct wf_deploy_ref **out)
{
	const char *common = git_repository_commondir(r->git);
	char *base = xasprintf("%s_%s_", r->c->tag_prefix, env);
	char *dir = xasprintf("%srefs/tags", common), *prefix = xasprintf("refs/tags/%s", base);
	struct list l = { .r = r, .env = env };
	int rc = loose(&l, dir, base);

	if (rc == 0)
		rc = wf_packed_refs_each(common, prefix, packed, &l);
	free(base);
	free(dir);
	free(prefix);
	if (rc < 0) {
		wf_deploy_refs_free(l.v, l.n);
		*out = NULL;
		return -1;
	}
	if (l.n) /* qsort wants an array, even of none */
		qsort(l.v, (size_t)l.n, sizeof(*l.v), by_number);
	*out = l.v;
	return l.n;
}

void wf_deploy_refs_free(struct wf_deploy_ref *refs, long n)
{
	for (long i = 0; i < n; i++)
		free(refs[i].name);
	free(refs);
}
