/* vmarows: rows of the VMA pane — VMAs, holes between them, the stack guard gap. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmarows.h"

/* Is there a hole row between VMA i-1 and VMA i (before gap rules)? */
static bool
hole_before(const struct vma_list *l, size_t i)
{
	if (i == 0 || l->v[i].kind == VMA_VSYSCALL)
		return false;
	return l->v[i - 1].end < l->v[i].start;
}

static void
add(struct vmarows *rs, enum vmarow_kind k, uint64_t s, uint64_t e, size_t i)
{
	struct vmarow *r = &rs->r[rs->n++];

	r->kind = k;
	r->start = s;
	r->end = e;
	r->vma = i;
}

/* The rows that go just before VMA i: its hole, the guard gap. */
static void
add_below(struct vmarows *rs, const struct vma_list *l, size_t i,
    bool is_stack, uint64_t gap, bool holes)
{
	const struct vma *v = &l->v[i];
	uint64_t lo = is_stack ? (v->start > gap ? v->start - gap : 0) :
	    v->start;

	if (holes && hole_before(l, i) && l->v[i - 1].end < lo)
		add(rs, VMAROW_HOLE, l->v[i - 1].end, lo, i);
	if (is_stack)
		add(rs, VMAROW_GAP, lo, v->start, i);
}

int
vmarows_build(struct vmarows *rs, const struct vma_list *l, long stack_i,
    uint64_t gap, bool holes)
{
	struct vmarows n = { NULL, 0, NULL, l->n };
	size_t i;

	if (stack_i >= (long)l->n || gap == 0)
		stack_i = -1;
	/* at most a hole and a gap before each VMA, plus the VMA */
	n.r = reallocarray(NULL, 2 * l->n + 2, sizeof(*n.r));
	n.row_of = reallocarray(NULL, l->n + 1, sizeof(*n.row_of));
	if (n.r == NULL || n.row_of == NULL) {
		free(n.r);
		free(n.row_of);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		add_below(&n, l, i, (long)i == stack_i, gap, holes);
		n.row_of[i] = n.n;
		add(&n, VMAROW_VMA, l->v[i].start, l->v[i].end, i);
	}
	*rs = n;
	return 0;
}

void
vmarows_free(struct vmarows *rs)
{
	free(rs->r);
	free(rs->row_of);
	memset(rs, 0, sizeof(*rs));
}

const struct vmarow *
vmarows_get(const struct vmarows *rs, uint64_t i)
{
	return i < rs->n ? &rs->r[i] : NULL;
}

uint64_t
vmarows_row_of(const struct vmarows *rs, size_t vma)
{
	return vma < rs->nvma ? rs->row_of[vma] : 0;
}

bool
vmarows_find(const struct vmarows *rs, uint64_t addr, uint64_t *row)
{
	size_t lo = 0, hi = rs->n;

	/* ends rise with the rows, even past a violated gap */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == rs->n) {
		*row = rs->n ? rs->n - 1 : 0;
		return false;
	}
	*row = lo;
	return rs->r[lo].start <= addr;
}
