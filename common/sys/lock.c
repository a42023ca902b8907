#include "lock.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *wf_state_dir(const char *git_dir, char *err, size_t errlen)
{
	char *dir = xasprintf("%sworkflow", git_dir);
	if (mkdir(dir, 0775) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s (the hooks need to write there; check its owner)",
			 dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

unsigned long long wf_proc_start_time(long pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return kill((pid_t)pid, 0) == 0 || errno == EPERM ? 1 : 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')'))) {
		/* fields after the command name; the state is field 3 (a zombie
		 * nobody reaps has ended: no init reaps orphans on some hosts),
		 * starttime field 22 */
		int field = 2;
		for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " "))
			if (++field == 3 && (tok[0] == 'Z' || tok[0] == 'X')) {
				fclose(f);
				return 0;
			} else if (field == 22) {
				start = strtoull(tok, NULL, 10);
				break;
			}
	}
	fclose(f);
	return start ? start : 1;
}

static int read_lock(const char *path, struct wf_lock_info *info)
{
	FILE *f = fopen(path, "r");
	int n;
	memset(info, 0, sizeof(*info));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	n = fscanf(f, "%ld %llu %lld %63s %255[^\n]", &info->pid, &info->start, &info->time, info->env,
		   info->user);
	fclose(f);
	return n >= 4 ? 0 : 2; /* 2: unreadable, treated as stale */
}

static int alive(const struct wf_lock_info *info)
{
	return info->pid > 0 && wf_proc_start_time(info->pid) == info->start;
}

/* The guard serializes the short read-check-write of the lock file. */
static int guard(const char *dir)
{
	char *path = xasprintf("%s/deploy.guard", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	free(path);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The lock file's one line: the user name goes last, it is the only free
 * text. */
static int write_lock(const char *dir, const char *path, const struct wf_lock_info *l)
{
	struct sbuf sb = SBUF_INIT;
	int rc;

	sbuf_addf(&sb, "%ld %llu %lld %s ", l->pid, l->start, l->time, l->env);
	for (const char *p = l->user; *p; p++)
		sbuf_addf(&sb, "%c", (unsigned char)*p < 0x20 ? '?' : *p);
	sbuf_adds(&sb, "\n");
	/* not durable: a lock means nothing after a crash */
	rc = wf_write_file_atomic(path, sb.buf, sb.len, 0);
	sbuf_free(&sb);
	(void)dir;
	return rc;
}

/* A live lock in dir other than owner's that stops env (NULL: any, for
 * the lock of all): 1 with holder filled in, else 0. */
static int blocked(const char *dir, const char *env, long owner_pid, struct wf_lock_info *holder)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int busy = 0;

	while (d && !busy && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;
		if (strncmp(e->d_name, "deploy-", 7) || len < 12 || strcmp(e->d_name + len - 5, ".lock"))
			continue;
		/* one env's deploy waits only for its own lock and the lock of all */
		if (env && strcmp(e->d_name, WF_LOCK_ALL_FILE) &&
		    (len - 12 != strlen(env) || strncmp(e->d_name + 7, env, len - 12)))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		busy = read_lock(path, holder) == 0 && alive(holder) && holder->pid != owner_pid;
		free(path);
	}
	if (d)
		closedir(d);
	return busy;
}

int wf_lock_acquire(const char *git_dir, long owner_pid, const char *user, const char *env,
		    struct wf_lock_info *holder, char *err, size_t errlen)
{
	char *dir = wf_state_dir(git_dir, err, errlen);
	int all = !strcmp(env, WF_LOCK_ALL);
	char *path;
	int g, rc = -1;

	if (!dir)
		return -1;
	path = all ? xasprintf("%s/%s", dir, WF_LOCK_ALL_FILE) : xasprintf("%s/deploy-%s.lock", dir, env);
	g = guard(dir);
	if (g < 0) {
		snprintf(err, errlen, "cannot lock %s/deploy.guard: %s", dir, strerror(errno));
		goto out;
	}
	if (blocked(dir, all ? NULL : env, owner_pid, holder)) {
		rc = 1;
		goto out;
	}
	{
		struct wf_lock_info me = { owner_pid, wf_proc_start_time(owner_pid), "", "", (long long)time(NULL) };
		snprintf(me.user, sizeof(me.user), "%s", user);
		snprintf(me.env, sizeof(me.env), "%s", all ? "repair" : env);
		if (write_lock(dir, path, &me) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (g >= 0)
		close(g);
	free(path);
	free(dir);
	return rc;
}

int wf_lock_acquire_wait(const char *git_dir, long owner_pid, const char *user, const char *env,
			 struct wf_lock_info *holder, char *err, size_t errlen, int ms)
{
	int rc;

	while ((rc = wf_lock_acquire(git_dir, owner_pid, user, env, holder, err, errlen)) == 1 && ms > 0) {
		usleep(50 * 1000);
		ms -= 50;
	}
	return rc;
}

/* Each lock file of dir that owner_pid holds: handed to new_pid, or
 * removed (new_pid 0).  0, or -1 when none was or one could not be. */
static int each_held(const char *dir, long owner_pid, long new_pid)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct wf_lock_info info;
	int rc = new_pid ? -1 : 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;
		if (strncmp(e->d_name, "deploy-", 7) || len < 12 || strcmp(e->d_name + len - 5, ".lock"))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (read_lock(path, &info) == 0 && info.pid == owner_pid) {
			if (new_pid) {
				info.pid = new_pid;
				info.start = wf_proc_start_time(new_pid);
				rc = write_lock(dir, path, &info) < 0 ? -1 : rc < 0 ? 0 : rc;
			} else if (unlink(path) < 0) {
				rc = -1;
			}
		}
		free(path);
	}
	if (d)
		closedir(d);
	return rc;
}

static int under_guard(const char *git_dir, long owner_pid, long new_pid)
{
	char err[256];
	char *dir = wf_state_dir(git_dir, err, sizeof(err));
	int g, rc = -1;

	if (!dir)
		return -1;
	g = guard(dir);
	if (g >= 0) {
		rc = each_held(dir, owner_pid, new_pid);
		close(g);
	}
	free(dir);
	return rc;
}

int wf_lock_handover(const char *git_dir, long owner_pid, long new_pid)
{
	return under_guard(git_dir, owner_pid, new_pid);
}

int wf_lock_release(const char *git_dir, long owner_pid)
{
	return under_guard(git_dir, owner_pid, 0);
}

int wf_lock_status(const char *git_dir, struct wf_lock_info *info)
{
	char *dir = xasprintf("%sworkflow", git_dir);
	int busy = blocked(dir, NULL, 0, info);

	free(dir);
	return busy ? 0 : 1;
}
