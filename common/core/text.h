/* Text as people wrote it (messages, names, commit subjects, step output),
 * written out safely.  The rule, everywhere: valid UTF-8 is kept as it is;
 * what could forge a line or drive a terminal (control characters, C1
 * controls, invalid UTF-8) is escaped, once, where the text is written.
 * In memory text stays as pushed.  The one JSON string escaper is here. */
#ifndef WF_TEXT_H
#define WF_TEXT_H

#include <stddef.h>
#include "util.h"

/* Length of the valid UTF-8 character at p (n bytes available) and its code
 * point; 0 when the bytes there are not valid UTF-8 (stray, overlong,
 * surrogate, > U+10FFFF, cut short). */
size_t wf_utf8_char(const unsigned char *p, size_t n, unsigned *cp);

/* Flags of wf_text_escape. */
#define WF_TEXT_STORE  1u   /* also \ as \\, so wf_unescape gives the bytes back */
#define WF_TEXT_OUTPUT 2u   /* step output: newline and tab kept, colour (SGR) dropped */
#define WF_TEXT_COLOR  4u   /* with WF_TEXT_OUTPUT: colour sequences kept */

/* Append len bytes of s, escaped by the rule above: \n \r \t, \xNN for
 * other control bytes and for each byte of invalid UTF-8.  Without
 * WF_TEXT_OUTPUT the result is one line. */
void wf_text_escape(struct sbuf *sb, const char *s, size_t len, unsigned flags);

/* One printable line, as shown to people (tags, terminals, the CLI). */
void wf_text_line(struct sbuf *sb, const char *s, size_t len);
/* One line that wf_unescape turns back into s (records, journals). */
void wf_text_store(struct sbuf *sb, const char *s, size_t len);
/* Inverse of wf_text_store; also takes the \" of older records.
 * Returns -1 on a malformed escape. */
int wf_unescape(const char *s, struct sbuf *out);

/* How many of s's len bytes to show so that at most max are shown, cut at
 * a character boundary. */
size_t wf_text_cut(const char *s, size_t len, size_t max);

/* JSON string content (no quotes) of len bytes of untrusted text: control
 * characters escaped, invalid UTF-8 replaced by \ufffd, so the result is
 * always valid inside "...". */
void wf_json_content(struct sbuf *sb, const char *s, size_t len);
/* The same with its quotes: a JSON string literal ("" for NULL). */
void wf_json_string(struct sbuf *sb, const char *s, size_t len);

#endif
