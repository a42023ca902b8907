#include "digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

void wf_sha256(const void *data, size_t len, unsigned char out[WF_SHA256_LEN])
{
	unsigned int n = 0;
	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void wf_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
		    unsigned char out[WF_SHA256_LEN])
{
	unsigned int n = 0;
	/* a key longer than INT_MAX does not happen: secret files are read whole */
	HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &n);
}

void wf_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}
