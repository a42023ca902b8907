/* See commit_graph.h.  The file format is git's
 * Documentation/gitformat-commit-graph.txt: a header, a chunk table, and the
 * chunks OIDF (fanout), OIDL (sorted object ids), CDAT (per commit: tree,
 * two parent positions, level and date) and EDGE (extra parents of octopus
 * merges).  Every offset and position is checked against the file before it
 * is used; anything unexpected makes the graph decline to answer. */
#include "commit_graph_int.h"
#include "util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARENT_NONE 0x70000000u
#define EXTRA_EDGES 0x80000000u
#define LAST_EDGE 0x80000000u
#define LEVEL_MAX 0x3FFFFFFFu   /* levels at the cap are not exact */
#define MAX_OUTSIDE WF_CGRAPH_MAX_OUTSIDE

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int exists(const char *git_dir, const char *name)
{
	char *p = xasprintf("%s%s", git_dir, name);
	int rc = access(p, F_OK) == 0;
	free(p);
	return rc;
}

/* Check the header and find the chunks; 0 when the graph is usable. */
static int parse(struct wf_cgraph *g)
{
	const unsigned char *p = g->map;
	uint64_t off[4] = { 0, 0, 0, 0 }, len[4] = { 0, 0, 0, 0 };
	const uint32_t ids[4] = { 0x4f494446 /* OIDF */, 0x4f49444c /* OIDL */, 0x43444154 /* CDAT */,
				  0x45444745 /* EDGE */ };
	uint32_t chunks;

	if (g->size < 8 + 12 + HASH_LEN || memcmp(p, "CGPH", 4) || p[4] != 1 || p[5] != 1 || p[7] != 0)
		return -1; /* not version 1, not SHA-1, or part of a split chain */
	chunks = p[6];
	if (8 + (uint64_t)(chunks + 1) * 12 > g->size - HASH_LEN)
		return -1;
	for (uint32_t i = 0; i < chunks; i++) {
		const unsigned char *e = p + 8 + i * 12;
		uint64_t start = be64(e + 4), next = be64(e + 16);
		if (start > next || next > g->size - HASH_LEN)
			return -1;
		for (int k = 0; k < 4; k++)
			if (be32(e) == ids[k]) {
				off[k] = start;
				len[k] = next - start;
			}
	}
	if (!off[0] || !off[1] || !off[2] || len[0] != 256 * 4 || len[1] % HASH_LEN || len[3] % 4 ||
	    len[1] / HASH_LEN > UINT32_MAX || len[2] != len[1] / HASH_LEN * CDAT_LEN)
		return -1;
	g->fanout = p + off[0];
	g->oids = p + off[1];
	g->cdat = p + off[2];
	g->n = (uint32_t)(len[1] / HASH_LEN);
	g->edges = off[3] ? p + off[3] : NULL;
	g->n_edges = (uint32_t)(len[3] / 4);
	if (be32(g->fanout + 255 * 4) != g->n)
		return -1;
	for (int i = 1; i < 256; i++)
		if (be32(g->fanout + i * 4) < be32(g->fanout + (i - 1) * 4))
			return -1;
	return 0;
}

struct wf_cgraph *wf_cgraph_open(git_repository *repo)
{
	const char *git_dir = git_repository_path(repo);
	struct wf_cgraph *g;
	git_config *cfg = NULL;
	struct stat st;
	char *path;
	int fd, enabled = 1;

	/* git itself ignores the graph in these cases, so must we */
	if (git_repository_is_shallow(repo) == 1 || exists(git_dir, "info/grafts"))
		return NULL;
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		if (git_config_get_bool(&enabled, cfg, "core.commitGraph") < 0)
			enabled = 1;
		git_config_free(cfg);
	}
	if (!enabled)
		return NULL;
	path = xasprintf("%sobjects/info/commit-graph", git_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return NULL;
	g = xcalloc(1, sizeof(*g));
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		g->size = (size_t)st.st_size;
		g->map = mmap(NULL, g->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (g->map == MAP_FAILED)
			g->map = NULL;
	}
	close(fd);
	if (!g->map || parse(g) < 0) {
		wf_cgraph_free(g);
		return NULL;
	}
	return g;
}

void wf_cgraph_free(struct wf_cgraph *g)
{
	if (!g)
		return;
	if (g->map)
		munmap((void *)g->map, g->size);
	free(g);
}

int64_t wf_cgraph_find(const struct wf_cgraph *g, const git_oid *id)
{
	const unsigned char *raw = id->id;
	uint32_t lo = raw[0] ? be32(g->fanout + (raw[0] - 1) * 4) : 0, hi = be32(g->fanout + raw[0] * 4);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(g->oids + (size_t)mid * HASH_LEN, raw, HASH_LEN);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static uint32_t level(const struct wf_cgraph *g, uint32_t pos)
{
	return be32(g->cdat + (size_t)pos * CDAT_LEN + HASH_LEN + 8) >> 2;
}

/* The walk: graph positions in a bitmap, commits outside the graph in a
 * small list (there are few: those pushed since the graph was written). */
struct walk {
	const struct wf_cgraph *g;
	uint32_t anc, anc_level;
	unsigned char *seen;
	uint32_t *stack;
	size_t n_stack, cap_stack;
	git_oid *outside;               /* to visit, and visited */
	size_t n_outside, next_outside;
};

static void push_pos(struct walk *w, uint32_t pos)
{
	if (w->seen[pos / 8] & (1u << (pos % 8)))
		return;
	w->seen[pos / 8] |= 1u << (pos % 8);
	if (w->n_stack == w->cap_stack) {
		w->cap_stack = w->cap_stack ? 2 * w->cap_stack : 1024;
		w->stack = xrealloc(w->stack, w->cap_stack * sizeof(*w->stack));
	}
	w->stack[w->n_stack++] = pos;
}

int wf_cgraph_outside_add(git_oid **ids, size_t *n, const git_oid *id)
{
	for (size_t i = 0; i < *n; i++)
		if (git_oid_equal(&(*ids)[i], id))
			return 0;
	if (*n == MAX_OUTSIDE)
		return -1;
	if ((*n & (*n - 1)) == 0)
		*ids = xrealloc(*ids, (*n ? 2 * *n : 16) * sizeof(**ids));
	git_oid_cpy(&(*ids)[(*n)++], id);
	return 1;
}

/* 0 queued (or already seen), -1 too many commits outside the graph */
static int push_outside(struct walk *w, const git_oid *id)
{
	return wf_cgraph_outside_add(&w->outside, &w->n_outside, id) < 0 ? -1 : 0;
}

/* 1 found anc, 0 queued, -1 cannot tell */
static int visit_oid(struct walk *w, const git_oid *id)
{
	int64_t pos = wf_cgraph_find(w->g, id);
	if (pos < 0)
		return push_outside(w, id);
	if ((uint32_t)pos == w->anc)
		return 1;
	push_pos(w, (uint32_t)pos);
	return 0;
}

int wf_cgraph_each_parent(const struct wf_cgraph *g, uint32_t pos, int (*fn)(void *ctx, uint32_t parent),
			  void *ctx)
{
	const unsigned char *c = g->cdat + (size_t)pos * CDAT_LEN + HASH_LEN;
	uint32_t p[2] = { be32(c), be32(c + 4) };
	int rc;

	for (int i = 0; i < 2; i++) {
		if (p[i] == PARENT_NONE)
			continue;
		if (i == 1 && (p[i] & EXTRA_EDGES)) {
			/* an octopus: parents 2.. are listed in EDGE */
			for (uint32_t e = p[i] & ~EXTRA_EDGES;; e++) {
				uint32_t v;
				if (!g->edges || e >= g->n_edges)
					return -1;
				v = be32(g->edges + (size_t)e * 4);
				if ((v & ~LAST_EDGE) >= g->n)
					return -1;
				if ((rc = fn(ctx, v & ~LAST_EDGE)) != 0)
					return rc;
				if (v & LAST_EDGE)
					break;
			}
			continue;
		}
		if (p[i] >= g->n)
			return -1;
		if ((rc = fn(ctx, p[i])) != 0)
			return rc;
	}
	return 0;
}

/* A parent of the ancestry walk: 1 it is anc, else onto the stack, 0. */
static int visit_parent(void *ctx, uint32_t pos)
{
	struct walk *w = ctx;
	if (pos == w->anc)
		return 1;
	push_pos(w, pos);
	return 0;
}

int wf_cgraph_has(struct wf_cgraph *g, const git_oid *id)
{
	int64_t pos = wf_cgraph_find(g, id);
	uint32_t l = pos < 0 ? 0 : level(g, (uint32_t)pos);
	return l != 0 && l < LEVEL_MAX;
}

int wf_cgraph_is_ancestor(struct wf_cgraph *g, git_repository *repo, const git_oid *anc,
			  const git_oid *desc)
{
	struct walk w;
	int64_t a;
	int rc = 0;

	if (git_oid_equal(anc, desc))
		return 1;
	a = wf_cgraph_find(g, anc);
	if (a < 0)
		return -1;
	memset(&w, 0, sizeof(w));
	w.g = g;
	w.anc = (uint32_t)a;
	w.anc_level = level(g, w.anc);
	/* level 0: written without generation numbers; at the cap: inexact */
	if (w.anc_level == 0 || w.anc_level >= LEVEL_MAX)
		return -1;
	w.seen = xcalloc((size_t)g->n / 8 + 1, 1);
	rc = visit_oid(&w, desc);
	while (rc == 0) {
		if (w.next_outside < w.n_outside) {
			/* a commit newer than the graph: its parents from libgit2 */
			git_commit *c = NULL;
			git_oid id;
			git_oid_cpy(&id, &w.outside[w.next_outside++]);
			if (git_commit_lookup(&c, repo, &id) < 0) {
				rc = -1;
				break;
			}
			for (unsigned int i = 0; rc == 0 && i < git_commit_parentcount(c); i++)
				rc = visit_oid(&w, git_commit_parent_id(c, i));
			git_commit_free(c);
		} else if (w.n_stack) {
			uint32_t pos = w.stack[--w.n_stack];
			/* a level not above the ancestor's cannot reach it */
			if (level(g, pos) > w.anc_level)
				rc = wf_cgraph_each_parent(g, pos, visit_parent, &w);
		} else {
			break; /* everything that could reach anc was walked */
		}
	}
	free(w.seen);
	free(w.stack);
	free(w.outside);
	return rc;
}
