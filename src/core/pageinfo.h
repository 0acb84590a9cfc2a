/* pageinfo: one record per page (entry, frame, kpageflags, swap device, huge, VMA) and what changed between two reads. */
#ifndef VMPEEK_PAGEINFO_H
#define VMPEEK_PAGEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpage.h"
#include "maps.h"
#include "pagemap.h"
#include "smaps.h"

/* Everything known about one page; what --translate prints. */
struct pageinfo {
	uint64_t vaddr;			/* given address for the first page */
	bool have_entry;		/* pagemap had an entry for it */
	struct pm_entry e;
	bool have_phys;
	uint64_t phys;
	const struct vma *vma;		/* NULL: unmapped */
	const struct swap_dev *swapdev;	/* NULL: unknown or not swapped */
	int huge;			/* 1 yes, 0 no, -1 unknown */
	bool have_kflags;
	uint64_t kflags;
	bool have_mapcount;
	uint64_t mapcount;
	const char *kwhy;		/* why no kflags, or NULL */
};

/* The PMD block whose folio was last looked at: a range's pages share it. */
struct pageinfo_pmd {
	uint64_t start;		/* UINT64_MAX: none yet */
	int kind;		/* kpage_block_kind's answer */
};
#define PAGEINFO_PMD_INIT	{ UINT64_MAX, 0 }

/* What the extras of a record come from; any may be missing. */
struct pageinfo_ctx {
	size_t pagesize;
	struct kpage *kp;		/* flags_fd < 0: not readable */
	struct pm_reader *pm;		/* for the folio of a PMD block */
	const struct smaps_list *sm;	/* NULL: no smaps hint */
	const struct swap_dev *sw;	/* /proc/swaps, by type */
	size_t nsw;
	struct pageinfo_pmd pmd;
};

/* Why kpageflags can't be read, from kpage_open's errno. */
const char *pageinfo_kpage_why(int err);

/*
 * Fill the rest of p from p->vaddr, p->vma, p->have_entry and p->e: the
 * physical address, swap device, kflags and map count (or why not), huge.
 */
void pageinfo_fill(struct pageinfo *p, struct pageinfo_ctx *c);

/*
 * Huge page? 1 yes, 0 no, -1 unknown. Every page of a large folio has
 * KPF_THP, mTHP (64K...) too: a THP page is huge only when its whole PMD
 * block in the VMA is one folio (kpage_block_kind, the rule the TUI folds
 * by); without kpageflags smaps says "no" or "unknown".
 */
int pageinfo_huge(const struct pageinfo *p, struct pageinfo_ctx *c);

/* Fields pageinfo_diff compares, named by the --translate JSON keys. */
enum {
	PID_PRESENT	= 1u << 0,
	PID_SWAPPED	= 1u << 1,
	PID_FILE_SHARED	= 1u << 2,
	PID_EXCLUSIVE	= 1u << 3,
	PID_SOFT_DIRTY	= 1u << 4,
	PID_UFFD_WP	= 1u << 5,
	PID_GUARD	= 1u << 6,
	PID_PFN		= 1u << 7,
	PID_SWAP_TYPE	= 1u << 8,
	PID_SWAP_OFFSET	= 1u << 9,
};
#define PID_COUNT	10
/* The flag bits of the mask are the PMF_* bits: PID_PRESENT == PMF_PRESENT. */
#define PID_FLAGS	((1u << PMF_COUNT) - 1)

/*
 * What changed between two reads of the same page: the fields whose
 * --translate JSON value differs (null, unknown or hidden, counts as a
 * value: unknown -> known is a change, hidden both times is not).
 */
uint32_t pageinfo_diff(const struct pageinfo *a, const struct pageinfo *b);

/* The same for two decoded entries (the page pane's rows). */
uint32_t pageinfo_entry_diff(const struct pm_entry *a,
    const struct pm_entry *b);

/* JSON key of bit i of a diff mask ("present", "pfn"...), NULL past the end. */
const char *pageinfo_field_name(unsigned int i);

/* The names in mask joined by sep into buf ("" when none); buf. */
char *pageinfo_diff_names(uint32_t mask, const char *sep, char *buf,
    size_t len);

#endif
