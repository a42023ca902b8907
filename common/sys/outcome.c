/* Deploy outcomes by commit (outcome.h). */
#include "outcome.h"
#include "fileio.h"
#include "record.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* env and oid come from the config and from git: names without a '/';
 * anything else is no key (never a path out of the directory). */
static int plain(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static char *outcome_path(const char *git_dir, const char *env, const char *oid)
{
	size_t n = strlen(git_dir);
	const char *sl = n && git_dir[n - 1] == '/' ? "" : "/";

	if (!env)
		return xasprintf("%s%sworkflow/outcome", git_dir, sl);
	return oid ? xasprintf("%s%sworkflow/outcome/%s/%s", git_dir, sl, env, oid)
		   : xasprintf("%s%sworkflow/outcome/%s", git_dir, sl, env);
}

static int note(const char *git_dir, const char *env, const char *oid, const char *state, const char *tag,
		long record)
{
	char *dir, *path, line[256];
	int rc;

	if (!plain(env) || !plain(oid) || !plain(state)) {
		errno = EINVAL;
		return -1;
	}
	dir = outcome_path(git_dir, env, NULL);
	path = outcome_path(git_dir, env, oid);
	snprintf(line, sizeof(line), "%s %s %ld %s\n", state, tag && *tag ? tag : "-", record, oid);
	rc = wf_mkdir_p(dir, 0775);
	if (rc == 0)
		rc = wf_write_file_atomic(path, line, strlen(line), 1);
	/* and the env's last deploy, whichever commit (status shows it) */
	if (rc == 0) {
		char *last = xasprintf("%s.last", dir);
		if (wf_write_file_atomic(last, line, strlen(line), 0) < 0)
			unlink(last);
		free(last);
	}
	/* an older outcome must not stand for this deploy's */
	if (rc < 0) {
		int e = errno;
		unlink(path);
		errno = e;
	}
	free(dir);
	free(path);
	return rc;
}

static int note_record(const char *git_dir, const struct wf_record *r)
{
	if (!wf_is_deploy_kind(r->kind) || !r->status || !r->env || !r->new_oid)
		return 0;
	return note(git_dir, r->env, r->new_oid, r->status, r->tag, r->seq);
}

/* Outcomes from before they were noted: every record, in order (the last
 * of a commit wins), once; then workflow/outcome/.derived says so. */
static void derive_from_records(const char *git_dir)
{
	char *top = outcome_path(git_dir, NULL, NULL);
	char *done = xasprintf("%s/.derived", top);
	long last;

	if (access(done, F_OK) != 0) {
		last = wf_record_last(git_dir);
		for (long seq = 1; seq <= last; seq++) {
			struct wf_record r;
			if (wf_record_read(git_dir, seq, &r) != 0)
				continue;
			note_record(git_dir, &r);
			wf_record_free(&r);
		}
		if (wf_mkdir_p(top, 0775) == 0)
			wf_write_file_atomic(done, "", 0, 0);
	}
	free(done);
	free(top);
}

int wf_outcome_write(const char *git_dir, const char *env, const char *oid, const char *state, const char *tag,
		     long record)
{
	derive_from_records(git_dir);
	return note(git_dir, env, oid, state, tag, record);
}

int wf_outcome_of_record(const char *git_dir, const struct wf_record *r)
{
	derive_from_records(git_dir);
	return note_record(git_dir, r);
}

static int read_line(char *path, struct wf_outcome *o)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int n, missing = !f && errno == ENOENT;

	free(path);
	if (!f)
		return missing ? 1 : -1;
	n = fgets(line, sizeof(line), f) ? sscanf(line, "%15s %127s %ld %64s", o->state, o->tag, &o->record, o->oid)
					 : 0;
	fclose(f);
	return n >= 3 ? 0 : -1;
}

int wf_outcome_read(const char *git_dir, const char *env, const char *oid, struct wf_outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (!plain(env) || !plain(oid))
		return 1;
	derive_from_records(git_dir);
	return read_line(outcome_path(git_dir, env, oid), o);
}

int wf_outcome_last(const char *git_dir, const char *env, struct wf_outcome *o)
{
	char *dir, *last;

	memset(o, 0, sizeof(*o));
	if (!plain(env))
		return 1;
	derive_from_records(git_dir);
	dir = outcome_path(git_dir, env, NULL);
	last = xasprintf("%s.last", dir);
	free(dir);
	return read_line(last, o);
}
