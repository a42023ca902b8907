/* Fuzz the push-option parser (common/core/push_options.c).  The input is the
 * list of options as git hands them over (NUL-separated here, since an
 * option value cannot hold a NUL); the first one is the comma-separated
 * list of step option names the config would know.  Checks: every option
 * is kept raw, a toggle is always a known one, an error is one line. */
#include "fuzz.h"
#include "push_options.h"

#include <string.h>

#define MAX_PARTS 120

static int known(const char *o, char **opts, size_t n)
{
	if (!strncmp(o, "no-", 3))
		o += 3;
	if (wf_push_option_conventional(o))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(o, opts[i]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *p, *end;
	const char *parts[MAX_PARTS];
	char *opts[16];
	size_t n_parts = 0, n_opts = 0;
	struct wf_push_options o;
	char err[1024];

	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	for (p = buf; p <= end && n_parts < MAX_PARTS; p += strlen(p) + 1)
		parts[n_parts++] = p;
	if (n_parts == 0) {
		free(buf);
		return 0;
	}
	/* step option names: split the first part on ','; keep only names the
	 * config loader accepts as a `when` (a-z 0-9 -, not no-...), since
	 * those are the only ones the parser is ever given */
	for (char *s = (char *)parts[0], *tok; (tok = strsep(&s, ",")) && n_opts < 16;)
		if (*tok && strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(tok) &&
		    strncmp(tok, "no-", 3) && strcmp(tok, "message") && strcmp(tok, "dry-run"))
			opts[n_opts++] = tok;

	err[0] = '\0';
	if (wf_push_options_parse(parts + 1, n_parts - 1, (const char *const *)opts, n_opts, &o, err,
				  sizeof(err)) == 0) {
		const char *last_msg = NULL;
		FUZZ_CHECK(o.n_raw == n_parts - 1);
		for (size_t i = 0; i < o.n_raw; i++) {
			FUZZ_CHECK(!strcmp(o.raw[i], parts[i + 1]));
			if (!strncmp(parts[i + 1], "message=", 8))
				last_msg = parts[i + 1] + 8;
		}
		FUZZ_CHECK(last_msg ? (o.message && !strcmp(o.message, last_msg)) : !o.message);
		for (size_t i = 0; i < o.n_toggles; i++)
			FUZZ_CHECK(known(o.toggles[i], opts, n_opts));
		wf_push_options_free(&o);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(!strchr(err, '\n'));
		FUZZ_CHECK(o.raw == NULL && o.message == NULL);
	}
	free(buf);
	return 0;
}
