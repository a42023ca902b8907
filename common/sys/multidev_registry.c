#include "multidev_registry.h"
#include "fileio.h"
#include "text.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static char *entry_path(const char *git_dir, const char *name)
{
	return xasprintf("%sworkflow/multidev/%s.json", git_dir, name);
}

/* A string as JSON: itself when it is UTF-8, else its shown form. */
static json_t *str(const char *v)
{
	struct sbuf sb = SBUF_INIT;
	json_t *s = json_stringn(v ? v : "", v ? strlen(v) : 0);

	if (s)
		return s;
	wf_text_line(&sb, v, strlen(v));
	s = json_stringn(sb.buf ? sb.buf : "", sb.len);
	sbuf_free(&sb);
	return s;
}

int wf_md_write(const char *git_dir, const struct wf_md_entry *e)
{
	char *dir = xasprintf("%sworkflow/multidev", git_dir), *path = entry_path(git_dir, e->name), *text;
	json_t *o = json_object();
	int rc = -1;

	json_object_set_new(o, "name", str(e->name));
	json_object_set_new(o, "branch", str(e->branch));
	json_object_set_new(o, "created_by", str(e->created_by));
	json_object_set_new(o, "created", json_integer(e->created));
	json_object_set_new(o, "create", str(e->create));
	json_object_set_new(o, "pushed", json_integer(e->pushed));
	json_object_set_new(o, "pinned", json_boolean(e->pinned));
	text = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text && wf_mkdir_p(dir, 0775) == 0)
		rc = wf_write_file_atomic(path, text, strlen(text), 1);
	free(text);
	json_decref(o);
	free(path);
	free(dir);
	return rc;
}

long long wf_md_expires(const struct wf_md_entry *e, long long expire)
{
	if (expire <= 0 || e->pinned)
		return 0;
	return (e->pushed > e->created ? e->pushed : e->created) + expire;
}

static void copy(char *dst, size_t len, json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	snprintf(dst, len, "%s", v ? v : "");
}

int wf_md_read(const char *git_dir, const char *name, struct wf_md_entry *e)
{
	char *path = entry_path(git_dir, name);
	json_error_t jerr;
	json_t *o;

	memset(e, 0, sizeof(*e));
	if (access(path, F_OK) != 0) {
		free(path);
		return errno == ENOENT ? 1 : -1;
	}
	o = json_load_file(path, 0, &jerr);
	free(path);
	if (!o) {
		errno = EINVAL;
		return -1;
	}
	copy(e->name, sizeof(e->name), o, "name");
	copy(e->create, sizeof(e->create), o, "create");
	/* entries written before these fields: never pushed since, not pinned */
	e->pushed = json_integer_value(json_object_get(o, "pushed"));
	e->pinned = json_is_true(json_object_get(o, "pinned"));
	e->branch = xstrdup(json_string_value(json_object_get(o, "branch")) ?: "");
	e->created_by = xstrdup(json_string_value(json_object_get(o, "created_by")) ?: "");
	e->created = json_integer_value(json_object_get(o, "created"));
	json_decref(o);
	if (strcmp(e->name, name) || !*e->branch) {
		wf_md_entry_free(e);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int wf_md_remove(const char *git_dir, const char *name)
{
	char *path = entry_path(git_dir, name);
	int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;

	free(path);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct wf_md_entry *)a)->name, ((const struct wf_md_entry *)b)->name);
}

long wf_md_list(const char *git_dir, struct wf_md_entry **out)
{
	char *dir = xasprintf("%sworkflow/multidev", git_dir);
	DIR *d = opendir(dir);
	struct dirent *de;
	long n = 0, cap = 8;

	free(dir);
	*out = xcalloc((size_t)cap, sizeof(**out));
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char name[WF_MD_NAME_MAX + 8];
		size_t len = strlen(de->d_name);
		if (len < 6 || len > WF_MD_NAME_MAX + 5 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		if (n == cap)
			*out = xrealloc(*out, (size_t)(cap *= 2) * sizeof(**out));
		if (wf_md_read(git_dir, name, &(*out)[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(*out, (size_t)n, sizeof(**out), by_name);
	return n;
}

void wf_md_entry_free(struct wf_md_entry *e)
{
	free(e->branch);
	free(e->created_by);
	memset(e, 0, sizeof(*e));
}

void wf_md_list_free(struct wf_md_entry *l, long n)
{
	for (long i = 0; i < n; i++)
		wf_md_entry_free(&l[i]);
	free(l);
}

struct wf_md_known *wf_md_known_of(const struct wf_md_entry *l, long n)
{
	struct wf_md_known *k = xcalloc((size_t)n + 1, sizeof(*k));

	for (long i = 0; i < n; i++)
		k[i].name = l[i].name, k[i].branch = l[i].branch;
	return k;
}

int wf_md_lock(const char *git_dir)
{
	char *dir = xasprintf("%sworkflow/multidev", git_dir), *path = xasprintf("%s/.lock", dir);
	int fd = -1;

	if (wf_mkdir_p(dir, 0775) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0664);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	free(path);
	free(dir);
	return fd;
}

void wf_md_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
