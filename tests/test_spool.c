/* The webhook spool: order, durability of what was added, state, and the
 * URL shown to people without its credentials. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "spool.h"
#include "util.h"

static char gitdir[64];

static void setup(void)
{
	strcpy(gitdir, "/tmp/wf_spool_XXXXXX");
	cr_assert_not_null(mkdtemp(gitdir));
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", gitdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
	free(cmd);
}

TestSuite(spool, .init = setup, .fini = teardown);

Test(spool, add_list_read_remove_in_order)
{
	char *dir = wf_spool_dir(gitdir, "http://127.0.0.1:1/hook");
	long seq = 0, *seqs;
	size_t n;
	struct wf_spooled e;

	cr_assert_eq(wf_spool_list(dir, &seqs, &n), 0);
	cr_assert_eq(n, 0);
	for (int i = 0; i < 12; i++) {
		char *body = xasprintf("{\"n\":%d}\n", i);
		cr_assert_eq(wf_spool_add(dir, "http://127.0.0.1:1/hook", "deploy.started", body, strlen(body), &seq), 0);
		cr_assert_eq(seq, i + 1);
		free(body);
	}
	cr_assert_eq(wf_spool_list(dir, &seqs, &n), 0);
	cr_assert_eq(n, 12);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(seqs[i], (long)i + 1);
	cr_assert_eq(wf_spool_read(dir, 10, &e), 0);
	cr_assert_str_eq(e.event, "deploy.started");
	cr_assert_eq(strlen(e.delivery), 32);
	cr_assert_str_eq(e.body, "{\"n\":9}\n");
	cr_assert_eq(e.body_len, 8);
	{
		struct wf_spooled f;
		cr_assert_eq(wf_spool_read(dir, 11, &f), 0);
		cr_assert_str_neq(e.delivery, f.delivery, "delivery ids are unique");
		wf_spooled_free(&f);
	}
	wf_spooled_free(&e);
	cr_assert_eq(wf_spool_remove(dir, 1), 0);
	cr_assert_eq(wf_spool_read(dir, 1, &e), 1);
	free(seqs);
	/* numbers keep growing after removals: no reuse */
	cr_assert_eq(wf_spool_add(dir, "http://127.0.0.1:1/hook", "refused", "{}", 2, &seq), 0);
	cr_assert_eq(seq, 13);
	free(dir);
}

Test(spool, lost_counter_never_reuses_a_pending_number)
{
	char *dir = wf_spool_dir(gitdir, "http://h/x"), *next;
	long seq;
	cr_assert_eq(wf_spool_add(dir, "http://h/x", "a", "1", 1, &seq), 0);
	cr_assert_eq(wf_spool_add(dir, "http://h/x", "a", "2", 1, &seq), 0);
	next = xasprintf("%s/next", dir);
	cr_assert_eq(unlink(next), 0);   /* as if killed between event and counter */
	cr_assert_eq(wf_spool_add(dir, "http://h/x", "a", "3", 1, &seq), 0);
	cr_assert_eq(seq, 3);
	free(next);
	free(dir);
}

Test(spool, concurrent_adders_get_distinct_ordered_numbers)
{
	char *dir = wf_spool_dir(gitdir, "http://h/c");
	long *seqs;
	size_t n;
	for (int p = 0; p < 4; p++) {
		pid_t pid = fork();
		cr_assert_neq(pid, -1);
		if (pid == 0) {
			for (int i = 0; i < 25; i++)
				if (wf_spool_add(dir, "http://h/c", "e", "x", 1, NULL) < 0)
					_exit(1);
			_exit(0);
		}
	}
	for (int p = 0; p < 4; p++) {
		int st;
		wait(&st);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cr_assert_eq(wf_spool_list(dir, &seqs, &n), 0);
	cr_assert_eq(n, 100);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(seqs[i], (long)i + 1);
	free(seqs);
	free(dir);
}

Test(spool, malformed_event_is_an_error)
{
	char *dir = wf_spool_dir(gitdir, "http://h/m"), *p;
	struct wf_spooled e;
	FILE *f;
	cr_assert_eq(wf_spool_add(dir, "http://h/m", "a", "1", 1, NULL), 0);
	p = xasprintf("%s/000000000002.event", dir);
	f = fopen(p, "w");
	fputs("garbage", f);
	fclose(f);
	cr_assert_eq(wf_spool_read(dir, 2, &e), -1);
	free(p);
	free(dir);
}

Test(spool, state_round_trip_and_backoff)
{
	char *dir = wf_spool_dir(gitdir, "http://h/s");
	struct wf_spool_state st, back;
	cr_assert_eq(wf_spool_state_read(dir, &back), 0);
	cr_assert_eq(back.attempts, 0);
	memset(&st, 0, sizeof(st));
	st.attempts = 3;
	st.next_try = 1732500000;
	strcpy(st.last_error, "HTTP 503\nforged line");
	cr_assert_eq(wf_spool_state_write(dir, &st), 0);
	cr_assert_eq(wf_spool_state_read(dir, &back), 0);
	cr_assert_eq(back.attempts, 3);
	cr_assert_eq(back.next_try, 1732500000);
	cr_assert_str_eq(back.last_error, "HTTP 503 forged line");
	cr_assert_eq(wf_spool_backoff(1, 30), 30);
	cr_assert_eq(wf_spool_backoff(2, 30), 60);
	cr_assert_eq(wf_spool_backoff(4, 30), 240);
	cr_assert_eq(wf_spool_backoff(50, 30), 3600);
	/* notify.backoff sets the first delay; it doubles from there */
	cr_assert_eq(wf_spool_backoff(1, 2), 2);
	cr_assert_eq(wf_spool_backoff(3, 2), 8);
	free(dir);
}

Test(spool, deliver_lock_is_exclusive)
{
	char *dir = wf_spool_dir(gitdir, "http://h/l");
	int a, b;
	cr_assert_eq(wf_spool_add(dir, "http://h/l", "a", "1", 1, NULL), 0);
	a = wf_spool_lock_deliver(dir);
	cr_assert_geq(a, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(wf_spool_lock_deliver(dir) < 0 ? 0 : 1);
	{
		int st;
		waitpid(pid, &st, 0);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a second process must not get the lock");
	}
	wf_spool_unlock(a);
	b = wf_spool_lock_deliver(dir);
	cr_assert_geq(b, 0);
	wf_spool_unlock(b);
	free(dir);
}

Test(spool, url_redaction)
{
	char *r;
	r = wf_url_redacted("https://user:pa55@hooks.example.org:8443/a/b?token=x#f");
	cr_assert_str_eq(r, "https://hooks.example.org:8443/a/b");
	free(r);
	r = wf_url_redacted("http://127.0.0.1:9/hook");
	cr_assert_str_eq(r, "http://127.0.0.1:9/hook");
	free(r);
	r = wf_url_redacted("http://a@b/c@d");
	cr_assert_str_eq(r, "http://b/c@d");
	free(r);
}

Test(spool, directory_depends_on_url_only)
{
	char *a = wf_spool_dir(gitdir, "http://h/1"), *b = wf_spool_dir(gitdir, "http://h/1"),
	     *c = wf_spool_dir(gitdir, "http://h/2");
	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	cr_assert(strstr(a, "/workflow/spool/"));
	free(a);
	free(b);
	free(c);
}

Test(spool, probe_makes_the_dir_and_leaves_nothing)
{
	char *dir = wf_spool_dir(gitdir, "http://127.0.0.1:1/hook");
	long *seqs;
	size_t n;
	char *under;
	FILE *f;

	cr_assert_eq(wf_spool_probe(dir, 65536), 0);
	cr_assert_eq(access(dir, W_OK), 0);
	cr_assert_eq(wf_spool_list(dir, &seqs, &n), 0);
	cr_assert_eq(n, 0);
	free(seqs);
	{
		char *cmd = xasprintf("test -z \"$(ls -A '%s')\"", dir);
		cr_assert_eq(system(cmd), 0, "the probe file is left behind");
		free(cmd);
	}
	/* a spool that cannot be a directory: an error with errno, not a crash */
	under = xasprintf("%s/other/spool/x", gitdir);
	free(dir);
	dir = xasprintf("%s/other", gitdir);
	f = fopen(dir, "w");
	cr_assert_not_null(f);
	fclose(f);
	errno = 0;
	cr_assert_eq(wf_spool_probe(under, 16), -1);
	cr_assert_eq(errno, ENOTDIR);
	free(under);
	free(dir);
}

Test(spool, set_aside_leaves_the_queue_but_keeps_the_event)
{
	char *dir = wf_spool_dir(gitdir, "http://127.0.0.1:1/hook");
	long *seqs;
	size_t n;
	struct stat st;
	char *kept;

	for (int i = 0; i < 3; i++)
		cr_assert_eq(wf_spool_add(dir, "http://127.0.0.1:1/hook", "deploy.started", "{}", 2, NULL), 0);
	cr_assert_eq(wf_spool_set_aside(dir, 1), 0);
	cr_assert_eq(wf_spool_list(dir, &seqs, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(seqs[0], 2, "the next event is first in line now");
	free(seqs);
	kept = xasprintf("%s/dropped/000000000001.event", dir);
	cr_assert_eq(stat(kept, &st), 0, "the event is kept in dropped/");
	free(kept);
	cr_assert_eq(wf_spool_set_aside(dir, 1), -1, "an event already set aside is gone from the queue");
	cr_assert_eq(errno, ENOENT);
	/* a new event never takes a number that was set aside */
	{
		long seq = 0;
		cr_assert_eq(wf_spool_add(dir, "http://127.0.0.1:1/hook", "deploy.started", "{}", 2, &seq), 0);
		cr_assert_eq(seq, 4);
	}
	/* one set aside earlier under the same number is not overwritten */
	kept = xasprintf("%s/dropped/000000000002.event", dir);
	{
		FILE *f = fopen(kept, "w");
		cr_assert_not_null(f);
		fputs("older", f);
		fclose(f);
	}
	cr_assert_eq(wf_spool_set_aside(dir, 2), 0);
	{
		char *next = xasprintf("%s.1", kept), buf[16] = "";
		FILE *f = fopen(kept, "r");
		cr_assert_eq(stat(next, &st), 0, "the second one gets a suffix");
		cr_assert_not_null(f);
		cr_assert_not_null(fgets(buf, sizeof(buf), f));
		cr_assert_str_eq(buf, "older");
		fclose(f);
		free(next);
	}
	free(kept);
	free(dir);
}
