#include "journal.h"
#include "lock.h"
#include "release_names.h"
#include "text.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *job_path(const char *git_dir, const char *env)
{
	return xasprintf("%sworkflow/inflight-%s", git_dir, env);
}

static void add_field(struct sbuf *sb, const char *key, const char *value)
{
	sbuf_addf(sb, "%s: ", key);
	wf_text_store(sb, value ? value : "", value ? strlen(value) : 0);
	sbuf_adds(sb, "\n");
}

void wf_job_enter(const char *git_dir, struct wf_job *j, const char *state)
{
	snprintf(j->state, sizeof(j->state), "%s", state);
	j->running = strcmp(state, WF_STATE_ACCEPTED) && strcmp(state, WF_STATE_BUILT);
	(void)wf_job_write(git_dir, j);
}

int wf_job_write(const char *git_dir, const struct wf_job *j)
{
	struct sbuf sb = SBUF_INIT;
	char *path = job_path(git_dir, j->env);
	int rc;

	sbuf_addf(&sb, "owner: %ld %llu\nrunner: %ld %llu\nrun: %ld\nstate: %s\n", j->owner_pid, j->owner_start,
		  j->runner_pid, j->runner_start, j->run,
		  j->state[0] ? j->state : j->running ? WF_STATE_TAGGED : WF_STATE_ACCEPTED);
	sbuf_addf(&sb, "kind: %s\nenv: %s\nold: %s\nnew: %s\nbase: %s\n", j->kind, j->env,
		  j->old_oid[0] ? j->old_oid : "-", j->new_oid, j->base[0] ? j->base : "-");
	add_field(&sb, "ref", j->ref);
	add_field(&sb, "pusher", j->pusher);
	for (size_t i = 0; i < j->n_options; i++)
		add_field(&sb, "option", j->options[i]);
	if (j->step[0])
		sbuf_addf(&sb, "step-pgid: %ld\n", j->step_pgid), add_field(&sb, "step", j->step);
	if (j->steps_done)
		add_field(&sb, "steps-done", j->steps_done);
	if (j->release[0])
		sbuf_addf(&sb, "release: %s\nreused: %d\n", j->release, j->reused);
	if (j->ssh_dir[0])
		sbuf_addf(&sb, "ssh: %s\n", j->ssh_dir);
	rc = wf_write_file_atomic(path, sb.buf, sb.len, 1);
	sbuf_free(&sb);
	free(path);
	return rc;
}

/* value of "key: " into out (unescaped); 0, or -1 when malformed */
static int text_field(const char *v, char **out)
{
	struct sbuf sb = SBUF_INIT;
	if (wf_unescape(v, &sb) < 0) {
		sbuf_free(&sb);
		return -1;
	}
	free(*out);
	*out = sbuf_detach(&sb);
	return 0;
}

static int copy_oid(char dst[WF_OID_MAX + 1], const char *v)
{
	if (!strcmp(v, "-")) {
		dst[0] = 0;
		return 0;
	}
	if (strlen(v) > WF_OID_MAX || !wf_is_hex_oid(v))
		return -1;
	strcpy(dst, v);
	return 0;
}

static int parse_line(struct wf_job *j, const char *key, const char *v)
{
	char *t = NULL;
	int rc = 0;

	if (!strcmp(key, "owner"))
		return sscanf(v, "%ld %llu", &j->owner_pid, &j->owner_start) == 2 ? 0 : -1;
	if (!strcmp(key, "runner"))
		return sscanf(v, "%ld %llu", &j->runner_pid, &j->runner_start) == 2 ? 0 : -1;
	if (!strcmp(key, "run"))
		return sscanf(v, "%ld", &j->run) == 1 ? 0 : -1;
	if (!strcmp(key, "step-pgid"))
		return sscanf(v, "%ld", &j->step_pgid) == 1 ? 0 : -1;
	if (!strcmp(key, "reused"))
		return sscanf(v, "%d", &j->reused) == 1 ? 0 : -1;
	if (!strcmp(key, "release"))
		/* a name the hooks made: it is a path under the env's releases/ */
		return strlen(v) < sizeof(j->release) && wf_release_name_ok(v) ? (strcpy(j->release, v), 0) : -1;
	if (!strcmp(key, "ssh"))
		/* only a name sshmux made: it is removed when the deploy ends */
		return wf_sshmux_name_ok(v) ? (snprintf(j->ssh_dir, sizeof(j->ssh_dir), "%s", v), 0) : -1;
	if (!strcmp(key, "state")) {
		/* before the runner, the ref may not have moved ("pending" and
		 * "running": journals of earlier versions) */
		j->running = strcmp(v, "pending") && strcmp(v, WF_STATE_ACCEPTED) && strcmp(v, WF_STATE_BUILT);
		snprintf(j->state, sizeof(j->state), "%s", !strcmp(v, "running") ? WF_STATE_TAGGED :
			 !strcmp(v, "pending") ? WF_STATE_ACCEPTED : v);
		return strlen(v) < sizeof(j->state) ? 0 : -1;
	}
	if (!strcmp(key, "old"))
		return copy_oid(j->old_oid, v);
	if (!strcmp(key, "new"))
		return copy_oid(j->new_oid, v);
	if (!strcmp(key, "base"))
		return copy_oid(j->base, v);
	if (!strcmp(key, "kind") || !strcmp(key, "env")) {
		char *dst = key[0] == 'k' ? j->kind : j->env;
		size_t cap = key[0] == 'k' ? sizeof(j->kind) : sizeof(j->env);
		return strlen(v) < cap ? (strcpy(dst, v), 0) : -1;
	}
	if (!strcmp(key, "pusher"))
		return text_field(v, &j->pusher);
	if (!strcmp(key, "steps-done"))
		return text_field(v, &j->steps_done);
	if (text_field(v, &t) < 0)
		return -1;
	if (!strcmp(key, "ref") && strlen(t) < sizeof(j->ref))
		strcpy(j->ref, t);
	else if (!strcmp(key, "step") && strlen(t) < sizeof(j->step))
		strcpy(j->step, t);
	else if (!strcmp(key, "option") && j->n_options < WF_JOB_MAX_OPTIONS) {
		j->options = xrealloc(j->options, (j->n_options + 2) * sizeof(*j->options));
		j->options[j->n_options++] = t;
		j->options[j->n_options] = NULL;
		return 0;
	} else
		rc = -1;
	free(t);
	return rc;
}

int wf_job_read(const char *git_dir, const char *env, struct wf_job *j)
{
	char *path = job_path(git_dir, env), *line = NULL;
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	free(path);
	memset(j, 0, sizeof(*j));
	if (!f)
		return errno == ENOENT ? 1 : -1;
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		char *colon = strstr(line, ": ");
		if (line[len - 1] != '\n' || !colon) {
			rc = -1;
			break;
		}
		line[len - 1] = 0;
		*colon = 0;
		rc = parse_line(j, line, colon + 2);
	}
	free(line);
	fclose(f);
	if (rc == 0 && (!j->new_oid[0] || !j->env[0] || strcmp(j->env, env) || !j->pusher))
		rc = -1;
	if (rc < 0)
		wf_job_free(j);
	return rc;
}

void wf_job_remove(const char *git_dir, const char *env)
{
	char *path = job_path(git_dir, env);
	struct wf_job j;

	if (wf_job_read(git_dir, env, &j) == 0) {
		wf_sshmux_close(j.ssh_dir);
		wf_job_free(&j);
	}
	unlink(path);
	free(path);
}

int wf_job_present(const char *git_dir, const char *env)
{
	char *path = job_path(git_dir, env);
	int rc = access(path, F_OK) == 0 ? 1 : errno == ENOENT ? 0 : -1;
	free(path);
	return rc;
}

void wf_job_free(struct wf_job *j)
{
	free(j->pusher);
	for (size_t i = 0; i < j->n_options; i++)
		free(j->options[i]);
	free(j->options);
	free(j->steps_done);
	memset(j, 0, sizeof(*j));
}

int wf_job_owner_alive(const struct wf_job *j)
{
	if (j->runner_pid > 0)
		return wf_proc_start_time(j->runner_pid) == j->runner_start;
	return j->owner_pid > 0 && wf_proc_start_time(j->owner_pid) == j->owner_start;
}

void wf_job_step(const char *git_dir, struct wf_job *j, const char *name, long pgid, int exit_status)
{
	if (pgid > 0) {
		snprintf(j->step, sizeof(j->step), "%s", name);
		j->step_pgid = pgid;
	} else {
		char *done = j->steps_done ? xasprintf("%s, %s %d", j->steps_done, name, exit_status)
					   : xasprintf("%s %d", name, exit_status);
		free(j->steps_done);
		j->steps_done = done;
		j->step[0] = 0;
		j->step_pgid = 0;
	}
	/* best effort: a journal that lags a step only makes repair vaguer */
	(void)wf_job_write(git_dir, j);
}

char **wf_job_envs(const char *git_dir, size_t *n)
{
	char *dir = xasprintf("%sworkflow", git_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	free(dir);
	while (d && (e = readdir(d))) {
		const char *env = e->d_name + 9;
		size_t len = strlen(env);
		/* env names are [a-z0-9-]: anything else is a temporary file */
		if (strncmp(e->d_name, "inflight-", 9) || !len || len >= 64 ||
		    strspn(env, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
			continue;
		if (*n + 1 >= cap)
			names = xrealloc(names, (cap = cap ? 2 * cap : 4) * sizeof(*names));
		names[(*n)++] = xstrdup(env);
		names[*n] = NULL;
	}
	if (d)
		closedir(d);
	return names;
}
