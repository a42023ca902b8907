/* SHA-256 against FIPS 180-4 examples, HMAC-SHA256 against RFC 4231: the
 * libcrypto calls are made right (lengths, key handling, hex). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "digest.h"

static void sha_hex(const void *d, size_t n, char out[65])
{
	unsigned char h[32];
	wf_sha256(d, n, h);
	wf_hex(h, 32, out);
}

static void unhex(const char *s, unsigned char *out, size_t *n)
{
	*n = 0;
	for (; s[0] && s[1]; s += 2) {
		unsigned v;
		sscanf(s, "%2x", &v);
		out[(*n)++] = (unsigned char)v;
	}
}

Test(sha256, fips_examples)
{
	char h[65];
	sha_hex("", 0, h);
	cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, h);
	cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
	cr_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

struct rfc4231 {
	const char *key_hex, *data_hex, *mac_hex;
};

Test(hmac_sha256, rfc4231_vectors)
{
	static const struct rfc4231 v[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ "@aa20", "@dd50",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819", "@cd50",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		/* case 5: the MAC truncated to 128 bits */
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
		  "a3b6167473100ee06e0c796c2955552b" },
		{ "@aa131",
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ "@aa131",
		  "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned char key[200], data[200], mac[32];
		char hex[65];
		size_t kn, dn;
		/* "@aaN": N bytes of 0xaa, as the RFC writes them */
		if (v[i].key_hex[0] == '@') {
			unsigned b;
			sscanf(v[i].key_hex + 1, "%2x%zu", &b, &kn);
			memset(key, (int)b, kn);
		} else {
			unhex(v[i].key_hex, key, &kn);
		}
		if (v[i].data_hex[0] == '@') {
			unsigned b;
			sscanf(v[i].data_hex + 1, "%2x%zu", &b, &dn);
			memset(data, (int)b, dn);
		} else {
			unhex(v[i].data_hex, data, &dn);
		}
		wf_hmac_sha256(key, kn, data, dn, mac);
		wf_hex(mac, strlen(v[i].mac_hex) / 2, hex);
		cr_assert_str_eq(hex, v[i].mac_hex, "RFC 4231 test case %zu", i + 1);
	}
}

Test(hmac_sha256, same_as_python_hmac)
{
	/* python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret", b"{\"a\":1}\n", hashlib.sha256).hexdigest())' */
	unsigned char mac[32];
	char hex[65];
	wf_hmac_sha256("s3cret", 6, "{\"a\":1}\n", 8, mac);
	wf_hex(mac, 32, hex);
	cr_assert_str_eq(hex, "015557de5463cb8cd33338a9acf30081fd629d849d401e1d1b89eb16de83586f");
}
