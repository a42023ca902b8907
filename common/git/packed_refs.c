#include "packed_refs.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct packed {
	const char *buf;
	size_t len, start;              /* start: the first record, after the header */
	int sorted;
};

static size_t line_end(const struct packed *p, size_t pos)
{
	const char *nl = memchr(p->buf + pos, '\n', p->len - pos);
	return nl ? (size_t)(nl - p->buf) : p->len;
}

/* The record whose line holds pos: back to its line's start, and a "^"
 * peel line belongs to the record above it. */
static size_t record_at(const struct packed *p, size_t pos)
{
	while (pos > p->start && p->buf[pos - 1] != '\n')
		pos--;
	if (pos > p->start && p->buf[pos] == '^')
		return record_at(p, pos - 1);
	return pos;
}

/* The record after the one at pos, its peel line skipped. */
static size_t record_next(const struct packed *p, size_t pos)
{
	pos = line_end(p, pos) + 1;
	if (pos < p->len && p->buf[pos] == '^')
		pos = line_end(p, pos) + 1;
	return pos < p->len ? pos : p->len;
}

/* The name of the record at pos ("<hex> <name>"), and its length. */
static const char *record_name(const struct packed *p, size_t pos, size_t *len)
{
	size_t end = line_end(p, pos);
	const char *sp = memchr(p->buf + pos, ' ', end - pos);

	if (!sp || p->buf[pos] == '^' || p->buf[pos] == '#') {
		*len = 0;
		return NULL;
	}
	*len = (size_t)(p->buf + end - (sp + 1));
	return sp + 1;
}

/* The name against prefix as strcmp orders them (shorter first). */
static int compare(const char *name, size_t len, const char *prefix, size_t pl)
{
	int c = memcmp(name, prefix, len < pl ? len : pl);
	return c ? c : len < pl ? -1 : len > pl;
}

/* The first record whose name is not below prefix. */
static size_t lower_bound(const struct packed *p, const char *prefix, size_t pl)
{
	size_t lo = p->start, hi = p->len;

	while (lo < hi) {
		size_t mid = record_at(p, lo + (hi - lo) / 2), len;
		const char *name = record_name(p, mid, &len);

		if (!name || compare(name, len, prefix, pl) < 0)
			lo = record_next(p, mid);
		else
			hi = mid;
	}
	return lo;
}

static int scan(const struct packed *p, const char *prefix, wf_packed_fn fn, void *ctx)
{
	size_t pl = strlen(prefix), pos = p->sorted ? lower_bound(p, prefix, pl) : p->start;

	for (; pos < p->len; pos = record_next(p, pos)) {
		size_t len, next = line_end(p, pos) + 1;
		const char *name = record_name(p, pos, &len), *peeled = NULL;
		char hex[65];

		if (!name || len < pl || memcmp(name, prefix, pl)) {
			if (p->sorted && name)
				break;          /* past the range */
			continue;
		}
		if (next < p->len && p->buf[next] == '^') {
			size_t hl = line_end(p, next) - next - 1;
			if (hl == 40 || hl == 64) {
				memcpy(hex, p->buf + next + 1, hl);
				hex[hl] = '\0';
				peeled = hex;
			}
		}
		if (fn(ctx, name, len, peeled) != 0)
			return -1;
	}
	return 0;
}

int wf_packed_refs_each(const char *common_dir, const char *prefix, wf_packed_fn fn, void *ctx)
{
	char *path = xasprintf("%spacked-refs", common_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	struct packed p = { 0 };
	struct stat st;
	void *map;

	free(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || st.st_size < 0) {
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	p.buf = map;
	p.len = (size_t)st.st_size;
	/* "# pack-refs with: peeled fully-peeled sorted \n" */
	if (p.buf[0] == '#') {
		p.start = line_end(&p, 0) + 1 < p.len ? line_end(&p, 0) + 1 : p.len;
		p.sorted = memmem(p.buf, p.start, " sorted ", 8) != NULL;
	}
	rc = scan(&p, prefix, fn, ctx);
	munmap(map, p.len);
	return rc;
}
