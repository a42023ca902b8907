/* git-workflow releases --verify: does each file of a kept release still
 * match its commit (release.h)?  What a step or a person wrote in place,
 * a mode changed, a link retargeted or a file gone shows; what the build
 * made and the shared paths are the release's own and not asked about. */
#include "release.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct verify {
	git_repository *repo, *attrs;
	git_oid commit;
	char *dir;
	char scratch[64];       /* the attributes' work tree: the tree's directories, empty */
	struct sbuf *out;
	long n;
};

static void differs(struct verify *v, const char *path, const char *why)
{
	sbuf_addf(v->out, "  %s: %s\n", path, why);
	v->n++;
}

/* The file's content hashed as a blob (libgit2 streams it, no filters),
 * compared with id; the caller saw a regular file there. */
static int same_blob(const char *file, const git_oid *id)
{
	git_oid got;
	return git_odb_hashfile(&got, file, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&got, id);
}

static int same_link(const char *file, git_repository *repo, const git_oid *id)
{
	char target[PATH_MAX];
	ssize_t n = readlink(file, target, sizeof(target));
	git_blob *b = NULL;
	int same;

	if (n < 0 || git_blob_lookup(&b, repo, id) < 0)
		return 0;
	same = (size_t)n == (size_t)git_blob_rawsize(b) && !memcmp(target, git_blob_rawcontent(b), (size_t)n);
	git_blob_free(b);
	return same;
}

static int check_entry(const char *root, const git_tree_entry *e, void *payload)
{
	struct verify *v = payload;
	git_filemode_t fm = git_tree_entry_filemode(e);
	char *path = xasprintf("%s%s", root, git_tree_entry_name(e)), *file = xasprintf("%s/%s", v->dir, path);
	struct stat st;
	int skip = 0;

	/* a directory is asked as placing asks it: once it exists (in the
	 * scratch tree, since an export-ignored one is not in the release) */
	if (fm == GIT_FILEMODE_TREE || fm == GIT_FILEMODE_COMMIT) {
		char *sd = xasprintf("%s/%s", v->scratch, path);
		mkdir(sd, 0700);
		free(sd);
	}
	if (wf_release_exported(v->attrs, &v->commit, path) == 0)
		skip = 1; /* not placed, nor anything under it */
	else if (fm == GIT_FILEMODE_TREE || fm == GIT_FILEMODE_COMMIT)
		; /* its entries are asked one by one */
	else if (lstat(file, &st) < 0)
		differs(v, path, "missing");
	else if (fm == GIT_FILEMODE_LINK) {
		if (!S_ISLNK(st.st_mode) || !same_link(file, v->repo, git_tree_entry_id(e)))
			differs(v, path, "not the committed symlink");
	} else if (!S_ISREG(st.st_mode))
		differs(v, path, "not a file");
	else if (!!(st.st_mode & 0111) != (fm == GIT_FILEMODE_BLOB_EXECUTABLE))
		differs(v, path, "its executable bit differs");
	else if (!same_blob(file, git_tree_entry_id(e)))
		differs(v, path, "content differs from the commit");
	free(file);
	free(path);
	return skip;
}

long wf_release_verify(git_repository *repo, const struct wf_release_conf *rc, const char *name, struct sbuf *out)
{
	struct wf_release_info info;
	struct verify v = { repo, NULL, { { 0 } }, wf_release_dir(rc, name), "/tmp/wf-verify-XXXXXX", out, 0 };
	git_commit *c = NULL;
	git_tree *t = NULL;
	long n = -1;

	if (wf_release_read(rc, name, &info) != 0 || git_oid_fromstr(&v.commit, info.commit) < 0 ||
	    git_commit_lookup(&c, repo, &v.commit) < 0 || git_commit_tree(&t, c) < 0 || !mkdtemp(v.scratch))
		goto out;
	if (!(v.attrs = wf_release_attr_repo(repo, v.scratch))) {
		wf_remove_tree(v.scratch);
		goto out;
	}
	if (git_tree_walk(t, GIT_TREEWALK_PRE, check_entry, &v) == 0)
		n = v.n;
	wf_remove_tree(v.scratch);
out:
	git_repository_free(v.attrs);
	git_tree_free(t);
	git_commit_free(c);
	free(v.dir);
	return n;
}
