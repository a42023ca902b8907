/* One range of $GIT_COMMON_DIR/packed-refs by name prefix, read as git
 * does: the file mapped, a binary search for the prefix when git wrote it
 * sorted (the "sorted" trait, every git since 2.12 or so), else one pass
 * over the lines.  libgit2 1.5 has no such read: its glob iterator copies
 * every packed ref per call, and git_tag_list_match resolves every tag.
 * Only names and the peeled commits come from here; what a ref is, loose
 * refs shadowing packed ones, is still libgit2's answer (deploy_refs.c). */
#ifndef WF_PACKED_REFS_H
#define WF_PACKED_REFS_H

#include <stddef.h>

/* fn(ctx, name, len, peeled) for each packed ref whose name starts with
 * prefix (len: the name's length; peeled: its "^" line's hex, or NULL),
 * in file order.  0 (also when there is no packed-refs), or -1 when it
 * cannot be read or fn returned nonzero. */
typedef int (*wf_packed_fn)(void *ctx, const char *name, size_t len, const char *peeled);
int wf_packed_refs_each(const char *common_dir, const char *prefix, wf_packed_fn fn, void *ctx);

#endif
