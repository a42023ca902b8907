/* Small shared helpers: checked allocation and a growable byte buffer. */
#ifndef WF_UTIL_H
#define WF_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable buffer, always NUL-terminated so it can be used as a string. */
struct sbuf {
	char *buf;
	size_t len, cap;
};
#define SBUF_INIT { NULL, 0, 0 }
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
void sbuf_reset(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);
/* Hand the buffer over to the caller (never NULL). */
char *sbuf_detach(struct sbuf *sb);

/* path with a trailing '/' (as the hooks keep GIT_DIR), malloc'd. */
char *wf_dir_slash(const char *path);

/* 1 when s is exactly 40 lowercase hex digits. */
int wf_is_hex_oid(const char *s);
/* 1 when s is the all-zero object name git uses for "no object". */
int wf_is_zero_oid(const char *s);
/* git's name for "no commit" (SHA-1 repositories, the only ones installed) */
#define WF_ZERO_OID "0000000000000000000000000000000000000000"

/* Read a whole stream (stdin of a hook); returns 0 or -1 on read error. */
int wf_read_all(int fd, struct sbuf *out);

/* Write all of buf (retrying short writes and EINTR); 0 or -1. */
int wf_write_all(int fd, const void *buf, size_t len);

/* ISO-8601 UTC time stamp, e.g. 2026-11-24T10:00:00Z. */
void wf_format_time(long long t, char out[32]);
/* "14d", "12h", "30m" or "90s": seconds, or -1 (a bare number too). */
long long wf_parse_age(const char *s);

#endif
