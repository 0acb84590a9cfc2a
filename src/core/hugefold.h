/* hugefold: which huge pages of a VMA's page list show as one row, which the user expanded, and how they are found. */
#ifndef VMPEEK_HUGEFOLD_H
#define VMPEEK_HUGEFOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpage.h"
#include "pagemap.h"
#include "smaps.h"

/*
 * Huge pages as one row. A huge block is a whole, aligned run of blk pages
 * (a 2 MB PMD-mapped THP, or one hugetlb page) inside the VMA. Nothing
 * scans the VMA for them: each time the window on screen changes, the
 * blocks it shows are checked (PAGEMAP_SCAN PAGE_IS_HUGE; without it, as
 * root, kpage_block_kind: one folio, the rule --translate's "huge" uses;
 * else blk consecutive, aligned PFNs in a VMA smaps says holds THP) and
 * folded. The row count is pages - folded * (blk - 1), so it shrinks as
 * huge blocks come on screen; rows above the screen never move. An
 * expanded block (+) stays expanded until collapsed (-).
 */
#define HUGEFOLD_MAX	(1u << 16)	/* folded blocks remembered */
#define HUGEFOLD_REGIONS 64		/* PAGE_IS_HUGE regions kept */

struct hugefold {
	uint64_t start, end;		/* the VMA, page aligned */
	uint64_t npages;
	unsigned int pageshift;
	uint64_t pmd_size;		/* a THP block, bytes (as set up) */
	uint64_t blk;			/* pages per block (1: no folding) */
	uint64_t blk_first;		/* first page of the first block */
	bool hugetlb;			/* the VMA is hugetlbfs */
	/*
	 * Until smaps says whether the VMA is hugetlb (and its page size),
	 * nothing folds (wait): a hugetlb page folded before it came would
	 * be a "2M THP". smaps unreadable: only blocks that kpageflags shows
	 * to be one folio fold, by its kind (kpf).
	 */
	bool wait;
	bool kpf;
	uint64_t *coll;			/* folded blocks' first pages, sorted */
	size_t ncoll, ccap;
	uint64_t *expd;			/* blocks expanded with +, sorted */
	size_t nexpd, ecap;
	bool full;			/* coll is full: no more folding */
	/* PAGE_IS_HUGE regions of the window last checked, by address */
	struct pm_region huge[HUGEFOLD_REGIONS];
	size_t nhuge;
	uint64_t win_first;		/* the window they were read for */
	uint64_t win_n;
	bool win_valid;
};

/* What discovery reads: the target's pagemap, kpageflags, smaps. */
struct hugefold_src {
	struct pm_reader *pm;
	struct kpage *kp;		/* flags_fd < 0: not readable */
	const struct smaps_vma *sm;	/* NULL: not read (or unreadable) */
};

/*
 * The list view the blocks fold in: rows sel and top keep showing the
 * same page when a block folds or unfolds; set_rows then gives the view
 * its new row count (and lets it clamp sel and top).
 */
struct hugefold_view {
	uint64_t *sel, *top;
	int height;
	void (*set_rows)(void *arg, uint64_t nrows);
	void *arg;
};

/*
 * Set up (again) the block geometry of the VMA [start, end) from its smaps
 * (NULL: none; smaps_pending: it may still come, so fold nothing yet);
 * a THP block is pmd_size bytes (kpage_pmd_size).
 * The fold sets are kept; zero hf before the first call. A page asked
 * for (goto_page, UINT64_MAX: none) shows as its own row: its block is
 * marked expanded.
 */
void hugefold_setup(struct hugefold *hf, uint64_t start, uint64_t end,
    unsigned int pageshift, uint64_t pmd_size, const struct smaps_vma *sm,
    bool smaps_pending, uint64_t goto_page);
/* Forget every fold and stop folding (blk 1) until set up again. */
void hugefold_off(struct hugefold *hf);
void hugefold_free(struct hugefold *hf);
/* The window must be checked again (a refresh, a collapsed block). */
void hugefold_invalidate(struct hugefold *hf);

/* Rows of the list: pages - folded * (blk - 1). */
uint64_t hugefold_rows(const struct hugefold *hf);
/* First page of row; *folded: the row is a folded block (may be NULL). */
uint64_t hugefold_item_of(const struct hugefold *hf, uint64_t row,
    bool *folded);
/* Row showing page (a folded block's row for any page inside it). */
uint64_t hugefold_row_of(const struct hugefold *hf, uint64_t item);
/* First page of the whole huge block holding item, or UINT64_MAX. */
uint64_t hugefold_block_of(const struct hugefold *hf, uint64_t item);
bool hugefold_expanded(const struct hugefold *hf, uint64_t block);

/* Fold (or unfold) block b in view v. 1 changed, 0 already so, -1 full. */
int hugefold_set(struct hugefold *hf, uint64_t b, bool fold,
    const struct hugefold_view *v);
/* +: expand folded block b (it stays expanded). 0, or -1 out of room. */
int hugefold_expand(struct hugefold *hf, uint64_t b,
    const struct hugefold_view *v);
/* -: block b may fold again at the next discovery. false: not expanded. */
bool hugefold_collapse(struct hugefold *hf, uint64_t b);

/*
 * Fold the huge blocks of the window v shows (and unfold blocks that
 * stopped being huge). Folding changes what the window shows, so this
 * repeats until it is stable; each pass reads a screenful. Without
 * folding (blk 1) it still reads the window's PAGE_IS_HUGE regions.
 */
void hugefold_discover(struct hugefold *hf, const struct hugefold_src *src,
    const struct hugefold_view *v);

/* Is vaddr in a PAGE_IS_HUGE region of the window last checked? */
bool hugefold_in_huge(const struct hugefold *hf, uint64_t vaddr);

/*
 * The fold row maths on their own: coll[0..n) holds the first item of
 * each folded block of blk items, sorted, blocks not overlapping.
 */
uint64_t hugefold_rows_of(uint64_t nitems, size_t n, uint64_t blk);
uint64_t hugefold_row_of_item(const uint64_t *coll, size_t n, uint64_t blk,
    uint64_t item);
uint64_t hugefold_item_of_row(const uint64_t *coll, size_t n, uint64_t blk,
    uint64_t row, bool *folded);
/* Index in coll of the block holding item, or -1. */
long hugefold_find(const uint64_t *coll, size_t n, uint64_t blk,
    uint64_t item);

#endif
