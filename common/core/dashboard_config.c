#include "dashboard_config.h"

#include <stdio.h>
#include <string.h>
#include <libconfig.h>

static int fail(const config_setting_t *s, const char *file, char *err, size_t errlen, const char *what)
{
	const char *f = config_setting_source_file(s);
	if (errlen)
		snprintf(err, errlen, "%s:%u: %s", f ? f : file, config_setting_source_line(s), what);
	return -1;
}

int wf_dashboard_config_load(const struct config_setting_t *root, struct wf_config *c, const char *file,
			     char *err, size_t errlen)
{
	config_setting_t *g = config_setting_get_member((config_setting_t *)root, "dashboard"), *d;
	const char *v;

	c->dashboard_dir[0] = '\0';
	if (!g)
		return 0;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(g, file, err, errlen, "'dashboard' must be a group { dir = \"...\"; }");
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(e);
		if (!key || strcmp(key, "dir")) {
			char m[200];
			snprintf(m, sizeof(m), "unknown key '%.100s' in dashboard (known: dir)", key ? key : "?");
			return fail(e, file, err, errlen, m);
		}
	}
	d = config_setting_get_member(g, "dir");
	if (!d)
		return 0;
	if (config_setting_type(d) != CONFIG_TYPE_STRING)
		return fail(d, file, err, errlen, "'dashboard.dir' must be a string");
	v = config_setting_get_string(d);
	if (!*v)
		return fail(d, file, err, errlen, "'dashboard.dir' must not be empty");
	if (strlen(v) >= sizeof(c->dashboard_dir))
		return fail(d, file, err, errlen, "'dashboard.dir' is too long");
	strcpy(c->dashboard_dir, v);
	return 0;
}
