/* pane_pages: one row per page of a VMA, read lazily through pagewin; stack view, minimap, folded huge pages. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "kpage.h"
#include "maps.h"
#include "pagemap_scan.h"
#include "panes.h"

#define WIN_CAP		1024		/* entries kept: a few screens */
#define SEARCH_MAX	(1u << 18)	/* rows a text search reads per key */
#define REREAD_MS	1000		/* screen rows are re-read this often */
#define MARKS_CAP	1024		/* pages whose last read is kept */
#define FOLD_MAX	(1u << 16)	/* folded huge blocks remembered */
#define SCAN_REGIONS	64

/*
 * Huge pages as one row. A huge block is a whole, aligned run of blk
 * pages (a 2 MB PMD-mapped THP, or one hugetlb page) inside the VMA. The
 * pane never scans the VMA for them: each time the window on screen
 * changes, the blocks it shows are checked (PAGEMAP_SCAN PAGE_IS_HUGE;
 * without it, kpageflags of the head as root; else 512 consecutive,
 * aligned PFNs in a VMA smaps says holds THP) and folded. The row count
 * is pages - folded * (blk - 1), so it shrinks as huge blocks come on
 * screen; rows above the screen never move. + expands a block (it stays
 * expanded), - folds it again.
 */

enum {
	COL_ADDR, COL_PFN, COL_PHYS, COL_FLAGS, COL_STATE, COL_MARKS, NCOLS
};
/* Narrow screens keep the PFN (the point of the pane) over STATE. */
static const int col_prio[NCOLS] = { 0, 1, 3, 0, 2, 4 };

/* Each decoded flag, the pagemap bit it comes from, and its colour. */
static const struct {
	uint32_t flag;
	int bit;
	enum ui_color color;
} flag_tab[PMF_COUNT] = {
	{ PMF_PRESENT, 63, UC_PRESENT },
	{ PMF_SWAPPED, 62, UC_SWAPPED },
	{ PMF_FILE_SHARED, 61, UC_FSHARED },
	{ PMF_EXCLUSIVE, 56, UC_EXCL },
	{ PMF_SOFT_DIRTY, 55, UC_SDIRTY },
	{ PMF_UFFD_WP, 57, UC_UFFD },
	{ PMF_GUARD, 58, UC_GUARDPG },
};

static int
hex_digits(uint64_t v)
{
	int n = 1;

	while (v >>= 4)
		n++;
	return n;
}

static int
addr_w(const struct ui *ui)
{
	int d = hex_digits(ui->pages.cur.end - 1);

	return d < 12 ? 12 : d;
}

/* pages_state keeps rows; pagewin and the stack view think in pages. */
static uint64_t
item_of(const struct pages_state *ps, uint64_t row, bool *folded)
{
	bool f;

	return pane_fold_item_of(ps->coll, ps->ncoll, ps->blk, row,
	    folded ? folded : &f);
}

static uint64_t
row_of(const struct pages_state *ps, uint64_t item)
{
	return pane_fold_row_of(ps->coll, ps->ncoll, ps->blk, item);
}

/* First page of the whole huge block holding item, or UINT64_MAX. */
static uint64_t
block_of(const struct pages_state *ps, uint64_t item)
{
	uint64_t b;

	if (ps->blk <= 1 || item < ps->blk_first)
		return UINT64_MAX;
	b = item - (item - ps->blk_first) % ps->blk;
	return b + ps->blk <= ps->w.npages ? b : UINT64_MAX;
}

static bool
arr_has(const uint64_t *a, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == x;
}

/* Insert (add) or remove x in a sorted array; false if out of room. */
static bool
arr_set(uint64_t **a, size_t *n, size_t *cap, uint64_t x, bool add)
{
	size_t lo = 0, hi = *n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((*a)[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
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

		if (nc > FOLD_MAX || (na = reallocarray(*a, nc,
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

/* Fold (or unfold) block b; the selection and the top row keep their page. */
static bool
fold_set(struct pages_state *ps, uint64_t b, bool fold)
{
	uint64_t sel_item = item_of(ps, ps->v.sel, NULL);
	uint64_t top_item = item_of(ps, ps->v.top, NULL);
	bool ok;

	if (arr_has(ps->coll, ps->ncoll, b) == fold)
		return false;
	ok = arr_set(&ps->coll, &ps->ncoll, &ps->ccap, b, fold);
	if (!ok) {
		ps->fold_full = true;
		return false;
	}
	ps->v.nrows = pane_fold_rows(ps->w.npages, ps->ncoll, ps->blk);
	ps->v.sel = row_of(ps, sel_item);
	ps->v.top = row_of(ps, top_item);
	pane_set_rows(&ps->v, ps->v.nrows);
	return true;
}

static void
fold_init(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	const struct smaps_vma *sm = vmas_smaps(ui, ps->vma);
	uint64_t hb, ps_ = ui->t.pm.pagesize, fb, b;
	int st = ui->vmas.smaps_state;

	/*
	 * Only smaps says whether the VMA is hugetlb and its page size:
	 * a hugetlb page folded before it came would be a "2M THP". Fold
	 * nothing until it comes (tick reads it on); when it cannot come,
	 * fold only what kpageflags shows to be one folio, by its kind.
	 */
	ps->fold_wait = sm == NULL && (st == 0 || st == 1);
	ps->fold_kpf = sm == NULL && !ps->fold_wait;
	ps->hugetlb = sm != NULL && smaps_is_hugetlb(sm, ps_);
	hb = ps->hugetlb && sm->kernel_page_size > ps_ ?
	    sm->kernel_page_size : kpage_pmd_size();
	ps->blk = hb > ps_ && hb % ps_ == 0 && !ps->fold_wait ? hb / ps_ : 1;
	fb = (ps->cur.start + hb - 1) & ~(hb - 1);
	ps->blk_first = fb >= ps->cur.start && fb < ps->cur.end ?
	    (fb - ps->cur.start) >> ui->t.pm.pageshift : ps->w.npages;
	if (ps->blk_first + ps->blk > ps->w.npages)
		ps->blk = 1;	/* no whole block: nothing to fold */
	/* an address asked for shows its own page, not its THP row */
	if (ps->goto_addr >= ps->cur.start && ps->goto_addr < ps->cur.end &&
	    (b = block_of(ps, (ps->goto_addr - ps->cur.start) >>
	    ui->t.pm.pageshift)) != UINT64_MAX)
		arr_set(&ps->expd, &ps->nexpd, &ps->ecap, b, true);
}

static void
fold_free(struct pages_state *ps)
{
	free(ps->coll);
	free(ps->expd);
	ps->coll = ps->expd = NULL;
	ps->ncoll = ps->ccap = ps->nexpd = ps->ecap = 0;
}

void
pages_fold_off(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	uint64_t sel = item_of(ps, ps->v.sel, NULL);

	fold_free(ps);
	ps->blk = 1;
	ps->fold_wait = ps->fold_kpf = false;
	ps->huge_valid = false;
	pane_set_rows(&ps->v, ps->w.npages);
	pane_select_center(&ps->v, sel);
}

void
pages_fold_on(struct ui *ui)
{
	ui->pages.goto_addr = 0;	/* fold_init would expand its block */
	fold_init(ui);
	ui->pages.huge_valid = false;
}

void
pages_select_page(struct ui *ui, uint64_t page)
{
	hex_close(ui);	/* ':' or a search leaves the hex view */
	pane_select_center(&ui->pages.v, row_of(&ui->pages, page));
}

static void
slices_free(struct pages_state *ps)
{
	free(ps->slices);
	ps->slices = NULL;
	ps->nslices = 0;
}

/*
 * The stack view of the VMA on screen: [stack], a [stack:TID], or a
 * thread's stack found by its SP.
 */
static void
inspect_stack(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	int r;

	errno = 0;
	r = stack_inspect_at(ui->rootfd, ui->t.pid, vmas_stack_tid(ui, ps->vma),
	    &ui->t.maps, ps->vma, &ui->t.pm, &ps->si);
	ps->stack_err = r == -1 ? (errno ? errno : EIO) : 0;
}

int
pages_open(struct ui *ui, size_t vma, uint64_t page)
{
	struct pages_state *ps = &ui->pages;
	bool kcol = ps->kflags_col;

	pages_free(ui);
	memset(ps, 0, sizeof(*ps));
	ps->kflags_col = kcol;
	if (!ui->have_t || vma >= ui->t.maps.n)
		return -1;
	if (ui->t.pm.fd < 0) {
		ui_msg(ui, true, "pagemap unreadable: %s",
		    target_strerror(ui->t.pm_errno));
		return -1;
	}
	ps->vma = vma;
	ps->cur = ui->t.maps.v[vma];
	if (pagewin_init(&ps->w, &ui->t.pm, ps->cur.start, ps->cur.end,
	    WIN_CAP) == -1) {
		ui_msg(ui, true, "page window: %s", strerror(errno));
		return -1;
	}
	ps->have_win = true;
	ps->is_stack = ps->cur.kind == VMA_STACK ||
	    vmas_stack_tid(ui, vma) != 0;
	if (ps->is_stack)
		inspect_stack(ui);
	/* Opening [stack] starts at the stack pointer: that's the story. */
	if (page == UINT64_MAX) {
		page = 0;
		if (ps->is_stack && ps->stack_err == 0 && ps->si.sp_known &&
		    ps->si.sp >= ps->cur.start && ps->si.sp < ps->cur.end)
			page = (ps->si.sp - ps->cur.start) >>
			    ui->t.pm.pageshift;
	} else
		ps->goto_addr = ps->cur.start + (page << ui->t.pm.pageshift);
	/* no marks is fine: rows just go unmarked */
	if (pagemarks_init(&ps->marks, MARKS_CAP) == -1)
		ui_msg(ui, true, "change marks: %s", strerror(errno));
	fold_init(ui);
	pane_view_init(&ps->v, ps->w.npages, 1);
	pane_select(&ps->v, page);
	ps->recenter = true;
	ps->reread_ms = ui_now_ms();
	return 0;
}

void
pages_free(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;

	pages_cmp_free(ui);
	if (ps->have_win)
		pagewin_free(&ps->w);
	ps->have_win = false;
	hex_close(ui);
	slices_free(ps);
	fold_free(ps);
	pagemarks_free(&ps->marks);
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	if (ui->pages.hex.on) {
		*hh = 2;
		*dh = 0;
		*legend = false;
		*map = false;
		return;
	}
	/* the stack view adds a band for the guard gap below the VMA */
	*hh = ui->pages.is_stack ? 3 : 2;
	*dh = 2;
	*legend = true;
	*map = true;
}

static struct pane_view *
view(struct ui *ui)
{
	if (ui->pages.hex.on)
		return &ui->pages.hex.v;
	return &ui->pages.v;
}

/* kpageflags of a present page, when readable. */
static bool
kflags_of(struct ui *ui, const struct pm_entry *e, uint64_t *kf,
    uint64_t *cnt, bool *cnt_ok)
{
	*cnt_ok = false;
	if (!e->pfn_valid || ui->kp.flags_fd < 0)
		return false;
	if (kpage_flags(&ui->kp, e->pfn, kf) == -1)
		return false;
	*cnt_ok = ui->kp.count_fd >= 0 && kpage_count(&ui->kp, e->pfn, cnt)
	    == 0;
	return true;
}

/* Huge-block flags for blocks [b0, b0 + nb * blk) via PAGEMAP_SCAN. */
static bool
huge_by_scan(struct ui *ui, uint64_t b0, size_t nb, bool *huge)
{
	struct pages_state *ps = &ui->pages;
	struct pm_reader *r = &ui->t.pm;
	uint64_t hb = ps->blk << r->pageshift;
	uint64_t s = pagewin_vaddr(&ps->w, b0), e = s + nb * hb, we;
	struct pm_region reg[SCAN_REGIONS];
	ssize_t n;

	if (r->force_pread || r->scan == 0)
		return false;
	ps->nhuge = 0;
	while (s < e) {
		n = pagemap_scan(r, s, e, PAGE_IS_HUGE, reg, SCAN_REGIONS,
		    &we);
		if (n == -1)
			return r->scan != 0 && ps->nhuge > 0;
		for (ssize_t k = 0; k < n; k++) {
			/* each whole block inside a huge region is huge */
			uint64_t rs = reg[k].start, re = reg[k].end;
			uint64_t first = (rs - pagewin_vaddr(&ps->w, b0) + hb -
			    1) / hb;

			if (ps->nhuge < sizeof(ps->huge) / sizeof(ps->huge[0]))
				ps->huge[ps->nhuge++] = reg[k];
			for (uint64_t j = first; j < nb; j++) {
				uint64_t bs = pagewin_vaddr(&ps->w, b0) + j * hb;

				if (bs + hb > re)
					break;
				huge[j] = true;
			}
		}
		if (we <= s || (size_t)n < SCAN_REGIONS)
			break;
		s = we;
	}
	return true;
}

/*
 * Without PAGEMAP_SCAN (or without smaps): as root, kpageflags — a THP
 * block is huge only when it is one PMD folio (mTHP pages carry KPF_THP
 * too), a hugetlb page by its head; else blk present, consecutive PFNs
 * starting on a blk-aligned frame in a VMA smaps says holds huge pages.
 */
static void
huge_by_pfn(struct ui *ui, uint64_t b, bool *huge)
{
	struct pages_state *ps = &ui->pages;
	struct pm_reader *r = &ui->t.pm;
	const struct smaps_vma *sm = vmas_smaps(ui, ps->vma);
	uint64_t raw[512], kf, pfn0 = 0;
	struct pm_entry e;
	uint64_t done = 0;
	int kind;

	*huge = false;
	if (ui->kp.flags_fd >= 0 && (!ps->hugetlb || ps->fold_kpf)) {
		kind = kpage_block_kind(&ui->kp, r, pagewin_vaddr(&ps->w, b),
		    (size_t)ps->blk);
		/* smaps unreadable: a hugetlb folio names the VMA's kind */
		if (kind == KPF_HUGE && ps->fold_kpf)
			ps->hugetlb = true;
		*huge = kind == KPF_THP || (kind == KPF_HUGE && ps->hugetlb);
		if (kind != -1)
			return;
	}
	if (ps->fold_kpf)
		return;		/* no smaps, no kpageflags: can't tell */
	if (pagemap_read(r, pagewin_vaddr(&ps->w, b), 1, raw) != 1)
		return;
	pagemap_decode(raw[0], &r->caps, &e);
	if (!e.pfn_valid || e.pfn % ps->blk != 0)
		return;
	if (ui->kp.flags_fd >= 0 && ps->hugetlb &&
	    kpage_flags(&ui->kp, e.pfn, &kf) == 0) {
		*huge = (kf & (1ULL << KPF_COMPOUND_HEAD)) &&
		    (kf & (1ULL << KPF_HUGE));
		return;
	}
	if (sm == NULL || (smaps_thp_bytes(sm) == 0 && !ps->hugetlb))
		return;
	pfn0 = e.pfn;
	while (done < ps->blk) {
		size_t n = ps->blk - done > 512 ? 512 : (size_t)(ps->blk - done);
		ssize_t got = pagemap_read(r, pagewin_vaddr(&ps->w, b + done),
		    n, raw);

		if (got != (ssize_t)n)
			return;
		for (size_t k = 0; k < n; k++) {
			pagemap_decode(raw[k], &r->caps, &e);
			if (!e.pfn_valid || e.pfn != pfn0 + done + k)
				return;
		}
		done += n;
	}
	*huge = true;
}

/*
 * Fold the huge blocks of the window on screen (and unfold blocks that
 * stopped being huge). Folding changes what the screen shows, so repeat
 * until the window is stable; each pass is one scan of a screenful.
 */
static void
discover(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;

	for (int pass = 0; pass < 8; pass++) {
		uint64_t last, i0, i1, b0, b1, nb;
		bool f, changed = false, *huge;

		if (ps->v.nrows == 0)
			return;
		last = ps->v.top + (uint64_t)ps->v.height - 1;
		if (last >= ps->v.nrows)
			last = ps->v.nrows - 1;
		i0 = item_of(ps, ps->v.top, NULL);
		i1 = item_of(ps, last, &f) + (f ? ps->blk : 1);
		if (ps->huge_valid && ps->huge_top == i0 &&
		    ps->huge_h == (int)(i1 - i0))
			return;
		ps->huge_valid = true;
		ps->huge_top = i0;
		ps->huge_h = (int)(i1 - i0);
		ps->nhuge = 0;
		if (ps->blk <= 1) {
			/* nothing to fold; the marks still want huge ranges */
			if (!ui->t.pm.force_pread && ui->t.pm.scan != 0) {
				uint64_t we;
				ssize_t n = pagemap_scan(&ui->t.pm,
				    pagewin_vaddr(&ps->w, i0), i1 >=
				    ps->w.npages ? ps->w.end :
				    pagewin_vaddr(&ps->w, i1), PAGE_IS_HUGE,
				    ps->huge, sizeof(ps->huge) /
				    sizeof(ps->huge[0]), &we);

				ps->nhuge = n > 0 ? (size_t)n : 0;
			}
			return;
		}
		/* whole blocks touching [i0, i1) */
		b0 = i0 < ps->blk_first ? ps->blk_first :
		    i0 - (i0 - ps->blk_first) % ps->blk;
		if (b0 >= i1)
			return;
		b1 = b0 + ((i1 - b0 + ps->blk - 1) / ps->blk) * ps->blk;
		while (b1 > b0 && b1 > ps->w.npages)
			b1 -= ps->blk;
		if (b1 <= b0)
			return;
		nb = (b1 - b0) / ps->blk;
		if ((huge = calloc(nb, sizeof(*huge))) == NULL)
			return;
		/* PAGE_IS_HUGE can't tell hugetlb from THP: smaps must */
		if (ps->fold_kpf || !huge_by_scan(ui, b0, nb, huge))
			for (uint64_t j = 0; j < nb; j++)
				huge_by_pfn(ui, b0 + j * ps->blk, &huge[j]);
		for (uint64_t j = 0; j < nb; j++) {
			uint64_t b = b0 + j * ps->blk;
			bool want = huge[j] && !arr_has(ps->expd, ps->nexpd, b);

			if (ps->fold_full && want)
				continue;
			if (fold_set(ps, b, want))
				changed = true;
		}
		free(huge);
		if (!changed)
			return;
	}
}

/* Is vaddr inside a huge-page region found on screen? */
static bool
in_huge(const struct pages_state *ps, uint64_t vaddr)
{
	for (size_t i = 0; i < ps->nhuge; i++)
		if (vaddr >= ps->huge[i].start && vaddr < ps->huge[i].end)
			return true;
	return false;
}

/* Name of swap device type (from /proc/swaps, read once), or NULL. */
static const char *
swap_name(struct ui *ui, unsigned int type, char *buf, size_t len)
{
	if (ui->swaps_state == 0) {
		if (swaps_read(ui->rootfd, ui->swaps, sizeof(ui->swaps) /
		    sizeof(ui->swaps[0]), &ui->nswaps) == 0)
			ui->swaps_state = 1;
		else {
			ui->swaps_state = -1;
			ui->swaps_err = errno;
		}
	}
	if (ui->swaps_state == 1 && type < ui->nswaps)
		return fmt_vis(ui->swaps[type].name, buf, len);
	if (ui->swaps_state == 1)
		snprintf(buf, len, "no device %u in /proc/swaps", type);
	else
		snprintf(buf, len, "/proc/swaps: %s", strerror(ui->swaps_err));
	return buf;
}

/* One-word state of a page; the screen tests read this column. */
static const char *
state_word(int got, const struct pm_entry *e)
{
	if (got != 0)
		return got > 0 ? "no entry" : "error";
	if (e->flags & PMF_GUARD)
		return "guard";
	if (e->flags & PMF_PRESENT)
		return "present";
	if (e->flags & PMF_SWAPPED)
		return "swapped";
	/* Bit 62 without a swap area: name it (migration, marker, ...). */
	if (e->swap_kind == PMS_MIGRATION)
		return "migrate";
	if (e->swap_kind != PMS_NONE)
		return pagemap_swap_kind_name(e->swap_kind);
	return "absent";
}

/* The core's rule: below SP, SP inside this VMA, no entry at all. */
static bool
never_faulted(const struct ui *ui, uint64_t idx, const struct pm_entry *e)
{
	const struct pages_state *ps = &ui->pages;

	return ps->is_stack && !ps->stack_err && stack_never_faulted(&ps->si,
	    pagewin_vaddr(&ps->w, idx), ui->t.pm.pagesize, e);
}

static bool
is_sp_row(const struct ui *ui, uint64_t idx)
{
	const struct pages_state *ps = &ui->pages;

	return ps->is_stack && !ps->stack_err && ps->si.sp_known &&
	    ps->si.sp >= ps->cur.start && ps->si.sp < ps->cur.end &&
	    ((ps->si.sp - ps->cur.start) >> ui->t.pm.pageshift) == idx;
}

/* The marks column: SP, never faulted, huge page, swap slot, kflags. */
static void
marks_text(struct ui *ui, uint64_t idx, int got, const struct pm_entry *e,
    char *buf, size_t len)
{
	struct pages_state *ps = &ui->pages;
	uint64_t kf, cnt, va = pagewin_vaddr(&ps->w, idx);
	bool cnt_ok;
	char names[400];
	size_t n;

	buf[0] = '\0';
	if (is_sp_row(ui, idx))
		strlcat(buf, "<-SP ", len);
	if (got == 0 && never_faulted(ui, idx, e))
		strlcat(buf, "never-faulted ", len);
	if (got == 0 && e->swap_valid) {
		char dev[120];

		n = strlen(buf);
		snprintf(buf + n, len - n, "swap %u:0x%" PRIx64 " %s ",
		    e->swap_type, e->swap_offset, swap_name(ui, e->swap_type,
		    dev, sizeof(dev)));
	} else if (got == 0 && e->swap_kind == PMS_HIDDEN) {
		strlcat(buf, "swap entry hidden ", len);
	} else if (got == 0 && e->swap_kind != PMS_NONE &&
	    e->swap_kind != PMS_GUARD) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s entry %u:0x%" PRIx64 " ",
		    pagemap_swap_kind_name(e->swap_kind), e->swap_type,
		    e->swap_offset);
	}
	if (got == 0 && kflags_of(ui, e, &kf, &cnt, &cnt_ok)) {
		if (kf & (1ULL << KPF_THP))
			strlcat(buf, kf & (1ULL << KPF_COMPOUND_HEAD) ?
			    "THP-head " : "THP ", len);
		else if (kf & (1ULL << KPF_HUGE))
			strlcat(buf, "hugetlb ", len);
		if (ps->kflags_col) {
			n = strlen(buf);
			if (cnt_ok)
				snprintf(buf + n, len - n, "map=%" PRIu64 " ",
				    cnt);
			kpage_flags_str(kf, ",", names, sizeof(names));
			strlcat(buf, names, len);
		}
	} else if (got == 0 && (e->flags & PMF_PRESENT) && in_huge(ps, va)) {
		strlcat(buf, "huge ", len);
	}
}

static void
fmt_pfn(const struct pm_entry *e, int got, char *buf, size_t len)
{
	if (got != 0 || !(e->flags & PMF_PRESENT))
		strlcpy(buf, "-", len);
	else if (!e->pfn_valid)
		strlcpy(buf, "hidden", len);
	else
		snprintf(buf, len, "%" PRIx64, e->pfn);
}

static void
fmt_phys(struct ui *ui, const struct pm_entry *e, int got, uint64_t va,
    char *buf, size_t len)
{
	uint64_t pa;

	if (got == 0 && pagemap_phys(e, va, ui->t.pm.pagesize, &pa))
		snprintf(buf, len, "%" PRIx64, pa);
	else if (got == 0 && (e->flags & PMF_PRESENT))
		strlcpy(buf, "hidden", len);
	else
		strlcpy(buf, "-", len);
}

static void
col_widths(const struct ui *ui, int *w)
{
	w[COL_ADDR] = addr_w(ui);
	w[COL_PFN] = 10;
	w[COL_PHYS] = 14;
	w[COL_FLAGS] = 2 * PMF_COUNT - 1;
	w[COL_STATE] = 8;
	w[COL_MARKS] = 6;
}

/*
 * The band under the stack header: what lies below the stack VMA — the
 * kernel's guard gap for [stack], glibc's guard page for a thread stack.
 */
static void
draw_gap_band(struct ui *ui, int y)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	const struct stack_info *si = &ps->si;
	char buf[400], a[16], b[16];
	uint64_t lo, hole = si->vma_start - si->prev_end;

	fmt_size(si->guard_gap, a, sizeof(a));
	fmt_size(hole, b, sizeof(b));
	if (si->tid != 0 && si->guard_low > 0)
		snprintf(buf, sizeof(buf), "bottom: guard pages %s %" PRIx64
		    "-%" PRIx64 " inside the VMA (MADV_GUARD_INSTALL, from the "
		    "thread library): an overflow faults there", a,
		    si->vma_start, si->vma_start + si->guard_low);
	else if (si->tid != 0 && si->guard_gap > 0)
		snprintf(buf, sizeof(buf), "below: guard page %s %" PRIx64 "-%"
		    PRIx64 " (PROT_NONE, from the thread library): an "
		    "overflow faults there", a, si->vma_start - si->guard_gap,
		    si->vma_start);
	else if (si->tid != 0)
		snprintf(buf, sizeof(buf), "below: no guard page; hole to "
		    "the VMA below %s", b);
	else {
		lo = si->vma_start > si->guard_gap ? si->vma_start -
		    si->guard_gap : 0;
		snprintf(buf, sizeof(buf), "below: guard gap %s %" PRIx64 "-%"
		    PRIx64 " kept unmapped: the stack can't grow into a "
		    "mapping%s; hole %s%s", a, lo, si->vma_start,
		    si->gap_violated ? " - VIOLATED" : "", b,
		    !si->gap_violated && si->prev_end > lo ? " (the no-access "
		    "mapping in it is allowed)" : "");
	}
	ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_GUARD) | A_BOLD, buf);
}

static void
draw_header(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	char buf[600], path[300], sz[16], a[16], b[16];
	int aw = addr_w(ui);

	fmt_vis(ps->cur.path, path, sizeof(path));
	fmt_size(ps->cur.end - ps->cur.start, sz, sizeof(sz));
	if (ps->si.tid != 0 && ps->is_stack && path[0] == '\0')
		snprintf(path, sizeof(path), "[stack:%d]", (int)ps->si.tid);
	snprintf(buf, sizeof(buf), "%0*" PRIx64 "-%0*" PRIx64 " %s %s  %s, "
	    "%" PRIu64 " page%s   row %" PRIu64 "/%" PRIu64, aw, ps->cur.start,
	    aw, ps->cur.end, ps->cur.perms, path[0] ? path : "(anonymous)",
	    sz, ps->w.npages, ps->w.npages == 1 ? "" : "s", ps->v.sel + 1,
	    ps->v.nrows);
	if (ps->ncoll > 0) {
		size_t n = strlen(buf);

		fmt_size(ps->blk << ui->t.pm.pageshift, a, sizeof(a));
		snprintf(buf + n, sizeof(buf) - n, "  (%zu %s %s folded, + "
		    "expands)", ps->ncoll, ps->hugetlb ? "huge" : "THP", a);
	}
	ui_put(l->header_y, 1, l->cols - 1, ui_attr(ui, ps->is_stack ?
	    UC_STACK : vmas_kind_color(&ps->cur)) | A_BOLD, buf);
	if (l->header_h < 2)
		return;
	if (ps->is_stack) {
		if (ps->stack_err) {
			snprintf(buf, sizeof(buf), "stack view unavailable: %s",
			    strerror(ps->stack_err));
		} else if (!ps->si.sp_known) {
			snprintf(buf, sizeof(buf), "SP unknown (%s)  ",
			    ps->si.sp_why ? ps->si.sp_why : "not readable");
		} else if (!stack_sp_inside(&ps->si)) {
			snprintf(buf, sizeof(buf), "SP %" PRIx64 " is outside "
			    "this VMA (a signal stack?)  ", ps->si.sp);
		} else {
			snprintf(buf, sizeof(buf), "SP %" PRIx64 ": %" PRIu64
			    " of %" PRIu64 " pages below SP never faulted  ",
			    ps->si.sp, ps->si.below_sp_unfaulted,
			    ps->si.below_sp_pages);
		}
		if (!ps->stack_err && ps->si.tid != 0) {
			size_t n = strlen(buf);

			snprintf(buf + n, sizeof(buf) - n, "thread %d's stack: "
			    "fixed size, cannot grow", (int)ps->si.tid);
		} else if (!ps->stack_err) {
			size_t n = strlen(buf);

			fmt_size(ps->si.guard_gap, a, sizeof(a));
			if (ps->si.rlimit == UINT64_MAX)
				strlcpy(b, "unlimited", sizeof(b));
			else
				fmt_size(ps->si.growth_room, b, sizeof(b));
			snprintf(buf + n, sizeof(buf) - n, "guard gap %s  "
			    "room to RLIMIT_STACK %s", a, b);
		}
		ui_put(l->header_y + 1, 1, l->cols - 1, ui_attr(ui, UC_INFO),
		    buf);
		if (l->header_h >= 3 && !ps->stack_err)
			draw_gap_band(ui, l->header_y + 2);
		return;
	}
	if (ps->vma < ui->vmas.ncounts && ui->vmas.counts[ps->vma].state == 1) {
		const struct pm_counts *c = &ui->vmas.counts[ps->vma].c;

		snprintf(buf, sizeof(buf), "resident %" PRIu64 "  swapped %"
		    PRIu64 "  exclusive %" PRIu64 "  file/shared %" PRIu64
		    "  guard %" PRIu64, c->present, c->swapped, c->exclusive,
		    c->file_shared, c->guard);
		ui_put(l->header_y + 1, 1, l->cols - 1, A_NORMAL, buf);
	}
}

static void
draw_legend(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	char buf[64];
	int x = 1;

	if (l->legend_y < 0)
		return;
	for (int i = 0; i < PMF_COUNT; i++) {
		snprintf(buf, sizeof(buf), "%c %s", fmt_flag_letter(
		    flag_tab[i].flag), pagemap_flag_name(flag_tab[i].flag));
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui,
		    flag_tab[i].color), buf) + 2;
	}
	if (ui->pages.is_stack) {
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, UC_SP),
		    "SP") + 2;
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui,
		    UC_UNFAULTED), "never-faulted") + 2;
	}
	if (ui->pages.ncoll > 0 || ui->pages.nexpd > 0)
		ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, UC_HUGE),
		    "THP/huge: +/- expand/fold");
}

static void
draw_detail(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	struct pm_entry e;
	char buf[700], names[400], dev[120];
	bool folded;
	uint64_t item = item_of(ps, ps->v.sel, &folded);
	uint64_t va = pagewin_vaddr(&ps->w, item), kf, cnt, pa;
	bool cnt_ok;
	int got, y = l->detail_y;
	size_t n;

	if (l->detail_h < 1)
		return;
	got = pagewin_get(&ps->w, item, &e);
	if (got != 0) {
		snprintf(buf, sizeof(buf), "%" PRIx64 ": %s", va, got > 0 ?
		    "no pagemap entry (past the end of pagemap)" :
		    strerror(ps->w.err));
		ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
		return;
	}
	if (folded) {
		fmt_size(ps->blk << ui->t.pm.pageshift, names, sizeof(names));
		snprintf(buf, sizeof(buf), "%s %s: %" PRIu64 " pages %" PRIx64
		    "-%" PRIx64 " in one huge frame (+ expands); head",
		    ps->hugetlb ? "hugetlb" : "THP", names, ps->blk, va,
		    va + (ps->blk << ui->t.pm.pageshift));
	} else
		buf[0] = '\0';
	n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "%s%" PRIx64 " raw %016" PRIx64
	    ":", n ? " " : "", va, e.raw);
	for (int i = 0; i < PMF_COUNT; i++) {
		if (!(e.flags & flag_tab[i].flag))
			continue;
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " %d=%s", flag_tab[i].bit,
		    pagemap_flag_name(flag_tab[i].flag));
	}
	n = strlen(buf);
	if (e.pfn_valid)
		snprintf(buf + n, sizeof(buf) - n, " PFN=%" PRIx64, e.pfn);
	else if (e.flags & PMF_PRESENT)
		snprintf(buf + n, sizeof(buf) - n, " PFN hidden");
	else if (e.swap_valid)
		snprintf(buf + n, sizeof(buf) - n, " swap type %u (%s) offset "
		    "0x%" PRIx64, e.swap_type, swap_name(ui, e.swap_type, dev,
		    sizeof(dev)), e.swap_offset);
	else if (e.swap_kind == PMS_HIDDEN)
		snprintf(buf + n, sizeof(buf) - n, " swapped, swap entry "
		    "hidden (CAP_SYS_ADMIN)");
	else if (e.swap_kind != PMS_NONE && e.swap_kind != PMS_GUARD)
		snprintf(buf + n, sizeof(buf) - n, " %s entry, not in swap "
		    "(type %u offset 0x%" PRIx64 ")", pagemap_swap_kind_name(
		    e.swap_kind), e.swap_type, e.swap_offset);
	else if (e.flags == 0)
		snprintf(buf + n, sizeof(buf) - n, " (never touched or "
		    "reclaimed)");
	n = strlen(buf);
	/* The address asked for with ':' keeps its in-page offset. */
	if (ps->goto_addr >= va && ps->goto_addr - va < ui->t.pm.pagesize &&
	    pagemap_phys(&e, ps->goto_addr, ui->t.pm.pagesize, &pa))
		snprintf(buf + n, sizeof(buf) - n, "  %" PRIx64 " -> phys %"
		    PRIx64, ps->goto_addr, pa);
	ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
	if (l->detail_h < 2)
		return;
	if (kflags_of(ui, &e, &kf, &cnt, &cnt_ok)) {
		kpage_flags_str(kf, " ", names, sizeof(names));
		snprintf(buf, sizeof(buf), "kpageflags %" PRIx64 ": %s%s",
		    kf, names[0] ? names : "(none)", "");
		if (cnt_ok) {
			n = strlen(buf);
			snprintf(buf + n, sizeof(buf) - n, "  mapcount %"
			    PRIu64, cnt);
		}
	} else if (!(e.flags & PMF_PRESENT)) {
		snprintf(buf, sizeof(buf), "kpageflags: page not present");
	} else if (!e.pfn_valid) {
		snprintf(buf, sizeof(buf), "kpageflags: need the PFN "
		    "(CAP_SYS_ADMIN)");
	} else {
		snprintf(buf, sizeof(buf), "kpageflags: %s",
		    strerror(ui->kp.flags_errno ? ui->kp.flags_errno : EIO));
	}
	ui_put(y + 1, 1, l->cols - 1, A_DIM, buf);
}

static char
slice_char(const struct ui_count *uc)
{
	if (uc->state != 1)
		return ' ';
	if (uc->c.pages == 0)
		return ' ';
	if (uc->c.swapped > 0 && uc->c.swapped >= uc->c.present)
		return 'S';
	if (uc->c.present == 0)
		return '.';
	return uc->c.present * 2 >= uc->c.pages ? '#' : '+';
}

static void
draw_map(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	int n = l->list_h, vs, ve;
	uint64_t last;

	if (l->map_w < 1)
		return;
	/* A VMA shorter than the screen gets one map line per page. */
	if ((uint64_t)n > ps->w.npages)
		n = (int)ps->w.npages;
	if (ps->nslices != n) {
		slices_free(ps);
		if ((ps->slices = calloc((size_t)n, sizeof(*ps->slices))) ==
		    NULL)
			return;
		ps->nslices = n;
		for (int i = 0; i < n; i++) {
			uint64_t f, e;

			pane_slice(ps->w.npages, n, i, &f, &e);
			ui_count_init(&ps->slices[i], pagewin_vaddr(&ps->w, f),
			    e >= ps->w.npages ? ps->w.end :
			    pagewin_vaddr(&ps->w, e));
			if (e == f)
				ps->slices[i].state = 1;	/* empty */
		}
	}
	/* the map is by page; the view is by row (huge pages fold) */
	last = ps->v.top + (uint64_t)ps->v.height - 1;
	if (last >= ps->v.nrows)
		last = ps->v.nrows ? ps->v.nrows - 1 : 0;
	{
		bool f;
		uint64_t li = item_of(ps, last, &f);

		if (f)
			li += ps->blk - 1;
		if (li >= ps->w.npages)
			li = ps->w.npages ? ps->w.npages - 1 : 0;
		vs = pane_slice_of(ps->w.npages, n, item_of(ps, ps->v.top,
		    NULL));
		ve = pane_slice_of(ps->w.npages, n, li);
	}
	for (int i = 0; i < n; i++) {
		char s[2] = { slice_char(&ps->slices[i]), '\0' };
		attr_t a = s[0] == '#' || s[0] == '+' ? ui_attr(ui,
		    UC_PRESENT) : s[0] == 'S' ? ui_attr(ui, UC_SWAPPED) :
		    ui_attr(ui, UC_DIM);

		if (i >= vs && i <= ve)
			a = ui_attr(ui, UC_MAPVIEW);
		ui_put(l->list_y + i, l->map_x, 1, a, s);
	}
}

static void
draw(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	int w[NCOLS], used, x;
	bool shown[NCOLS];
	char cell[700];
	static const char *const hdr[NCOLS] = {
		"ADDRESS", "PFN", "PHYS", "P S F X D U G", "STATE",
		"MARKS / KPAGEFLAGS"
	};

	if (!ps->have_win)
		return;
	if (ps->hex.on) {
		hex_draw(ui);
		return;
	}
	if (ps->recenter) {
		ps->recenter = false;
		pane_select_center(&ps->v, ps->v.sel);
	}
	/* Fold the huge pages on screen first: it changes what is shown. */
	discover(ui);
	draw_header(ui);
	if (ps->cmp.on) {
		pages_cmp_draw(ui);
		draw_map(ui);
		draw_detail(ui);
		draw_legend(ui);
		return;
	}
	col_widths(ui, w);
	used = pane_cols_fit(w, col_prio, NCOLS, l->list_w, shown);
	w[COL_MARKS] += l->list_w - used > 0 ? l->list_w - used : 0;

	ui_blank(l->colhdr_y, 0, l->cols, ui_attr(ui, UC_COLHDR));
	x = 0;
	for (int c = 0; c < NCOLS; c++) {
		if (!shown[c])
			continue;
		/* PFN and PHYS are right-aligned numbers: so are their names. */
		snprintf(cell, sizeof(cell), c == COL_PFN || c == COL_PHYS ?
		    "%*s" : "%-*s", w[c], hdr[c]);
		x = ui_put(l->colhdr_y, x, w[c], ui_attr(ui, UC_COLHDR),
		    cell) + 1;
	}

	/* Only the rows on screen are read: one pread for all of them. */
	pagewin_ensure(&ps->w, item_of(ps, ps->v.top, NULL),
	    (size_t)l->list_h);
	for (int y = 0; y < l->list_h; y++) {
		struct pm_entry e;
		uint64_t row, i, va;
		bool sel, folded;
		attr_t base;
		int got;
		uint32_t mark = 0;
		bool hide = false;
		int shift = 0;		/* MARKS cells after the change mark */

		if (!pane_row_at(&ps->v, y, &row))
			break;
		i = item_of(ps, row, &folded);
		va = pagewin_vaddr(&ps->w, i);
		got = pagewin_get(&ps->w, i, &e);
		if (got != 0)
			memset(&e, 0, sizeof(e));
		else
			mark = pagemarks_see(&ps->marks, i, &e, &hide);
		sel = row == ps->v.sel;
		base = sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_blank(l->list_y + y, 0, l->list_w, base);
		x = 0;
		for (int c = 0; c < NCOLS; c++) {
			attr_t a = base;

			if (!shown[c])
				continue;
			switch (c) {
			case COL_ADDR:
				snprintf(cell, sizeof(cell), "%0*" PRIx64,
				    w[c], va);
				if (is_sp_row(ui, i))
					a = ui_attr(ui, UC_SP);
				break;
			case COL_PFN: {
				char t[32];

				fmt_pfn(&e, got, t, sizeof(t));
				if (hide)
					strlcpy(t, "_", sizeof(t));
				snprintf(cell, sizeof(cell), "%*s", w[c], t);
				if (strcmp(t, "hidden") == 0 && !sel)
					a |= A_DIM;
				break;
			}
			case COL_PHYS: {
				char t[32];

				fmt_phys(ui, &e, got, va, t, sizeof(t));
				if (hide)
					strlcpy(t, "_", sizeof(t));
				snprintf(cell, sizeof(cell), "%*s", w[c], t);
				if (strcmp(t, "hidden") == 0 && !sel)
					a |= A_DIM;
				break;
			}
			case COL_FLAGS:
				for (int k = 0; k < PMF_COUNT; k++) {
					uint32_t f = flag_tab[k].flag;
					char s[2] = { '-', '\0' };
					attr_t fa = base | ui_attr(ui,
					    UC_ABSENT);

					if (hide) {
						/* predict: not '?' (unknown) */
						s[0] = '_';
					} else if (got == 0 && !(e.known & f)) {
						s[0] = '?';
					} else if (got == 0 && (e.flags & f)) {
						s[0] = fmt_flag_letter(f);
						fa = base | ui_attr(ui,
						    flag_tab[k].color);
					}
					ui_put(l->list_y + y, x + 2 * k, 1, fa,
					    s);
				}
				x += w[c] + 1;
				continue;
			case COL_STATE:
				if (folded) {
					char hs[16];

					fmt_size(ps->blk << ui->t.pm.pageshift,
					    hs, sizeof(hs));
					/* "2.0M" reads better as "2M" here */
					if (strlen(hs) > 3 && strcmp(hs +
					    strlen(hs) - 3, ".0M") == 0)
						strcpy(hs + strlen(hs) - 3, "M");
					else if (strlen(hs) > 3 && strcmp(hs +
					    strlen(hs) - 3, ".0G") == 0)
						strcpy(hs + strlen(hs) - 3, "G");
					snprintf(cell, sizeof(cell), "%s %-*s",
					    ps->hugetlb ? "huge" : "THP",
					    w[c] - (ps->hugetlb ? 5 : 4), hs);
					a |= ui_attr(ui, UC_HUGE) | A_BOLD;
					break;
				}
				snprintf(cell, sizeof(cell), "%-*s", w[c],
				    hide ? "_" : state_word(got, &e));
				if (hide)
					;
				else if (got == 0 && (e.flags & PMF_PRESENT))
					a |= ui_attr(ui, UC_PRESENT);
				else if (got == 0 && (e.flags & PMF_GUARD))
					a |= ui_attr(ui, UC_GUARDPG);
				else if (got == 0 && (e.flags & PMF_SWAPPED))
					a |= ui_attr(ui, UC_SWAPPED);
				else if (got == 0 && never_faulted(ui, i, &e))
					a |= ui_attr(ui, UC_UNFAULTED);
				else
					a |= ui_attr(ui, UC_ABSENT);
				break;
			case COL_MARKS:
				if (folded) {
					char m[600];

					marks_text(ui, i, got, &e, m,
					    sizeof(m));
					snprintf(cell, sizeof(cell), "[+%" PRIu64
					    " pages] head %s", ps->blk, m);
					a |= ui_attr(ui, UC_HUGE);
					break;
				}
				if (mark != 0) {
					char tok[16];
					int tx;

					/* the change mark leads, in its colour */
					pagemarks_token(mark, tok, sizeof(tok));
					tx = ui_put(l->list_y + y, x,
					    (int)strlen(tok), base | A_BOLD |
					    ui_attr(ui, UC_SP), tok);
					shift = tx + 1 - x;
					x = tx + 1;
				}
				marks_text(ui, i, got, &e, cell, sizeof(cell));
				if (hide)
					strlcpy(cell, "", sizeof(cell));
				if (is_sp_row(ui, i))
					a |= A_BOLD;
				else if (strncmp(cell, "never", 5) == 0)
					a |= ui_attr(ui, UC_UNFAULTED);
				else if (strncmp(cell, "THP", 3) == 0 ||
				    strncmp(cell, "huge", 4) == 0 ||
				    strncmp(cell, "hugetlb", 7) == 0)
					a |= ui_attr(ui, UC_HUGE);
				break;
			}
			ui_put(l->list_y + y, x, w[c] - shift, a, cell);
			x += w[c] - shift + 1;
		}
	}
	if (ps->w.err)
		ui_msg(ui, true, "reading pagemap: %s", strerror(ps->w.err));
	draw_map(ui);
	draw_detail(ui);
	draw_legend(ui);
}

static void
popup_detail(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pm_entry e;
	bool folded;
	uint64_t idx = item_of(ps, ps->v.sel, &folded);
	uint64_t va = pagewin_vaddr(&ps->w, idx), pa, kf, cnt;
	bool cnt_ok;
	char names[400], path[120], dev[120];
	int got = pagewin_get(&ps->w, idx, &e);

	ui->popup_n = 0;
	snprintf(ui->popup_title, sizeof(ui->popup_title), " page %" PRIx64
	    " ", va);
	fmt_vis(ps->cur.path, path, sizeof(path));
	ui_popup_add(ui, "page %" PRIu64 " of %" PRIu64 " in %s", idx + 1,
	    ps->w.npages, path[0] ? path : "(anonymous)");
	if (folded) {
		fmt_size(ps->blk << ui->t.pm.pageshift, names, sizeof(names));
		ui_popup_add(ui, "%s %s: %" PRIu64 " base pages mapped by one "
		    "huge page-table entry", ps->hugetlb ? "hugetlb page" :
		    "transparent huge page", names, ps->blk);
		ui_popup_add(ui, "(+ or Right shows them; this is the head)");
	}
	if (got != 0) {
		ui_popup_add(ui, "%s", got > 0 ? "no pagemap entry: past the "
		    "end of pagemap" : strerror(ps->w.err));
		ui_popup_add(ui, "(any key closes)");
		return;
	}
	ui_popup_add(ui, "raw pagemap entry  0x%016" PRIx64, e.raw);
	for (int i = 0; i < PMF_COUNT; i++) {
		uint32_t f = flag_tab[i].flag;

		/* Bit 62 set without a swap area behind it: say what it is. */
		if (f == PMF_SWAPPED && !(e.flags & f) &&
		    e.swap_kind != PMS_NONE) {
			ui_popup_add(ui, "  bit %2d %-12s 1, but no swap area: "
			    "%s entry", flag_tab[i].bit, pagemap_flag_name(f),
			    pagemap_swap_kind_name(e.swap_kind));
			continue;
		}
		ui_popup_add(ui, "  bit %2d %-12s %s", flag_tab[i].bit,
		    pagemap_flag_name(f), (e.flags & f) ? "1" : !(e.known & f) ?
		    "? (this kernel cannot tell)" : "0");
	}
	if (e.pfn_valid)
		ui_popup_add(ui, "  bits 0-54 PFN     0x%" PRIx64, e.pfn);
	else if (e.flags & PMF_PRESENT)
		ui_popup_add(ui, "  bits 0-54 PFN     hidden (reads 0 "
		    "without CAP_SYS_ADMIN)");
	else if (e.swap_valid) {
		ui_popup_add(ui, "  bits 0-4 swap type %u, bits 5-54 swap "
		    "offset 0x%" PRIx64, e.swap_type, e.swap_offset);
		ui_popup_add(ui, "swap device        %s", swap_name(ui,
		    e.swap_type, dev, sizeof(dev)));
	} else if (e.swap_kind == PMS_HIDDEN)
		ui_popup_add(ui, "  bits 0-54         swap entry hidden (reads 0 "
		    "without CAP_SYS_ADMIN)");
	else if (e.swap_kind != PMS_NONE)
		ui_popup_add(ui, "  bits 0-4 type %u, 5-54 offset 0x%" PRIx64
		    ": a %s entry, not in swap", e.swap_type, e.swap_offset,
		    pagemap_swap_kind_name(e.swap_kind));
	else
		ui_popup_add(ui, "  bits 0-54         0 (not present)");
	if (pagemap_phys(&e, va, ui->t.pm.pagesize, &pa))
		ui_popup_add(ui, "physical address   0x%" PRIx64, pa);
	if (ps->goto_addr >= va && ps->goto_addr - va < ui->t.pm.pagesize &&
	    pagemap_phys(&e, ps->goto_addr, ui->t.pm.pagesize, &pa))
		ui_popup_add(ui, "0x%" PRIx64 " -> physical 0x%" PRIx64,
		    ps->goto_addr, pa);
	if (kflags_of(ui, &e, &kf, &cnt, &cnt_ok)) {
		kpage_flags_str(kf, " ", names, sizeof(names));
		ui_popup_add(ui, "kpageflags         0x%" PRIx64, kf);
		/* Long flag lists wrap over lines of the popup. */
		for (char *p = names; *p != '\0';) {
			size_t n = strlen(p);

			if (n > 60) {
				n = 60;
				while (n > 0 && p[n] != ' ')
					n--;
				if (n == 0)
					n = 60;
			}
			ui_popup_add(ui, "  %.*s", (int)n, p);
			p += n;
			while (*p == ' ')
				p++;
		}
		if (cnt_ok)
			ui_popup_add(ui, "mapcount           %" PRIu64, cnt);
	} else if (e.flags & PMF_PRESENT) {
		ui_popup_add(ui, "kpageflags         %s", !e.pfn_valid ?
		    "needs the PFN (CAP_SYS_ADMIN)" :
		    strerror(ui->kp.flags_errno ? ui->kp.flags_errno : EIO));
	}
	if (is_sp_row(ui, idx))
		ui_popup_add(ui, "the stack pointer (0x%" PRIx64 ") is in "
		    "this page", ps->si.sp);
	ui_popup_add(ui, "(any key closes)");
}

static void
key(struct ui *ui, enum key_action a)
{
	struct pages_state *ps = &ui->pages;

	if (ps->hex.on && hex_key(ui, a))
		return;
	switch (a) {
	case KA_HEX: {
		bool folded;
		uint64_t idx = item_of(ps, ps->v.sel, &folded);

		/* a folded huge page's row: its head page */
		if (ps->have_win && idx < ps->w.npages)
			hex_open(ui, pagewin_vaddr(&ps->w, idx));
		break;
	}
	case KA_COMPARE:
		pages_cmp_key(ui);
		break;
	case KA_PREDICT:
		if (!ps->marks.frozen) {
			pagemarks_freeze(&ps->marks, true);
			ui_msg(ui, false, "predict: rows that change show _ "
			    "until p reveals them");
		} else {
			size_t n = pagemarks_freeze(&ps->marks, false);

			ui_msg(ui, false, "revealed %zu changed page%s", n,
			    n == 1 ? "" : "s");
		}
		break;
	case KA_BACK:
		if (ps->cmp.on) {
			pages_cmp_stop(ui);
			ui_msg(ui, false, "compare mode off");
			break;
		}
		pages_free(ui);
		ui_set_level(ui, LV_VMAS);
		break;
	case KA_OPEN:
		popup_detail(ui);
		break;
	case KA_REFRESH:
		if (target_pagemap_stale(&ui->t)) {
			ui_target_exec(ui);	/* its VMA is the old image's */
			break;
		}
		pagewin_invalidate(&ps->w);
		pagemarks_tick(&ps->marks);
		slices_free(ps);
		ps->huge_valid = false;
		ui->swaps_state = 0;
		if (ps->cmp.on && target_refresh(&ps->cmp.t) == 0)
			pagewin_invalidate(&ps->cmp.w);
		pages_cmp_reread(ui);
		if (ps->is_stack)
			inspect_stack(ui);
		ui_msg(ui, false, "pages re-read");
		break;
	case KA_EXPAND: {
		bool folded;
		uint64_t it = item_of(ps, ps->v.sel, &folded);

		if (!folded) {
			ui_msg(ui, false, ps->blk > 1 && arr_has(ps->expd,
			    ps->nexpd, block_of(ps, it)) ? "already expanded; "
			    "- folds it" : "not a huge page row");
			break;
		}
		if (!arr_set(&ps->expd, &ps->nexpd, &ps->ecap, it, true)) {
			ui_msg(ui, true, "too many expanded huge pages");
			break;
		}
		fold_set(ps, it, false);
		ui_msg(ui, false, "expanded into %" PRIu64 " pages; - folds",
		    ps->blk);
		break;
	}
	case KA_COLLAPSE: {
		bool folded;
		uint64_t it = item_of(ps, ps->v.sel, &folded), b;

		b = block_of(ps, it);
		if (folded || b == UINT64_MAX ||
		    !arr_has(ps->expd, ps->nexpd, b)) {
			ui_msg(ui, false, "no expanded huge page here");
			break;
		}
		arr_set(&ps->expd, &ps->nexpd, &ps->ecap, b, false);
		ps->huge_valid = false;	/* discover() folds it if still huge */
		pane_select(&ps->v, row_of(ps, b));
		break;
	}
	case KA_KFLAGS:
		ps->kflags_col = !ps->kflags_col;
		if (ui->kp.flags_fd < 0)
			ui_msg(ui, true, "kpageflags unreadable: %s (root "
			    "only)", strerror(ui->kp.flags_errno ?
			    ui->kp.flags_errno : EACCES));
		else if (ui->t.pm.caps.pfn_visible == 0)
			/* It opens in a user namespace, but needs PFNs. */
			ui_msg(ui, true, "kpageflags unavailable: the kernel "
			    "hides PFNs from this process");
		else
			ui_msg(ui, false, "kpageflags column %s",
			    ps->kflags_col ? "on" : "off");
		break;
	default:
		break;
	}
}

static bool
tick(struct ui *ui, uint64_t deadline)
{
	struct pages_state *ps = &ui->pages;
	uint64_t now = ui_now_ms();
	bool more = false;

	if (!ps->have_win)
		return false;
	/* smaps tells hugetlb from THP: fold once it has come */
	if (ps->fold_wait) {
		if (vmas_smaps_tick(ui))
			more = true;
		if (vmas_smaps(ui, ps->vma) != NULL ||
		    ui->vmas.smaps_state == -1 || ui->vmas.smaps_state == 2) {
			fold_init(ui);
			ps->huge_valid = false;
		}
	}
	/* The process keeps running: re-read the screen now and then. */
	if (!ui->paused && now - ps->reread_ms >= (uint64_t)(ui->o->interval_ms >
	    0 ? ui->o->interval_ms : REREAD_MS)) {
		ps->reread_ms = now;
		pagewin_invalidate(&ps->w);
		pagemarks_tick(&ps->marks);
		ps->huge_valid = false;
		pages_cmp_reread(ui);
	}
	for (int i = 0; i < ps->nslices; i++) {
		if (ps->slices[i].state != 0)
			continue;
		if (ui_now_ms() >= deadline)
			return true;
		if (ui_count_step(&ui->t.pm, &ps->slices[i], deadline) == 0)
			more = true;
	}
	return more;
}

static bool
row_text(struct ui *ui, uint64_t row, char *buf, size_t len)
{
	struct pages_state *ps = &ui->pages;
	struct pm_entry e;
	bool folded;
	uint64_t idx = item_of(ps, row, &folded);
	uint64_t va = pagewin_vaddr(&ps->w, idx);
	char pfn[32], phys[32], flags[PMF_COUNT + 1], marks[600];
	int got;

	if (ps->hex.on)
		return hex_row_text(ui, row, buf, len);
	got = pagewin_get(&ps->w, idx, &e);
	if (got < 0)
		return false;
	if (got > 0)
		memset(&e, 0, sizeof(e));
	fmt_pfn(&e, got, pfn, sizeof(pfn));
	fmt_phys(ui, &e, got, va, phys, sizeof(phys));
	fmt_flags(&e, flags, sizeof(flags));
	marks_text(ui, idx, got, &e, marks, sizeof(marks));
	snprintf(buf, len, "%" PRIx64 " %s %s %s %s %s", va, pfn, phys,
	    flags, folded ? (ps->hugetlb ? "huge" : "THP") :
	    state_word(got, &e), marks);
	return true;
}

/*
 * An address jumps straight to its page. Text is matched row by row, but
 * at most SEARCH_MAX rows per key so a 64 TB VMA can't freeze the UI;
 * n continues from where the last search stopped.
 */
static bool
search(struct ui *ui, const char *q, int dir, bool from_sel)
{
	struct pages_state *ps = &ui->pages;
	uint64_t addr, n = ps->v.nrows, i = ps->v.sel;
	char buf[1024];

	if (ps->hex.on) {	/* the text of the hex lines, wrapping */
		struct pane_view *hv = &ps->hex.v;

		for (uint64_t k = 0, j = hv->sel; k < hv->nrows; k++) {
			if (k > 0 || !from_sel)
				j = dir > 0 ? (j + 1) % hv->nrows :
				    (j + hv->nrows - 1) % hv->nrows;
			if (hex_row_text(ui, j, buf, sizeof(buf)) &&
			    pane_text_match(buf, q)) {
				pane_select_center(hv, j);
				return true;
			}
		}
		return false;
	}
	if (fmt_parse_addr(q, &addr) == 0 && addr >= ps->cur.start &&
	    addr < ps->cur.end && strlen(q) >= 4) {
		uint64_t idx = (addr - ps->cur.start) >> ui->t.pm.pageshift;

		if (row_of(ps, idx) != ps->v.sel || from_sel) {
			pages_select_page(ui, idx);
			ps->goto_addr = addr;
			return true;
		}
	}
	if (n == 0)
		return false;
	/* Wraps round the end like the other panes (n said "not found"). */
	for (uint64_t k = 0; k < n && k < SEARCH_MAX; k++) {
		if (k > 0 || !from_sel)
			i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
		if (row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q)) {
			pane_select_center(&ps->v, i);
			return true;
		}
	}
	if (n > SEARCH_MAX) {
		pane_select_center(&ps->v, i);
		ui_msg(ui, true, "not found in %u pages; n continues from "
		    "here", SEARCH_MAX);
	}
	return false;
}

static const char *
hint(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;

	if (ps->hex.on)
		return hex_hint(ui);
	if (ps->cmp.on)
		return pages_cmp_hint(ui);
	/* Say why PFNs read "hidden" rather than leaving a mystery. */
	if (ui->t.pm.caps.pfn_visible == 0 || (ps->have_win &&
	    ui->t.pm.caps.pfn_visible != 1))
		return "PFN hidden: the kernel shows frame numbers only to "
		    "CAP_SYS_ADMIN in the initial user namespace   Enter "
		    "detail  ? help";
	if (ps->ncoll > 0 || ps->nexpd > 0)
		return "Enter detail  + expand / - fold huge page  : go to  "
		    "/ search  f kpageflags  Esc back  ? help";
	return "Enter page detail  : go to address  / search  f kpageflags  "
	    "Esc back  ? help";
}

const struct pane_ops pages_ops = {
	.name = "pages",
	.want = want,
	.view = view,
	.draw = draw,
	.key = key,
	.tick = tick,
	.row_text = row_text,
	.search = search,
	.hint = hint,
};
