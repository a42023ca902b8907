/* Fuzz the pre-/post-receive input parser (common/core/hook_input.c) with
 * arbitrary bytes, and check what it accepts is what the hooks rely on:
 * well-formed object names, valid ref names, never both names zero.
 * Also checks the escaping used to quote a bad ref name in the message
 * round-trips and never contains a control byte (it reaches the pusher's
 * terminal and the records). */
#include "fuzz.h"
#include "hook_input.h"
#include "text.h"
#include "util.h"

#include <string.h>

static int hex_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void check_escape(const uint8_t *data, size_t size)
{
	struct sbuf esc = SBUF_INIT, back = SBUF_INIT;
	size_t n = strnlen((const char *)data, size);

	wf_text_store(&esc, (const char *)data, n);
	/* one line: no control character, only valid UTF-8 */
	for (size_t i = 0, k; i < esc.len; i += k) {
		unsigned cp;
		k = wf_utf8_char((const unsigned char *)esc.buf + i, esc.len - i, &cp);
		FUZZ_CHECK(k > 0 && cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0));
	}
	FUZZ_CHECK(wf_unescape(esc.buf ? esc.buf : "", &back) == 0);
	FUZZ_CHECK(back.len == n && (n == 0 || !memcmp(back.buf, data, n)));
	sbuf_free(&esc);
	sbuf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_update *u;
	size_t n;
	char err[512];

	err[0] = '\0';
	if (wf_hook_input_parse((const char *)data, size, &u, &n, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++) {
			size_t ol = strlen(u[i].old_oid);
			FUZZ_CHECK(ol == 40 || ol == 64);
			FUZZ_CHECK(strlen(u[i].new_oid) == ol);
			FUZZ_CHECK(hex_only(u[i].old_oid, ol) && hex_only(u[i].new_oid, ol));
			FUZZ_CHECK(wf_ref_name_ok(u[i].ref));
			FUZZ_CHECK(!(wf_update_is_create(&u[i]) && wf_update_is_delete(&u[i])));
			FUZZ_CHECK(!strchr(u[i].ref, '\n') && !strchr(u[i].ref, ' '));
		}
		wf_updates_free(u, n);
	} else {
		/* an error is one line, and says something */
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(!strchr(err, '\n'));
	}
	check_escape(data, size);
	return 0;
}
