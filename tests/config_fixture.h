/* The config a unit test loads, shared by the tests of common/core's
 * config readers: one wf_config, its error buffer, freed after each test
 * (TestSuite(..., .fini = teardown)).  Static inline: each test file that
 * includes it has its own copy, and one that does not call a helper does
 * not warn. */
#ifndef WF_TESTS_CONFIG_FIXTURE_H
#define WF_TESTS_CONFIG_FIXTURE_H
#include <criterion/criterion.h>
#include <string.h>
#include "config.h"

static struct wf_config cfg;
static char err[512];

static inline void teardown(void)
{
	wf_config_free(&cfg);
}

/* Load text named "t.conf"; on success the test goes on, else it fails. */
static inline void load_ok(const char *text)
{
	int rc = wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err));
	cr_assert_eq(rc, 0, "unexpected error: %s", err);
}

/* Load text that must be refused; err then holds what was said. */
static inline void load_refused(const char *text)
{
	memset(err, 0, sizeof(err));
	cr_assert_eq(wf_config_load_string(&cfg, text, "t.conf", err, sizeof(err)), -1, "accepted: %s", text);
}
#endif
