/* Names the policy protects. */
#include "policy.h"

#include <string.h>

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
