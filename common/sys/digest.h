/* SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (already in the hooks'
 * process through libgit2 and libcurl): spool names, and webhook
 * signatures made the way GitHub does (X-...-Signature-256: sha256=<hex>). */
#ifndef WF_DIGEST_H
#define WF_DIGEST_H

#include <stddef.h>

#define WF_SHA256_LEN 32

void wf_sha256(const void *data, size_t len, unsigned char out[WF_SHA256_LEN]);
void wf_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
		    unsigned char out[WF_SHA256_LEN]);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void wf_hex(const unsigned char *in, size_t n, char *out);

#endif
