/* The pure rules of releases (release_names.c, tested in
 * tests/test_release.c): names, symlink targets, shared paths. */
#ifndef WF_RELEASE_NAMES_H
#define WF_RELEASE_NAMES_H

#include "config.h"

#define WF_RELEASE_NAME_MAX 128

/* 1 when a symlink at link_path (relative to the release) to target stays
 * inside the release, read as written (no absolute target, no ".." above
 * the release's root). */
int wf_release_link_ok(const char *link_path, const char *target);
/* The shared path that tree path p tracks: p is it or lies under it, or p
 * is on the way to it but not a directory.  NULL when none. */
const char *wf_release_tracks_shared(const struct wf_release_conf *rc, const char *p, int is_dir);
/* The relative symlink target from release/<p> to path/shared/<p>, malloc'd. */
char *wf_release_shared_target(const char *p);
/* A release name the hooks make ([A-Za-z0-9._-], not starting with '.'). */
int wf_release_name_ok(const char *name);

#endif
