#include "session.h"
#include "identity.h"
#include "multidev.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wf_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

int wf_session_open(struct wf_session *s, char *err, size_t errlen)
{
	char *path;
	char **raw = NULL;
	size_t n_raw = 0;

	memset(s, 0, sizeof(*s));
	if (wf_repo_open(&s->repo, err, errlen) < 0)
		return -1;
	path = wf_config_path(s->repo.git_dir);
	s->config_ok = wf_config_load_file(&s->config, path, s->config_err, sizeof(s->config_err)) == 0;
	if (s->config_ok &&
	    wf_config_trusted(&s->config, path, s->repo.git_dir, s->config_err, sizeof(s->config_err)) < 0) {
		wf_config_free(&s->config);
		s->config_ok = 0;
	}
	free(path);
	if (!s->config_ok)
		wf_config_defaults(&s->config);  /* names only; the policy fails closed */
	s->repo.c = &s->config;
	s->pusher = wf_identity((const char *const *)s->config.identity_vars, s->config.n_identity_vars);

	if (wf_push_options_from_env(&raw, &n_raw, s->opts_err, sizeof(s->opts_err)) == 0) {
		size_t n_known = 0;
		const char **known = wf_config_step_options(&s->config, &n_known);
		s->opts_ok = wf_push_options_parse_host((const char *const *)raw, n_raw, known, n_known,
							(const char *const *)s->config.host_options,
							s->config.n_host_options, &s->opts, s->opts_err,
							sizeof(s->opts_err)) == 0;
		free(known);
		wf_strv_free(raw, n_raw);
	}
	return 0;
}

const struct wf_env *wf_session_env(struct wf_session *s, const char *name, const char *ref)
{
	const struct wf_env *fixed = wf_config_deploy_env(&s->config, name);
	char got[WF_MD_NAME_MAX + 1], why[256];
	struct wf_env *e;

	if (fixed || !name)
		return fixed;
	for (size_t i = 0; i < s->n_md_envs; i++)
		if (!strcmp(s->md_envs[i]->name, name))
			return s->md_envs[i];
	if (!ref || !wf_multidev_matches(&s->config.multidev, ref) ||
	    wf_multidev_name(&s->config.multidev, ref + 11, got, why, sizeof(why)) < 0 || strcmp(got, name))
		return NULL;
	e = xcalloc(1, sizeof(*e));
	wf_multidev_env(&s->config, name, ref + 11, e);
	s->md_envs = xrealloc(s->md_envs, (s->n_md_envs + 1) * sizeof(*s->md_envs));
	s->md_envs[s->n_md_envs++] = e;
	return e;
}

void wf_session_free_envs(struct wf_session *s)
{
	for (size_t i = 0; i < s->n_md_envs; i++) {
		wf_multidev_env_free(s->md_envs[i]);
		free(s->md_envs[i]);
	}
	free(s->md_envs);
	s->md_envs = NULL;
	s->n_md_envs = 0;
}

void wf_session_close(struct wf_session *s)
{
	wf_session_free_envs(s);
	wf_repo_close(&s->repo);
	wf_config_free(&s->config);
	wf_push_options_free(&s->opts);
	free(s->pusher);
	memset(s, 0, sizeof(*s));
}
