/* PHP sees the new release at full speed (docs/nginx-php-fpm.md "OPcache"):
 * after each switch, OPcache is reset inside the env's PHP-FPM pool,
 * through its FastCGI socket with Debian's cgi-fcgi (argv, no shell).
 * Every release has new paths, so without it the old releases' scripts
 * stay cached until the cache is full and new code is no longer cached at
 * all; a reload of PHP-FPM would drop the requests in flight instead.  The
 * answer says how full the cache was, and warns when it was full. */
#include "opcache.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Outside releases/ and so outside any docroot: only FastCGI reaches it. */
static const char script[] =
	"<?php\n"
	"// written by the workflow hooks: resets OPcache after a deploy's switch\n"
	"$s = function_exists('opcache_get_status') ? opcache_get_status(false) : false;\n"
	"if (!is_array($s)) { echo \"opcache: not enabled in this pool\\n\"; return; }\n"
	"$m = $s['memory_usage'];\n"
	"$all = $m['used_memory'] + $m['free_memory'] + $m['wasted_memory'];\n"
	"printf(\"opcache: %s; it held %d scripts in %.1f of %.1f MB%s\\n\", opcache_reset() ? 'reset' : 'NOT reset',\n"
	"  $s['opcache_statistics']['num_cached_scripts'], ($m['used_memory'] + $m['wasted_memory']) / 1048576,\n"
	"  $all / 1048576, $s['cache_full'] ? '; WARNING: it was full, so new code was not cached: raise "
	"opcache.memory_consumption' : '');\n";

static char *write_script(const struct wf_env *env)
{
	char *dir = xasprintf("%s/.wf-php", env->rel.path), *path = xasprintf("%s/opcache-reset.php", dir);

	if (wf_mkdir_p(dir, 0755) < 0 || wf_write_file_atomic(path, script, sizeof(script) - 1, 0) < 0) {
		wf_say("workflow: %s: cannot write %s: %s", env->branch, path, strerror(errno));
		free(path);
		path = NULL;
	}
	free(dir);
	return path;
}

int wf_opcache_reset(struct wf_session *s, struct wf_deploy *d, struct wf_step_ctx *cx)
{
	const struct wf_env *env = d->env;
	char *path, *env_vars[5], *argv[5];
	struct wf_step st;
	int failed;

	if (!env->rel.php_fpm || !env->rel.path || !(path = write_script(env)))
		return env->rel.php_fpm && env->rel.path ? 1 : 0;
	argv[0] = "cgi-fcgi", argv[1] = "-bind", argv[2] = "-connect", argv[3] = env->rel.php_fpm, argv[4] = NULL;
	memset(&st, 0, sizeof(st));
	st.name = "opcache-reset";
	st.run = argv;
	st.run_len = 4;
	st.timeout = 30;
	st.default_on = 1;
	env_vars[0] = xasprintf("SCRIPT_FILENAME=%s", path);
	env_vars[1] = xstrdup("SCRIPT_NAME=/opcache-reset.php");
	env_vars[2] = xstrdup("REQUEST_METHOD=GET");
	env_vars[3] = xstrdup("QUERY_STRING=");
	env_vars[4] = NULL;
	failed = wf_deploy_run_step(s, d, &st, cx, env_vars, "step");
	for (int i = 0; i < 4; i++)
		free(env_vars[i]);
	free(path);
	return failed;
}
