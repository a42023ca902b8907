/* A config decides who may deploy to Live: it is trusted only when no one
 * but the repository's owner (or root) can have written it, as OpenBSD's
 * doas refuses a config "writable by group or other".  The same for the
 * webhooks' secret files, which sign what receivers act on. */
#include "config.h"
#include "util.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* getpwuid's answer is overwritten by the next call: copied */
static const char *user_name(uid_t uid, char buf[64])
{
	struct passwd *pw = getpwuid(uid);

	if (pw && pw->pw_name)
		snprintf(buf, 64, "%s", pw->pw_name);
	else
		snprintf(buf, 64, "%ld", (long)uid);
	return buf;
}

/* 0 when path (what: "the workflow config") may be trusted, else -1 with
 * err saying why and what to run.  A path that does not exist is not this
 * check's to report. */
static int trusted(const char *path, const char *what, const struct stat *repo, char *err, size_t errlen)
{
	struct stat st;
	char b1[64], b2[64];

	if (stat(path, &st) < 0)
		return 0;
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s %s is writable by %s, so anyone in it could decide who deploys: refused "
			 "until it is not (chmod go-w %s)", what, path, st.st_mode & S_IWOTH ? "everyone" : "its group",
			 path);
		return -1;
	}
	if (repo && st.st_uid != 0 && st.st_uid != repo->st_uid) {
		snprintf(err, errlen, "%s %s belongs to %s, not to the repository's owner %s nor root: refused until "
			 "it does (chown %s %s)", what, path, user_name(st.st_uid, b1), user_name(repo->st_uid, b2),
			 user_name(repo->st_uid, b2), path);
		return -1;
	}
	return 0;
}

int wf_config_trusted(const struct wf_config *c, const char *path, const char *git_dir, char *err, size_t errlen)
{
	struct stat repo;
	const struct stat *owner = git_dir && stat(git_dir, &repo) == 0 ? &repo : NULL;

	if (trusted(path, "the workflow config", owner, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < c->n_webhooks; i++)
		if (c->webhooks[i].secret_file &&
		    trusted(c->webhooks[i].secret_file, "the webhook secret", owner, err, errlen) < 0)
			return -1;
	return 0;
}
