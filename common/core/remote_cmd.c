/* remote_cmd.h: the argv of ssh and rsync for a host, and the remote
 * lines, every word of which is single-quoted or ours. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* strcasestr */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote_cmd.h"

/* Ours, after the admin's (ssh takes the first value it is given):
 * never a prompt that would hang a push, and a host that does not
 * answer fails in seconds. */
static const char *const ssh_ours[] = { "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
					"-o", "ServerAliveInterval=15" };
#define N_OURS (sizeof(ssh_ours) / sizeof(ssh_ours[0]))

/* The admin's ssh list says how connections are shared (ControlPath,
 * ControlMaster, ControlPersist, -S, -M): theirs is kept whole, ours is
 * not added (ssh takes the first value, and half of each would mix). */
static int admin_shares(const struct wf_release_conf *rc)
{
	for (size_t i = 0; i < rc->n_ssh; i++) {
		const char *s = rc->ssh[i];
		if (strcasestr(s, "control") || !strncmp(s, "-S", 2) || !strncmp(s, "-M", 2))
			return 1;
	}
	return 0;
}

int wf_remote_shared(const struct wf_release_conf *rc, const char *ctl)
{
	return ctl && *ctl && !strpbrk(ctl, " \t\n") && !admin_shares(rc);
}

void wf_argv_add(struct wf_argv *a, const char *s)
{
	if (a->n + 2 > a->cap)
		a->v = xrealloc(a->v, (a->cap = a->cap ? a->cap * 2 : 16) * sizeof(*a->v));
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

void wf_argv_free(struct wf_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

void wf_sh_quote(struct sbuf *sb, const char *s)
{
	sbuf_adds(sb, "'");
	for (; *s; s++)
		if (*s == '\'')
			sbuf_adds(sb, "'\\''");
		else
			sbuf_add(sb, s, 1);
	sbuf_adds(sb, "'");
}

static void ssh_words(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl, struct wf_argv *a)
{
	char port[16];

	wf_argv_add(a, "ssh");
	if (h->port) {
		snprintf(port, sizeof(port), "%d", h->port);
		wf_argv_add(a, "-p");
		wf_argv_add(a, port);
	}
	for (size_t i = 0; i < rc->n_ssh; i++)
		wf_argv_add(a, rc->ssh[i]);
	for (size_t i = 0; i < N_OURS; i++)
		wf_argv_add(a, ssh_ours[i]);
	if (wf_remote_shared(rc, ctl)) {
		/* the first ssh to the host is its master; every later one (the
		 * marker, the switch, steps, checks) goes over its connection */
		char *path = xasprintf("ControlPath=%s/%%C", ctl);
		wf_argv_add(a, "-o");
		wf_argv_add(a, "ControlMaster=auto");
		wf_argv_add(a, "-o");
		wf_argv_add(a, path);
		wf_argv_add(a, "-o");
		wf_argv_add(a, "ControlPersist=" WF_REMOTE_PERSIST);
		free(path);
	}
}

void wf_remote_ssh(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl, const char *cmd,
		   struct wf_argv *a)
{
	ssh_words(rc, h, ctl, a);
	wf_argv_add(a, h->login);
	wf_argv_add(a, cmd);
}

/* rsync -e "ssh ...": rsync splits it on white space, which no word of
 * it has (the config refuses ssh entries with spaces or quotes). */
static void rsync_words(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl,
			struct wf_argv *a)
{
	struct wf_argv s = { 0 };
	struct sbuf e = SBUF_INIT;

	ssh_words(rc, h, ctl, &s);
	for (size_t i = 0; i < s.n; i++)
		sbuf_addf(&e, "%s%s", i ? " " : "", s.v[i]);
	wf_argv_add(a, "rsync");
	wf_argv_add(a, "-e");
	wf_argv_add(a, e.buf);
	sbuf_free(&e);
	wf_argv_free(&s);
}

void wf_remote_rsync_tree(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl,
			  const char *name, const char *const *link, size_t n_link, struct wf_argv *a)
{
	char *src = xasprintf("%s/releases/%s/", rc->path, name);
	char *dst = xasprintf("%s:%s/releases/%s/", h->login, h->path, name);

	rsync_words(rc, h, ctl, a);
	/* links, modes, times (--link-dest links a file whose size, time
	 * and mode match); not owners: the deploy user owns the host's copy */
	wf_argv_add(a, "-rlpt");
	wf_argv_add(a, "--delete");
	wf_argv_add(a, "--mkpath");
	for (size_t i = 0; i < n_link && i < 20; i++) {
		char *l = xasprintf("--link-dest=../%s", link[i]);
		wf_argv_add(a, l);
		free(l);
	}
	wf_argv_add(a, "--");
	wf_argv_add(a, src);
	wf_argv_add(a, dst);
	free(dst);
	free(src);
}

void wf_remote_rsync_marker(const struct wf_release_conf *rc, const struct wf_host *h, const char *ctl,
			    const char *name, struct wf_argv *a)
{
	char *src = xasprintf("%s/releases/%s.release", rc->path, name);
	char *dst = xasprintf("%s:%s/releases/", h->login, h->path);

	rsync_words(rc, h, ctl, a);
	wf_argv_add(a, "-pt");
	wf_argv_add(a, "--");
	wf_argv_add(a, src);
	wf_argv_add(a, dst);
	free(dst);
	free(src);
}

/* "'<path>/<a><b>'" */
static void quoted_path(struct sbuf *sb, const char *path, const char *a, const char *b)
{
	char *p = xasprintf("%s%s%s", path, a, b);
	wf_sh_quote(sb, p);
	free(p);
}

char *wf_remote_switch(const struct wf_release_conf *rc, const struct wf_host *h, const char *from, const char *to)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "cd ");
	wf_sh_quote(&sb, h->path);
	sbuf_adds(&sb, " || exit 1; ");
	if (strcmp(from, to))
		sbuf_addf(&sb, "mv -T -- 'releases/%s' 'releases/%s' && mv -f -- 'releases/%s.release' "
			  "'releases/%s.release' || exit 1; ", from, to, from, to);
	sbuf_addf(&sb, "if [ ! -f 'releases/%s.release' ] || [ ! -d 'releases/%s' ]; then "
		  "echo 'releases/%s is not complete here'; exit 1; fi; ", to, to, to);
	for (size_t i = 0; i < rc->n_shared; i++) {
		sbuf_adds(&sb, "[ -e ");
		quoted_path(&sb, "shared/", rc->shared[i], "");
		sbuf_adds(&sb, " ] || mkdir -p -- ");
		quoted_path(&sb, "shared/", rc->shared[i], "");
		sbuf_adds(&sb, " || exit 1; ");
	}
	/* a new link renamed over current (mv -T: rename(2)): a reader sees
	 * the old release or the new one, never neither */
	sbuf_addf(&sb, "ln -sfn -- 'releases/%s' .current.wf && mv -fT -- .current.wf current || exit 1; "
		  "echo \"current is now $(readlink current)\"", to);
	return sbuf_detach(&sb);
}

char *wf_remote_current(const struct wf_host *h)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "readlink -- ");
	quoted_path(&sb, h->path, "/current", "");
	sbuf_adds(&sb, " || true");
	return sbuf_detach(&sb);
}

char *wf_remote_remove(const struct wf_host *h, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "cd ");
	wf_sh_quote(&sb, h->path);
	sbuf_addf(&sb, " 2>/dev/null || exit 0; [ \"$(readlink current)\" = 'releases/%s' ] && exit 0; "
		  "rm -f -- 'releases/%s.release'; rm -rf -- 'releases/%s'", name, name, name);
	return sbuf_detach(&sb);
}

char *wf_remote_prune(const struct wf_host *h, const char *const *keep, size_t n_keep)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "cd ");
	quoted_path(&sb, h->path, "/releases", "");
	sbuf_adds(&sb, " 2>/dev/null || exit 0; cur=$(readlink ../current); n=0; for d in *; do case \"$d\" in ");
	for (size_t i = 0; i < n_keep; i++)
		sbuf_addf(&sb, "'%s'|'%s.release'|", keep[i], keep[i]);
	sbuf_adds(&sb, "'*') continue;; esac; case \"$cur\" in \"releases/$d\"|\"releases/${d%.release}\") continue;; "
		  "esac; [ -d \"$d\" ] && n=$((n+1)); rm -rf -- \"$d\"; done; "
		  "[ $n = 0 ] || echo \"removed $n old release(s)\"");
	return sbuf_detach(&sb);
}

char *wf_remote_step(const struct wf_step *st, const char *dir)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "cd ");
	wf_sh_quote(&sb, dir);
	/* the values are data: read -r, then export "NAME=value" of WF_ names */
	sbuf_adds(&sb, " || exit 127; while IFS= read -r wf_l; do case \"$wf_l\" in WF_[A-Z]*=*) "
		  "export \"$wf_l\";; esac; done; unset wf_l; exec");
	if (st->shell) {
		sbuf_adds(&sb, " /bin/sh -c ");
		wf_sh_quote(&sb, st->run[0]);
	} else {
		for (size_t i = 0; i < st->run_len; i++) {
			sbuf_adds(&sb, " ");
			wf_sh_quote(&sb, st->run[i]);
		}
	}
	return sbuf_detach(&sb);
}

char *wf_remote_step_input(char *const env[])
{
	struct sbuf sb = SBUF_INIT;

	for (size_t i = 0; env && env[i]; i++) {
		for (const char *c = env[i]; *c; c++)
			sbuf_add(&sb, *c == '\n' || *c == '\r' ? " " : c, 1);
		sbuf_adds(&sb, "\n");
	}
	return sbuf_detach(&sb);
}
