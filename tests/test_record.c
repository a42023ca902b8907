#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>
#include "record.h"
#include "steps.h"
#include "util.h"

static char gitdir[64];

static void rm_rf(const char *p)
{
	char *cmd = xasprintf("rm -rf '%s'", p);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", p);
	free(cmd);
}

static void setup(void)
{
	strcpy(gitdir, "/tmp/wf_record_XXXXXX");
	cr_assert_not_null(mkdtemp(gitdir));
}

static void teardown(void)
{
	rm_rf(gitdir);
}

static void minimal(struct wf_record *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = "deploy";
	r->status = "ok";
	r->env = "test";
	r->time = 1732500000;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(record, roundtrip_all_fields, .init = setup, .fini = teardown)
{
	struct wf_record r, back;
	struct wf_record_step st[2];
	const char *out = "step output\nline 2\n";
	const char *msg = "Release 1.2\nstatus ok\n$(touch /tmp/x) \"q\" \\ \xff\xfe\x01 end";

	memset(st, 0, sizeof(st));
	st[0].name = "clone content";
	st[0].exit_status = 0;
	st[0].duration = 12.5;
	st[0].output_len = strlen(out);
	cr_assert_eq(wf_compress(out, strlen(out), &st[0].zoutput, &st[0].zlen), 0);
	st[1].name = "cache\nclear";
	st[1].exit_status = 143;
	st[1].timed_out = 1;
	st[1].duration = 1.0;
	st[1].output_len = 0;
	cr_assert_eq(wf_compress("", 0, &st[1].zoutput, &st[1].zlen), 0);

	memset(&r, 0, sizeof(r));
	r.kind = "deploy";
	r.status = "failed";
	r.env = "live";
	r.ref = "refs/heads/live";
	r.pusher = "alice\nkind forged";
	r.time = 1732500000;
	r.old_oid = "0000000000000000000000000000000000000000";
	r.new_oid = "1111111111111111111111111111111111111111";
	r.tag = "deploy_live_7";
	r.options = "update no-cache-clear";
	r.message = (char *)msg;
	r.note = "rolled back";
	r.steps = st;
	r.n_steps = 2;

	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	cr_assert_eq(r.seq, 1);
	cr_assert_eq(wf_record_read(gitdir, 1, &back), 0);
	cr_assert_eq(back.seq, 1);
	cr_assert_str_eq(back.kind, "deploy");
	cr_assert_str_eq(back.status, "failed");
	cr_assert_str_eq(back.env, "live");
	cr_assert_str_eq(back.ref, "refs/heads/live");
	cr_assert_str_eq(back.pusher, "alice\nkind forged");
	cr_assert_eq(back.time, 1732500000);
	cr_assert_str_eq(back.old_oid, r.old_oid);
	cr_assert_str_eq(back.new_oid, r.new_oid);
	cr_assert_str_eq(back.tag, "deploy_live_7");
	cr_assert_str_eq(back.options, "update no-cache-clear");
	cr_assert_str_eq(back.message, msg);
	cr_assert_str_eq(back.note, "rolled back");
	cr_assert_eq(back.n_steps, 2);
	cr_assert_str_eq(back.steps[0].name, "clone content");
	cr_assert_eq(back.steps[0].exit_status, 0);
	cr_assert_eq(back.steps[0].timed_out, 0);
	cr_assert_float_eq(back.steps[0].duration, 12.5, 0.001);
	cr_assert_eq(back.steps[0].output_len, strlen(out));
	cr_assert_eq(back.steps[0].zlen, st[0].zlen);
	char *o;
	size_t ol;
	cr_assert_eq(wf_decompress(back.steps[0].zoutput, back.steps[0].zlen, &o, &ol), 0);
	cr_assert_eq(ol, strlen(out));
	cr_assert_str_eq(o, out);
	free(o);
	cr_assert_str_eq(back.steps[1].name, "cache\nclear");
	cr_assert_eq(back.steps[1].exit_status, 143);
	cr_assert_eq(back.steps[1].timed_out, 1);
	cr_assert_eq(wf_decompress(back.steps[1].zoutput, back.steps[1].zlen, &o, &ol), 0);
	cr_assert_eq(ol, 0);
	free(o);
	wf_record_free(&back);

	/* One JSON document (jq reads it), on one line whatever the message;
	 * the message's invalid UTF-8 is kept exactly, as base64 beside it;
	 * the output is a gzip file (zcat reads it) named in the record. */
	char *path = xasprintf("%s/workflow/records/00000001.json", gitdir);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	cr_assert_not_null(doc, "%s", je.text);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "kind")), "deploy");
	cr_assert_not_null(json_object_get(doc, "message_base64"));
	cr_assert_str_eq(json_string_value(json_object_get(doc, "pusher")), "alice\nkind forged");
	const char *gz = json_string_value(json_object_get(json_array_get(json_object_get(doc, "steps"), 0), "output"));
	cr_assert_not_null(gz);
	char *cmd = xasprintf("cd %s/workflow && test \"$(zcat %s)\" = \"$(printf 'step output\\nline 2')\" && "
			      "test $(wc -l <%s) = 1", gitdir, gz, path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	json_decref(doc);
	free(path);
	free(st[0].zoutput);
	free(st[1].zoutput);
}

Test(record, omitted_fields_stay_null, .init = setup, .fini = teardown)
{
	struct wf_record r, back;
	minimal(&r);
	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	cr_assert_eq(wf_record_read(gitdir, r.seq, &back), 0);
	cr_assert_str_eq(back.kind, "deploy");
	cr_assert_null(back.tag);
	cr_assert_null(back.message);
	cr_assert_null(back.note);
	cr_assert_eq(back.n_steps, 0);
	wf_record_free(&back);
}

Test(record, seq_increments_and_last, .init = setup, .fini = teardown)
{
	struct wf_record r;
	cr_assert_eq(wf_record_last(gitdir), 0);
	minimal(&r);
	for (long i = 1; i <= 3; i++) {
		cr_assert_eq(wf_record_write(gitdir, &r), 0);
		cr_assert_eq(r.seq, i);
		cr_assert_eq(wf_record_last(gitdir), i);
	}
	struct wf_record back;
	cr_assert_eq(wf_record_read(gitdir, 4, &back), 1);
	cr_assert_eq(wf_record_read(gitdir, 0, &back), 1);
	/* no temporary files left behind */
	char *cmd = xasprintf("test $(ls -A %s/workflow/records | wc -l) -eq 3", gitdir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

Test(record, trailing_slash_git_dir, .init = setup, .fini = teardown)
{
	struct wf_record r, back;
	char *gd = xasprintf("%s/", gitdir);
	minimal(&r);
	cr_assert_eq(wf_record_write(gd, &r), 0);
	cr_assert_eq(wf_record_read(gitdir, 1, &back), 0);
	wf_record_free(&back);
	free(gd);
}

Test(record, never_overwrites, .init = setup, .fini = teardown)
{
	struct wf_record r, back;
	char *dir = xasprintf("%s/workflow/records", gitdir);
	char *p1 = xasprintf("%s/00000001.rec", dir);
	char *p2 = xasprintf("%s/00000002.rec", dir);

	minimal(&r);
	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	cr_assert_eq(r.seq, 1);
	/* A record written by someone else between our scan and our link:
	 * simulate with a file at 2, which wf_record_last sees, and check
	 * the next write neither touches 1 nor 2. */
	write_file(p2, "someone else's\n");
	r.kind = "rollback";
	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	cr_assert_eq(r.seq, 3);
	cr_assert_eq(wf_record_read(gitdir, 1, &back), 0);
	cr_assert_str_eq(back.kind, "deploy");
	wf_record_free(&back);
	FILE *f = fopen(p2, "r");
	char buf[64] = "";
	cr_assert(f);
	cr_assert(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_assert_str_eq(buf, "someone else's\n");
	free(dir);
	free(p1);
	free(p2);
}

Test(record, link_collision_takes_next_number, .init = setup, .fini = teardown)
{
	/* wf_record_last only sees NNNNNNNN.rec names; a stray lower-numbered
	 * name with a different width is ignored, and a record that appears
	 * exactly at last+1 (a racing writer) is skipped over via EEXIST. */
	struct wf_record r;
	char *dir = xasprintf("%s/workflow/records", gitdir);
	char *p = xasprintf("%s/00000001.rec", dir);
	char *odd = xasprintf("%s/1.rec", dir);
	minimal(&r);
	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	write_file(odd, "x\n");
	cr_assert_eq(wf_record_last(gitdir), 1);
	cr_assert_eq(wf_record_write(gitdir, &r), 0);
	cr_assert_eq(r.seq, 2);
	free(dir);
	free(p);
	free(odd);
}

Test(record, malformed_files, .init = setup, .fini = teardown)
{
	static const char *bad[] = {
		"",
		"garbage\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\n",                   /* no end */
		"wf-record 2\nkind deploy\nstatus ok\ntime 1\nend\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime x\nend\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nbogus 1\nend\n",
		"wf-record 1\nkind deploy\nkind deploy\nstatus ok\ntime 1\nend\n",
		"wf-record 1\nkind de\\qploy\nstatus ok\ntime 1\nend\n",
		"wf-record 1\nstatus ok\ntime 1\nend\n",                            /* no kind */
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nstep a 0 0 1.000 0 0\nend\n", /* no zdata */
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nstep a 0 0 1.000 0 4\nzdata AAAA\nend\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nstep a 0 0 1.000 0 3\nzdata A*AA\nend\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nstep a x 0 1.000 0 0\nzdata \nend\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nend\nkind again\n",
		"wf-record 1\nkind deploy\nstatus ok\ntime 1\nend",                /* no final newline */
	};
	char *dir = xasprintf("%s/workflow/records", gitdir);
	char *cmd = xasprintf("mkdir -p %s", dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = xasprintf("%s/%08zu.rec", dir, i + 1);
		struct wf_record back;
		write_file(p, bad[i]);
		cr_assert_eq(wf_record_read(gitdir, (long)i + 1, &back), -1, "case %zu accepted", i);
		cr_assert_null(back.kind);
		free(p);
	}
	/* and a good hand-written one with an empty step output */
	char *p = xasprintf("%s/00000100.rec", dir);
	struct wf_record back;
	write_file(p, "wf-record 1\nkind deploy\nstatus ok\ntime 1\nstep a b 0 0 1.000 0 0\nzdata \nend\n");
	cr_assert_eq(wf_record_read(gitdir, 100, &back), 0);
	cr_assert_eq(back.n_steps, 1);
	cr_assert_str_eq(back.steps[0].name, "a b");
	cr_assert_eq(wf_record_last(gitdir), 100);
	wf_record_free(&back);
	free(p);
	free(cmd);
	free(dir);
}

Test(record, last_when_dir_missing, .init = setup, .fini = teardown)
{
	cr_assert_eq(wf_record_last(gitdir), 0);
	cr_assert_eq(wf_record_last("/nonexistent/wf/git"), 0);
}

Test(record, malformed_json_records_say_what_is_wrong, .init = setup, .fini = teardown)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "", "empty" },
		{ "{\"format\":\"wf-record 2\",\"kind\":\"deploy\"", "truncated: the JSON ends before the record does" },
		{ "{\"format\":\"other\"}\n", "not a deploy record" },
		{ "{\"format\":\"wf-record 2\",\"status\":\"ok\",\"unix_time\":1}\n", "its time, kind or status is missing" },
		{ "{\"format\":\"wf-record 2\",\"kind\":\"deploy\",\"status\":\"ok\",\"unix_time\":1,"
		  "\"steps\":[{\"name\":\"a\",\"exit_status\":0,\"output\":\"output/none.gz\"}]}\n",
		  "the output of step a (output/none.gz) cannot be read" },
		{ "[1,\n2,\n", "truncated" },
		{ "{\n\"a\" 1}\n", "line 2: " },
	};
	char *dir = xasprintf("%s/workflow/records", gitdir), *cmd = xasprintf("mkdir -p %s", dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = xasprintf("%s/%08zu.json", dir, i + 1), why[200];
		struct wf_record back;
		write_file(p, bad[i].text);
		cr_assert_eq(wf_record_read_why(gitdir, (long)i + 1, &back, why, sizeof(why)), -1, "case %zu", i);
		cr_assert(strstr(why, bad[i].why), "case %zu: %s", i, why);
		free(p);
	}
	free(cmd);
	free(dir);
}
