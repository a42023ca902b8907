/* The set of an env's releases: markers, the list, current, renames and
 * removal. */
#include "release.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

char *wf_release_dir(const struct wf_release_conf *rc, const char *name)
{
	return xasprintf("%s/releases/%s", rc->path, name);
}

static char *marker(const struct wf_release_conf *rc, const char *name)
{
	return xasprintf("%s/releases/%s.release", rc->path, name);
}

int wf_release_mark(const struct wf_release_conf *rc, const struct wf_release_info *info)
{
	char *path = marker(rc, info->name);
	char *text = xasprintf("name: %s\ncommit: %s\ntime: %lld\nsize: %lld\ncomplete: yes\n", info->name,
			       info->commit, info->time, info->size);
	int r = wf_write_file_atomic(path, text, strlen(text), 1);

	free(text);
	free(path);
	return r;
}

int wf_release_read(const struct wf_release_conf *rc, const char *name, struct wf_release_info *info)
{
	char *path = marker(rc, name), line[256];
	FILE *f = fopen(path, "r");
	int complete = 0;

	free(path);
	memset(info, 0, sizeof(*info));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	snprintf(info->name, sizeof(info->name), "%s", name);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "commit: %64[0-9a-f]", info->commit) == 1 || sscanf(line, "time: %lld", &info->time) == 1 ||
		    sscanf(line, "size: %lld", &info->size) == 1)
			continue;
		if (!strcmp(line, "complete: yes\n"))
			complete = 1;
	}
	fclose(f);
	/* a marker cut short is no marker: the release stays unfinished */
	return complete && info->commit[0] ? 0 : 1;
}

static int by_time(const void *a, const void *b)
{
	const struct wf_release_info *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->name, y->name);
}

long wf_release_list(const struct wf_release_conf *rc, struct wf_release_info **out)
{
	char *dir = xasprintf("%s/releases", rc->path);
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0, cap = 0;

	free(dir);
	*out = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[WF_RELEASE_NAME_MAX];
		if (len <= 8 || len - 8 >= sizeof(name) || strcmp(e->d_name + len - 8, ".release"))
			continue;
		memcpy(name, e->d_name, len - 8);
		name[len - 8] = 0;
		if (n == cap)
			*out = xrealloc(*out, (size_t)(cap = cap ? cap * 2 : 16) * sizeof(**out));
		if (wf_release_name_ok(name) && wf_release_read(rc, name, &(*out)[n]) == 0)
			n++;
	}
	closedir(d);
	if (n)
		qsort(*out, (size_t)n, sizeof(**out), by_time);
	return n;
}

int wf_release_find_commit(const struct wf_release_conf *rc, const char *commit, struct wf_release_info *out)
{
	struct wf_release_info *l;
	long n = wf_release_list(rc, &l);
	int rc2 = 1;

	for (long i = n - 1; i >= 0; i--)
		if (!strcmp(l[i].commit, commit)) {
			*out = l[i];
			rc2 = 0;
			break;
		}
	free(l);
	return rc2;
}

/* The database snapshot that goes with a release (docs/database.md) goes
 * with it. */
static void drop_snapshot(const char *dir)
{
	char *p = xasprintf("%s.db.sql.gz", dir);

	unlink(p);
	free(p);
}

int wf_release_remove(const struct wf_release_conf *rc, const char *name)
{
	char *m = marker(rc, name), *dir = wf_release_dir(rc, name), *log = xasprintf("%s.build.log", dir);
	int r = 0;

	if (unlink(m) < 0 && errno != ENOENT)
		r = -1;
	unlink(log);
	drop_snapshot(dir);
	if (r == 0 && wf_remove_tree(dir) < 0 && errno != ENOENT)
		r = -1;
	free(log);
	free(dir);
	free(m);
	return r;
}

/* The removal of a big tree may take minutes on a slow disk: the rename
 * is what the deploy waits for. */
int wf_release_discard(const struct wf_release_conf *rc, const char *name)
{
	char *m = marker(rc, name), *dir = wf_release_dir(rc, name), *log = xasprintf("%s.build.log", dir);
	char *trash = xasprintf("%s/.trash", rc->path), *to = xasprintf("%s/%s.%ld", trash, name, (long)getpid());
	int r = 0;

	if (unlink(m) < 0 && errno != ENOENT)
		r = -1;
	unlink(log);
	drop_snapshot(dir);
	if (r == 0 && (mkdir(trash, 0700) == 0 || errno == EEXIST) && rename(dir, to) == 0)
		r = 0;
	else if (r == 0 && wf_remove_tree(dir) < 0 && errno != ENOENT)
		r = -1;
	free(to);
	free(trash);
	free(log);
	free(dir);
	free(m);
	return r;
}

void wf_release_remove_unfinished(const struct wf_release_conf *rc)
{
	char *dir = xasprintf("%s/releases", rc->path);
	DIR *d = opendir(dir);
	struct dirent *e;
	struct wf_release_info info;

	free(dir);
	while (d && (e = readdir(d))) {
		struct stat st;
		if (wf_release_name_ok(e->d_name) && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && wf_release_read(rc, e->d_name, &info) != 0)
			wf_release_remove(rc, e->d_name);
	}
	if (d)
		closedir(d);
}

int wf_release_rename(const struct wf_release_conf *rc, const char *from, const char *to)
{
	char *a = wf_release_dir(rc, from), *b = wf_release_dir(rc, to);
	char *la = xasprintf("%s.build.log", a), *lb = xasprintf("%s.build.log", b), *ma = marker(rc, from);
	struct wf_release_info info;
	int complete = wf_release_read(rc, from, &info) == 0, r;

	/* unfinished while it moves: the marker goes first, comes back last */
	unlink(ma);
	r = rename(a, b);
	if (r == 0) {
		rename(la, lb);
		{
			char *sa = xasprintf("%s.db.sql.gz", a), *sb = xasprintf("%s.db.sql.gz", b);
			rename(sa, sb);
			free(sa);
			free(sb);
		}
		snprintf(info.name, sizeof(info.name), "%s", to);
		if (complete) {
			wf_release_name_file(rc, to, info.commit);
			r = wf_release_mark(rc, &info);
		}
	}
	free(ma);
	free(la);
	free(lb);
	free(a);
	free(b);
	return r;
}

int wf_release_name_file(const struct wf_release_conf *rc, const char *name, const char *commit)
{
	char *dir = wf_release_dir(rc, name);
	char *path = xasprintf("%s/%s", dir, rc->release_file ? rc->release_file : ".release");
	char *text = xasprintf("%s %s\n", name, commit);
	struct stat st;
	int r = 1;

	/* a tracked file of that name is the tree's: left as it is */
	if (lstat(path, &st) < 0 || (S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size < 256))
		r = wf_write_file_atomic(path, text, strlen(text), 0);
	free(text);
	free(path);
	free(dir);
	return r;
}

int wf_release_switch(const struct wf_release_conf *rc, const char *name)
{
	char *target = xasprintf("releases/%s", name), *cur = xasprintf("%s/current", rc->path);
	char *tmp = xasprintf("%s/.current.%ld", rc->path, (long)getpid());
	int r;

	/* a new link renamed over the old one: a reader of current/ sees the
	 * old release or the new one, never neither */
	unlink(tmp);
	r = symlink(target, tmp);
	if (r == 0 && (r = rename(tmp, cur)) < 0)
		unlink(tmp);
	if (r == 0)
		wf_fsync_dir(rc->path);
	free(tmp);
	free(cur);
	free(target);
	return r;
}

int wf_release_current(const struct wf_release_conf *rc, char name[WF_RELEASE_NAME_MAX])
{
	char *cur = xasprintf("%s/current", rc->path), buf[WF_RELEASE_NAME_MAX + 9];
	ssize_t n = readlink(cur, buf, sizeof(buf) - 1);

	free(cur);
	name[0] = 0;
	if (n <= 9 || strncmp(buf, "releases/", 9))
		return 1;
	buf[n] = 0;
	snprintf(name, WF_RELEASE_NAME_MAX, "%s", buf + 9);
	return 0;
}

int wf_release_fs(const struct wf_release_conf *rc, struct wf_release_fs *out)
{
	struct statvfs v;
	char *p = xstrdup(rc->path);
	int r = 0;

	/* the env's path may not exist yet: ask its nearest parent */
	while (statvfs(p, &v) < 0) {
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			r = statvfs("/", &v);
			break;
		}
		*slash = 0;
	}
	free(p);
	if (r < 0)
		return -1;
	/* what an unprivileged writer has: the hooks need not run as root */
	out->bytes_free = (unsigned long long)v.f_bavail * v.f_frsize;
	out->bytes_total = (unsigned long long)v.f_blocks * v.f_frsize;
	out->inodes_free = v.f_favail;
	out->inodes_total = v.f_files;
	return 0;
}

long long wf_release_free_space(const struct wf_release_conf *rc)
{
	struct wf_release_fs fs;

	return wf_release_fs(rc, &fs) < 0 ? -1 : (long long)fs.bytes_free;
}
