/* Base64 (RFC 4648 alphabet, padded): how deploy records keep binary. */
#ifndef WF_BASE64_H
#define WF_BASE64_H

#include <stddef.h>
#include "util.h"

void wf_b64_encode(struct sbuf *sb, const unsigned char *in, size_t len);
/* Strict decode (padding required, no stray bits): 0, or -1. */
int wf_b64_decode(const char *s, unsigned char **out, size_t *out_len);

#endif
