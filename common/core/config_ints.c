#include "config_ints.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '*';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip a string, a comment or a name starting at text[i]; returns the index
 * after it, or i when none starts there.  Counts newlines into *line. */
static size_t skip_other(const char *t, size_t len, size_t i, int *line)
{
	size_t j = i;

	if (t[i] == '"') {
		for (j = i + 1; j < len && t[j] != '"'; j++) {
			if (t[j] == '\\' && j + 1 < len)
				j++;
			*line += t[j] == '\n';
		}
		return j < len ? j + 1 : len;
	}
	if (t[i] == '#' || (t[i] == '/' && i + 1 < len && t[i + 1] == '/')) {
		while (j < len && t[j] != '\n')
			j++;
		return j;
	}
	if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
		for (j = i + 2; j + 1 < len && !(t[j] == '*' && t[j + 1] == '/'); j++)
			*line += t[j] == '\n';
		return j + 1 < len ? j + 2 : len;
	}
	if ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '*') {
		while (j < len && is_name_char(t[j]))
			j++;
		return j;
	}
	return i;
}

/* The number literal at t[i] (a sign or a digit): its end in *end; 1 when
 * libconfig would read it as a 32-bit integer and it does not fit. */
static int number_too_wide(const char *t, size_t len, size_t i, size_t *end)
{
	size_t j = i + (t[i] == '-' || t[i] == '+');
	int hex = j + 1 < len && t[j] == '0' && (t[j + 1] == 'x' || t[j + 1] == 'X');
	char buf[64];
	long long v;
	char *e;

	if (hex)
		j += 2;
	while (j < len && (is_digit(t[j]) || (hex && strchr("abcdefABCDEF", t[j]))))
		j++;
	*end = j;
	/* a float, or an L-suffixed (64-bit) integer: read whole by libconfig */
	if (j < len && (t[j] == '.' || (!hex && (t[j] == 'e' || t[j] == 'E')) || t[j] == 'L')) {
		while (j < len && (is_digit(t[j]) || strchr(".eE+-L", t[j])))
			j++;
		*end = j;
		return 0;
	}
	if (j - i >= sizeof(buf))
		return 1;
	memcpy(buf, t + i, j - i);
	buf[j - i] = 0;
	errno = 0;
	v = strtoll(buf, &e, 0);
	if (e == buf)
		return 0;
	return errno == ERANGE || v < INT_MIN || v > INT_MAX;
}

int wf_config_find_wide_int(const char *t, size_t len, int *line, char *tok, size_t toklen)
{
	int ln = 1;

	for (size_t i = 0; i < len;) {
		size_t next = skip_other(t, len, i, &ln), end;
		if (next != i) {
			i = next;
			continue;
		}
		if (is_digit(t[i]) || ((t[i] == '-' || t[i] == '+' || t[i] == '.') && i + 1 < len &&
				       is_digit(t[i + 1]))) {
			if (number_too_wide(t, len, i, &end)) {
				*line = ln;
				snprintf(tok, toklen, "%.*s", (int)(end - i > 40 ? 40 : end - i), t + i);
				return 1;
			}
			i = end;
			continue;
		}
		ln += t[i] == '\n';
		i++;
	}
	return 0;
}
