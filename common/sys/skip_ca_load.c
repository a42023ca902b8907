/* Debian's libgit2 is built with mbedTLS, and git_libgit2_init() parses
 * every certificate of the system CA bundle (mbedtls_x509_crt_parse_file on
 * /etc/ssl/certs/ca-certificates.crt): 6-10 ms of each hook run, for TLS
 * the hooks never do through libgit2 (they make no libgit2 network calls;
 * HTTP steps and webhooks go through libcurl, which has its own TLS).
 *
 * Defined in the hook executables, this function takes the place of
 * mbedTLS's for libgit2 (the executable comes first in symbol lookup):
 * nothing is parsed and libgit2 gets an empty CA chain.  Should a hook ever
 * open an https remote through libgit2, no certificate would verify, so it
 * would fail closed, never trust blindly.  With a libgit2 built on OpenSSL
 * this function is simply never called. */

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
