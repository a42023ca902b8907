/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), self-contained so the
 * webhook signatures need no crypto library.  Used to sign event bodies
 * the way GitHub does (X-...-Signature-256: sha256=<hex>). */
#ifndef WF_HMAC_SHA256_H
#define WF_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WF_SHA256_LEN 32

struct wf_sha256 {
	uint32_t h[8];
	uint64_t total;          /* bytes hashed so far */
	unsigned char block[64];
	size_t used;             /* bytes waiting in block */
};

void wf_sha256_init(struct wf_sha256 *c);
void wf_sha256_update(struct wf_sha256 *c, const void *data, size_t len);
void wf_sha256_final(struct wf_sha256 *c, unsigned char out[WF_SHA256_LEN]);
void wf_sha256(const void *data, size_t len, unsigned char out[WF_SHA256_LEN]);

void wf_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
		    unsigned char out[WF_SHA256_LEN]);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void wf_hex(const unsigned char *in, size_t n, char *out);

#endif
