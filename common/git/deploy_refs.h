/* An env's deploy tags by name, read in O(its deploy tags): the loose ones
 * from the refs/tags directory, the packed ones by a binary search of
 * packed-refs (packed_refs.h).  git_tag_list_match, which this replaces,
 * walks every ref of the repository and resolves every tag (22,000 refs:
 * 110 ms a call, and a push asked 18 times); libgit2's glob iterator still
 * copies every packed ref per call (6-9 ms there). */
#ifndef WF_DEPLOY_REFS_H
#define WF_DEPLOY_REFS_H

#include <git2.h>
#include <stddef.h>
#include "repo.h"

struct wf_deploy_ref {
	char *name;                     /* "<prefix>_<env>_<N>", without refs/tags/ */
	long n;                         /* N, > 0 */
	/* the commit packed-refs says the tag peels to ("^" line), when it
	 * does: a tag on another commit is passed over unread; the tag object
	 * is still read for the one that matches (deploy_tag.h) */
	git_oid peeled;
	int has_peeled;
};

/* env's tags named <prefix>_<env>_<N> (whoever made them), by N.
 * Returns how many with *out (free with wf_deploy_refs_free), or -1. */
long wf_deploy_refs(struct wf_repo *r, const char *env, struct wf_deploy_ref **out);
void wf_deploy_refs_free(struct wf_deploy_ref *refs, long n);

#endif
