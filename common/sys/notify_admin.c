/* git-workflow notify --list and --drop: what waits in each webhook's
 * spool, and setting aside an event its receiver will never take. */
#include "notify.h"
#include "spool.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *spool_url(const char *dir)
{
	struct sbuf sb = SBUF_INIT;
	char *p = xasprintf("%s/url", dir), *url;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		wf_read_all(fd, &sb);
		close(fd);
	}
	free(p);
	url = sb.buf ? sbuf_detach(&sb) : xstrdup("?");
	url[strcspn(url, "\n")] = '\0';
	return url;
}

long wf_notify_list(const char *git_dir, const struct wf_config *c, FILE *out)
{
	char *root = wf_spool_root(git_dir);
	long total = 0;
	DIR *d;
	struct dirent *de;

	for (size_t i = 0; i < c->n_webhooks; i++) {
		char *dir = wf_spool_dir(git_dir, c->webhooks[i].url), *r = wf_url_redacted(c->webhooks[i].url);
		struct wf_spool_state st;
		long *seqs = NULL;
		size_t n = 0;

		wf_spool_list(dir, &seqs, &n);
		wf_spool_state_read(dir, &st);
		total += (long)n;
		fprintf(out, "%s: %zu pending", r, n);
		if (n && st.attempts) {
			char when[32];
			wf_format_time(st.next_try, when);
			fprintf(out, ", %d failed attempt(s), last error: %s, next try %s", st.attempts,
				st.last_error[0] ? st.last_error : "?", when);
		}
		fputc('\n', out);
		free(seqs);
		free(dir);
		free(r);
	}
	/* spools whose webhook was removed from the config: say so, since
	 * nothing will send them */
	d = opendir(root);
	while (d && (de = readdir(d))) {
		int known = 0;
		char *dir, *url;
		long *seqs = NULL;
		size_t n = 0;
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < c->n_webhooks && !known; i++) {
			char *wd = wf_spool_dir(git_dir, c->webhooks[i].url);
			known = !strcmp(strrchr(wd, '/') + 1, de->d_name);
			free(wd);
		}
		if (known)
			continue;
		dir = xasprintf("%s/%s", root, de->d_name);
		wf_spool_list(dir, &seqs, &n);
		if (n) {
			url = spool_url(dir);
			fprintf(out, "%s: %zu pending, not in the config any more (spool %s)\n", url, n, dir);
			free(url);
		}
		free(seqs);
		free(dir);
	}
	if (d)
		closedir(d);
	free(root);
	return total;
}

/* The spool directory WEBHOOK names (see wf_notify_drop); NULL with err set
 * when it names none or more than one. */
static char *spool_named(const char *git_dir, const struct wf_config *c, const char *webhook, char *err,
			 size_t errlen)
{
	char *root = wf_spool_root(git_dir), *found = NULL;
	size_t matches = 0;
	DIR *d = opendir(root);
	struct dirent *de;
	char *shown = wf_url_redacted(webhook); /* the argument may hold a password */

	while (d && (de = readdir(d))) {
		char *dir, *url;
		int match;
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", root, de->d_name);
		url = spool_url(dir);
		match = !strcmp(webhook, de->d_name) || !strcmp(webhook, url);
		for (size_t i = 0; i < c->n_webhooks && !match; i++) {
			char *wd = wf_spool_dir(git_dir, c->webhooks[i].url);
			match = !strcmp(webhook, c->webhooks[i].url) && !strcmp(wd, dir);
			free(wd);
		}
		free(url);
		if (match && matches++ == 0)
			found = dir;
		else
			free(dir);
	}
	if (d)
		closedir(d);
	if (matches > 1) {
		snprintf(err, errlen, "'%s' names %zu webhook spools; give the spool directory's name instead "
			 "(ls %s)", shown, matches, root);
		free(found);
		found = NULL;
	} else if (!found) {
		snprintf(err, errlen, "no webhook spool for '%s'; give a URL as git-workflow notify --list shows it",
			 shown);
	}
	free(shown);
	free(root);
	return found;
}

long wf_notify_drop(const char *git_dir, const struct wf_config *c, const char *webhook, int all, FILE *out,
		    char *err, size_t errlen)
{
	char *dir, *url;
	long *seqs = NULL;
	size_t n = 0, dropped = 0;
	int lock;

	err[0] = '\0';
	dir = spool_named(git_dir, c, webhook, err, errlen);
	if (!dir)
		return -1;
	url = spool_url(dir);
	/* not while a hook is sending this queue: it may be sending that event */
	lock = wf_spool_lock_deliver(dir);
	if (lock < 0) {
		snprintf(err, errlen, "%s: a hook is delivering its events now; try again in a moment", url);
		goto out;
	}
	if (wf_spool_list(dir, &seqs, &n) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n && (all || i < 1); i++) {
		struct wf_spooled e;
		int r = wf_spool_read(dir, seqs[i], &e);
		if (wf_spool_set_aside(dir, seqs[i]) < 0) {
			snprintf(err, errlen, "cannot move event %ld to %s/dropped: %s", seqs[i], dir, strerror(errno));
			if (r == 0)
				wf_spooled_free(&e);
			goto out;
		}
		fprintf(out, "%s: set aside event %ld (%s, delivery %s) in %s/dropped\n", url, seqs[i],
			r == 0 ? e.event : "unreadable", r == 0 ? e.delivery : "?", dir);
		if (r == 0)
			wf_spooled_free(&e);
		dropped++;
	}
	if (dropped) {
		/* what waited behind it goes out on the next run */
		struct wf_spool_state st;
		memset(&st, 0, sizeof(st));
		wf_spool_state_write(dir, &st);
	}
	fprintf(out, "%s: %zu pending\n", url, n - dropped);
out:
	wf_spool_unlock(lock);
	free(seqs);
	free(url);
	free(dir);
	return err[0] ? -1 : (long)dropped;
}
