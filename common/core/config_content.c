/* The content keys of workflow.conf (docs/content.md): per env with a
 * path (and in multidev) the templates of its shared files, the owner its
 * shared paths get, whether content cloned in may be hard-linked; and
 * workflow.admins, who may move content up into Live. */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "util.h"

/* "user:group" (either part may be a number): names as useradd allows */
static int owner_ok(const char *v)
{
	const char *colon = strchr(v, ':');

	if (!colon || colon == v || !colon[1] || strchr(colon + 1, ':') || strlen(v) > 200)
		return 0;
	for (const char *p = v; *p; p++)
		if (p != colon && !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
			return 0;
	return v[0] != '-' && colon[1] != '-';
}

/* The env's shared file named f (one of shared_files), or NULL. */
static const char *shared_file(const struct wf_release_conf *r, const char *f)
{
	for (size_t i = r->n_shared - r->n_shared_files; i < r->n_shared; i++)
		if (!strcmp(r->shared[i], f))
			return r->shared[i];
	return NULL;
}

static int load_template(struct ld *ld, const config_setting_t *e, const char *where, struct wf_release_conf *r,
			 struct wf_template *t)
{
	static const char *const template_keys[] = { "file", "source", NULL };
	const char *file = NULL, *source = NULL;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, e, "'%s.templates' entries must be groups: { file = \"...\"; source = \"/...\"; }",
				   where);
	if (wf_cfg_check_keys(ld, e, "templates entry", template_keys) < 0 ||
	    wf_cfg_get_string(ld, e, "file", where, NULL, &file) < 0 ||
	    wf_cfg_get_string(ld, e, "source", where, NULL, &source) < 0)
		return -1;
	if (!file || !shared_file(r, file))
		return wf_cfg_fail(ld, e, "'%s.templates' entry: 'file' must name one of %s.shared_files (the file it "
				   "writes), not '%s'", where, where, file ? file : "(none)");
	if (!source || source[0] != '/' || strstr(source, "/../") || strpbrk(source, "\n"))
		return wf_cfg_fail(ld, e, "'%s.templates' entry for %s: 'source' must be the absolute path of the "
				   "template on this server, not '%s'", where, file, source ? source : "(none)");
	t->file = xstrdup(file);
	t->source = xstrdup(source);
	return 0;
}

int wf_cfg_load_content(struct ld *ld, const config_setting_t *g, const char *where, struct wf_release_conf *r)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, "shared_owner", where, &s, &v) < 0)
		return -1;
	if (v && !owner_ok(v))
		return wf_cfg_fail(ld, s, "'%s.shared_owner' must be \"user:group\" (the web server's, e.g. "
				   "\"www-data:www-data\"), not '%s'", where, v);
	r->shared_owner = v ? xstrdup(v) : NULL;
	if (wf_cfg_get_bool(ld, g, "clone_hardlinks", where, &r->clone_hardlinks) < 0)
		return -1;
	s = config_setting_get_member(g, "templates");
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return wf_cfg_fail(ld, s, "'%s.templates' must be a list: ( { file = \"...\"; source = \"/...\"; } )", where);
	r->templates = xcalloc((size_t)config_setting_length(s) + 1, sizeof(*r->templates));
	for (int i = 0; i < config_setting_length(s); i++) {
		if (load_template(ld, config_setting_get_elem(s, (unsigned)i), where, r, &r->templates[i]) < 0)
			return -1;
		r->n_templates++;
	}
	return 0;
}

void wf_cfg_content_free(struct wf_release_conf *r)
{
	for (size_t i = 0; i < r->n_templates; i++) {
		free(r->templates[i].file);
		free(r->templates[i].source);
	}
	free(r->templates);
	free(r->shared_owner);
	r->templates = NULL;
	r->n_templates = 0;
	r->shared_owner = NULL;
}

int wf_cfg_load_admins(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g = config_setting_get_member(root, "workflow");

	return g && wf_cfg_get_strv(ld, g, "admins", "workflow", 0, NULL, &c->admins, &c->n_admins) < 0 ? -1 : 0;
}
