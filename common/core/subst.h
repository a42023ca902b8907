/* ${WF_...} in an HTTP step's url, headers and body, replaced by the
 * deploy's values (from the step's environment), each escaped for where
 * it lands, so a value is always data there whatever its bytes. */
#ifndef WF_SUBST_H
#define WF_SUBST_H

#include <stddef.h>

enum wf_subst_mode {
	WF_SUBST_RAW,           /* as it is (a body that is not JSON) */
	WF_SUBST_URL,           /* percent-encoded (RFC 3986 unreserved kept) */
	WF_SUBST_HEADER,        /* control characters become spaces: no extra header */
	WF_SUBST_JSON,          /* JSON string content: "${WF_X}" is a valid string */
};

/* in with each ${WF_X} (X in [A-Z_]+) replaced by X's value in env
 * ("NAME=value" strings); unknown ones become empty.  malloc'd. */
char *wf_subst(const char *in, char *const env[], enum wf_subst_mode mode);

/* How a body is substituted: JSON when a Content-Type header names JSON
 * (application/json, application/...+json), else as it is. */
enum wf_subst_mode wf_subst_body_mode(char *const headers[], size_t n);

#endif
