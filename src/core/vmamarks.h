/* vmamarks: change marks of the VMA rows (appeared, grew, shrank, split, merged) across refreshes, fading. */
#ifndef VMPEEK_VMAMARKS_H
#define VMPEEK_VMAMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "vmadiff.h"

/* A mark shows for this many refreshes, then fades (as pagemarks'). */
#define VMAMARKS_FADE	3

struct vmamarks {
	struct vma_list prev;	/* ranges of the last read (paths NULL) */
	bool have_prev;		/* false: the first read marks nothing */
	uint32_t *mask;		/* per VMA of the last read: VMD_* bits */
	uint64_t *at;		/* the refresh its change was seen at */
	uint64_t gen;		/* reads so far */
	size_t gone;		/* VMAs of the read before unmapped since */
};

void vmamarks_free(struct vmamarks *m);

/*
 * Maps were read (again) as cur: mark its VMAs by vmadiff against the
 * previous read; an unchanged VMA keeps its mark, fading. 0, or -1 with
 * ENOMEM (the marks are then forgotten, as for a first read).
 */
int vmamarks_update(struct vmamarks *m, const struct vma_list *cur);

/* VMA i of the last read: its VMD_* bits while they show, else 0. */
uint32_t vmamarks_get(const struct vmamarks *m, size_t i);

/*
 * Index, in the read before the next update, of the VMA with exactly v's
 * range; -1 if none (new or changed).
 */
long vmamarks_prev_same(const struct vmamarks *m, const struct vma *v);

#endif
