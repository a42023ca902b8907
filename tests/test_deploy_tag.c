/* Which annotations count as deploys (common/git/deploy_tag.c): the text the
 * hooks write, for that env and that commit; nothing hand-made. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "deploy_tag.h"
#include "util.h"

#define TO "7b7fe6dab07440cd1a391bf3bda7b8431edeb956"
#define FROM "2b74a494618c7a0b40e677d125e3b00fbc4b3ea6"
#define HEAD "kind: deploy\nenv: test\npusher: alice\ntime: 2026-11-25T10:00:00Z\nfrom: " FROM "\nto: " TO "\n"

/* What deploy.c writes */
static const char *deploy = "Deploy to test by alice\n\n" HEAD "options: update no-cache-clear\ncommits:\n"
			    "  7b7fe6dab074 feature A\n  2b74a494618c first\n";

Test(deploy_tag, the_hooks_annotation_is_a_deploy)
{
	cr_assert_eq(wf_deploy_annotation_ok(deploy, "test", TO), 1);
}

Test(deploy_tag, repairs_rollbacks_hotfixes_and_first_deploys_count)
{
	cr_assert_eq(wf_deploy_annotation_ok("Interrupted deploy to test, tagged by repair\n\n" HEAD
					     "repaired: post-receive did not finish this deploy\ncommits:\n",
					     "test", TO), 1);
	cr_assert_eq(wf_deploy_annotation_ok("Rollback of live by bob\n\nkind: rollback\nenv: live\npusher: bob\n"
					     "time: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO "\noptions: \ncommits:\n",
					     "live", TO), 1);
	cr_assert_eq(wf_deploy_annotation_ok("Hotfix\n\nkind: hotfix\nenv: live\npusher: \\x1b\n"
					     "time: 2026-11-25T10:00:00Z\nfrom: " FROM "\nto: " TO "\noptions: \ncommits:\n",
					     "live", TO), 1);
}

Test(deploy_tag, another_env_or_commit_is_not)
{
	cr_assert_eq(wf_deploy_annotation_ok(deploy, "live", TO), 0);
	cr_assert_eq(wf_deploy_annotation_ok(deploy, "tes", TO), 0);
	cr_assert_eq(wf_deploy_annotation_ok(deploy, "test", FROM), 0);
	cr_assert_eq(wf_deploy_annotation_ok(deploy, "test", "7b7fe6dab074"), 0);
}

Test(deploy_tag, hand_made_text_is_not)
{
	const char *bad[] = {
		NULL,
		"",
		"Deploy to test by root\n",
		"Deploy to test by root\n\nkind: deploy\nenv: test\n",
		/* a field missing, renamed, reordered or with another form */
		"m\n\nkind: deploy\nenv: test\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO "\noptions: \ncommits:\n",
		"m\n\nkind: promote\nenv: test\npusher: a\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO
		"\noptions: \ncommits:\n",
		"m\n\nenv: test\nkind: deploy\npusher: a\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO
		"\noptions: \ncommits:\n",
		"m\n\nkind: deploy\nenv: test\npusher: a\ntime: yesterday\nfrom: (none)\nto: " TO "\noptions: \ncommits:\n",
		"m\n\nkind: deploy\nenv: test\npusher: a\ntime: 2026-11-25T10:00:00Z\nfrom: HEAD~1\nto: " TO
		"\noptions: \ncommits:\n",
		"m\n\nkind: deploy\nenv: test\npusher: a\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO "\ncommits:\n",
		"m\n\nkind: deploy\nenv: test\npusher: a\ntime: 2026-11-25T10:00:00Z\nfrom: (none)\nto: " TO "\noptions: \n",
		/* text after the commit list, or a commit line without its indent */
		"m\n\n" HEAD "options: \ncommits:\n  abc first\nsigned: me\n",
		"m\n\n" HEAD "options: \ncommits:\nabc first\n",
		"m\n\n" HEAD "options: \ncommits:\n  abc first",
		/* a message of two lines: the hooks escape it to one */
		"line one\nline two\n\n" HEAD "options: \ncommits:\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(wf_deploy_annotation_ok(bad[i], "test", TO), 0, "accepted case %zu", i);
}

/* A rollback with -o drop-hotfix names the dropped commits in its
 * annotation: still one of the hooks' deploy tags. */
Test(deploy_tag, a_rollback_that_dropped_a_hotfix_is_genuine)
{
	const char *t = "1111111111111111111111111111111111111111";
	char *msg = xasprintf("Rollback of live by alice\n\nkind: rollback\nenv: live\npusher: alice\n"
			      "time: 2026-11-25T10:00:00Z\nfrom: %s\nto: %s\noptions: drop-hotfix\n"
			      "dropped hotfix: deploy_live_3: d4fbc15ac8ff hotfix: fix\ncommits:\n", t, t);
	cr_assert_eq(wf_deploy_annotation_ok(msg, "live", t), 1);
	free(msg);
}
