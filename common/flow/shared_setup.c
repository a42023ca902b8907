/* What an env's shared paths start as (content_clone.h): a shared file
 * with a template is written from it, a file on this server the config
 * names (never pushed text), with ${WF_ENV}, ${WF_ENV_ID}, ${WF_ENV_PATH}
 * replaced as they are, and it reaches no shell; the paths made now get
 * shared_owner, so the web server can write an env a push created. */
#include "content.h"
#include "content_clone.h"
#include "fileio.h"
#include "release.h"
#include "subst.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A template is a settings file, not a tree: more is a mistake. */
#define TEMPLATE_MAX (1 << 20)

static int id_of(const char *s, int group, unsigned long *out)
{
	char *end;
	struct passwd *pw;
	struct group *gr;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*s && !*end && !errno)
		return 0;
	if (group ? !(gr = getgrnam(s)) : !(pw = getpwnam(s)))
		return -1;
	*out = group ? (unsigned long)gr->gr_gid : (unsigned long)pw->pw_uid;
	return 0;
}

int wf_owner_ids(const char *owner, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	char *u = xstrdup(owner), *g = strchr(u, ':');
	unsigned long a = 0, b = 0;
	int rc = 0;

	if (g)
		*g++ = 0;
	if (!g || id_of(u, 0, &a) < 0 || id_of(g, 1, &b) < 0) {
		snprintf(err, errlen, "shared_owner \"%s\": no such %s on this server", owner,
			 !g || id_of(u, 0, &a) < 0 ? "user" : "group");
		rc = -1;
	}
	*uid = (uid_t)a;
	*gid = (gid_t)b;
	free(u);
	return rc;
}

/* Write shared file f of env from its template t (the file is missing). */
static int write_template(const struct wf_env *env, const struct wf_template *t, const char *f, char *err,
			  size_t errlen)
{
	char *out, **vars, *dst = xasprintf("%s/shared/%s", env->rel.path, f), *dir = xstrdup(dst);
	struct sbuf text = SBUF_INIT;
	struct stat st;
	int rc = -1, fd = open(t->source, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*strrchr(dir, '/') = 0;
	errno = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TEMPLATE_MAX ||
	    wf_read_all(fd, &text) < 0) {
		snprintf(err, errlen, "the template %s of the shared file %s: %s", t->source, f,
			 errno ? strerror(errno) : "not a file of at most 1 MB");
		goto out;
	}
	vars = wf_content_template_vars(env->name, env->rel.path);
	out = wf_subst(text.buf ? text.buf : "", vars, WF_SUBST_RAW);
	for (size_t i = 0; vars[i]; i++)
		free(vars[i]);
	free(vars);
	if (wf_mkdir_p(dir, 0775) < 0 || wf_write_file_atomic(dst, out, strlen(out), 1) < 0 ||
	    chmod(dst, st.st_mode & 0666) < 0)
		snprintf(err, errlen, "cannot write the shared file %s from its template: %s", dst, strerror(errno));
	else
		rc = 0;
	free(out);
out:
	if (fd >= 0)
		close(fd);
	sbuf_free(&text);
	free(dir);
	free(dst);
	return rc;
}

int wf_shared_setup(const struct wf_env *env, char *err, size_t errlen)
{
	const struct wf_release_conf *rc = &env->rel;
	unsigned char *made = xcalloc(rc->n_shared + 1, 1);
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int r = 0;

	if (rc->shared_owner && wf_owner_ids(rc->shared_owner, &uid, &gid, err, errlen) < 0) {
		free(made);
		return -1;
	}
	for (size_t i = 0; r == 0 && i < rc->n_shared; i++) {
		char *p = xasprintf("%s/shared/%s", rc->path, rc->shared[i]);
		const struct wf_template *t = wf_content_template(rc, rc->shared[i]);
		struct stat st;
		made[i] = lstat(p, &st) < 0 && errno == ENOENT;
		if (made[i] && t)
			r = write_template(env, t, rc->shared[i], err, errlen);
		free(p);
	}
	if (r == 0)
		r = wf_release_shared_init(rc, err, errlen);
	for (size_t i = 0; r == 0 && rc->shared_owner && i < rc->n_shared; i++) {
		char *p = xasprintf("%s/shared/%s", rc->path, rc->shared[i]);
		if (made[i] && lchown(p, uid, gid) < 0) {
			snprintf(err, errlen, "cannot give %s to shared_owner %s: %s (the hooks need the right to "
				 "chown, or the owner's group)", p, rc->shared_owner, strerror(errno));
			r = -1;
		}
		free(p);
	}
	free(made);
	return r;
}
