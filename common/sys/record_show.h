/* Deploy records for people and scripts: git-workflow log and show. */
#ifndef WF_RECORD_SHOW_H
#define WF_RECORD_SHOW_H

#include <stdio.h>

/* The deploy history, newest first (only env's when env is set), as text
 * or a JSON array.  Returns 0, or 1 when a record could not be read (each
 * such record is named, with what is wrong with it). */
int wf_record_log(const char *git_dir, const char *env, int json, FILE *out, FILE *err);

/* One record, named by number or deploy tag, with its steps' output.
 * color keeps the output's colour sequences.  Returns 0, or 1 (said why). */
int wf_record_show(const char *git_dir, const char *what, int json, int color, FILE *out, FILE *err);

#endif
