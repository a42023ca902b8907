/* Freeing a loaded config: every string and list it owns. */
#include "config_internal.h"
#include "dashboard_config.h"
#include "database.h"
#include "freeze.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void wf_cfg_strv_free(char **v, size_t n)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char **wf_cfg_strv_dup(const char *const *v, size_t n)
{
	char **r = xcalloc(n + 1, sizeof(*r));
	size_t i;
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void wf_cfg_step_free(struct wf_step *s)
{
	free(s->name);
	wf_cfg_strv_free(s->run, s->run_len);
	free(s->url);
	free(s->method);
	wf_cfg_strv_free(s->headers, s->n_headers);
	free(s->body);
	free(s->expect);
	free(s->when);
	memset(s, 0, sizeof(*s));
}

static void env_free(struct wf_env *e)
{
	size_t i;
	free(e->branch);
	free(e->ref);
	for (i = 0; i < e->n_steps; i++)
		wf_cfg_step_free(&e->steps[i]);
	free(e->steps);
	wf_cfg_release_free(&e->rel);
	wf_freeze_free(e->freeze, e->n_freeze);
	memset(e, 0, sizeof(*e));
}

static void webhook_free(struct wf_webhook *w)
{
	free(w->url);
	wf_cfg_strv_free(w->events, w->n_events);
	free(w->format);
	free(w->secret_file);
	memset(w, 0, sizeof(*w));
}

void wf_config_free(struct wf_config *c)
{
	size_t i;
	if (!c)
		return;
	free(c->path);
	free(c->tag_prefix);
	wf_cfg_strv_free(c->identity_vars, c->n_identity_vars);
	wf_cfg_strv_free(c->host_options, c->n_host_options);
	free(c->dev_branch);
	free(c->dev_ref);
	env_free(&c->test);
	env_free(&c->live);
	wf_cfg_release_free(&c->dev.rel);	/* its branch and ref are dev_branch, dev_ref */
	for (i = 0; i < c->dev.n_steps; i++)
		wf_cfg_step_free(&c->dev.steps[i]);
	free(c->dev.steps);
	wf_cfg_strv_free(c->hotfix_users, c->n_hotfix_users);
	wf_cfg_strv_free(c->freeze_overriders, c->n_freeze_overriders);
	wf_cfg_strv_free(c->admins, c->n_admins);
	for (i = 0; i < c->n_webhooks; i++)
		webhook_free(&c->webhooks[i]);
	free(c->webhooks);
	wf_cfg_multidev_free(&c->multidev);
	wf_cfg_database_free(c);
	memset(c, 0, sizeof(*c));
}

