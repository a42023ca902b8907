/* HTML text for the dashboard (dashboard.h).  Pushed text (commit
 * messages, push options, ref names, step output) goes through here, once,
 * where it is written into a page: first the rule of text.h (valid UTF-8
 * kept, control bytes and invalid UTF-8 shown as \xNN), then the five
 * characters HTML gives a meaning to as entities, so it always shows as
 * text, in an element or in a quoted attribute. */
#ifndef WF_HTML_H
#define WF_HTML_H

#include <stddef.h>
#include "util.h"

/* Append len bytes of s, escaped.  flags as wf_text_escape's:
 * WF_TEXT_OUTPUT keeps newlines and tabs (for <pre>) and drops colour;
 * without it the result is one line.  s may be NULL (nothing added). */
void wf_html_escape(struct sbuf *sb, const char *s, size_t len, unsigned flags);

/* A NUL-terminated field as one escaped line, at most max bytes of it (cut
 * at a character boundary, with "..." after); NULL adds dflt (escaped). */
void wf_html_line(struct sbuf *sb, const char *s, size_t max, const char *dflt);

/* A page that is about to be written whole: the doctype, <head> with the
 * title (escaped) and the style sheet, and <body>; wf_html_end closes it. */
void wf_html_begin(struct sbuf *sb, const char *title, const char *css);
void wf_html_end(struct sbuf *sb);

#endif
