/* What of a commit's tree is exported: its .gitattributes' export-ignore,
 * read as git archive reads them (release.h). */
#include "release.h"
#include <git2/sys/repository.h>

#include <string.h>

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
