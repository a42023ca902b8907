/* What of a commit's tree is exported: its .gitattributes' export-ignore,
 * read as git archive reads them (release.h). */
#include "release.h"
#include <git2/sys/repository.h>

#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

git_repository *wf_release_attr_repo(git_repository *repo, const char *dir)
{
	git_repository *r = NULL;
	git_odb *odb = NULL;

	if (git_repository_open_bare(&r, git_repository_path(repo)) < 0)
		return NULL;
	if (git_repository_odb(&odb, repo) < 0 || git_repository_set_odb(r, odb) < 0 ||
	    git_repository_set_workdir(r, dir, 0) < 0) {
		git_repository_free(r);
		r = NULL;
	}
	git_odb_free(odb);
	return r;
}

int wf_release_exported(git_repository *attrs, const git_oid *commit, const char *path)
{
	git_attr_options o;
	const char *v = NULL;

	memset(&o, 0, sizeof(o));
	o.version = GIT_ATTR_OPTIONS_VERSION;
	o.flags = GIT_ATTR_CHECK_INDEX_ONLY | GIT_ATTR_CHECK_INCLUDE_COMMIT;
	git_oid_cpy(&o.attr_commit_id, commit);
	if (git_attr_get_ext(&v, attrs, &o, path, "export-ignore") < 0)
		return -1;
	return !GIT_ATTR_IS_TRUE(v);
}

static int file_exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int r = access(p, F_OK) == 0;
	free(p);
	return r;
}

/* Whether attributes can come from anywhere but the commit's own
 * .gitattributes files: info/attributes, core.attributesFile (or its XDG
 * default), the system gitattributes.  When not, a path under no
 * .gitattributes of the tree cannot be export-ignore, and the placement
 * does not ask libgit2 (which looks for each path's files on disk: 14
 * failing syscalls a path). */
int wf_release_attrs_outside_tree(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int r = file_exists(git_repository_path(repo), "info/attributes");

	if (!r && git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_path(&buf, cfg, "core.attributesFile") == 0)
			r = 1;
		git_config_free(cfg);
	}
	if (!r && xdg && *xdg)
		r = file_exists(xdg, "git/attributes");
	else if (!r && home && *home)
		r = file_exists(home, ".config/git/attributes");
	git_buf_dispose(&buf);
	if (!r && git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, &buf) == 0) {
		char *list = xstrdup(buf.ptr ? buf.ptr : ""), *save = NULL;
		for (char *d = strtok_r(list, ":", &save); d && !r; d = strtok_r(NULL, ":", &save))
			r = file_exists(d, "gitattributes");
		free(list);
	}
	git_buf_dispose(&buf);
	return r || file_exists("/etc", "gitattributes");
}
