/* The rule for deploys of an env moved outside the workflow
 * (common/flow/outside.c): refused but back onto one of its deploy tags; a
 * moved test's code is not tested for live. */
#include <criterion/criterion.h>
#include "outside.h"

Test(outside, nothing_outside_changes_nothing)
{
	enum wf_action a[] = { WF_PROMOTE, WF_ROLLBACK, WF_HOTFIX, WF_ALLOW, WF_REFUSE, WF_HOTFIX_DELETE };
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		for (int live = 0; live < 2; live++)
			cr_assert_eq(wf_outside_rule(a[i], live, 0, 0, 0, 0), WF_OUTSIDE_OK);
}

Test(outside, deploys_of_an_env_outside_are_refused)
{
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 0, 1, 1, 0, 0), WF_OUTSIDE_ENV);
	cr_assert_eq(wf_outside_rule(WF_ROLLBACK, 1, 1, 0, 0, 1), WF_OUTSIDE_ENV);
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 1, 1, 0, 0, 1), WF_OUTSIDE_ENV);
}

Test(outside, back_onto_a_deploy_tag_is_allowed_but_a_hotfix_is_not)
{
	cr_assert_eq(wf_outside_rule(WF_ROLLBACK, 0, 1, 1, 1, 0), WF_OUTSIDE_OK);
	cr_assert_eq(wf_outside_rule(WF_ROLLBACK, 1, 1, 0, 1, 0), WF_OUTSIDE_OK);
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 0, 1, 1, 1, 0), WF_OUTSIDE_OK);
	cr_assert_eq(wf_outside_rule(WF_HOTFIX, 1, 1, 0, 1, 0), WF_OUTSIDE_ENV);
	cr_assert_eq(wf_outside_rule(WF_HOTFIX, 0, 1, 1, 1, 1), WF_OUTSIDE_ENV);
}

Test(outside, a_moved_test_tip_is_not_tested_for_live)
{
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 1, 0, 1, 0, 0), WF_OUTSIDE_TEST);
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 1, 0, 1, 0, 1), WF_OUTSIDE_OK);
	/* a rollback or hotfix of live does not come from test */
	cr_assert_eq(wf_outside_rule(WF_ROLLBACK, 1, 0, 1, 1, 0), WF_OUTSIDE_OK);
	cr_assert_eq(wf_outside_rule(WF_HOTFIX, 1, 0, 1, 0, 0), WF_OUTSIDE_OK);
	/* test itself only cares whether test is outside */
	cr_assert_eq(wf_outside_rule(WF_PROMOTE, 0, 0, 0, 0, 0), WF_OUTSIDE_OK);
}
