/* hugefold: the fold sets of a page list and the discovery of the huge blocks on screen. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hugefold.h"
#include "pagemap_scan.h"

/* ------------------------------------------------------- row maths */

uint64_t
hugefold_rows_of(uint64_t nitems, size_t n, uint64_t blk)
{
	uint64_t hidden = blk > 1 ? (uint64_t)n * (blk - 1) : 0;

	return hidden < nitems ? nitems - hidden : 0;
}

/* Number of entries of a sorted array below x (binary search). */
static size_t
lower_bound(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long
hugefold_find(const uint64_t *coll, size_t n, uint64_t blk, uint64_t item)
{
	size_t k = lower_bound(coll, n, item + 1);

	if (k > 0 && item - coll[k - 1] < blk)
		return (long)(k - 1);
	return -1;
}

uint64_t
hugefold_row_of_item(const uint64_t *coll, size_t n, uint64_t blk,
    uint64_t item)
{
	long f;
	size_t k;

	if (blk <= 1)
		return item;
	if ((f = hugefold_find(coll, n, blk, item)) >= 0)
		return coll[f] - (uint64_t)f * (blk - 1);
	k = lower_bound(coll, n, item);
	return item - (uint64_t)k * (blk - 1);
}

uint64_t
hugefold_item_of_row(const uint64_t *coll, size_t n, uint64_t blk,
    uint64_t row, bool *folded)
{
	size_t lo = 0, hi = n;

	*folded = false;
	if (blk <= 1 || n == 0)
		return row;
	/* Block k's row is coll[k] - k * (blk - 1): strictly increasing. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (coll[mid] - (uint64_t)mid * (blk - 1) <= row)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return row;
	if (coll[lo - 1] - (uint64_t)(lo - 1) * (blk - 1) == row) {
		*folded = true;
		return coll[lo - 1];
	}
	return row + (uint64_t)lo * (blk - 1);
}

/* ------------------------------------------------------- fold sets */

static bool
arr_has(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = lower_bound(a, n, x);

	return lo < n && a[lo] == x;
}

/* Insert (add) or remove x in a sorted array; false if out of room. */
static bool
arr_set(uint64_t **a, size_t *n, size_t *cap, uint64_t x, bool add)
{
	size_t lo = lower_bound(*a, *n, x);

	if (lo < *n && (*a)[lo] == x) {
		if (!add) {
			memmove(*a + lo, *a + lo + 1, (*n - lo - 1) *
			    sizeof(**a));
			(*n)--;
		}
		return true;
	}
	if (!add)
		return true;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		uint64_t *na;

		if (nc > HUGEFOLD_MAX || (na = reallocarray(*a, nc,
		    sizeof(**a))) == NULL)
			return false;
		*a = na;
		*cap = nc;
	}
	memmove(*a + lo + 1, *a + lo, (*n - lo) * sizeof(**a));
	(*a)[lo] = x;
	(*n)++;
	return true;
}

uint64_t
hugefold_rows(const struct hugefold *hf)
{
	return hugefold_rows_of(hf->npages, hf->ncoll, hf->blk);
}

uint64_t
hugefold_item_of(const struct hugefold *hf, uint64_t row, bool *folded)
{
	bool f;

	return hugefold_item_of_row(hf->coll, hf->ncoll, hf->blk, row,
	    folded ? folded : &f);
}

uint64_t
hugefold_row_of(const struct hugefold *hf, uint64_t item)
{
	return hugefold_row_of_item(hf->coll, hf->ncoll, hf->blk, item);
}

uint64_t
hugefold_block_of(const struct hugefold *hf, uint64_t item)
{
	uint64_t b;

	if (hf->blk <= 1 || item < hf->blk_first)
		return UINT64_MAX;
	b = item - (item - hf->blk_first) % hf->blk;
	return b + hf->blk <= hf->npages ? b : UINT64_MAX;
}

bool
hugefold_expanded(const struct hugefold *hf, uint64_t block)
{
	return arr_has(hf->expd, hf->nexpd, block);
}

int
hugefold_set(struct hugefold *hf, uint64_t b, bool fold,
    const struct hugefold_view *v)
{
	uint64_t sel_item = hugefold_item_of(hf, *v->sel, NULL);
	uint64_t top_item = hugefold_item_of(hf, *v->top, NULL);

	if (arr_has(hf->coll, hf->ncoll, b) == fold)
		return 0;
	if (!arr_set(&hf->coll, &hf->ncoll, &hf->ccap, b, fold)) {
		hf->full = true;
		return -1;
	}
	*v->sel = hugefold_row_of(hf, sel_item);
	*v->top = hugefold_row_of(hf, top_item);
	v->set_rows(v->arg, hugefold_rows(hf));
	return 1;
}

int
hugefold_expand(struct hugefold *hf, uint64_t b, const struct hugefold_view *v)
{
	if (!arr_set(&hf->expd, &hf->nexpd, &hf->ecap, b, true))
		return -1;
	hugefold_set(hf, b, false, v);
	return 0;
}

bool
hugefold_collapse(struct hugefold *hf, uint64_t b)
{
	if (b == UINT64_MAX || !arr_has(hf->expd, hf->nexpd, b))
		return false;
	arr_set(&hf->expd, &hf->nexpd, &hf->ecap, b, false);
	hf->win_valid = false;	/* discovery folds it if still huge */
	return true;
}

void
hugefold_setup(struct hugefold *hf, uint64_t start, uint64_t end,
    unsigned int pageshift, uint64_t pmd_size, const struct smaps_vma *sm,
    bool smaps_pending, uint64_t goto_page)
{
	uint64_t ps = 1ULL << pageshift, hb, fb, b;

	hf->start = start;
	hf->end = end;
	hf->pageshift = pageshift;
	hf->pmd_size = pmd_size;
	hf->npages = (end - start) >> pageshift;
	/* only smaps tells hugetlb (and its page size) from THP */
	hf->wait = sm == NULL && smaps_pending;
	hf->kpf = sm == NULL && !hf->wait;
	hf->hugetlb = sm != NULL && smaps_is_hugetlb(sm, ps);
	hb = hf->hugetlb && sm->kernel_page_size > ps ?
	    sm->kernel_page_size : pmd_size;
	hf->blk = hb > ps && hb % ps == 0 && !hf->wait ? hb / ps : 1;
	fb = (start + hb - 1) & ~(hb - 1);
	hf->blk_first = fb >= start && fb < end ? (fb - start) >> pageshift :
	    hf->npages;
	if (hf->blk_first + hf->blk > hf->npages)
		hf->blk = 1;	/* no whole block: nothing to fold */
	/* an address asked for shows its own page, not its THP row */
	if (goto_page != UINT64_MAX &&
	    (b = hugefold_block_of(hf, goto_page)) != UINT64_MAX)
		arr_set(&hf->expd, &hf->nexpd, &hf->ecap, b, true);
}

void
hugefold_free(struct hugefold *hf)
{
	free(hf->coll);
	free(hf->expd);
	hf->coll = hf->expd = NULL;
	hf->ncoll = hf->ccap = hf->nexpd = hf->ecap = 0;
}

void
hugefold_off(struct hugefold *hf)
{
	hugefold_free(hf);
	hf->blk = 1;
	hf->wait = hf->kpf = false;
	hf->win_valid = false;
}

void
hugefold_invalidate(struct hugefold *hf)
{
	hf->win_valid = false;
}

bool
hugefold_in_huge(const struct hugefold *hf, uint64_t vaddr)
{
	for (size_t i = 0; i < hf->nhuge; i++)
		if (vaddr >= hf->huge[i].start && vaddr < hf->huge[i].end)
			return true;
	return false;
}

/* ------------------------------------------------------- discovery */

static uint64_t
vaddr_of(const struct hugefold *hf, uint64_t item)
{
	return hf->start + (item << hf->pageshift);
}

/* Huge-block flags for blocks [b0, b0 + nb * blk) via PAGEMAP_SCAN. */
static bool
huge_by_scan(struct hugefold *hf, struct pm_reader *r, uint64_t b0,
    size_t nb, bool *huge)
{
	uint64_t hb = hf->blk << r->pageshift, base = vaddr_of(hf, b0);
	uint64_t s = base, e = s + nb * hb, we;
	struct pm_region reg[HUGEFOLD_REGIONS];
	ssize_t n;

	if (r->force_pread || r->scan == 0)
		return false;
	hf->nhuge = 0;
	while (s < e) {
		n = pagemap_scan(r, s, e, PAGE_IS_HUGE, reg, HUGEFOLD_REGIONS,
		    &we);
		if (n == -1)
			return r->scan != 0 && hf->nhuge > 0;
		for (ssize_t k = 0; k < n; k++) {
			/* each whole block inside a huge region is huge */
			uint64_t first = (reg[k].start - base + hb - 1) / hb;

			if (hf->nhuge < HUGEFOLD_REGIONS)
				hf->huge[hf->nhuge++] = reg[k];
			for (uint64_t j = first; j < nb; j++) {
				if (base + j * hb + hb > reg[k].end)
					break;
				huge[j] = true;
			}
		}
		if (we <= s || (size_t)n < HUGEFOLD_REGIONS)
			break;
		s = we;
	}
	return true;
}

/* blk present, consecutive PFNs from pfn0 from block b's first page. */
static bool
pfns_consecutive(const struct hugefold *hf, struct pm_reader *r, uint64_t b,
    uint64_t pfn0)
{
	uint64_t raw[512], done = 0;
	struct pm_entry e;

	while (done < hf->blk) {
		size_t n = hf->blk - done > 512 ? 512 :
		    (size_t)(hf->blk - done);

		if (pagemap_read(r, vaddr_of(hf, b + done), n, raw) !=
		    (ssize_t)n)
			return false;
		for (size_t k = 0; k < n; k++) {
			pagemap_decode(raw[k], &r->caps, &e);
			if (!e.pfn_valid || e.pfn != pfn0 + done + k)
				return false;
		}
		done += n;
	}
	return true;
}

/*
 * Without PAGEMAP_SCAN (or without smaps): as root, kpage_block_kind — a
 * THP block is huge only when it is one PMD folio (mTHP pages carry
 * KPF_THP too), a hugetlb page by its head; else blk present, consecutive
 * PFNs starting on a blk-aligned frame in a VMA smaps says holds huge
 * pages.
 */
static bool
huge_by_pfn(struct hugefold *hf, const struct hugefold_src *src, uint64_t b)
{
	struct pm_reader *r = src->pm;
	uint64_t raw, kf;
	struct pm_entry e;
	int kind;

	if (src->kp->flags_fd >= 0 && (!hf->hugetlb || hf->kpf)) {
		kind = kpage_block_kind(src->kp, r, vaddr_of(hf, b),
		    (size_t)hf->blk);
		/* smaps unreadable: a hugetlb folio names the VMA's kind */
		if (kind == KPF_HUGE && hf->kpf)
			hf->hugetlb = true;
		if (kind != -1)
			return kind == KPF_THP ||
			    (kind == KPF_HUGE && hf->hugetlb);
	}
	if (hf->kpf)
		return false;	/* no smaps, no kpageflags: can't tell */
	if (pagemap_read(r, vaddr_of(hf, b), 1, &raw) != 1)
		return false;
	pagemap_decode(raw, &r->caps, &e);
	if (!e.pfn_valid || e.pfn % hf->blk != 0)
		return false;
	if (src->kp->flags_fd >= 0 && hf->hugetlb &&
	    kpage_flags(src->kp, e.pfn, &kf) == 0)
		return (kf & (1ULL << KPF_COMPOUND_HEAD)) &&
		    (kf & (1ULL << KPF_HUGE));
	if (src->sm == NULL || (smaps_thp_bytes(src->sm) == 0 && !hf->hugetlb))
		return false;
	return pfns_consecutive(hf, r, b, e.pfn);
}

/* The pages [*i0, *i1) the view shows; false when it shows none. */
static bool
window(const struct hugefold *hf, const struct hugefold_view *v,
    uint64_t *i0, uint64_t *i1)
{
	uint64_t rows = hugefold_rows(hf), last;
	bool f;

	if (rows == 0)
		return false;
	last = *v->top + (uint64_t)v->height - 1;
	if (last >= rows)
		last = rows - 1;
	*i0 = hugefold_item_of(hf, *v->top, NULL);
	*i1 = hugefold_item_of(hf, last, &f) + (f ? hf->blk : 1);
	return true;
}

/* No folding: the marks still want the window's huge regions. */
static void
scan_regions(struct hugefold *hf, struct pm_reader *r, uint64_t i0,
    uint64_t i1)
{
	uint64_t we;
	ssize_t n;

	if (r->force_pread || r->scan == 0)
		return;
	n = pagemap_scan(r, vaddr_of(hf, i0), i1 >= hf->npages ? hf->end :
	    vaddr_of(hf, i1), PAGE_IS_HUGE, hf->huge, HUGEFOLD_REGIONS, &we);
	hf->nhuge = n > 0 ? (size_t)n : 0;
}

/* One pass over the window [i0, i1): true if a block folded or unfolded. */
static bool
fold_window(struct hugefold *hf, const struct hugefold_src *src,
    const struct hugefold_view *v, uint64_t i0, uint64_t i1)
{
	uint64_t b0, b1, nb;
	bool changed = false, *huge;

	/* whole blocks touching [i0, i1) */
	b0 = i0 < hf->blk_first ? hf->blk_first :
	    i0 - (i0 - hf->blk_first) % hf->blk;
	if (b0 >= i1)
		return false;
	b1 = b0 + ((i1 - b0 + hf->blk - 1) / hf->blk) * hf->blk;
	while (b1 > b0 && b1 > hf->npages)
		b1 -= hf->blk;
	if (b1 <= b0)
		return false;
	nb = (b1 - b0) / hf->blk;
	if ((huge = calloc(nb, sizeof(*huge))) == NULL)
		return false;
	/* PAGE_IS_HUGE can't tell hugetlb from THP: smaps must */
	if (hf->kpf || !huge_by_scan(hf, src->pm, b0, nb, huge))
		for (uint64_t j = 0; j < nb; j++)
			huge[j] = huge_by_pfn(hf, src, b0 + j * hf->blk);
	for (uint64_t j = 0; j < nb; j++) {
		uint64_t b = b0 + j * hf->blk;
		bool want = huge[j] && !hugefold_expanded(hf, b);

		if (hf->full && want)
			continue;
		if (hugefold_set(hf, b, want, v) == 1)
			changed = true;
	}
	free(huge);
	return changed;
}

void
hugefold_discover(struct hugefold *hf, const struct hugefold_src *src,
    const struct hugefold_view *v)
{
	for (int pass = 0; pass < 8; pass++) {
		uint64_t i0, i1;

		if (!window(hf, v, &i0, &i1))
			return;
		if (hf->win_valid && hf->win_first == i0 &&
		    hf->win_n == i1 - i0)
			return;
		hf->win_valid = true;
		hf->win_first = i0;
		hf->win_n = i1 - i0;
		hf->nhuge = 0;
		if (hf->blk <= 1) {
			scan_regions(hf, src->pm, i0, i1);
			return;
		}
		if (!fold_window(hf, src, v, i0, i1))
			return;
	}
}
