/* Fuzz the workflow.conf loader (wf_config_load_string: libconfig, then
 * the schema walk of common/core/config.c).  A config that loads must be
 * usable: both environments have a branch and a full ref, the dev branch
 * differs from them, steps have a name and either a command or a URL.
 * A config that does not load gives a one-line error. */
#include "fuzz.h"
#include "config.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_config c;
	char *text, err[1024];

	/* libconfig's @include would read files named by the input; the
	 * config is the admin's, so that is not an attack surface, and a
	 * fuzzer should not read /dev/zero. */
	if (size > 65536 || memmem(data, size, "include", 7))
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (wf_config_load_string(&c, text, "fuzz.conf", err, sizeof(err)) == 0) {
		const struct wf_env *envs[2] = { &c.test, &c.live };
		size_t n;
		const char **opts;

		FUZZ_CHECK(c.tag_prefix && *c.tag_prefix);
		FUZZ_CHECK(c.dev_ref && !strncmp(c.dev_ref, "refs/heads/", 11));
		for (int e = 0; e < 2; e++) {
			const struct wf_env *env = envs[e];
			FUZZ_CHECK(env->branch && env->ref && !strncmp(env->ref, "refs/heads/", 11));
			FUZZ_CHECK(!strcmp(env->ref + 11, env->branch));
			FUZZ_CHECK(strcmp(env->ref, c.dev_ref) != 0);
			FUZZ_CHECK(wf_config_env_by_ref(&c, env->ref) == env);
			for (size_t i = 0; i < env->n_steps; i++) {
				const struct wf_step *s = &env->steps[i];
				FUZZ_CHECK(s->name != NULL);
				FUZZ_CHECK((s->run != NULL) != (s->url != NULL));
				FUZZ_CHECK(!s->shell || s->run_len == 1);
				FUZZ_CHECK(s->timeout > 0);
			}
		}
		FUZZ_CHECK(strcmp(c.test.ref, c.live.ref) != 0);
		opts = wf_config_step_options(&c, &n);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(opts[i], "message") && strcmp(opts[i], "dry-run"));
		free(opts);
		wf_config_free(&c);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(!strchr(err, '\n'));
	}
	free(text);
	return 0;
}
