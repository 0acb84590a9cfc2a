/* vmadiff: how a VMA changed between two reads of maps (appeared, grew, shrank, split, merged). */
#ifndef VMPEEK_VMADIFF_H
#define VMPEEK_VMADIFF_H

#include <stddef.h>
#include <stdint.h>

#include "maps.h"

enum {
	VMD_APPEARED	= 1u << 0,	/* overlaps no VMA of the old read */
	VMD_GREW	= 1u << 1,	/* covers more than its old VMA */
	VMD_SHRANK	= 1u << 2,	/* covers less, alone */
	VMD_SPLIT	= 1u << 3,	/* a piece of an old VMA, others too */
	VMD_MERGED	= 1u << 4,	/* covers several old VMAs */
};

/*
 * How VMA i of cur relates to old (both sorted by start, as maps lists
 * them): 0 when it is the same range as one old VMA. A VMA that both grew
 * and lost a part has both bits.
 */
uint32_t vmadiff_one(const struct vma_list *old, const struct vma_list *cur,
    size_t i);

/* Old VMAs that overlap no VMA of cur: unmapped since. */
size_t vmadiff_gone(const struct vma_list *old, const struct vma_list *cur);

/* A short token for a mark column: "+", ">", "<", "/", "=" (or ""). */
const char *vmadiff_token(uint32_t m);

#endif
