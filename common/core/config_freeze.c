/* Deploy freezes in workflow.conf: `test.freeze` / `live.freeze`, lists
 * of windows, and the top-level `freeze` group naming who may override
 * one (freeze.h).  A window that cannot be read is an error naming its
 * line: a freeze that silently never applied would be worse than none. */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "freeze.h"
#include "util.h"

static const char *const window_keys[] = { "from", "to", "tz", NULL };
static const char *const freeze_keys[] = { "overriders", NULL };

/* One end of a window, "from" or "to". */
static int window_end(struct ld *ld, const config_setting_t *g, const char *key, const char *where,
		      struct wf_freeze *f, int *weekly, long long *at)
{
	config_setting_t *s;
	const char *v;

	if (wf_cfg_get_string(ld, g, key, where, &s, &v) < 0)
		return -1;
	if (!v)
		return wf_cfg_fail(ld, g, "a window of '%s' needs '%s'", where, key);
	if (wf_freeze_parse(v, !strcmp(key, "to"), weekly, at) < 0)
		return wf_cfg_fail(ld, s, "'%s' %s '%s' must be a weekday and time (\"Fri 16:00\") or a date "
				   "(\"2026-12-20\" or \"2026-12-20 18:00\")", where, key, v);
	*(strcmp(key, "to") ? &f->from_text : &f->to_text) = xstrdup(v);
	return 0;
}

static int load_window(struct ld *ld, const config_setting_t *g, const char *where, struct wf_freeze *f)
{
	config_setting_t *s;
	const char *tz;
	int wf, wt;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return wf_cfg_fail(ld, g, "'%s' must be a list of windows: ( { from = \"Fri 16:00\"; "
				   "to = \"Mon 08:00\"; tz = \"Europe/Berlin\"; } )", where);
	if (wf_cfg_check_keys(ld, g, where, window_keys) < 0 ||
	    window_end(ld, g, "from", where, f, &wf, &f->from) < 0 ||
	    window_end(ld, g, "to", where, f, &wt, &f->to) < 0 || wf_cfg_get_string(ld, g, "tz", where, &s, &tz) < 0)
		return -1;
	if (wf != wt)
		return wf_cfg_fail(ld, g, "a window of '%s' has a weekday at one end and a date at the other: "
				   "use two weekdays or two dates", where);
	f->weekly = wf;
	if (f->from == f->to || (!wf && f->from > f->to))
		return wf_cfg_fail(ld, g, "a window of '%s' ends (%s) %s it begins (%s)", where, f->to_text,
				   f->from == f->to ? "when" : "before", f->from_text);
	if (tz && !wf_freeze_tz_ok(tz))
		return wf_cfg_fail(ld, s, "'%s' tz '%s' is no time zone this machine knows (a name under "
				   "/usr/share/zoneinfo, such as \"Europe/Berlin\" or \"UTC\")", where, tz);
	f->tz = tz ? xstrdup(tz) : NULL;
	return 0;
}

int wf_cfg_load_freeze(struct ld *ld, const config_setting_t *env_group, const char *env, struct wf_env *e)
{
	config_setting_t *s = config_setting_get_member(env_group, "freeze");
	char *where = xasprintf("%s.freeze", env);
	int n, rc = 0;

	if (!s) {
		free(where);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		rc = wf_cfg_fail(ld, s, "'%s' must be a list of windows: ( { from = \"Fri 16:00\"; to = \"Mon 08:00\"; "
				 "tz = \"Europe/Berlin\"; } )", where);
		free(where);
		return rc;
	}
	n = config_setting_length(s);
	e->freeze = xcalloc((size_t)n + 1, sizeof(*e->freeze));
	for (int i = 0; i < n && rc == 0; i++, e->n_freeze++)
		rc = load_window(ld, config_setting_get_elem(s, (unsigned)i), where, &e->freeze[i]);
	free(where);
	return rc;
}

int wf_cfg_load_freeze_group(struct ld *ld, const config_setting_t *root, struct wf_config *c)
{
	config_setting_t *g;

	if (wf_cfg_get_group(ld, root, "freeze", "freeze", &g) < 0)
		return -1;
	if (!g)
		return 0;
	if (wf_cfg_check_keys(ld, g, "freeze", freeze_keys) < 0 ||
	    wf_cfg_get_strv(ld, g, "overriders", "freeze", 0, NULL, &c->freeze_overriders,
			    &c->n_freeze_overriders) < 0)
		return -1;
	return 0;
}
