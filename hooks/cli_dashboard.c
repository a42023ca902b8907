/* git-workflow dashboard [-o DIR]: write the dashboard now (the hooks
 * write it after each deploy), every page of it, into DIR or where the
 * config says. */
#include "cli.h"
#include "dashboard.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int cli_dashboard(struct cli *x)
{
	const char *dir = NULL;
	char *shown, err[1024];

	if (x->argc == 2 && !strcmp(x->argv[0], "-o") && *x->argv[1])
		dir = x->argv[1];
	else if (x->argc != 0) {
		fprintf(stderr, "git-workflow: dashboard takes at most -o DIR\n");
		return 2;
	}
	if (wf_dashboard_render(&x->r, dir, 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "git-workflow: dashboard: %s\n", err);
		return 1;
	}
	shown = dir ? xstrdup(dir) : wf_dashboard_dir(&x->r);
	printf("dashboard written to %s/index.html\n", shown);
	free(shown);
	return 0;
}
