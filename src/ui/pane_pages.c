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
#include "hugefold.h"
#include "kpage.h"
#include "maps.h"
#include "pageinfo.h"
#include "pages_int.h"
#include "pane_pages.h"
#include "table.h"
#include "text.h"
#include "ui_int.h"

#define WIN_CAP		1024		/* entries kept: a few screens */
#define SEARCH_MAX	(1u << 18)	/* rows a text search reads per key */
#define REREAD_MS	1000		/* screen rows are re-read this often */
#define MARKS_CAP	1024		/* pages whose last read is kept */

/* Huge pages fold as one row: hugefold.h says how they are found. */

enum {
	COL_ADDR, COL_PFN, COL_PHYS, COL_FLAGS, COL_STATE, COL_MARKS, NCOLS
};
/*
 * Narrow screens keep the PFN (the point of the pane) over STATE; PFN
 * and PHYS are right-aligned numbers: so are their names.
 */
static const struct table_col cols[NCOLS] = {
	[COL_ADDR] = { "ADDRESS", 0, 0, false, false },
	[COL_PFN] = { "PFN", 0, 1, true, false },
	[COL_PHYS] = { "PHYS", 0, 3, true, false },
	[COL_FLAGS] = { "P S F X D U G", 0, 0, false, false },
	[COL_STATE] = { "STATE", 0, 2, false, false },
	[COL_MARKS] = { "MARKS / KPAGEFLAGS", 0, 4, false, false },
};

/* Each decoded flag and its colour. */
static const struct {
	uint32_t flag;
	enum ui_color color;
} flag_tab[PMF_COUNT] = {
	{ PMF_PRESENT, UC_PRESENT },
	{ PMF_SWAPPED, UC_SWAPPED },
	{ PMF_FILE_SHARED, UC_FSHARED },
	{ PMF_EXCLUSIVE, UC_EXCL },
	{ PMF_SOFT_DIRTY, UC_SDIRTY },
	{ PMF_UFFD_WP, UC_UFFD },
	{ PMF_GUARD, UC_GUARDPG },
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
	int d = hex_digits(pages_st(ui)->cur.end - 1);

	return d < 12 ? 12 : d;
}

/* Rows fold huge blocks; pagewin and the stack view think in pages. */
static uint64_t
item_of(const struct pages_state *ps, uint64_t row, bool *folded)
{
	return hugefold_item_of(&ps->hf, row, folded);
}

static void
view_set_rows(void *arg, uint64_t nrows)
{
	pane_set_rows(arg, nrows);
}

/* The view a block folds in: the selection and the top row keep their page. */
static struct hugefold_view
fold_view(struct pages_state *ps)
{
	struct hugefold_view fv = {
		&ps->v.sel, &ps->v.top, ps->v.height, view_set_rows, &ps->v
	};

	return fv;
}

static void
fold_init(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t g = UINT64_MAX;

	/* an address asked for shows its own page, not its THP row */
	if (ps->goto_addr >= ps->cur.start && ps->goto_addr < ps->cur.end)
		g = (ps->goto_addr - ps->cur.start) >> ui->t.pm.pageshift;
	hugefold_setup(&ps->hf, ps->cur.start, ps->cur.end, ui->t.pm.pageshift,
	    kpage_pmd_size(ui->o->sysfd), ui_vma_smaps(ui, ps->vma),
	    ui_smaps_pending(ui), g);
}

void
pages_fold_off(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t sel = item_of(ps, ps->v.sel, NULL);

	hugefold_off(&ps->hf);
	pane_set_rows(&ps->v, ps->w.npages);
	pane_select_center(&ps->v, sel);
}

void
pages_fold_on(struct ui *ui)
{
	pages_st(ui)->goto_addr = 0;	/* fold_init would expand its block */
	fold_init(ui);
	hugefold_invalidate(&pages_st(ui)->hf);
}

void
pages_select_page(struct ui *ui, uint64_t page)
{
	hex_close(ui);	/* ':' or a search leaves the hex view */
	pane_select_center(&pages_st(ui)->v, hugefold_row_of(&pages_st(ui)->hf, page));
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
	struct pages_state *ps = pages_st(ui);
	int r;

	errno = 0;
	r = stack_inspect_at(ui->rootfd, ui->t.pid, ui_vma_stack_tid(ui, ps->vma),
	    &ui->t.maps, ps->vma, &ui->t.pm, &ps->si);
	ps->stack_err = r == -1 ? (errno ? errno : EIO) : 0;
}

static void pages_free(struct ui *ui);

struct pages_state *
pages_st(const struct ui *ui)
{
	return ui_pane_state(ui, &pages_ops);
}

int
pages_open(struct ui *ui, size_t vma, uint64_t addr)
{
	struct pages_state *ps = pages_st(ui);
	bool kcol = ps->kflags_col;
	uint64_t page = UINT64_MAX;

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
	if (addr != UINT64_MAX)
		page = (addr - ps->cur.start) >> ui->t.pm.pageshift;
	if (pagewin_init(&ps->w, &ui->t.pm, ps->cur.start, ps->cur.end,
	    WIN_CAP) == -1) {
		ui_msg(ui, true, "page window: %s", strerror(errno));
		return -1;
	}
	ps->have_win = true;
	ps->is_stack = ps->cur.kind == VMA_STACK ||
	    ui_vma_stack_tid(ui, vma) != 0;
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
		ps->goto_addr = addr;	/* keeps the in-page offset */
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

static void
pages_free(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);

	pages_cmp_free(ui);
	if (ps->have_win)
		pagewin_free(&ps->w);
	ps->have_win = false;
	hex_close(ui);
	slices_free(ps);
	hugefold_free(&ps->hf);
	pagemarks_free(&ps->marks);
}

static void *
create(struct ui *ui)
{
	struct pages_state *ps = calloc(1, sizeof(*ps));

	if (ps != NULL)
		ps->kflags_col = true;
	return ps;
}

static void
destroy(struct ui *ui, void *state)
{
	pages_free(ui);
	free(state);
}

static void
title(struct ui *ui, char *buf, size_t len)
{
	char who[128];

	ui_target_label(ui, who, sizeof(who));
	snprintf(buf, len, "%s > pages", who);
}

/* The minimap is by page (huge-page rows fold several): a click there. */
static bool
click(struct ui *ui, int y, int x)
{
	struct pages_state *ps = pages_st(ui);
	const struct pane_layout *l = &ui->lay;
	uint64_t first, end;

	if (l->map_w == 0 || x < l->map_x)
		return false;
	if (y - l->list_y >= ps->nslices)
		return true;
	pane_slice(ps->w.npages, ps->nslices, y - l->list_y, &first, &end);
	if (end > first)
		pages_select_page(ui, first);
	return true;
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	if (pages_st(ui)->hex.on) {
		*hh = 2;
		*dh = 0;
		*legend = false;
		*map = false;
		return;
	}
	/* the stack view adds a band for the guard gap below the VMA */
	*hh = pages_st(ui)->is_stack ? 3 : 2;
	*dh = 2;
	*legend = true;
	*map = true;
}

static struct pane_view *
view(struct ui *ui)
{
	if (pages_st(ui)->hex.on)
		return &pages_st(ui)->hex.v;
	return &pages_st(ui)->v;
}

/* Fold the huge blocks of the window on screen: hugefold_discover. */
static void
discover(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct hugefold_view fv = fold_view(ps);
	struct hugefold_src src = { &ui->t.pm, &ui->kp,
	    ui_vma_smaps(ui, ps->vma) };

	hugefold_discover(&ps->hf, &src, &fv);
}

/* /proc/swaps, read once when a swapped page is first shown. */
static bool
swaps_load(struct ui *ui)
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
	return ui->swaps_state == 1;
}

/* What the records of the rows on screen are filled from. */
static void
rec_ctx(struct ui *ui, struct pageinfo_ctx *c)
{
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_pmd none = PAGEINFO_PMD_INIT;

	memset(c, 0, sizeof(*c));
	c->pagesize = ui->t.pm.pagesize;
	c->kp = &ui->kp;
	c->pm = &ui->t.pm;
	c->sm = ui_smaps_list(ui);
	c->pmd = none;
	c->pmd_size = ps->hf.pmd_size;
	c->no_block_walk = true;	/* the fold set tells huge blocks */
	c->huge = ps->hf.huge;
	c->nhuge = ps->hf.nhuge;
	if (ps->is_stack && ps->stack_err == 0)
		c->stack = &ps->si;
	else
		c->stack_why = ps->is_stack ? strerror(ps->stack_err) :
		    "not a stack VMA";
}

/* The record of page idx; pagewin_get's answer (0, 1 no entry, -1). */
static int
page_rec(struct ui *ui, struct pageinfo_ctx *c, uint64_t idx,
    struct pageinfo *p)
{
	struct pages_state *ps = pages_st(ui);
	int got;

	memset(p, 0, sizeof(*p));
	p->vaddr = pagewin_vaddr(&ps->w, idx);
	p->vma = &ps->cur;
	got = pagewin_get(&ps->w, idx, &p->e);
	p->have_entry = got == 0;
	if (!p->have_entry)
		memset(&p->e, 0, sizeof(p->e));
	else if (p->e.swap_valid && swaps_load(ui)) {
		c->sw = ui->swaps;
		c->nsw = ui->nswaps;
	}
	pageinfo_fill(p, c);
	return got;
}

/* Name of the swap device of a swapped page, or why there is none. */
static const char *
swap_dev(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	if (p->swapdev != NULL)
		return fmt_vis(p->swapdev->name, buf, len);
	if (ui->swaps_state == 1)
		snprintf(buf, len, "no device %u in /proc/swaps",
		    p->e.swap_type);
	else
		snprintf(buf, len, "/proc/swaps: %s", strerror(ui->swaps_err));
	return buf;
}

/* The marks column: SP, never faulted, swap slot, huge page, kflags. */
static void
marks_text(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	static const char *const folio[] = {
		[PIF_NONE] = "", [PIF_THP] = "THP ",
		[PIF_THP_HEAD] = "THP-head ", [PIF_HUGETLB] = "hugetlb ",
	};
	const struct pm_entry *e = &p->e;	/* zero without an entry */
	char names[400], dev[120];
	size_t n;

	buf[0] = '\0';
	if (p->is_sp)
		strlcat(buf, "<-SP ", len);
	if (p->never_faulted)
		strlcat(buf, "never-faulted ", len);
	n = strlen(buf);
	if (e->swap_valid)
		snprintf(buf + n, len - n, "swap %u:0x%" PRIx64 " %s ",
		    e->swap_type, e->swap_offset, swap_dev(ui, p, dev,
		    sizeof(dev)));
	else if (e->swap_kind == PMS_HIDDEN)
		strlcat(buf, "swap entry hidden ", len);
	else if (e->swap_kind != PMS_NONE && e->swap_kind != PMS_GUARD)
		snprintf(buf + n, len - n, "%s entry %u:0x%" PRIx64 " ",
		    pagemap_swap_kind_name(e->swap_kind), e->swap_type,
		    e->swap_offset);
	if (p->have_kflags) {
		strlcat(buf, folio[p->folio], len);
		if (pages_st(ui)->kflags_col) {
			n = strlen(buf);
			if (p->have_mapcount)
				snprintf(buf + n, len - n, "map=%" PRIu64 " ",
				    p->mapcount);
			kpage_flags_str(p->kflags, ",", names, sizeof(names));
			strlcat(buf, names, len);
		}
	} else if ((e->flags & PMF_PRESENT) && p->pmd_mapped)
		strlcat(buf, "huge ", len);
}

static void
fmt_pfn(const struct pageinfo *p, char *buf, size_t len)
{
	if (!(p->e.flags & PMF_PRESENT))
		strlcpy(buf, "-", len);
	else if (!p->e.pfn_valid)
		strlcpy(buf, "hidden", len);
	else
		snprintf(buf, len, "%" PRIx64, p->e.pfn);
}

static void
fmt_phys(const struct pageinfo *p, char *buf, size_t len)
{
	if (p->have_phys)
		snprintf(buf, len, "%" PRIx64, p->phys);
	else if (p->e.flags & PMF_PRESENT)
		strlcpy(buf, "hidden", len);
	else
		strlcpy(buf, "-", len);
}

/* STATE's word and colour: hidden by predict, a read error, the record's. */
static const char *
state_cell(const struct ui *ui, const struct pageinfo *p, int got, bool hide,
    attr_t *a)
{
	static const enum ui_color color[] = {
		[PIS_NO_ENTRY] = UC_ABSENT, [PIS_GUARD] = UC_GUARDPG,
		[PIS_PRESENT] = UC_PRESENT, [PIS_SWAPPED] = UC_SWAPPED,
		[PIS_SPECIAL] = UC_ABSENT, [PIS_ABSENT] = UC_ABSENT,
	};
	enum pageinfo_state st = pageinfo_state(p);

	if (hide)
		return "_";
	*a |= ui_attr(ui, st == PIS_ABSENT && p->never_faulted ?
	    UC_UNFAULTED : color[st]);
	return got < 0 ? "error" : pageinfo_state_word(p);
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
	struct pages_state *ps = pages_st(ui);
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
	struct pages_state *ps = pages_st(ui);
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
	if (ps->hf.ncoll > 0) {
		size_t n = strlen(buf);

		fmt_size(ps->hf.blk << ui->t.pm.pageshift, a, sizeof(a));
		snprintf(buf + n, sizeof(buf) - n, "  (%zu %s %s folded, + "
		    "expands)", ps->hf.ncoll, ps->hf.hugetlb ? "huge" : "THP",
		    a);
	}
	ui_put(l->header_y, 1, l->cols - 1, ui_attr(ui, ps->is_stack ?
	    UC_STACK : ui_vma_color(&ps->cur)) | A_BOLD, buf);
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
	if (ui_vma_counts(ui, ps->vma) != NULL) {
		const struct pm_counts *c = ui_vma_counts(ui, ps->vma);

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
	if (pages_st(ui)->is_stack) {
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, UC_SP),
		    "SP") + 2;
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui,
		    UC_UNFAULTED), "never-faulted") + 2;
	}
	if (pages_st(ui)->hf.ncoll > 0 || pages_st(ui)->hf.nexpd > 0)
		ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, UC_HUGE),
		    "THP/huge: +/- expand/fold");
}

/* A folded row's block: "THP 2M: 512 pages a-b in one huge frame". */
static void
fold_text(const struct ui *ui, uint64_t va, char *buf, size_t len)
{
	const struct hugefold *hf = &pages_st(ui)->hf;
	char sz[16];

	fmt_size(hf->blk << ui->t.pm.pageshift, sz, sizeof(sz));
	snprintf(buf, len, "%s %s: %" PRIu64 " pages %" PRIx64 "-%" PRIx64
	    " in one huge frame (+ expands); head", hf->hugetlb ? "hugetlb" :
	    "THP", sz, hf->blk, va, va + (hf->blk << ui->t.pm.pageshift));
}

/* The frame part of the detail line: PFN, swap slot, or what it is. */
static void
detail_frame(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	const struct pm_entry *e = &p->e;
	char dev[120];

	if (len > 0)
		buf[0] = '\0';
	if (e->pfn_valid)
		snprintf(buf, len, " PFN=%" PRIx64, e->pfn);
	else if (e->flags & PMF_PRESENT)
		snprintf(buf, len, " PFN hidden");
	else if (e->swap_valid)
		snprintf(buf, len, " swap type %u (%s) offset 0x%" PRIx64,
		    e->swap_type, swap_dev(ui, p, dev, sizeof(dev)),
		    e->swap_offset);
	else if (e->swap_kind == PMS_HIDDEN)
		snprintf(buf, len, " swapped, swap entry hidden "
		    "(CAP_SYS_ADMIN)");
	else if (e->swap_kind != PMS_NONE && e->swap_kind != PMS_GUARD)
		snprintf(buf, len, " %s entry, not in swap (type %u offset 0x%"
		    PRIx64 ")", pagemap_swap_kind_name(e->swap_kind),
		    e->swap_type, e->swap_offset);
	else if (e->flags == 0)
		snprintf(buf, len, " (never touched or reclaimed)");
}

/* Why a page has no kflags, in the pane's words. */
static const char *
kflags_why(const struct ui *ui, const struct pageinfo *p, const char *nopfn)
{
	if (!(p->e.flags & PMF_PRESENT))
		return "page not present";
	if (!p->e.pfn_valid)
		return nopfn;
	return strerror(ui->kp.flags_errno ? ui->kp.flags_errno : EIO);
}

/* The address asked for with ':' keeps its in-page offset. */
static bool
goto_phys(const struct ui *ui, const struct pageinfo *p, uint64_t *pa)
{
	uint64_t g = pages_st(ui)->goto_addr;

	return g >= p->vaddr && g - p->vaddr < ui->t.pm.pagesize &&
	    pagemap_phys(&p->e, g, ui->t.pm.pagesize, pa);
}

static void
draw_detail(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pane_layout *l = &ui->lay;
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	char buf[700], names[400];
	bool folded;
	uint64_t item = item_of(ps, ps->v.sel, &folded), pa;
	int got, y = l->detail_y;
	size_t n;

	if (l->detail_h < 1)
		return;
	rec_ctx(ui, &ctx);
	got = page_rec(ui, &ctx, item, &p);
	if (got != 0) {
		snprintf(buf, sizeof(buf), "%" PRIx64 ": %s", p.vaddr, got > 0 ?
		    "no pagemap entry (past the end of pagemap)" :
		    strerror(ps->w.err));
		ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
		return;
	}
	buf[0] = '\0';
	if (folded)
		fold_text(ui, p.vaddr, buf, sizeof(buf));
	n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "%s%" PRIx64 " raw %016" PRIx64
	    ":", n ? " " : "", p.vaddr, p.e.raw);
	for (int i = 0; i < PMF_COUNT; i++) {
		if (!(p.e.flags & flag_tab[i].flag))
			continue;
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " %d=%s", pageinfo_flag_bit(
		    flag_tab[i].flag), pagemap_flag_name(flag_tab[i].flag));
	}
	n = strlen(buf);
	detail_frame(ui, &p, buf + n, sizeof(buf) - n);
	n = strlen(buf);
	if (goto_phys(ui, &p, &pa))
		snprintf(buf + n, sizeof(buf) - n, "  %" PRIx64 " -> phys %"
		    PRIx64, ps->goto_addr, pa);
	ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
	if (l->detail_h < 2)
		return;
	if (p.have_kflags) {
		kpage_flags_str(p.kflags, " ", names, sizeof(names));
		snprintf(buf, sizeof(buf), "kpageflags %" PRIx64 ": %s",
		    p.kflags, names[0] ? names : "(none)");
		n = strlen(buf);
		if (p.have_mapcount)
			snprintf(buf + n, sizeof(buf) - n, "  mapcount %"
			    PRIu64, p.mapcount);
	} else
		snprintf(buf, sizeof(buf), "kpageflags: %s", kflags_why(ui, &p,
		    "need the PFN (CAP_SYS_ADMIN)"));
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
	struct pages_state *ps = pages_st(ui);
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
			li += ps->hf.blk - 1;
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

/* The row being drawn: its record, read once for all its cells. */
static struct {
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	int got;
	uint32_t mark;		/* watch mark (pagemarks) */
	bool hide;		/* predict: its change is hidden */
	bool folded;		/* a huge block's row */
} cur;

static void
row_start(struct ui *ui, uint64_t row)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t i = item_of(ps, row, &cur.folded);

	cur.mark = 0;
	cur.hide = false;
	cur.got = page_rec(ui, &cur.ctx, i, &cur.p);
	if (cur.got == 0)
		cur.mark = pagemarks_see(&ps->marks, i, &cur.p.e, &cur.hide);
}

/* PFN and PHYS: "hidden" dim, "_" while predict hides a change. */
static void
frame_cell(const char *t, int w, bool sel, char *buf, size_t len,
    attr_t *a)
{
	snprintf(buf, len, "%*s", w, cur.hide ? "_" : t);
	if (!cur.hide && strcmp(t, "hidden") == 0 && !sel)
		*a |= A_DIM;
}

/* A folded huge block's STATE: "THP 2M", "huge 1G". */
static void
folded_state(struct ui *ui, int w, char *buf, size_t len, attr_t *a)
{
	const struct hugefold *hf = &pages_st(ui)->hf;
	char hs[16];

	text_page_size(hf->blk << ui->t.pm.pageshift, hs, sizeof(hs));
	snprintf(buf, len, "%s %-*s", hf->hugetlb ? "huge" : "THP",
	    w - (hf->hugetlb ? 5 : 4), hs);
	*a |= ui_attr(ui, UC_HUGE) | A_BOLD;
}

static void
cell(struct ui *ui, uint64_t row, int c, int w, bool sel, char *buf,
    size_t len, attr_t *a)
{
	char t[32];

	switch (c) {
	case COL_ADDR:
		snprintf(buf, len, "%0*" PRIx64, w, cur.p.vaddr);
		if (cur.p.is_sp)
			*a = ui_attr(ui, UC_SP);
		break;
	case COL_PFN:
		fmt_pfn(&cur.p, t, sizeof(t));
		frame_cell(t, w, sel, buf, len, a);
		break;
	case COL_PHYS:
		fmt_phys(&cur.p, t, sizeof(t));
		frame_cell(t, w, sel, buf, len, a);
		break;
	case COL_STATE:
		if (cur.folded)
			folded_state(ui, w, buf, len, a);
		else
			snprintf(buf, len, "%-*s", w, state_cell(ui, &cur.p,
			    cur.got, cur.hide, a));
		break;
	}
}

/* The flags, each letter in its colour; '?' this kernel cannot tell. */
static void
flags_draw(struct ui *ui, int y, int x, attr_t base)
{
	for (int k = 0; k < PMF_COUNT; k++) {
		uint32_t f = flag_tab[k].flag;
		char s[2] = { '-', '\0' };
		attr_t fa = base | ui_attr(ui, UC_ABSENT);

		if (cur.hide) {
			s[0] = '_';	/* predict: not '?' (unknown) */
		} else if (cur.got == 0 && !(cur.p.e.known & f)) {
			s[0] = '?';
		} else if (cur.p.e.flags & f) {
			s[0] = fmt_flag_letter(f);
			fa = base | ui_attr(ui, flag_tab[k].color);
		}
		ui_put(y, x + 2 * k, 1, fa, s);
	}
}

/* MARKS: the change mark first in its colour, then the notes. */
static void
marks_draw(struct ui *ui, int y, int x, int w, attr_t base)
{
	char text[700], tok[16];
	attr_t a = base;

	if (cur.folded) {
		char m[600];

		marks_text(ui, &cur.p, m, sizeof(m));
		snprintf(text, sizeof(text), "[+%" PRIu64 " pages] head %s",
		    pages_st(ui)->hf.blk, m);
		ui_put(y, x, w, base | ui_attr(ui, UC_HUGE), text);
		return;
	}
	if (cur.mark != 0) {
		int tx;

		pagemarks_token(cur.mark, tok, sizeof(tok));
		tx = ui_put(y, x, (int)strlen(tok), base | A_BOLD |
		    ui_attr(ui, UC_SP), tok);
		w -= tx + 1 - x;
		x = tx + 1;
	}
	marks_text(ui, &cur.p, text, sizeof(text));
	if (cur.hide)
		text[0] = '\0';
	if (cur.p.is_sp)
		a |= A_BOLD;
	else if (strncmp(text, "never", 5) == 0)
		a |= ui_attr(ui, UC_UNFAULTED);
	else if (strncmp(text, "THP", 3) == 0 ||
	    strncmp(text, "huge", 4) == 0 || strncmp(text, "hugetlb", 7) == 0)
		a |= ui_attr(ui, UC_HUGE);
	ui_put(y, x, w, a, text);
}

static bool
cell_draw(struct ui *ui, uint64_t row, int c, int y, int x, int w, bool sel,
    attr_t base)
{
	if (c == COL_FLAGS) {
		flags_draw(ui, y, x, base);
		return true;
	}
	if (c == COL_MARKS) {
		marks_draw(ui, y, x, w, base);
		return true;
	}
	return false;
}

static struct table tab = {
	.col = cols,
	.ncol = NCOLS,
	.row_start = row_start,
	.cell = cell,
	.cell_draw = cell_draw,
};

static void
draw(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pane_layout *l = &ui->lay;
	int w[NCOLS];

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
	} else {
		col_widths(ui, w);
		table_fit(&tab, w, l->list_w);
		table_fill(&tab, COL_MARKS, l->list_w);
		table_draw_header(&tab, l->colhdr_y, l->cols,
		    ui_attr(ui, UC_COLHDR));
		/* Only the rows on screen are read: one pread for them all. */
		pagewin_ensure(&ps->w, item_of(ps, ps->v.top, NULL),
		    (size_t)l->list_h);
		rec_ctx(ui, &cur.ctx);
		table_draw_rows(ui, &tab, &ps->v, l->list_y, l->list_h,
		    l->list_w);
		if (ps->w.err)
			ui_msg(ui, true, "reading pagemap: %s",
			    strerror(ps->w.err));
	}
	draw_map(ui);
	draw_detail(ui);
	draw_legend(ui);
}

/* The popup's bit lines: each flag, and what bit 62 is without a swap area. */
static void
popup_flags(struct ui *ui, const struct pm_entry *e)
{
	for (int i = 0; i < PMF_COUNT; i++) {
		uint32_t f = flag_tab[i].flag;
		int bit = pageinfo_flag_bit(f);

		if (f == PMF_SWAPPED && !(e->flags & f) &&
		    e->swap_kind != PMS_NONE) {
			ui_popup_add(ui, "  bit %2d %-12s 1, but no swap area: "
			    "%s entry", bit, pagemap_flag_name(f),
			    pagemap_swap_kind_name(e->swap_kind));
			continue;
		}
		ui_popup_add(ui, "  bit %2d %-12s %s", bit,
		    pagemap_flag_name(f), (e->flags & f) ? "1" :
		    !(e->known & f) ? "? (this kernel cannot tell)" : "0");
	}
}

/* The popup's frame lines: bits 0-54 as PFN, swap slot, or what else. */
static void
popup_frame(struct ui *ui, const struct pageinfo *p)
{
	const struct pm_entry *e = &p->e;
	char dev[120];

	if (e->pfn_valid)
		ui_popup_add(ui, "  bits 0-54 PFN     0x%" PRIx64, e->pfn);
	else if (e->flags & PMF_PRESENT)
		ui_popup_add(ui, "  bits 0-54 PFN     hidden (reads 0 "
		    "without CAP_SYS_ADMIN)");
	else if (e->swap_valid) {
		ui_popup_add(ui, "  bits 0-4 swap type %u, bits 5-54 swap "
		    "offset 0x%" PRIx64, e->swap_type, e->swap_offset);
		ui_popup_add(ui, "swap device        %s", swap_dev(ui, p, dev,
		    sizeof(dev)));
	} else if (e->swap_kind == PMS_HIDDEN)
		ui_popup_add(ui, "  bits 0-54         swap entry hidden "
		    "(reads 0 without CAP_SYS_ADMIN)");
	else if (e->swap_kind != PMS_NONE)
		ui_popup_add(ui, "  bits 0-4 type %u, 5-54 offset 0x%" PRIx64
		    ": a %s entry, not in swap", e->swap_type, e->swap_offset,
		    pagemap_swap_kind_name(e->swap_kind));
	else
		ui_popup_add(ui, "  bits 0-54         0 (not present)");
}

/* The popup's kflags: the word, its names over lines of 60, mapcount. */
static void
popup_kflags(struct ui *ui, const struct pageinfo *p)
{
	char names[400];

	if (!p->have_kflags) {
		if (p->e.flags & PMF_PRESENT)
			ui_popup_add(ui, "kpageflags         %s", kflags_why(ui,
			    p, "needs the PFN (CAP_SYS_ADMIN)"));
		return;
	}
	kpage_flags_str(p->kflags, " ", names, sizeof(names));
	ui_popup_add(ui, "kpageflags         0x%" PRIx64, p->kflags);
	for (char *s = names; *s != '\0';) {
		size_t n = strlen(s);

		if (n > 60) {
			n = 60;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = 60;
		}
		ui_popup_add(ui, "  %.*s", (int)n, s);
		s += n;
		while (*s == ' ')
			s++;
	}
	if (p->have_mapcount)
		ui_popup_add(ui, "mapcount           %" PRIu64, p->mapcount);
}

static void
popup_detail(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	bool folded;
	uint64_t idx = item_of(ps, ps->v.sel, &folded), pa;
	char sz[16], path[120];
	int got;

	rec_ctx(ui, &ctx);
	got = page_rec(ui, &ctx, idx, &p);
	ui->popup_n = 0;
	snprintf(ui->popup_title, sizeof(ui->popup_title), " page %" PRIx64
	    " ", p.vaddr);
	fmt_vis(ps->cur.path, path, sizeof(path));
	ui_popup_add(ui, "page %" PRIu64 " of %" PRIu64 " in %s", idx + 1,
	    ps->w.npages, path[0] ? path : "(anonymous)");
	if (folded) {
		fmt_size(ps->hf.blk << ui->t.pm.pageshift, sz, sizeof(sz));
		ui_popup_add(ui, "%s %s: %" PRIu64 " base pages mapped by one "
		    "huge page-table entry", ps->hf.hugetlb ? "hugetlb page" :
		    "transparent huge page", sz, ps->hf.blk);
		ui_popup_add(ui, "(+ or Right shows them; this is the head)");
	}
	if (got != 0) {
		ui_popup_add(ui, "%s", got > 0 ? "no pagemap entry: past the "
		    "end of pagemap" : strerror(ps->w.err));
		ui_popup_add(ui, "(any key closes)");
		return;
	}
	ui_popup_add(ui, "raw pagemap entry  0x%016" PRIx64, p.e.raw);
	popup_flags(ui, &p.e);
	popup_frame(ui, &p);
	if (p.have_phys)
		ui_popup_add(ui, "physical address   0x%" PRIx64, p.phys);
	if (goto_phys(ui, &p, &pa))
		ui_popup_add(ui, "0x%" PRIx64 " -> physical 0x%" PRIx64,
		    ps->goto_addr, pa);
	popup_kflags(ui, &p);
	if (p.is_sp)
		ui_popup_add(ui, "the stack pointer (0x%" PRIx64 ") is in "
		    "this page", ps->si.sp);
	ui_popup_add(ui, "(any key closes)");
}

static void
key(struct ui *ui, enum key_action a)
{
	struct pages_state *ps = pages_st(ui);

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
		ui_back(ui);
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
		hugefold_invalidate(&ps->hf);
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
		struct hugefold_view fv = fold_view(ps);

		if (!folded) {
			ui_msg(ui, false, hugefold_expanded(&ps->hf,
			    hugefold_block_of(&ps->hf, it)) ? "already "
			    "expanded; - folds it" : "not a huge page row");
			break;
		}
		if (hugefold_expand(&ps->hf, it, &fv) == -1) {
			ui_msg(ui, true, "too many expanded huge pages");
			break;
		}
		ui_msg(ui, false, "expanded into %" PRIu64 " pages; - folds",
		    ps->hf.blk);
		break;
	}
	case KA_COLLAPSE: {
		bool folded;
		uint64_t it = item_of(ps, ps->v.sel, &folded);
		uint64_t b = hugefold_block_of(&ps->hf, it);

		/* discover() folds it again if it is still huge */
		if (folded || !hugefold_collapse(&ps->hf, b)) {
			ui_msg(ui, false, "no expanded huge page here");
			break;
		}
		pane_select(&ps->v, hugefold_row_of(&ps->hf, b));
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
	struct pages_state *ps = pages_st(ui);
	uint64_t now = ui_now_ms();
	bool more = false;

	if (!ps->have_win)
		return false;
	/* smaps tells hugetlb from THP: fold once it has come */
	if (ps->hf.wait) {
		if (ui_smaps_tick(ui))
			more = true;
		if (ui_vma_smaps(ui, ps->vma) != NULL ||
		    !ui_smaps_pending(ui)) {
			fold_init(ui);
			hugefold_invalidate(&ps->hf);
		}
	}
	/* The process keeps running: re-read the screen now and then. */
	if (!ui->paused && now - ps->reread_ms >= (uint64_t)(ui->o->interval_ms >
	    0 ? ui->o->interval_ms : REREAD_MS)) {
		ps->reread_ms = now;
		pagewin_invalidate(&ps->w);
		pagemarks_tick(&ps->marks);
		hugefold_invalidate(&ps->hf);
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
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	bool folded;
	uint64_t idx = item_of(ps, row, &folded);
	char pfn[32], phys[32], flags[PMF_COUNT + 1], marks[600];
	attr_t a = 0;
	int got;

	if (ps->hex.on)
		return hex_row_text(ui, row, buf, len);
	rec_ctx(ui, &ctx);
	if ((got = page_rec(ui, &ctx, idx, &p)) < 0)
		return false;
	fmt_pfn(&p, pfn, sizeof(pfn));
	fmt_phys(&p, phys, sizeof(phys));
	fmt_flags(&p.e, flags, sizeof(flags));
	marks_text(ui, &p, marks, sizeof(marks));
	snprintf(buf, len, "%" PRIx64 " %s %s %s %s %s", p.vaddr, pfn, phys,
	    flags, folded ? (ps->hf.hugetlb ? "huge" : "THP") :
	    state_cell(ui, &p, got, false, &a), marks);
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
	struct pages_state *ps = pages_st(ui);
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

		if (hugefold_row_of(&ps->hf, idx) != ps->v.sel || from_sel) {
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

/* The answer to c's prompt: the process to compare with. */
static bool
prompt(struct ui *ui, int kind, enum prompt_ev ev)
{
	if (kind != 'c' || ev != PR_ACCEPT)
		return false;
	pages_cmp_answer(ui, ui->pbuf);
	return true;
}

static const char *
hint(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);

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
	if (ps->hf.ncoll > 0 || ps->hf.nexpd > 0)
		return "Enter detail  + expand / - fold huge page  : go to  "
		    "/ search  f kpageflags  Esc back  ? help";
	return "Enter page detail  : go to address  / search  f kpageflags  "
	    "Esc back  ? help";
}

const struct pane_ops pages_ops = {
	.name = "pages",
	.create = create,
	.destroy = destroy,
	.leave = pages_free,
	.title = title,
	.click = click,
	.want = want,
	.view = view,
	.draw = draw,
	.key = key,
	.tick = tick,
	.row_text = row_text,
	.search = search,
	.hint = hint,
	.prompt = prompt,
};
