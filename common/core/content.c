/* Content down: which env content comes from, when it may not be cloned,
 * and what a shared file's template is filled in with (content.h). */
#include "content.h"
#include "policy_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *wf_content_source(const struct wf_config *c, const struct wf_env *to, const char *clone_from)
{
	if (clone_from)
		return clone_from;
	return to && !strcmp(to->name, c->live.name) ? c->test.name : c->live.name;
}

/* "alice, bob" or "nobody: workflow.admins is empty" */
static char *admins(const struct wf_config *c)
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 0; i < c->n_admins && i < 10; i++)
		sbuf_addf(&sb, "%s%s", i ? ", " : "", c->admins[i]);
	if (!sb.len)
		sbuf_adds(&sb, "none: workflow.admins names nobody");
	return sbuf_detach(&sb);
}

/* Into Live: -o content-up, by an admin. */
static char *up_refusal(const struct wf_config *c, const struct wf_env *to, int content_up, int check_admin,
			const char *pusher, char **hint)
{
	char *who;

	if (strcmp(to->name, c->live.name) || (content_up && (!check_admin ||
							     wf_policy_in_list(c->admins, c->n_admins, pusher))))
		return NULL;
	who = admins(c);
	*hint = xasprintf("content moves down; if %s really must take it, one of workflow.admins (%s) pushes it "
			  "with -o clone-content -o content-up", to->branch, who);
	free(who);
	if (!content_up)
		return xasprintf("-o clone-content would replace %s's content (its uploads): content never moves up "
				 "into %s by accident", to->branch, to->branch);
	return xasprintf("%s may not move content up into %s (-o content-up is for workflow.admins)",
			 pusher ? pusher : "this pusher", to->branch);
}

char *wf_content_refusal(const struct wf_config *c, const char *from, const struct wf_env *to, int content_up,
			 int check_admin, const char *pusher, char **hint)
{
	const struct wf_env *src = wf_config_deploy_env(c, from);

	*hint = NULL;
	if (!to->rel.path && !strcmp(to->name, c->live.name))
		return up_refusal(c, to, content_up, check_admin, pusher, hint);
	if (!to->rel.path || to->rel.n_hosts) {
		*hint = xasprintf("content is cloned into an env with a path and no hosts (%s.path, %s.shared)",
				  to->name, to->name);
		return xasprintf("-o clone-content: %s's shared paths are not on this machine (it %s)", to->branch,
				 to->rel.path ? "runs on hosts" : "has no path");
	}
	if (!strcmp(from, to->name)) {
		*hint = xstrdup("name another env with -o clone-from=ENV");
		return xasprintf("-o clone-content: %s cannot take its content from itself", to->branch);
	}
	if (!src && (!strcmp(from, c->dev.name) || !to->multidev)) {
		*hint = xasprintf("name %s, %s or %s with -o clone-from=ENV", c->dev.name, c->test.name, c->live.name);
		return xasprintf("-o clone-content: %s has no content to clone (%s)", from,
				 strcmp(from, c->dev.name) ? "no such env" : "it has no path");
	}
	if (src && (!src->rel.path || src->rel.n_hosts)) {
		*hint = xasprintf("clone from an env whose shared paths are on this machine: -o clone-from=ENV");
		return xasprintf("-o clone-content: %s's content is not on this machine (it %s)", src->branch,
				 src->rel.path ? "runs on hosts" : "has no path");
	}
	return up_refusal(c, to, content_up, check_admin, pusher, hint);
}

char **wf_content_template_vars(const char *env, const char *path)
{
	char **v = xcalloc(4, sizeof(*v));
	char *id = xstrdup(env);

	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	v[0] = xasprintf("WF_ENV=%s", env);
	v[1] = xasprintf("WF_ENV_ID=%s", id);
	v[2] = xasprintf("WF_ENV_PATH=%s", path ? path : "");
	free(id);
	return v;
}

int wf_content_is_file(const struct wf_release_conf *rc, size_t i)
{
	return i >= rc->n_shared - rc->n_shared_files;
}

const struct wf_template *wf_content_template(const struct wf_release_conf *rc, const char *f)
{
	for (size_t i = 0; i < rc->n_templates; i++)
		if (!strcmp(rc->templates[i].file, f))
			return &rc->templates[i];
	return NULL;
}
