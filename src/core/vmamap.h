/* vmamap: the whole address space on a few screen lines — every VMA a band, holes squeezed (log scale). */
#ifndef VMPEEK_VMAMAP_H
#define VMPEEK_VMAMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"

#define VMAMAP_NONE	SIZE_MAX

/* One screen line of the map. */
struct vmamap_line {
	uint64_t start, end;	/* the addresses it stands for */
	size_t first, last;	/* the VMAs on it, first..last; first is
				   VMAMAP_NONE on a line of hole only */
};

struct vmamap {
	struct vmamap_line *line;
	int n;
};

/*
 * Weight of a range of bytes on the map: log2 of its pages, in 16ths
 * (a 64 TiB VMA weighs 35 pages' worth, a 4 KiB one 1). Never 0.
 */
uint64_t vmamap_weight(uint64_t bytes, unsigned int pageshift);

/*
 * Lay l out on nlines lines, in address order. Each VMA, and each hole
 * between two mappings (at half weight; none before [vsyscall]), gets a
 * share of the lines by weight. With no more VMAs than lines, every VMA
 * has a line or more of its own and holes share what is left; with more,
 * neighbours share lines. O(VMAs + lines), whatever the sizes. *m is
 * replaced (vmamap_free an old one first, or zero it); -1 with ENOMEM.
 */
int vmamap_build(struct vmamap *m, const struct vma_list *l,
    unsigned int pageshift, int nlines);
void vmamap_free(struct vmamap *m);

/*
 * Lines that show some of [start, end): *lo..*hi; false if none (a hole
 * too small for a line of its own).
 */
bool vmamap_lines_in(const struct vmamap *m, uint64_t start, uint64_t end,
    int *lo, int *hi);

#endif
