/* Which config applies to a repository, and what the loaded one says
 * about an env or the push options its steps toggle. */
#include "config.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

#include <sys/stat.h>

#ifndef WF_SYSCONFDIR
#define WF_SYSCONFDIR "/etc"
#endif

char *wf_config_path(const char *git_dir)
{
	const char *env = getenv("WF_CONFIG");
	struct stat st;
	char *p;

	if (env && *env)
		return xstrdup(env);
	if (git_dir && *git_dir) {
		size_t len = strlen(git_dir);
		/* libgit2 gives the git dir with a trailing '/': no "x.git//workflow.conf" in messages */
		p = xasprintf("%s%sworkflow.conf", git_dir, git_dir[len - 1] == '/' ? "" : "/");
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	return xstrdup(WF_SYSCONFDIR "/workflow/workflow.conf");
}

const struct wf_env *wf_config_env_by_ref(const struct wf_config *c, const char *ref)
{
	if (!c || !ref)
		return NULL;
	if (c->test.ref && !strcmp(ref, c->test.ref))
		return &c->test;
	if (c->live.ref && !strcmp(ref, c->live.ref))
		return &c->live;
	return NULL;
}

const struct wf_env *wf_config_env_by_name(const struct wf_config *c, const char *name)
{
	if (!c || !name)
		return NULL;
	if (c->test.name && !strcmp(name, c->test.name))
		return &c->test;
	if (c->live.name && !strcmp(name, c->live.name))
		return &c->live;
	return NULL;
}

const char **wf_config_step_options(const struct wf_config *c, size_t *n)
{
	const struct wf_step *lists[5] = { c->test.steps, c->live.steps, c->multidev.steps, c->multidev.create,
					   c->dev.steps };
	size_t lens[5] = { c->test.n_steps, c->live.n_steps, c->multidev.n_steps, c->multidev.n_create,
			   c->dev.n_steps };
	size_t total = lens[0] + lens[1] + lens[2] + lens[3] + lens[4], k = 0, i, j, e;
	const char **r = xcalloc(total + 1, sizeof(*r));

	for (e = 0; e < 5; e++)
		for (i = 0; i < lens[e]; i++) {
			const char *w = lists[e][i].when;
			int dup = 0;
			if (!w)
				continue;
			for (j = 0; j < k; j++)
				if (!strcmp(r[j], w))
					dup = 1;
			if (!dup)
				r[k++] = w;
		}
	*n = k;
	return r;
}
