#include "spool.h"
#include "digest.h"
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

char *wf_spool_root(const char *git_dir)
{
	size_t n = strlen(git_dir);
	return xasprintf("%s%sworkflow/spool", git_dir, n && git_dir[n - 1] == '/' ? "" : "/");
}

char *wf_spool_dir(const char *git_dir, const char *url)
{
	unsigned char h[WF_SHA256_LEN];
	char hex[2 * WF_SHA256_LEN + 1];
	char *root = wf_spool_root(git_dir), *dir;

	wf_sha256(url, strlen(url), h);
	wf_hex(h, 8, hex);
	dir = xasprintf("%s/%s", root, hex);
	free(root);
	return dir;
}

char *wf_url_redacted(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, "/?#");
	const char *at = NULL;
	struct sbuf sb = SBUF_INIT;

	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	sbuf_add(&sb, url, (size_t)(host - url));
	if (at)
		host = at + 1;
	sbuf_add(&sb, host, strcspn(host, "?#"));
	return sbuf_detach(&sb);
}

/* Replace dir/name with data, atomically and durably. */
static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = wf_write_file_atomic(path, data, len, 1);
	free(path);
	return rc;
}

static char *read_small(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (wf_read_all(fd, &sb) < 0) {
		close(fd);
		sbuf_free(&sb);
		return NULL;
	}
	close(fd);
	if (len)
		*len = sb.len;
	return sbuf_detach(&sb);
}

static int lock_file(const char *dir, const char *name, int how)
{
	char *p = xasprintf("%s/%s", dir, name);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	free(p);
	if (fd < 0)
		return -1;
	while (flock(fd, how) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		return -1;
	}
	return fd;
}

int wf_spool_lock_deliver(const char *dir)
{
	return lock_file(dir, ".deliver", LOCK_EX | LOCK_NB);
}

void wf_spool_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* A delivery id unique across repositories and retries of other events:
 * 128 random bits. */
static void delivery_id(char out[33])
{
	unsigned char r[16];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	if (got < sizeof(r)) {
		/* no entropy source: time and pid still make it unique here */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf((char *)r, sizeof(r), "%lx%lx", (long)ts.tv_nsec ^ (long)getpid(), (long)ts.tv_sec);
	}
	wf_hex(r, sizeof(r), out);
}

static char *event_name(long seq)
{
	return xasprintf("%012ld.event", seq);
}

int wf_spool_add(const char *dir, const char *url, const char *event, const char *body, size_t len,
		 long *seq_out)
{
	struct sbuf sb = SBUF_INIT;
	char id[33], *next, *name, num[32];
	long seq = 1;
	int fd, rc = -1, e;

	if (wf_mkdir_p(dir, 0775) < 0)
		return -1;
	fd = lock_file(dir, ".lock", LOCK_EX);
	if (fd < 0)
		return -1;
	{
		char *p = xasprintf("%s/url", dir);
		if (access(p, F_OK) < 0) {
			char *r = wf_url_redacted(url);
			sbuf_addf(&sb, "%s\n", r);
			write_file(dir, "url", sb.buf, sb.len);
			sbuf_reset(&sb);
			free(r);
		}
		free(p);
	}
	{
		char *p = xasprintf("%s/next", dir);
		next = read_small(p, NULL);
		free(p);
	}
	if (next) {
		char *end;
		long v = strtol(next, &end, 10);
		if (v > 0 && (*end == '\n' || *end == '\0'))
			seq = v;
		free(next);
	}
	/* never reuse a number a pending event has (a lost "next" file) */
	{
		long *seqs = NULL;
		size_t n = 0;
		if (wf_spool_list(dir, &seqs, &n) == 0 && n && seqs[n - 1] >= seq)
			seq = seqs[n - 1] + 1;
		free(seqs);
	}
	delivery_id(id);
	/* the length lets a reader tell a torn event from a whole one */
	sbuf_addf(&sb, "event: %s\ndelivery: %s\nlength: %zu\n\n", event, id, len);
	sbuf_add(&sb, body, len);
	name = event_name(seq);
	/* the event first, then the counter: a kill between them is repaired
	 * by the check above */
	if (write_file(dir, name, sb.buf, sb.len) == 0) {
		snprintf(num, sizeof(num), "%ld\n", seq + 1);
		write_file(dir, "next", num, strlen(num));
		if (seq_out)
			*seq_out = seq;
		rc = 0;
	}
	e = errno;
	free(name);
	sbuf_free(&sb);
	close(fd);
	errno = e;
	return rc;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

int wf_spool_list(const char *dir, long **seqs, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*seqs = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char *end;
		long v;
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		v = strtol(de->d_name, &end, 10);
		if (v <= 0 || strcmp(end, ".event"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*seqs = xrealloc(*seqs, cap * sizeof(**seqs));
		}
		(*seqs)[(*n)++] = v;
	}
	closedir(d);
	if (*n)
		qsort(*seqs, *n, sizeof(**seqs), cmp_long);
	return 0;
}

/* Is the body whole?  Its "length:" line says how long it is; an event from
 * before that line was written ends in a newline, as every body does. */
static int body_whole(const char *p, const char *sep, const char *body, size_t body_len)
{
	char *end;
	unsigned long long want;

	if (p > sep)
		return p == sep + 1 && body_len && body[body_len - 1] == '\n';
	if (strncmp(p, "length: ", 8) || p[8] < '0' || p[8] > '9')
		return 0;
	want = strtoull(p + 8, &end, 10);
	return end == sep && want == body_len;
}

int wf_spool_read(const char *dir, long seq, struct wf_spooled *e)
{
	char *name = event_name(seq), *path = xasprintf("%s/%s", dir, name), *text, *p, *sep;
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	free(name);
	text = read_small(path, &len);
	if (!text) {
		int gone = errno == ENOENT;
		free(path);
		return gone ? 1 : -1;
	}
	free(path);
	sep = strstr(text, "\n\n");
	if (strncmp(text, "event: ", 7) || !sep)
		goto bad;
	p = text + 7;
	e->event = xstrndup(p, strcspn(p, "\n"));
	p += strcspn(p, "\n") + 1;
	if (strncmp(p, "delivery: ", 10))
		goto bad;
	p += 10;
	e->delivery = xstrndup(p, strcspn(p, "\n"));
	p += strcspn(p, "\n") + 1;
	e->body_len = len - (size_t)(sep + 2 - text);
	if (!*e->event || !*e->delivery || !body_whole(p, sep, sep + 2, e->body_len))
		goto bad;
	e->body = xmalloc(e->body_len + 1);
	memcpy(e->body, sep + 2, e->body_len);
	e->body[e->body_len] = '\0';
	free(text);
	return 0;
bad:
	free(text);
	wf_spooled_free(e);
	return -1;
}

void wf_spooled_free(struct wf_spooled *e)
{
	free(e->event);
	free(e->delivery);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

int wf_spool_remove(const char *dir, long seq)
{
	char *name = event_name(seq), *path = xasprintf("%s/%s", dir, name);
	int rc = unlink(path);
	if (rc == 0)
		wf_fsync_dir(dir);
	free(name);
	free(path);
	return rc;
}

int wf_spool_set_aside(const char *dir, long seq)
{
	char *name = event_name(seq), *from = xasprintf("%s/%s", dir, name);
	char *aside = xasprintf("%s/dropped", dir), *to = xasprintf("%s/%s", aside, name);
	int rc = -1;

	if (mkdir(aside, 0775) < 0 && errno != EEXIST)
		goto out;
	/* link, not rename: an event set aside earlier under the same number
	 * (a spool whose counter was lost) is never overwritten */
	for (int i = 1; link(from, to) < 0; i++) {
		if (errno != EEXIST || i > 1000)
			goto out;
		free(to);
		to = xasprintf("%s/%s.%d", aside, name, i);
	}
	if (unlink(from) < 0)
		goto out;
	wf_fsync_dir(aside);
	wf_fsync_dir(dir);
	rc = 0;
out:
	free(name);
	free(from);
	free(aside);
	free(to);
	return rc;
}

