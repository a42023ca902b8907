/* The pure rules of releases: where a tree symlink may point, what
 * tracking a shared path means, the link to a shared path. */
#include "release_names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int wf_release_link_ok(const char *link_path, const char *target)
{
	long depth = 0;
	const char *c;

	if (!target || !*target || *target == '/')
		return 0;
	/* the link's own directory: one level per '/' in its path */
	for (c = link_path; *c; c++)
		depth += *c == '/';
	for (c = target; *c;) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (len == 2 && !strncmp(c, "..", 2)) {
			if (--depth < 0)
				return 0;
		} else if (len && !(len == 1 && *c == '.')) {
			depth++;
		}
		if (!end)
			break;
		c = end + 1;
	}
	return 1;
}

const char *wf_release_tracks_shared(const struct wf_release_conf *rc, const char *p, int is_dir)
{
	size_t lp = strlen(p);

	for (size_t i = 0; i < rc->n_shared; i++) {
		const char *s = rc->shared[i];
		size_t ls = strlen(s);
		/* p is the shared path, or inside it: the tree would ship uploads */
		if (lp >= ls && !strncmp(p, s, ls) && (lp == ls || p[ls] == '/'))
			return s;
		/* p is on the way to it: it must be a directory to hold the link */
		if (lp < ls && !strncmp(p, s, lp) && s[lp] == '/' && !is_dir)
			return s;
	}
	return NULL;
}

char *wf_release_shared_target(const char *p)
{
	struct sbuf sb = SBUF_INIT;

	/* from releases/<name>/<dir of p> up to path/ */
	sbuf_adds(&sb, "../../");
	for (const char *c = p; *c; c++)
		if (*c == '/')
			sbuf_adds(&sb, "../");
	sbuf_addf(&sb, "shared/%s", p);
	return sbuf_detach(&sb);
}

int wf_release_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= WF_RELEASE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}
