/* The policy rules, each both ways, against an in-memory commit graph. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "command.h"
#include "freeze.h"
#include "policy.h"
#include "util.h"

/* Commits are letters; oid of 'a' is forty 'a's ... (hex letters only:
 * we use a-f and digits). */
struct commit { char name; char parent; char parent2; };
static struct commit graph[] = {
	{ '1', 0, 0 },   /* root */
	{ '2', '1', 0 },
	{ '3', '2', 0 },   /* master tip */
	{ '4', '2', 0 },   /* feature: not on master */
	{ '5', '3', 0 },   /* hotfix on top of 3 */
	{ '6', '3', 0 },   /* new master commit */
	{ '7', '5', '6' }, /* master with the hotfix merged */
	{ '8', '5', 0 },   /* a second hotfix on top of 5 */
};
struct ref { const char *name; char commit; };
static struct ref refs[8];
static size_t n_refs;
struct tag { char commit; const char *env; };
static struct tag tags[8];
static size_t n_tags;
/* hotfix deploy tags: "deploy_live_3" on commit '5' ... */
struct hotfix { char commit; const char *env; const char *name; };
static struct hotfix hotfixes[4];
static size_t n_hotfixes;
static int fail_everything, fail_hotfix_tags, drop_hotfix;
static int ancestry_asked; /* is_ancestor calls */
static const char *override;
static long long now;

static char *oid(char c)
{
	static char bufs[8][41];
	static int k;
	char *b = bufs[k++ % 8];
	memset(b, c, 40);
	b[40] = 0;
	return b;
}

static const struct commit *find(char c)
{
	for (size_t i = 0; i < sizeof(graph) / sizeof(graph[0]); i++)
		if (graph[i].name == c)
			return &graph[i];
	return NULL;
}

static int reaches(char from, char to)
{
	const struct commit *c = find(from);
	if (!c)
		return 0;
	if (from == to)
		return 1;
	return (c->parent && reaches(c->parent, to)) || (c->parent2 && reaches(c->parent2, to));
}

static int f_is_ancestor(void *ctx, const char *anc, const char *desc)
{
	(void)ctx;
	ancestry_asked++;
	if (fail_everything)
		return -1;
	return reaches(desc[0], anc[0]);
}

static int f_ref_tip(void *ctx, const char *ref, char out[WF_OID_MAX + 1])
{
	(void)ctx;
	if (fail_everything)
		return -1;
	for (size_t i = 0; i < n_refs; i++)
		if (!strcmp(refs[i].name, ref)) {
			strcpy(out, oid(refs[i].commit));
			return 0;
		}
	return 1;
}

static int f_has_deploy_tag(void *ctx, const char *o, const char *env)
{
	(void)ctx;
	if (fail_everything)
		return -1;
	for (size_t i = 0; i < n_tags; i++)
		if (tags[i].commit == o[0] && !strcmp(tags[i].env, env))
			return 1;
	return 0;
}

static int f_is_commit(void *ctx, const char *o)
{
	(void)ctx;
	return find(o[0]) != NULL;
}

static char *f_missing(void *ctx, const char *have, const char *tip, size_t max)
{
	(void)ctx;
	(void)max;
	return xasprintf("%c not in %c", have[0], tip[0]);
}

static long f_hotfix_tags(void *ctx, const char *env, struct wf_hotfix_tag **out)
{
	long n = 0;
	(void)ctx;
	*out = NULL;
	if (fail_everything || fail_hotfix_tags)
		return -1;
	*out = calloc(n_hotfixes + 1, sizeof(**out));
	for (size_t i = 0; i < n_hotfixes; i++)
		if (!strcmp(hotfixes[i].env, env)) {
			(*out)[n].name = strdup(hotfixes[i].name);
			strcpy((*out)[n++].oid, oid(hotfixes[i].commit));
		}
	return n;
}

/* how test's deploys ended: by default a test deploy tag passed */
struct outcome { char commit; const char *state; };
static struct outcome outcomes[4];
static size_t n_outcomes;

static int f_deploy_outcome(void *ctx, const char *env, const char *o, struct wf_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (fail_everything)
		return -1;
	for (size_t i = 0; i < n_outcomes; i++)
		if (outcomes[i].commit == o[0]) {
			strcpy(out->state, outcomes[i].state);
			strcpy(out->tag, "deploy_test_7");
			out->record = strcmp(out->state, "running") ? 12 : 0;
			return 0;
		}
	if (f_has_deploy_tag(ctx, o, env) != 1)
		return 1;
	strcpy(out->state, "ok");
	return 0;
}

static const struct wf_repo_ops ops = { .is_ancestor = f_is_ancestor, .ref_tip = f_ref_tip,
					.has_deploy_tag = f_has_deploy_tag, .deploy_outcome = f_deploy_outcome,
					.is_commit = f_is_commit, .missing_commits = f_missing,
					.hotfix_tags = f_hotfix_tags };
static struct wf_config cfg;

static void setup(void)
{
	wf_config_defaults(&cfg);
	n_refs = n_tags = n_hotfixes = n_outcomes = 0;
	fail_everything = fail_hotfix_tags = drop_hotfix = 0;
	override = NULL;
	now = 0;
	refs[n_refs++] = (struct ref){ "refs/heads/master", '3' };
	refs[n_refs++] = (struct ref){ "refs/heads/test", '2' };
	refs[n_refs++] = (struct ref){ "refs/heads/live", '1' };
	tags[n_tags++] = (struct tag){ '1', "test" };
	tags[n_tags++] = (struct tag){ '1', "live" };
	tags[n_tags++] = (struct tag){ '2', "test" };
}

static void teardown(void)
{
	wf_config_free(&cfg);
}

static struct wf_decision d[4];

/* decide one or more "ref old new" updates as pusher; returns d */
static struct wf_decision *decide(const char *pusher, size_t n, const char *ref[], const char old[],
				  const char new[])
{
	struct wf_update u[4];
	struct wf_command c[4];
	struct wf_push p = { c, n, pusher, drop_hotfix, override, now, 0, 0, NULL };
	for (size_t i = 0; i < 4; i++) {
		free(d[i].reason);
		free(d[i].hint);
	}
	for (size_t i = 0; i < n; i++) {
		strcpy(u[i].old_oid, old[i] == '0' ? oid('0') : oid(old[i]));
		strcpy(u[i].new_oid, new[i] == '0' ? oid('0') : oid(new[i]));
		u[i].ref = (char *)ref[i];
		c[i].u = &u[i];
	}
	wf_policy_decide(&cfg, &p, &ops);
	for (size_t i = 0; i < n; i++)
		d[i] = c[i].d; /* the tests read the decisions */
	return d;
}

static struct wf_decision *one(const char *ref, char old, char new)
{
	const char *r[] = { ref };
	char o[] = { old }, nw[] = { new };
	return decide("dev", 1, r, o, nw);
}

static void assert_refused(struct wf_decision *x, const char *part)
{
	char *m;
	cr_assert_eq(x->action, WF_REFUSE, "not refused: %s", wf_action_name(x->action));
	m = wf_decision_message(x);
	cr_assert(strstr(m, part), "message '%s' lacks '%s'", m, part);
	cr_assert_null(strchr(m, '\n'));
	free(m);
}

TestSuite(policy, .init = setup, .fini = teardown);

Test(policy, dev_fast_forward_allowed)
{
	cr_assert_eq(one("refs/heads/master", '3', '6')->action, WF_ALLOW);
}

Test(policy, dev_non_fast_forward_refused_unless_allow_force)
{
	assert_refused(one("refs/heads/master", '3', '4'), "master (Dev) only moves forward");
	cfg.dev_allow_force = 1;
	cr_assert_eq(one("refs/heads/master", '3', '4')->action, WF_ALLOW);
}

Test(policy, dev_delete_refused)
{
	assert_refused(one("refs/heads/master", '3', '0'), "master is Dev and can't be deleted");
	cfg.dev_allow_force = 1;
	assert_refused(one("refs/heads/master", '3', '0'), "can't be deleted");
}

Test(policy, test_promotion_from_dev)
{
	struct wf_decision *x = one("refs/heads/test", '2', '3');
	cr_assert_eq(x->action, WF_PROMOTE);
	cr_assert_str_eq(x->env->name, "test");
}

Test(policy, test_refuses_commit_not_on_dev)
{
	assert_refused(one("refs/heads/test", '2', '4'), "test is locked: code reaches test from master");
	assert_refused(one("refs/heads/test", '2', '4'), "git push origin master:test");
}

Test(policy, test_first_creation_is_a_promotion)
{
	n_refs = 1; /* only master exists */
	cr_assert_eq(one("refs/heads/test", '0', '3')->action, WF_PROMOTE);
	assert_refused(one("refs/heads/test", '0', '4'), "git push origin master:test");
}

Test(policy, test_sees_dev_after_the_same_push)
{
	const char *r[] = { "refs/heads/test", "refs/heads/master" };
	cr_assert_eq(decide("dev", 2, r, "23", "66")[0].action, WF_PROMOTE);
	cr_assert_eq(d[1].action, WF_ALLOW);
	/* ... and so the update hook must see that update made */
	cr_assert(d[0].needs_dev_update);
	/* without the master update, 6 is not on Dev */
	assert_refused(one("refs/heads/test", '2', '6'), "is not on master");
}

Test(policy, test_on_dev_before_the_push_needs_no_dev_update)
{
	const char *r[] = { "refs/heads/master", "refs/heads/test" };
	/* 3 was on master already: Test's promotion stands on its own */
	cr_assert_eq(decide("dev", 2, r, "32", "63")[1].action, WF_PROMOTE);
	cr_assert_not(d[1].needs_dev_update);
	cr_assert_not(one("refs/heads/test", '2', '3')->needs_dev_update);
}

Test(policy, test_not_helped_by_a_refused_dev_update)
{
	const char *r[] = { "refs/heads/master", "refs/heads/test" };
	/* master 3 -> 4 is a non-fast-forward, refused: test can't ride on it */
	decide("dev", 2, r, "32", "44");
	cr_assert_eq(d[0].action, WF_REFUSE);
	assert_refused(&d[1], "is not on master");
}

Test(policy, live_promotion_of_tested_commit)
{
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
}

/* the fast-forward is a walk of the history between the tips: a commit
 * test never passed is refused without it */
Test(policy, live_refuses_untested_without_walking_history)
{
	ancestry_asked = 0;
	assert_refused(one("refs/heads/live", '1', '3'), "was never deployed to test");
	cr_assert_eq(ancestry_asked, 0);
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
	cr_assert_gt(ancestry_asked, 0);
}

Test(policy, live_refuses_untested_even_on_tests_tip)
{
	assert_refused(one("refs/heads/live", '1', '3'), "was never deployed to test");
	assert_refused(one("refs/heads/live", '1', '3'), "git push origin test:live");
	refs[1].commit = '3'; /* test's tip, but no deploy of it ended */
	assert_refused(one("refs/heads/live", '1', '3'), "was never deployed to test");
}

/* Issue 24, 1: a deploy tag is not a pass; how Test's deploy ended is. */
Test(policy, live_refuses_what_failed_on_test)
{
	outcomes[n_outcomes++] = (struct outcome){ '2', "failed" };
	assert_refused(one("refs/heads/live", '1', '2'), "only code that passed test goes live, and the deploy of "
							 "222222222222 to test (deploy_test_7, record 12) failed");
	assert_refused(one("refs/heads/live", '1', '2'), "See why with: git-workflow show 12");
	outcomes[0].state = "interrupted";
	assert_refused(one("refs/heads/live", '1', '2'), "(deploy_test_7, record 12) was interrupted");
	outcomes[0].state = "running";
	assert_refused(one("refs/heads/live", '1', '2'), "is being deployed to test now (deploy_test_7)");
	outcomes[0].state = "ok";
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
}

Test(policy, live_promotion_must_not_drop_a_hotfix)
{
	refs[2].commit = '5';     /* live has hotfix 5 */
	tags[n_tags++] = (struct tag){ '5', "live" };
	tags[n_tags++] = (struct tag){ '6', "test" };
	assert_refused(one("refs/heads/live", '5', '6'), "drop a hotfix");
	assert_refused(one("refs/heads/live", '5', '6'), "Merge live into master");
	tags[n_tags++] = (struct tag){ '7', "test" };
	cr_assert_eq(one("refs/heads/live", '5', '7')->action, WF_PROMOTE);
}

Test(policy, rollback_to_an_earlier_deploy_tag)
{
	refs[1].commit = '3';
	tags[n_tags++] = (struct tag){ '3', "test" };
	cr_assert_eq(one("refs/heads/test", '3', '2')->action, WF_ROLLBACK);
	refs[2].commit = '2';
	tags[n_tags++] = (struct tag){ '2', "live" };
	cr_assert_eq(one("refs/heads/live", '2', '1')->action, WF_ROLLBACK);
}

Test(policy, non_fast_forward_without_deploy_tag_refused)
{
	refs[1].commit = '3';
	n_tags = 0;
	assert_refused(one("refs/heads/test", '3', '2'), "neither a promotion nor a rollback");
	/* a test tag does not make a live rollback */
	tags[n_tags++] = (struct tag){ '1', "test" };
	refs[2].commit = '2';
	assert_refused(one("refs/heads/live", '2', '1'), "drop a hotfix");
}

Test(policy, protected_envs_cant_be_deleted)
{
	assert_refused(one("refs/heads/test", '2', '0'), "test is locked and can't be deleted");
	assert_refused(one("refs/heads/live", '1', '0'), "live is locked and can't be deleted");
}

Test(policy, hotfix_by_allowed_user)
{
	const char *r[] = { "refs/hotfix/live" };
	free(cfg.hotfix_users); /* the defaults' empty list */
	cfg.hotfix_users = calloc(2, sizeof(char *));
	cfg.hotfix_users[0] = strdup("alice");
	cfg.n_hotfix_users = 1;
	refs[2].commit = '3';
	cr_assert_eq(decide("alice", 1, r, "0", "5")[0].action, WF_HOTFIX);
	assert_refused(&decide("bob", 1, r, "0", "5")[0], "bob may not hotfix live");
	/* not a descendant of live's tip */
	assert_refused(&decide("alice", 1, r, "0", "4")[0], "on top of live's current tip");
	/* equal to the tip: nothing new */
	assert_refused(&decide("alice", 1, r, "0", "3")[0], "on top of live's current tip");
}

Test(policy, hotfix_paths_that_do_not_exist)
{
	free(cfg.hotfix_users); /* the defaults' empty list */
	cfg.hotfix_users = calloc(2, sizeof(char *));
	cfg.hotfix_users[0] = strdup("alice");
	cfg.n_hotfix_users = 1;
	{
		const char *r[] = { "refs/hotfix/whatever" };
		assert_refused(&decide("alice", 1, r, "0", "5")[0], "refs/hotfix/whatever is not a hotfix path");
	}
	{
		const char *r[] = { "refs/hotfix/test" };  /* test.hotfix = false */
		assert_refused(&decide("alice", 1, r, "0", "3")[0], "hotfix is off");
		cfg.test.hotfix = 1;
		refs[1].commit = '2';
		cr_assert_eq(decide("alice", 1, r, "0", "3")[0].action, WF_HOTFIX);
	}
}

Test(policy, deploy_tags_cannot_be_pushed)
{
	assert_refused(one("refs/tags/deploy_test_1", '0', '3'), "deploy tags are made by the hooks");
	assert_refused(one("refs/tags/deploy_live_2", '2', '0'), "deploy tags are made by the hooks");
	assert_refused(one("refs/tags/deploy_test_x", '0', '3'), "deploy tag");
	cr_assert_eq(one("refs/tags/v1.0", '0', '3')->action, WF_ALLOW);
	cr_assert_eq(one("refs/tags/deploy_other_1", '0', '3')->action, WF_ALLOW);
}

Test(policy, feature_branches_free)
{
	cr_assert_eq(one("refs/heads/feature", '3', '4')->action, WF_ALLOW);
	cr_assert_eq(one("refs/heads/feature", '4', '0')->action, WF_ALLOW);
	cr_assert_eq(one("refs/heads/feature", '0', '4')->action, WF_ALLOW);
}

Test(policy, repository_errors_fail_closed)
{
	fail_everything = 1;
	assert_refused(one("refs/heads/test", '2', '3'), "cannot check");
	assert_refused(one("refs/heads/live", '1', '2'), "cannot check");
	assert_refused(one("refs/heads/master", '3', '6'), "cannot check");
}

Test(policy, broken_config_refuses_everything)
{
	struct wf_update u = { .ref = "refs/heads/feature" };
	struct wf_command c[1] = { { .u = &u } };
	struct wf_push p = { .cmds = c, .n = 1, .pusher = "dev" };
	struct wf_decision *x = &c[0].d;
	char *m;
	strcpy(u.old_oid, oid('3'));
	strcpy(u.new_oid, oid('4'));
	wf_policy_fail_closed(&p, "x.conf:3: syntax error");
	cr_assert_eq(x[0].action, WF_REFUSE);
	m = wf_decision_message(&x[0]);
	cr_assert(strstr(m, "x.conf:3: syntax error"));
	free(m);
	free(x[0].reason);
	free(x[0].hint);
}

Test(policy, custom_branch_names_and_prefix)
{
	free(cfg.test.branch);
	free(cfg.test.ref);
	cfg.test.branch = strdup("staging");
	cfg.test.ref = strdup("refs/heads/staging");
	free(cfg.tag_prefix);
	cfg.tag_prefix = strdup("rel");
	refs[1].name = "refs/heads/staging";
	assert_refused(one("refs/heads/staging", '2', '4'), "git push origin master:staging");
	cr_assert_eq(one("refs/heads/test", '2', '4')->action, WF_ALLOW);
	assert_refused(one("refs/tags/rel_test_1", '0', '3'), "deploy tag");
}

/* Live: 1 (deploy_live_1), then hotfix 5 on top of master's 3
 * (deploy_live_3); master is still on 3. */
static void hotfixed_live(void)
{
	refs[2].commit = '5';
	tags[n_tags++] = (struct tag){ '5', "live" };
	hotfixes[n_hotfixes++] = (struct hotfix){ '5', "live", "deploy_live_3" };
}

Test(policy, rollback_past_an_unmerged_hotfix_refused_naming_it)
{
	hotfixed_live();
	assert_refused(one("refs/heads/live", '5', '1'), "would take hotfix commits off it that master does not "
							 "contain (deploy_live_3: 5 not in 3)");
	assert_refused(one("refs/heads/live", '5', '1'), "git push -f -o drop-hotfix origin 111111111111:live");
	assert_refused(one("refs/heads/live", '5', '1'), "Merge live into master first");
}

Test(policy, rollback_past_a_hotfix_with_drop_hotfix)
{
	hotfixed_live();
	drop_hotfix = 1;
	cr_assert_eq(one("refs/heads/live", '5', '1')->action, WF_ROLLBACK);
}

Test(policy, rollback_that_keeps_or_never_had_the_hotfix)
{
	hotfixed_live();
	/* master contains the hotfix (7 merges 5) */
	refs[0].commit = '7';
	cr_assert_eq(one("refs/heads/live", '5', '1')->action, WF_ROLLBACK);
	/* the rollback target still has it: live on 8, back to 5 */
	refs[0].commit = '3';
	refs[2].commit = '8';
	cr_assert_eq(one("refs/heads/live", '8', '5')->action, WF_ROLLBACK);
	/* live no longer has it (rolled back before): nothing to drop */
	refs[2].commit = '2';
	tags[n_tags++] = (struct tag){ '2', "live" };
	cr_assert_eq(one("refs/heads/live", '2', '1')->action, WF_ROLLBACK);
}

Test(policy, rollback_names_each_dropped_hotfix_once)
{
	hotfixed_live();
	hotfixes[n_hotfixes++] = (struct hotfix){ '8', "live", "deploy_live_4" };
	refs[2].commit = '8';
	assert_refused(one("refs/heads/live", '8', '1'), "(deploy_live_4: 8 not in 3)");
}

Test(policy, rollback_checks_dev_before_the_push)
{
	const char *r[] = { "refs/heads/master", "refs/heads/live" };
	hotfixed_live();
	/* Dev merging the hotfix in the same push does not count yet */
	decide("dev", 2, r, "35", "71");
	cr_assert_eq(d[0].action, WF_ALLOW);
	assert_refused(&d[1], "would take hotfix commits off it");
}

Test(policy, rollback_of_test_past_its_hotfix)
{
	cfg.test.hotfix = 1;
	refs[1].commit = '5';
	tags[n_tags++] = (struct tag){ '5', "test" };
	hotfixes[n_hotfixes++] = (struct hotfix){ '5', "test", "deploy_test_3" };
	/* a hotfix of live does not protect test, nor the other way round */
	hotfixes[n_hotfixes++] = (struct hotfix){ '4', "live", "deploy_live_9" };
	assert_refused(one("refs/heads/test", '5', '2'), "(deploy_test_3: 5 not in 3)");
	drop_hotfix = 1;
	cr_assert_eq(one("refs/heads/test", '5', '2')->action, WF_ROLLBACK);
}

Test(policy, rollback_fails_closed_without_the_hotfix_tags)
{
	hotfixed_live();
	fail_hotfix_tags = 1;
	drop_hotfix = 1;
	assert_refused(one("refs/heads/live", '5', '1'), "cannot check which hotfixes the rollback would drop");
	/* promotions do not need them */
	refs[2].commit = '1';
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
}

Test(policy, look_alike_names_refused)
{
	assert_refused(one("refs/heads/Live", '0', '3'), "refs/heads/Live differs from the protected ref "
							  "refs/heads/live only in case");
	assert_refused(one("refs/heads/LIVE", '0', '3'), "the protected ref refs/heads/live");
	assert_refused(one("refs/heads/Master", '0', '3'), "the protected ref refs/heads/master");
	assert_refused(one("refs/heads/TEST", '0', '0'), "the protected ref refs/heads/test");
	assert_refused(one("refs/Heads/live", '0', '3'), "the protected ref refs/heads/live");
	assert_refused(one("refs/hotfix/Live", '0', '5'), "the protected ref refs/hotfix/live");
	assert_refused(one("refs/hotfix/TEST", '0', '5'), "the protected ref refs/hotfix/test");
	assert_refused(one("refs/tags/Deploy_test_99", '0', '3'), "the deploy tags deploy_test_* only in case");
	assert_refused(one("refs/tags/deploy_LIVE_1", '0', '3'), "the deploy tags deploy_live_*");
	assert_refused(one("refs/TAGS/deploy_live_1", '1', '0'), "the deploy tags deploy_live_*");
}

Test(policy, names_that_are_not_look_alikes)
{
	cr_assert_eq(one("refs/heads/lively", '0', '3')->action, WF_ALLOW);
	cr_assert_eq(one("refs/heads/Live-fix", '0', '3')->action, WF_ALLOW);
	cr_assert_eq(one("refs/heads/feature/LIVE", '0', '3')->action, WF_ALLOW);
	cr_assert_eq(one("refs/tags/Deploy", '0', '3')->action, WF_ALLOW);
	cr_assert_eq(one("refs/tags/deployed_test_1", '0', '3')->action, WF_ALLOW);
	cr_assert_null(wf_lookalike_of(&cfg, "refs/heads/live"));
	cr_assert_null(wf_lookalike_of(&cfg, "refs/tags/deploy_live_3"));
}

Test(policy, an_exact_protected_name_is_never_a_look_alike)
{
	/* test's branch spelled like live's in another case: each is its env */
	free(cfg.test.branch);
	free(cfg.test.ref);
	cfg.test.branch = strdup("Live");
	cfg.test.ref = strdup("refs/heads/Live");
	refs[1].name = "refs/heads/Live";
	cr_assert_eq(one("refs/heads/Live", '2', '3')->action, WF_PROMOTE);
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
	assert_refused(one("refs/heads/LIVE", '0', '3'), "differs from the protected ref refs/heads/");
}

/* Deny by default in the type: a decision nobody filled in refuses. */
Test(policy, a_zeroed_decision_refuses)
{
	struct wf_decision z;
	char *m;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(z.action, WF_REFUSE);
	m = wf_decision_message(&z);
	cr_assert_str_eq(m, "refused.");
	free(m);
}

/* Live frozen over the turn of the year (dated, UTC): 2026-12-24 12:00 UTC
 * is inside, 2027-01-05 outside. */
static void frozen_live(void)
{
	static struct wf_freeze f;
	static char *ov[] = { "alice", NULL };

	memset(&f, 0, sizeof(f));
	wf_freeze_parse("2026-12-20", 0, &f.weekly, &f.from);
	wf_freeze_parse("2027-01-04", 1, &f.weekly, &f.to);
	f.tz = "UTC";
	f.from_text = "2026-12-20";
	f.to_text = "2027-01-04";
	cfg.live.freeze = &f;
	cfg.live.n_freeze = 1;
	cfg.freeze_overriders = ov;
	cfg.n_freeze_overriders = 1;
	now = 1798113600; /* 2026-12-24 12:00:00 UTC */
}

static void unfreeze_live(void)
{
	cfg.live.freeze = NULL;
	cfg.live.n_freeze = 0;
	cfg.freeze_overriders = NULL;
	cfg.n_freeze_overriders = 0;
}

Test(policy, freeze_refuses_deploys_to_the_frozen_env_naming_the_window)
{
	frozen_live();
	assert_refused(one("refs/heads/live", '1', '2'), "live is frozen: no deploys 2026-12-20 to 2027-01-04 (UTC)");
	assert_refused(one("refs/heads/live", '1', '2'), "one of freeze.overriders (alice) pushes it with -o override");
	/* a rollback too */
	refs[2].commit = '2';
	tags[n_tags++] = (struct tag){ '2', "live" };
	assert_refused(one("refs/heads/live", '2', '1'), "live is frozen");
	/* Test is not frozen */
	cr_assert_eq(one("refs/heads/test", '2', '3')->action, WF_PROMOTE);
	unfreeze_live();
}

Test(policy, freeze_yields_to_an_overrider_with_a_reason_only)
{
	frozen_live();
	override = "fixes the checkout";
	cr_assert_eq(decide("alice", 1, (const char *[]){ "refs/heads/live" }, "1", "2")->action, WF_PROMOTE);
	assert_refused(decide("bob", 1, (const char *[]){ "refs/heads/live" }, "1", "2"),
		       "live is frozen (2026-12-20 to 2027-01-04 (UTC)), and bob may not override a freeze");
	override = NULL;
	assert_refused(decide("alice", 1, (const char *[]){ "refs/heads/live" }, "1", "2"), "live is frozen");
	unfreeze_live();
}

Test(policy, freeze_ends_when_its_window_does)
{
	frozen_live();
	now = 1799150400; /* 2027-01-05 12:00 UTC */
	cr_assert_eq(one("refs/heads/live", '1', '2')->action, WF_PROMOTE);
	now = 1799107140; /* 2027-01-04 23:59 UTC: still the last day */
	assert_refused(one("refs/heads/live", '1', '2'), "live is frozen");
	unfreeze_live();
}
