/* The push state: pre-receive's verdicts as the update hook reads them,
 * the push read back for workflow-update, post-receive's skip. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "util.h"
#include "lock.h"
#include "push_state.h"

static char dir[64], gitdir[80];

static void setup(void)
{
	strcpy(dir, "/tmp/wf_verdict_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(gitdir, sizeof(gitdir), "%s/", dir);
	char *wf = xasprintf("%sworkflow", gitdir);
	cr_assert_eq(mkdir(wf, 0700), 0);
	free(wf);
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
	free(cmd);
}

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define Z "0000000000000000000000000000000000000000"

/* The state of a push of u[i] decided d[i], saved as pre-receive saves it. */
static int save(struct wf_update *u, struct wf_decision *d, size_t n, int drop_hotfix, int needed)
{
	struct wf_command c[4];

	for (size_t i = 0; i < n; i++)
		c[i].u = &u[i], c[i].d = d[i];
	return wf_push_state_save(gitdir, (long)getpid(), c, n, drop_hotfix, needed);
}

static void save_two(void)
{
	struct wf_update u[2];
	struct wf_decision d[2];

	memset(u, 0, sizeof(u));
	memset(d, 0, sizeof(d));
	u[0].ref = "refs/heads/master";
	strcpy(u[0].old_oid, A);
	strcpy(u[0].new_oid, B);
	d[0].action = WF_ALLOW;
	u[1].ref = "refs/heads/test";
	strcpy(u[1].old_oid, Z);
	strcpy(u[1].new_oid, B);
	d[1].action = WF_REFUSE;
	cr_assert_eq(save(u, d, 2, 0, 0), 0);
}

Test(push_state, allowed_and_refused_refs_are_found, .init = setup, .fini = teardown)
{
	save_two();
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), 0);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/test", Z, B), 1);
}

Test(push_state, only_the_exact_update_matches, .init = setup, .fini = teardown)
{
	save_two();
	/* same ref, other values: no verdict, the full checker decides */
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, A), -1);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", B, B), -1);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/mast", A, B), -1);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/live", Z, B), -1);
}

Test(push_state, another_push_has_none, .init = setup, .fini = teardown)
{
	save_two();
	/* keyed by receive-pack: the parent of this process is another one */
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getppid(), "refs/heads/master", A, B), -1);
}

Test(push_state, removed_or_garbled_means_none, .init = setup, .fini = teardown)
{
	FILE *f;
	char *path;

	save_two();
	wf_push_state_remove(gitdir, (long)getpid());
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), -1);

	path = xasprintf("%sworkflow/push-%ld-%llu.state", gitdir, (long)getpid(),
			 wf_proc_start_time((long)getpid()));
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "maybe %s %s refs/heads/master\n", A, B);
	fclose(f);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), -1);
	/* a last line cut short is not trusted */
	f = fopen(path, "w");
	fprintf(f, "allow %s %s refs/heads/master", A, B);
	fclose(f);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), -1);
	/* so is one without its last line */
	f = fopen(path, "w");
	fprintf(f, "allow %s %s refs/heads/master\nallow %s %s refs/heads/x\n", A, B, A, B);
	fclose(f);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), -1);
	free(path);
}

static void save_for_post(enum wf_action a, int needed)
{
	struct wf_update u[2];
	struct wf_decision d[2];

	memset(u, 0, sizeof(u));
	memset(d, 0, sizeof(d));
	u[0].ref = "refs/heads/master";
	strcpy(u[0].old_oid, A);
	strcpy(u[0].new_oid, B);
	d[0].action = WF_ALLOW;
	u[1].ref = "refs/heads/test";
	strcpy(u[1].old_oid, A);
	strcpy(u[1].new_oid, B);
	d[1].action = a;
	cr_assert_eq(save(u, d, 2, 0, needed), 0);
}

Test(push_state, post_receive_skipped_only_for_plain_pushes, .init = setup, .fini = teardown)
{
	struct wf_update u[2];
	long me = (long)getpid();

	memset(u, 0, sizeof(u));
	u[0].ref = "refs/heads/master";
	strcpy(u[0].old_oid, A);
	strcpy(u[0].new_oid, B);
	u[1].ref = "refs/heads/test";
	strcpy(u[1].old_oid, A);
	strcpy(u[1].new_oid, B);

	save_for_post(WF_ALLOW, 0);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 2), 0);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 1), 0, "a subset of the refs moved");
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u + 1, 1), 0);
	/* a deploy among them, or pre-receive asking for it: run it */
	save_for_post(WF_PROMOTE, 0);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 2), 1);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 1), 0);
	cr_assert_eq(wf_push_state_verdict(gitdir, me, "refs/heads/test", A, B), 0, "a deploy is allowed");
	save_for_post(WF_ALLOW, 1);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 1), 1);
	/* a ref it has no verdict for, or no verdicts at all: run it */
	save_for_post(WF_ALLOW, 0);
	strcpy(u[0].new_oid, Z);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u, 1), 1);
	cr_assert_eq(wf_push_state_post_needed(gitdir, (long)getppid(), u + 1, 1), 1);
	wf_push_state_remove(gitdir, me);
	cr_assert_eq(wf_push_state_post_needed(gitdir, me, u + 1, 1), 1);
}

Test(push_state, the_push_reads_back_with_its_options, .init = setup, .fini = teardown)
{
	struct wf_update u[2], *got = NULL;
	struct wf_decision d[2];
	size_t n = 0;
	int drop = 0;

	memset(u, 0, sizeof(u));
	memset(d, 0, sizeof(d));
	u[0].ref = "refs/heads/master";
	strcpy(u[0].old_oid, A);
	strcpy(u[0].new_oid, B);
	d[0].action = WF_ALLOW;
	u[1].ref = "refs/heads/test";
	strcpy(u[1].old_oid, A);
	strcpy(u[1].new_oid, B);
	d[1].action = WF_PROMOTE;
	d[1].needs_dev_update = 1;
	cr_assert_eq(save(u, d, 2, 1, 1), 0);
	cr_assert_eq(wf_push_state_load(gitdir, (long)getpid(), &got, &n, &drop), 0);
	cr_assert_eq(n, 2);
	cr_assert(drop);
	cr_assert_str_eq(got[1].ref, "refs/heads/test");
	cr_assert_str_eq(got[1].new_oid, B);
	/* a promotion that rides on Dev's update: the full checker decides */
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/test", A, B), -1);
	cr_assert_eq(wf_push_state_verdict(gitdir, (long)getpid(), "refs/heads/master", A, B), 0);
	wf_updates_free(got, n);
	cr_assert_eq(wf_push_state_load(gitdir, (long)getppid(), &got, &n, &drop), 1);
}
