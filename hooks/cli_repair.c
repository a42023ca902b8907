/* git-workflow repair and adopt: what pre-receive does, on demand, as a
 * session of their own under the deploy lock, so no deploy runs meanwhile. */
#include "cli.h"
#include "lock.h"
#include "outside.h"
#include "repair.h"
#include "session.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int repair(struct wf_session *s, const char *arg)
{
	const struct wf_env *env[2] = { &s->config.test, &s->config.live };
	char tip[WF_OID_MAX + 1];
	int n = wf_repair(s, (long)getpid()), out = 0;

	(void)arg;
	for (int i = 0; i < 2; i++)
		if (wf_outside_check(&s->repo, env[i], tip) > 0) {
			char *m = wf_outside_message(&s->config, env[i], tip);
			printf("%s\n", m);
			free(m);
			out = 1;
		}
	if (n == 0 && !out)
		printf("nothing to repair: every env's tip is tagged and recorded\n");
	return n < 0 ? 1 : 0;
}

/* Finish what repair would first: a journal's deploy is no move outside. */
static int adopt(struct wf_session *s, const char *name)
{
	const struct wf_env *env = wf_config_env_by_name(&s->config, name);

	if (!env) {
		fprintf(stderr, "git-workflow: adopt: no env '%s' (%s or %s)\n", name, s->config.test.name,
			s->config.live.name);
		return 2;
	}
	if (wf_repair(s, (long)getpid()) < 0)
		return 1;
	return wf_outside_adopt(s, env) < 0 ? 1 : 0;
}

static int under_lock(struct cli *x, int (*fn)(struct wf_session *, const char *), const char *arg)
{
	struct wf_session s;
	struct wf_lock_info holder;
	char err[512], when[32];
	int l, rc;

	cli_session(x, &s);
	l = wf_lock_acquire(x->r.git_dir, (long)getpid(), s.pusher, "repair", &holder, err, sizeof(err));
	if (l != 0) {
		if (l < 0) {
			fprintf(stderr, "git-workflow: %s\n", err);
		} else {
			wf_format_time(holder.time, when);
			fprintf(stderr, "git-workflow: a deploy to %s is in progress (started by %s at %s); "
				"run it again when it has finished\n", holder.env, holder.user, when);
		}
		cli_session_end(&s);
		return 1;
	}
	rc = fn(&s, arg);
	wf_lock_release(x->r.git_dir, (long)getpid());
	cli_session_end(&s);
	return rc;
}

int cli_repair(struct cli *x)
{
	return under_lock(x, repair, NULL);
}

int cli_adopt(struct cli *x)
{
	return under_lock(x, adopt, x->argv[0]);
}
