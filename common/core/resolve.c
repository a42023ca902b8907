/* Symlink resolution that does not stop at a dangling link (resolve.h). */
#include "resolve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HOPS 40

/* The first name of *todo into name (its rest stays in *todo). */
static int next_name(const char **todo, char *name, size_t size)
{
	const char *p = *todo, *end;

	while (*p == '/')
		p++;
	if (!*p)
		return 0;
	end = strchr(p, '/');
	if (!end)
		end = p + strlen(p);
	if ((size_t)(end - p) >= size)
		return -1;
	memcpy(name, p, (size_t)(end - p));
	name[end - p] = 0;
	*todo = end;
	return 1;
}

static void drop_last(char *out)
{
	char *sl = strrchr(out, '/');
	if (sl)
		*sl = 0;
}

/* A link met on the way: its target, then what was left, is what is left. */
static int splice(const char *link, const char *rest, char *todo, char *out)
{
	char target[PATH_MAX], tmp[2 * PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = 0;
	if (target[0] == '/')
		out[0] = 0;
	if (snprintf(tmp, sizeof(tmp), "%s/%s", target, rest) >= PATH_MAX)
		return errno = ENAMETOOLONG, -1;
	strcpy(todo, tmp);
	return 0;
}

int wf_resolve_path(const char *path, char out[PATH_MAX])
{
	char todo[PATH_MAX], name[NAME_MAX + 1], cand[PATH_MAX + NAME_MAX + 2];
	const char *p;
	int hops = 0, missing = 0, r;
	struct stat st;

	if (path[0] != '/')
		return errno = EINVAL, -1;
	if (strlen(path) >= sizeof(todo))
		return errno = ENAMETOOLONG, -1;
	strcpy(todo, path);
	out[0] = 0;
	p = todo;
	while ((r = next_name(&p, name, sizeof(name))) > 0) {
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			drop_last(out);
			continue;
		}
		snprintf(cand, sizeof(cand), "%s/%s", out, name);
		if (strlen(cand) >= PATH_MAX)
			return errno = ENAMETOOLONG, -1;
		if (!missing && lstat(cand, &st) == 0 && S_ISLNK(st.st_mode)) {
			char rest[PATH_MAX];
			if (++hops > MAX_HOPS)
				return errno = ELOOP, -1;
			strcpy(rest, p);
			if (splice(cand, rest, todo, out) < 0)
				return -1;
			p = todo;
			continue;
		}
		if (!missing && lstat(cand, &st) != 0)
			missing = 1;
		strcpy(out, cand);
	}
	if (r < 0)
		return errno = ENAMETOOLONG, -1;
	if (!out[0])
		strcpy(out, "/");
	return 0;
}

int wf_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return 1;
	return !strncmp(path, dir, n) && (!path[n] || path[n] == '/');
}
