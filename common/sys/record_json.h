/* A deploy record as one JSON document (jansson), so that jq reads it:
 * records/NNNNNNNN.json, with each step's output as a gzip file beside the
 * records, workflow/output/<sha256 of the output>.gz, so that zcat reads
 * it (the same output is stored once).
 *
 *   {"format":"wf-record 2","seq":3,"kind":"deploy","status":"ok",
 *    "env":"test","ref":"refs/heads/test","pusher":"alice",
 *    "time":"2026-11-25T10:00:00Z","unix_time":1764064800,
 *    "old":"<oid>","new":"<oid>","tag":"deploy_test_3",
 *    "options":"update","message":"Release 1.2","note":null,
 *    "steps":[{"name":"updatedb","exit_status":0,"timed_out":false,
 *              "duration":1.25,"output_bytes":812,"output":"output/<sha>.gz"}]}
 *
 * Text is kept as pushed: valid UTF-8 as a JSON string; text that is not
 * (pushed bytes can be anything) also as "<field>_base64", so that reading
 * gives back the exact bytes.  Records written before (NNNNNNNN.rec) are
 * still read (record_read.c). */
#ifndef WF_RECORD_JSON_H
#define WF_RECORD_JSON_H

#include <stddef.h>
#include "record.h"

#define WF_RECORD_FORMAT "wf-record 2"

/* The JSON text of r (malloc'd); its steps' outputs written to
 * git_dir/workflow/output first.  NULL with errno when they cannot be. */
char *wf_record_json(const char *git_dir, const struct wf_record *r);
/* Parse a record's JSON text into r.  0, or -1 with why ("empty",
 * "truncated: ...", "line N: ..."). */
int wf_record_parse_json(const char *git_dir, const char *text, size_t len, struct wf_record *r, char *why,
			 size_t whylen);

#endif
