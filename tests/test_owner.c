/* The push owner search: which ancestor is git receive-pack. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "owner.h"

/* Start /bin/sh under the given argv[0] and arguments, wait until the exec
 * is visible in /proc, return its pid.  The scripts end in "; :" so the
 * shell stays (rather than becoming its last command). */
static pid_t spawn_as(const char *arg0, const char *a1, const char *a2)
{
	pid_t pid = fork();
	char path[64], buf[256];

	cr_assert(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", arg0, a1, a2, (char *)NULL);
		_exit(127);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	for (int i = 0; i < 1000; i++) { /* 10 s at most, only to catch a hang */
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0 && !strcmp(buf, arg0))
			return pid;
		usleep(10000);
	}
	cr_assert_fail("the child never ran as %s", arg0);
	return -1;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The one child of pid, from /proc, once it runs sleep (a fork not yet
 * exec'd still looks like its parent). */
static long sleeping_child_of(pid_t pid)
{
	char path[96], buf[64];
	for (int i = 0; i < 1000; i++) {
		long c = 0;
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%ld", &c) != 1)
				c = 0;
			fclose(f);
		}
		if (c) {
			snprintf(path, sizeof(path), "/proc/%ld/cmdline", c);
			f = fopen(path, "r");
			if (f) {
				size_t n = fread(buf, 1, sizeof(buf) - 1, f);
				fclose(f);
				buf[n] = 0;
				if (!strcmp(buf, "sleep"))
					return c;
			}
		}
		usleep(10000);
	}
	return 0;
}

Test(owner, none_above_the_test_runner)
{
	cr_assert_eq(wf_find_receive_pack((long)getpid(), 4), 0);
	cr_assert_gt(wf_push_owner(), 0, "falls back to the parent");
}

Test(owner, dashed_receive_pack_by_path)
{
	pid_t p = spawn_as("/usr/lib/git-core/git-receive-pack", "-c", "sleep 30; :");
	long found = wf_find_receive_pack((long)p, 1);
	stop(p);
	cr_assert_eq(found, (long)p);
}

Test(owner, git_with_receive_pack_argument)
{
	/* `git receive-pack --stateless-rpc DIR`, as http-backend runs it: sh
	 * given argv {"git", "receive-pack"} reads the script receive-pack */
	char dir[] = "/tmp/wf-owner-XXXXXX";
	char *old = getcwd(NULL, 0);
	FILE *f;
	pid_t p;
	long found;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	f = fopen("receive-pack", "w");
	cr_assert_not_null(f);
	fputs("sleep 30; :\n", f);
	fclose(f);
	p = spawn_as("git", "receive-pack", NULL);
	found = wf_find_receive_pack((long)p, 1);
	stop(p);
	cr_assert_eq(chdir(old), 0);
	free(old);
	{
		char file[64];
		snprintf(file, sizeof(file), "%s/receive-pack", dir);
		unlink(file);
		rmdir(dir);
	}
	cr_assert_eq(found, (long)p);
}

Test(owner, other_git_commands_are_not_it)
{
	pid_t p = spawn_as("git-upload-pack", "-c", "sleep 30; :");
	long found = wf_find_receive_pack((long)p, 1);
	stop(p);
	cr_assert_eq(found, 0);
}

Test(owner, found_up_to_the_level_limit)
{
	/* receive-pack -> sh-like dispatcher -> our hook: two levels up */
	pid_t p = spawn_as("git-receive-pack", "-c", "sleep 30; :");
	long kid = sleeping_child_of(p), one, two;

	cr_assert_gt(kid, 0, "the shell's child is visible in /proc");
	one = wf_find_receive_pack(kid, 1);
	two = wf_find_receive_pack(kid, 2);
	kill((pid_t)kid, SIGKILL);
	stop(p);
	cr_assert_eq(one, 0, "one level looks at the process itself only");
	cr_assert_eq(two, (long)p);
}
