#include "owner.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc/<pid>/<what> into buf, NUL-terminated; its length, or 0 when it
 * can't be read. */
static size_t read_proc(long pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	return (size_t)len;
}

/* The parent of pid, from /proc/<pid>/stat (the field after the command
 * name, which may itself hold spaces and parentheses); 0 when unknown. */
static long parent_of(long pid)
{
	char buf[1024], *p;
	long ppid = 0;

	if (!read_proc(pid, "stat", buf, sizeof(buf)) || !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return 0;
	return ppid;
}

/* 1 when pid runs receive-pack: `git-receive-pack DIR` (ssh, git daemon),
 * `git receive-pack --stateless-rpc DIR` (smart HTTP) or any git binary a
 * host ships under its own name given receive-pack as its first argument. */
static int is_receive_pack(long pid)
{
	char buf[4096];
	size_t len = read_proc(pid, "cmdline", buf, sizeof(buf));
	const char *arg0 = buf, *base, *arg1;

	if (!len)
		return 0;
	base = strrchr(arg0, '/');
	base = base ? base + 1 : arg0;
	if (!strcmp(base, "git-receive-pack"))
		return 1;
	arg1 = arg0 + strlen(arg0) + 1;
	return arg1 < buf + len && !strcmp(arg1, "receive-pack");
}

long wf_find_receive_pack(long pid, int max_levels)
{
	for (int i = 0; i < max_levels && pid > 1; i++) {
		if (is_receive_pack(pid))
			return pid;
		pid = parent_of(pid);
	}
	return 0;
}

long wf_push_owner(void)
{
	static long owner;

	if (!owner) {
		long pp = (long)getppid();
		/* four levels cover dispatcher -> hook and update -> VREF */
		owner = wf_find_receive_pack(pp, 4);
		if (!owner)
			owner = pp;
	}
	return owner;
}
