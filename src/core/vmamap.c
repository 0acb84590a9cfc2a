/* vmamap: a minimap of the whole address space, scaled by log2 of sizes so small VMAs stay visible. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmamap.h"

uint64_t
vmamap_weight(uint64_t bytes, unsigned int pageshift)
{
	uint64_t pages = bytes >> pageshift;
	unsigned int lg = 0;

	if (pages == 0)
		pages = 1;
	while ((pages >> lg) > 1)
		lg++;
	/* 16ths: the 4 bits below the top one smooth the steps */
	return 16 * (uint64_t)(lg + 1) + (lg >= 4 ? (pages >> (lg - 4)) & 15 :
	    (pages << (4 - lg)) & 15);
}

/* One segment of the layout: a VMA or the hole below VMA vma. */
struct seg {
	uint64_t start, end, w;
	size_t vma;
	bool hole;
};

static bool
has_hole(const struct vma_list *l, size_t i)
{
	return i > 0 && l->v[i].kind != VMA_VSYSCALL &&
	    l->v[i - 1].end < l->v[i].start;
}

/* Put segment s on lines lo..hi (inclusive, clamped). */
static void
paint(struct vmamap *m, const struct seg *s, uint64_t lo, uint64_t hi)
{
	for (uint64_t L = lo; L <= hi && L < (uint64_t)m->n; L++) {
		struct vmamap_line *ln = &m->line[L];

		if (s->start < ln->start)
			ln->start = s->start;
		if (s->end > ln->end)
			ln->end = s->end;
		if (s->hole)
			continue;
		if (ln->first == VMAMAP_NONE)
			ln->first = s->vma;
		ln->last = s->vma;
	}
}

/*
 * Segment k runs from position a to b in line space. Scaled by den: line
 * L is [L*den, (L+1)*den). A segment of length 0 touches no line.
 */
static void
place(struct vmamap *m, const struct seg *s, uint64_t a, uint64_t b,
    uint64_t den)
{
	if (b <= a)
		return;
	paint(m, s, a / den, (b + den - 1) / den - 1);
}

/* Both passes walk the same segments; fill builds them in order. */
static size_t
segments(const struct vma_list *l, unsigned int ps, struct seg *sg,
    uint64_t *wsum)
{
	size_t n = 0;

	*wsum = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (has_hole(l, i)) {
			struct seg *h = &sg[n++];

			h->start = l->v[i - 1].end;
			h->end = l->v[i].start;
			h->w = vmamap_weight(h->end - h->start, ps) / 2;
			h->vma = i;
			h->hole = true;
			*wsum += h->w;
		}
		sg[n].start = l->v[i].start;
		sg[n].end = l->v[i].end;
		sg[n].w = vmamap_weight(sg[n].end - sg[n].start, ps);
		sg[n].vma = i;
		sg[n].hole = false;
		*wsum += sg[n++].w;
	}
	return n;
}

/*
 * Few VMAs: each has one line, and every segment a share of the lines
 * left (extra) by weight; boundaries are whole lines, nothing shares.
 */
static void
layout_own(struct vmamap *m, const struct seg *sg, size_t n, uint64_t W)
{
	uint64_t extra = (uint64_t)m->n, cum = 0, pos = 0, vmas = 0;

	for (size_t k = 0; k < n; k++)
		if (!sg[k].hole)
			extra--;
	for (size_t k = 0; k < n; k++) {
		uint64_t a = pos;

		cum += sg[k].w;
		if (!sg[k].hole)
			vmas++;
		pos = vmas + extra * cum / W;
		place(m, &sg[k], a, pos, 1);
	}
}

/* Many VMAs: by weight alone; a line shows every segment it touches. */
static void
layout_shared(struct vmamap *m, const struct seg *sg, size_t n, uint64_t W)
{
	uint64_t cum = 0, H = (uint64_t)m->n;

	for (size_t k = 0; k < n; k++) {
		uint64_t a = cum * H;

		cum += sg[k].w;
		place(m, &sg[k], a, cum * H, W);
	}
}

int
vmamap_build(struct vmamap *m, const struct vma_list *l,
    unsigned int pageshift, int nlines)
{
	struct vmamap nm = { NULL, 0 };
	struct seg *sg;
	uint64_t W;
	size_t n;

	if (nlines < 1 || l->n == 0) {
		*m = nm;
		return 0;
	}
	sg = reallocarray(NULL, 2 * l->n, sizeof(*sg));
	nm.line = calloc((size_t)nlines, sizeof(*nm.line));
	if (sg == NULL || nm.line == NULL) {
		free(sg);
		free(nm.line);
		errno = ENOMEM;
		return -1;
	}
	nm.n = nlines;
	for (int L = 0; L < nlines; L++) {
		nm.line[L].start = UINT64_MAX;
		nm.line[L].first = nm.line[L].last = VMAMAP_NONE;
	}
	n = segments(l, pageshift, sg, &W);
	for (size_t k = 0; k < n; k++)
		if (sg[k].w == 0)
			W += ++sg[k].w;		/* a tiny hole: never 0 */
	if (l->n <= (size_t)nlines)
		layout_own(&nm, sg, n, W);
	else
		layout_shared(&nm, sg, n, W);
	free(sg);
	*m = nm;
	return 0;
}

void
vmamap_free(struct vmamap *m)
{
	free(m->line);
	m->line = NULL;
	m->n = 0;
}

bool
vmamap_lines_in(const struct vmamap *m, uint64_t start, uint64_t end,
    int *lo, int *hi)
{
	int a = 0, b = m->n;

	/* lines rise in address: the first that ends after start */
	while (a < b) {
		int mid = a + (b - a) / 2;

		if (m->line[mid].end <= start)
			a = mid + 1;
		else
			b = mid;
	}
	if (a == m->n || m->line[a].start >= end)
		return false;
	*lo = *hi = a;
	while (*hi + 1 < m->n && m->line[*hi + 1].start < end)
		(*hi)++;
	return true;
}
