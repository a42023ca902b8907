/* Look-alike names.  On a case-insensitive filesystem (macOS, Windows,
 * some network shares) refs/heads/LIVE is the same file as
 * refs/heads/live, so a "free" ref written under such a name would write
 * the protected one behind the policy's back.  git itself compares ref
 * names byte for byte, so the policy refuses them. */
#include "policy.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How ref compares with name (its first len bytes when len > 0):
 * 2 the same, 1 the same but for case, 0 different. */
static int cmp(const char *ref, const char *name, size_t len)
{
	if (!name)
		return 0;
	if (len ? !strncmp(ref, name, len) : !strcmp(ref, name))
		return 2;
	return (len ? !strncasecmp(ref, name, len) : !strcasecmp(ref, name)) ? 1 : 0;
}

char *wf_lookalike_of(const struct wf_config *c, const char *ref)
{
	const struct wf_env *envs[2] = { &c->test, &c->live };
	char *found = NULL;
	int exact = 0;

	for (int i = -1; i < 2; i++) {
		const char *branch = i < 0 ? c->dev_ref : envs[i]->ref;
		int r = cmp(ref, branch, 0);
		exact |= r == 2;
		if (r == 1 && !found)
			found = xasprintf("the protected ref %s", branch);
	}
	for (int i = 0; i < 2 && !exact; i++) {
		char *hotfix = xasprintf("refs/hotfix/%s", envs[i]->name);
		char *tags = xasprintf("refs/tags/%s_%s_", c->tag_prefix, envs[i]->name);
		int r = cmp(ref, hotfix, 0), t = cmp(ref, tags, strlen(tags));
		exact |= r == 2 || t == 2;
		if (r == 1 && !found)
			found = xasprintf("the protected ref %s", hotfix);
		if (t == 1 && !found)
			found = xasprintf("the deploy tags %s_%s_*", c->tag_prefix, envs[i]->name);
		free(hotfix);
		free(tags);
	}
	/* exactly a protected name: its own rule decides, even when it also
	 * resembles another one (a config naming test "Live", say) */
	if (exact) {
		free(found);
		return NULL;
	}
	return found;
}

int wf_is_deploy_tag_ref(const struct wf_config *c, const char *ref)
{
	const struct wf_env *envs[2] = { &c->test, &c->live };

	if (strncmp(ref, "refs/tags/", 10))
		return 0;
	ref += 10;
	for (int i = 0; i < 2; i++) {
		size_t pl = strlen(c->tag_prefix), el = strlen(envs[i]->name);
		if (!strncmp(ref, c->tag_prefix, pl) && ref[pl] == '_' &&
		    !strncmp(ref + pl + 1, envs[i]->name, el) && ref[pl + 1 + el] == '_')
			return 1;
	}
	return 0;
}
