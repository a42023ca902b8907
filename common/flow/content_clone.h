/* Content down (docs/content.md): an env's shared paths (its uploads,
 * its shared files) cloned into another's path/shared/, the target's old
 * ones set aside in path/.trash/ first, never mixed with the new; then
 * the database (content_db.h).  And what a new env's shared paths start
 * as: templates, shared_owner (shared_setup.c). */
#ifndef WF_CONTENT_CLONE_H
#define WF_CONTENT_CLONE_H

#include <stddef.h>
#include "deploy.h"
#include "session.h"

/* The env called name: Dev (with a path), Test, Live, or a branch env of
 * the registry.  NULL when there is none. */
const struct wf_env *wf_content_env(struct wf_session *s, const char *name);

/* Clone from's shared paths into to's, then from's database into to's.
 * The caller holds to's deploy lock.  0 with what was cloned in *summary
 * (one line, malloc'd), or -1 with a one-line err (to's content as it was,
 * unless err says which paths were already replaced). */
int wf_content_clone(struct wf_session *s, const struct wf_env *from, const struct wf_env *to, char **summary,
		     char *err, size_t errlen);

/* In deploy d (after the switch, before its steps): d's env gets the
 * content of the env named from, said to the pusher, kept as a result
 * named "clone-content" in out and in d's note.  1 when it failed. */
int wf_content_deploy(struct wf_session *s, struct wf_deploy *d, const char *from, struct wf_record_steps *out);

/* The shared paths of env made (wf_release_shared_init), and before that
 * each missing shared file with a template written from it; each path
 * made now gets env->rel.shared_owner.  0, or -1 with err. */
int wf_shared_setup(const struct wf_env *env, char *err, size_t errlen);

/* "user:group" as ids: 0, or -1 with err naming what is unknown. */
int wf_owner_ids(const char *owner, uid_t *uid, gid_t *gid, char *err, size_t errlen);

#endif
