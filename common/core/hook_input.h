/* The lines git feeds pre-receive and post-receive: "old new ref\n" each.
 * Parsing is strict: anything that is not exactly that is an error, never
 * a guess, because a misread line could let a write through. */
#ifndef WF_HOOK_INPUT_H
#define WF_HOOK_INPUT_H

#include <stddef.h>

#define WF_OID_MAX 64   /* SHA-256 repositories use 64 hex digits */

struct wf_update {
	char old_oid[WF_OID_MAX + 1];
	char new_oid[WF_OID_MAX + 1];
	char *ref;
};

/* Parse len bytes of hook input.  Returns 0 with *out (malloc'd, *n
 * entries), or -1 with a one-line message in err naming the line. */
int wf_hook_input_parse(const char *buf, size_t len, struct wf_update **out, size_t *n,
			char *err, size_t errlen);

/* Check a ref name the way git does for what a push may carry (under
 * refs/, no control bytes, spaces, "..", "@{", trailing ".lock" ...).
 * Returns 1 when it is acceptable. */
int wf_ref_name_ok(const char *ref);

void wf_updates_free(struct wf_update *u, size_t n);

/* An update that creates / deletes its ref. */
int wf_update_is_create(const struct wf_update *u);
int wf_update_is_delete(const struct wf_update *u);

#endif
