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
#include "stack.h"
#include "swaps.h"
#include "tri.h"

/* The large folio a page's kflags name (every mTHP page is THP too). */
enum pageinfo_folio {
	PIF_NONE,		/* no kflags, or no large folio */
	PIF_THP,		/* KPF_THP, a tail */
	PIF_THP_HEAD,		/* KPF_THP and COMPOUND_HEAD */
	PIF_HUGETLB,		/* KPF_HUGE */
};

/* The page's state in one word (pageinfo_state_word), from its entry. */
enum pageinfo_state {
	PIS_NO_ENTRY,		/* past the end of pagemap */
	PIS_GUARD,		/* a guard marker (it sets bit 62 too) */
	PIS_PRESENT,
	PIS_SWAPPED,		/* in a swap area, or its frame hidden */
	PIS_SPECIAL,		/* bit 62 without a swap area: migration... */
	PIS_ABSENT,
};

/* Everything known about one page; what --translate prints. */
struct pageinfo {
	uint64_t vaddr;			/* given address for the first page */
	bool have_entry;		/* pagemap had an entry for it */
	struct pm_entry e;
	bool have_phys;
	uint64_t phys;
	const struct vma *vma;		/* NULL: unmapped */
	const struct swap_dev *swapdev;	/* NULL: unknown or not swapped */
	enum tri huge;			/* part of a huge page */
	bool have_kflags;
	uint64_t kflags;
	bool have_mapcount;
	uint64_t mapcount;
	const char *kwhy;		/* why no kflags, or NULL */
	enum pageinfo_folio folio;	/* from kflags (PIF_NONE without) */
	/* in a PAGE_IS_HUGE region of the context (PAGEMAP_SCAN) */
	bool pmd_mapped;
	/* stack marks: a page of the stack view (ctx->stack) only */
	bool is_sp;			/* the stack pointer is in this page */
	bool never_faulted;		/* below SP, no entry at all */
	const char *stack_why;		/* why no stack marks, or NULL */
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
	uint64_t pmd_size;		/* kpage_pmd_size(): a THP's size */
	struct pageinfo_pmd pmd;
	/*
	 * The TUI tells huge blocks from its fold set: no walk of a PMD
	 * block's 512 frames per row (huge stays TRI_UNKNOWN for THP pages).
	 */
	bool no_block_walk;
	/* PAGE_IS_HUGE regions already read (the TUI's window), or none */
	const struct pm_region *huge;
	size_t nhuge;
	/* the stack view the pages belong to; NULL: stack_why says why */
	const struct stack_info *stack;
	const char *stack_why;
};

/* Why kpageflags can't be read, from kpage_open's errno. */
const char *pageinfo_kpage_why(int err);

/*
 * Fill the rest of p from p->vaddr, p->vma, p->have_entry and p->e: the
 * physical address, swap device, kflags and map count (or why not), huge.
 */
void pageinfo_fill(struct pageinfo *p, struct pageinfo_ctx *c);

/*
 * Huge page? TRI_UNKNOWN when it cannot be told. Every page of a large
 * folio has KPF_THP, mTHP (64K...) too: a THP page is huge only when its
 * whole PMD block in the VMA is one folio (kpage_block_kind, the rule the
 * TUI folds by); without kpageflags smaps says "no" or "unknown".
 */
enum tri pageinfo_huge(const struct pageinfo *p, struct pageinfo_ctx *c);

enum pageinfo_state pageinfo_state(const struct pageinfo *p);
/* "present", "swapped", "guard", "migrate", "absent", "no entry"... */
const char *pageinfo_state_word(const struct pageinfo *p);

/* Bit number of a PMF_* flag in the raw pagemap entry (63 for present). */
int pageinfo_flag_bit(uint32_t flag);

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
