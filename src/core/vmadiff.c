/* vmadiff: VMA changes between two reads of /proc/PID/maps, by range overlap. */
#include "config.h"

#include "vmadiff.h"

static int
overlaps(const struct vma *a, const struct vma *b)
{
	return a->start < b->end && b->start < a->end;
}

/* First VMA of l that ends after addr (l sorted by start, disjoint). */
static size_t
first_after(const struct vma_list *l, uint64_t addr)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How many VMAs of l overlap v; the first one in *first. */
static size_t
count_overlaps(const struct vma_list *l, const struct vma *v, size_t *first)
{
	size_t k = first_after(l, v->start), n = 0;

	*first = k;
	for (; k < l->n && l->v[k].start < v->end; k++)
		if (overlaps(&l->v[k], v))
			n++;
	return n;
}

uint32_t
vmadiff_one(const struct vma_list *old, const struct vma_list *cur, size_t i)
{
	const struct vma *n = &cur->v[i], *o;
	size_t k, j, no, nsib;
	uint32_t m = 0;

	no = count_overlaps(old, n, &k);
	if (no == 0)
		return VMD_APPEARED;
	if (no > 1)
		return VMD_MERGED;
	o = &old->v[k];
	if (o->start == n->start && o->end == n->end)
		return 0;
	/* one old VMA: was it cut in pieces (other new VMAs share it)? */
	nsib = count_overlaps(cur, o, &j);
	if (nsib > 1)
		return VMD_SPLIT;
	if (n->start < o->start || n->end > o->end)
		m |= VMD_GREW;
	if (n->start > o->start || n->end < o->end)
		m |= VMD_SHRANK;
	return m;
}

size_t
vmadiff_gone(const struct vma_list *old, const struct vma_list *cur)
{
	size_t i, k, gone = 0;

	for (i = 0; i < old->n; i++)
		if (count_overlaps(cur, &old->v[i], &k) == 0)
			gone++;
	return gone;
}

const char *
vmadiff_token(uint32_t m)
{
	if (m & VMD_APPEARED)
		return "+";
	if (m & VMD_MERGED)
		return "=";
	if (m & VMD_SPLIT)
		return "/";
	if (m & VMD_GREW)
		return ">";
	if (m & VMD_SHRANK)
		return "<";
	return "";
}
