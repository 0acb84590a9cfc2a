/* vmarows: the VMA pane's row model — which row is a VMA, a hole between mappings, the stack guard gap. */
#ifndef VMPEEK_VMAROWS_H
#define VMPEEK_VMAROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"

enum vmarow_kind {
	VMAROW_VMA,	/* a mapping */
	VMAROW_HOLE,	/* unmapped space between two mappings */
	VMAROW_GAP,	/* stack_guard_gap below [stack] */
};

struct vmarow {
	uint64_t start, end;	/* the row's range (a violated gap may
				   overlap the VMA below it) */
	size_t vma;		/* VMA: its index; hole, gap: the VMA just
				   above it (the next higher address) */
	enum vmarow_kind kind;
};

struct vmarows {
	struct vmarow *r;
	size_t n;
	size_t *row_of;		/* VMA index -> its row */
	size_t nvma;
};

/*
 * Rows of l in address order. With holes, a hole row for each gap between
 * two mappings (none below the first VMA, none before [vsyscall]: that is
 * above user space). With stack_i >= 0 and gap > 0, the guard-gap row sits
 * just below [stack]; the hole under it then stops where the gap starts
 * (no row when the gap covers it all). On success *rs is replaced (call
 * vmarows_free on an old one first, or zero it); -1 with ENOMEM.
 */
int vmarows_build(struct vmarows *rs, const struct vma_list *l, long stack_i,
    uint64_t gap, bool holes);
void vmarows_free(struct vmarows *rs);

/* Row i, or NULL past the last. */
const struct vmarow *vmarows_get(const struct vmarows *rs, uint64_t i);

/* The row of VMA vma (0 if out of range). */
uint64_t vmarows_row_of(const struct vmarows *rs, size_t vma);

/*
 * The row holding addr: true when one does. False when addr is in no row
 * (a hidden hole, below the first VMA or past the last); *row is then the
 * next row above addr, or the last row.
 */
bool vmarows_find(const struct vmarows *rs, uint64_t addr, uint64_t *row);

#endif
