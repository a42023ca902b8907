/* libconfig 1.5 reads an integer literal without the L suffix as 32 bits
 * and keeps only its low bits, silently: "timeout = 4294967297" would be
 * 1 second.  This scan finds such a literal in the config's text before
 * libconfig parses it, so it is an error with file and line instead. */
#ifndef WF_CONFIG_INTS_H
#define WF_CONFIG_INTS_H

#include <stddef.h>

/* 1 when text holds an integer literal that libconfig would truncate (its
 * line in *line, the literal in tok), 0 when none does.  Strings and
 * comments are skipped; digits inside names are not numbers. */
int wf_config_find_wide_int(const char *text, size_t len, int *line, char *tok, size_t toklen);

#endif
