/* sshmux.h: the control directory of a deploy's ssh connections. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "rmtree.h"
#include "sshmux.h"
#include "steps.h"
#include "util.h"

/* How long a master may take to say it exits (s); it answers at once. */
#define EXIT_TIMEOUT 10

int wf_sshmux_open(char dir[WF_SSHMUX_DIR_MAX])
{
	snprintf(dir, WF_SSHMUX_DIR_MAX, "%sXXXXXX", WF_SSHMUX_PREFIX);
	if (mkdtemp(dir))
		return 0;       /* mode 0700: nobody else reaches the sockets */
	dir[0] = 0;
	return -1;
}

int wf_sshmux_name_ok(const char *dir)
{
	size_t n = strlen(WF_SSHMUX_PREFIX);

	return !strncmp(dir, WF_SSHMUX_PREFIX, n) && strlen(dir + n) == 6 &&
	       strspn(dir + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == 6;
}

static void ignore_line(void *ctx, const char *line, size_t len)
{
	(void)ctx, (void)line, (void)len;
}

/* ssh -O exit to the master listening on path (argv: the path is ours). */
static void stop_master(const char *path)
{
	char *opt = xasprintf("ControlPath=%s", path);
	char *argv[] = { "ssh", "-F", "/dev/null", "-o", opt, "-O", "exit", "wf-host", NULL };
	struct wf_step st;
	struct wf_step_result res;

	memset(&st, 0, sizeof(st));
	st.name = "ssh -O exit";
	st.run = argv;
	st.run_len = 8;
	st.timeout = EXIT_TIMEOUT;
	(void)wf_step_run(&st, NULL, NULL, ignore_line, NULL, &res);
	wf_step_result_free(&res);
	free(opt);
}

void wf_sshmux_close(const char *dir)
{
	struct stat sb;
	struct dirent *e;
	DIR *d;

	/* ours: a real directory of this user, never a link put in its place */
	if (!dir || !wf_sshmux_name_ok(dir) || lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
		return;
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			char *p = xasprintf("%s/%s", dir, e->d_name);
			if (e->d_name[0] != '.' && lstat(p, &sb) == 0 && S_ISSOCK(sb.st_mode))
				stop_master(p);
			free(p);
		}
		closedir(d);
	}
	(void)wf_remove_tree(dir);
}
