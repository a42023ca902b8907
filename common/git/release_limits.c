/* The limits a tree must keep to be placed (release.h), checked over the
 * tree objects before anything is written: a pushed tree nested ~1,100
 * levels deep (past the fd limit, past PATH_MAX) is refused in one line,
 * never half placed. */
#include "release.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_ROOM 64            /* what a release adds to a tracked path (a build's temp names) */

struct limits {
	size_t max_len;         /* of a path in the tree */
	char *err;
	size_t errlen;
	int bad;
};

/* A long path named by its start and end, so the refusal stays one line. */
static void shorten(const char *root, const char *name, char *out, size_t size)
{
	char *p = xasprintf("%s%s", root, name);
	size_t n = strlen(p);

	if (n <= 120)
		snprintf(out, size, "%s", p);
	else
		snprintf(out, size, "%.50s...%s (%zu characters)", p, p + n - 50, n);
	free(p);
}

static int check_entry(const char *root, const git_tree_entry *e, void *payload)
{
	struct limits *l = payload;
	const char *name = git_tree_entry_name(e);
	size_t depth = 0;
	char shown[256];

	for (const char *p = root; *p; p++)
		depth += *p == '/';
	if (depth < WF_TREE_DEPTH_MAX && strlen(root) + strlen(name) <= l->max_len)
		return 0;
	shorten(root, name, shown, sizeof(shown));
	if (depth >= WF_TREE_DEPTH_MAX)
		snprintf(l->err, l->errlen, "the tree nests deeper than %d directories, at %s; push refused",
			 WF_TREE_DEPTH_MAX, shown);
	else
		snprintf(l->err, l->errlen, "the tree has a path too long to place (over %zu characters): %s; "
			 "push refused", l->max_len, shown);
	l->bad = 1;
	return -1;
}

int wf_release_tree_limits(const git_tree *t, const char *dir, char *err, size_t errlen)
{
	struct limits l = { 0, err, errlen, 0 };
	size_t room = strlen(dir) + 1 + PATH_ROOM;

	l.max_len = room < PATH_MAX ? PATH_MAX - room : 0;
	if (git_tree_walk(t, GIT_TREEWALK_PRE, check_entry, &l) < 0 && !l.bad) {
		snprintf(err, errlen, "cannot read the tree: %s", git_error_last() ? git_error_last()->message : "?");
		return -1;
	}
	return l.bad ? -1 : 0;
}
