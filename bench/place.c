/* bench/place: place one release as a deploy does (common/release_place.c),
 * for bench/releases.  place REPO COMMIT PATH NAME [fresh] */
#include <git2.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "release.h"
#include "repo.h"

int main(int argc, char **argv)
{
	struct wf_release_conf rc;
	struct wf_release_info info;
	struct wf_placed p;
	git_repository *repo;
	char err[1024];
	int rc2;

	if (argc < 5)
		return 2;
	wf_git_init();
	if (git_repository_open_bare(&repo, argv[1]) < 0)
		return 1;
	memset(&rc, 0, sizeof(rc));
	rc.path = argv[3];
	rc.keep = 100;
	rc2 = wf_release_place(repo, &rc, argv[2], argv[4], argc > 5, &p, err, sizeof(err));
	if (rc2 < 0) {
		fprintf(stderr, "place: %s\n", err);
		return 1;
	}
	if (argc > 5)
		wf_release_relink(&rc, argv[4], &p);
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", argv[4]);
	snprintf(info.commit, sizeof(info.commit), "%s", argv[2]);
	info.time = (long long)time(NULL);
	info.size = p.size;
	wf_release_mark(&rc, &info);
	wf_placed_free(&p);
	git_repository_free(repo);
	return 0;
}
