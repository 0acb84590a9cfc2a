/* pane_pages: one row per page of a VMA, read lazily through pagewin; stack view and minimap. */
#include "config.h"

#include <errno.h>
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

enum {
	COL_ADDR, COL_PFN, COL_PHYS, COL_FLAGS, COL_STATE, COL_MARKS, NCOLS
};
static const int col_prio[NCOLS] = { 0, 2, 3, 0, 1, 4 };

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

static void
slices_free(struct pages_state *ps)
{
	free(ps->slices);
	ps->slices = NULL;
	ps->nslices = 0;
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
	ps->is_stack = ps->cur.kind == VMA_STACK;
	if (ps->is_stack) {
		if (stack_inspect(ui->rootfd, ui->t.pid, &ui->t.maps,
		    &ui->t.pm, &ps->si) == -1)
			ps->stack_err = errno ? errno : EIO;
	}
	/* Opening [stack] starts at the stack pointer: that's the story. */
	if (page == UINT64_MAX) {
		page = 0;
		if (ps->is_stack && ps->stack_err == 0 && ps->si.sp_known &&
		    ps->si.sp >= ps->cur.start && ps->si.sp < ps->cur.end)
			page = (ps->si.sp - ps->cur.start) >>
			    ui->t.pm.pageshift;
	} else {
		ps->goto_addr = ps->cur.start + (page << ui->t.pm.pageshift);
	}
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

	if (ps->have_win)
		pagewin_free(&ps->w);
	ps->have_win = false;
	slices_free(ps);
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	*hh = 2;
	*dh = 2;
	*legend = true;
	*map = true;
}

static struct pane_view *
view(struct ui *ui)
{
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

/* Is page idx inside a huge-page region found on screen? */
static bool
in_huge(const struct pages_state *ps, uint64_t vaddr)
{
	for (size_t i = 0; i < ps->nhuge; i++)
		if (vaddr >= ps->huge[i].start && vaddr < ps->huge[i].end)
			return true;
	return false;
}

/* PAGEMAP_SCAN tells, without root, which rows on screen are huge pages. */
static void
read_huge(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	uint64_t s, e, we;
	ssize_t n;

	if (ps->huge_valid && ps->huge_top == ps->v.top &&
	    ps->huge_h == ps->v.height)
		return;
	ps->huge_valid = true;
	ps->huge_top = ps->v.top;
	ps->huge_h = ps->v.height;
	ps->nhuge = 0;
	if (ui->t.pm.force_pread || ui->t.pm.scan == 0)
		return;
	s = pagewin_vaddr(&ps->w, ps->v.top);
	e = ps->v.top + (uint64_t)ps->v.height >= ps->w.npages ? ps->w.end :
	    pagewin_vaddr(&ps->w, ps->v.top + (uint64_t)ps->v.height);
	n = pagemap_scan(&ui->t.pm, s, e, PAGE_IS_HUGE, ps->huge,
	    sizeof(ps->huge) / sizeof(ps->huge[0]), &we);
	ps->nhuge = n > 0 ? (size_t)n : 0;
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
	return "absent";
}

static bool
below_sp(const struct ui *ui, uint64_t idx)
{
	const struct pages_state *ps = &ui->pages;
	uint64_t sp_idx;

	if (!ps->is_stack || ps->stack_err || !ps->si.sp_known ||
	    ps->si.sp < ps->cur.start)
		return false;
	sp_idx = (ps->si.sp - ps->cur.start) >> ui->t.pm.pageshift;
	return idx < sp_idx;
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
	if (got == 0 && below_sp(ui, idx) &&
	    !(e->flags & (PMF_PRESENT | PMF_SWAPPED)))
		strlcat(buf, "never-faulted ", len);
	if (got == 0 && e->swap_valid) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "swap %u:0x%" PRIx64 " ",
		    e->swap_type, e->swap_offset);
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

static void
draw_header(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	char buf[600], path[300], sz[16], a[16], b[16];
	int aw = addr_w(ui);

	fmt_vis(ps->cur.path, path, sizeof(path));
	fmt_size(ps->cur.end - ps->cur.start, sz, sizeof(sz));
	snprintf(buf, sizeof(buf), "%0*" PRIx64 "-%0*" PRIx64 " %s %s  %s, "
	    "%" PRIu64 " pages   row %" PRIu64 "/%" PRIu64, aw, ps->cur.start,
	    aw, ps->cur.end, ps->cur.perms, path[0] ? path : "(anonymous)",
	    sz, ps->w.npages, ps->v.sel + 1, ps->w.npages);
	ui_put(l->header_y, 1, l->cols - 1, ui_attr(ui,
	    vmas_kind_color(&ps->cur)) | A_BOLD, buf);
	if (l->header_h < 2)
		return;
	if (ps->is_stack) {
		if (ps->stack_err) {
			snprintf(buf, sizeof(buf), "stack view unavailable: %s",
			    strerror(ps->stack_err));
		} else if (!ps->si.sp_known) {
			snprintf(buf, sizeof(buf), "SP unknown (%s)  ",
			    ps->si.sp_why ? ps->si.sp_why : "not readable");
		} else {
			snprintf(buf, sizeof(buf), "SP %" PRIx64 ": %" PRIu64
			    " of %" PRIu64 " pages below SP never faulted  ",
			    ps->si.sp, ps->si.below_sp_unfaulted,
			    ps->si.below_sp_pages);
		}
		if (!ps->stack_err) {
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
		ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, UC_UNFAULTED),
		    "never-faulted");
	}
}

static void
draw_detail(struct ui *ui)
{
	struct pages_state *ps = &ui->pages;
	struct pane_layout *l = &ui->lay;
	struct pm_entry e;
	char buf[700], names[400];
	uint64_t va = pagewin_vaddr(&ps->w, ps->v.sel), kf, cnt, pa;
	bool cnt_ok;
	int got, y = l->detail_y;
	size_t n;

	if (l->detail_h < 1)
		return;
	got = pagewin_get(&ps->w, ps->v.sel, &e);
	if (got != 0) {
		snprintf(buf, sizeof(buf), "%" PRIx64 ": %s", va, got > 0 ?
		    "no pagemap entry (past the end of pagemap)" :
		    strerror(ps->w.err));
		ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIx64 " raw %016" PRIx64 ":", va,
	    e.raw);
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
		snprintf(buf + n, sizeof(buf) - n, " swap type %u offset 0x%"
		    PRIx64, e.swap_type, e.swap_offset);
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
	last = ps->v.top + (uint64_t)ps->v.height - 1;
	if (last >= ps->w.npages)
		last = ps->w.npages ? ps->w.npages - 1 : 0;
	vs = pane_slice_of(ps->w.npages, n, ps->v.top);
	ve = pane_slice_of(ps->w.npages, n, last);
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
	if (ps->recenter) {
		ps->recenter = false;
		pane_select_center(&ps->v, ps->v.sel);
	}
	draw_header(ui);
	col_widths(ui, w);
	used = pane_cols_fit(w, col_prio, NCOLS, l->list_w, shown);
	w[COL_MARKS] += l->list_w - used > 0 ? l->list_w - used : 0;

	ui_blank(l->colhdr_y, 0, l->cols, ui_attr(ui, UC_COLHDR));
	x = 0;
	for (int c = 0; c < NCOLS; c++) {
		if (!shown[c])
			continue;
		snprintf(cell, sizeof(cell), "%-*s", w[c], hdr[c]);
		x = ui_put(l->colhdr_y, x, w[c], ui_attr(ui, UC_COLHDR),
		    cell) + 1;
	}

	/* Only the rows on screen are read: one pread for all of them. */
	pagewin_ensure(&ps->w, ps->v.top, (size_t)l->list_h);
	read_huge(ui);
	for (int y = 0; y < l->list_h; y++) {
		struct pm_entry e;
		uint64_t i, va;
		bool sel;
		attr_t base;
		int got;

		if (!pane_row_at(&ps->v, y, &i))
			break;
		va = pagewin_vaddr(&ps->w, i);
		got = pagewin_get(&ps->w, i, &e);
		if (got != 0)
			memset(&e, 0, sizeof(e));
		sel = i == ps->v.sel;
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
				snprintf(cell, sizeof(cell), "%*s", w[c], t);
				if (strcmp(t, "hidden") == 0 && !sel)
					a |= A_DIM;
				break;
			}
			case COL_PHYS: {
				char t[32];

				fmt_phys(ui, &e, got, va, t, sizeof(t));
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

					if (got == 0 && !(e.known & f)) {
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
				snprintf(cell, sizeof(cell), "%-*s", w[c],
				    state_word(got, &e));
				if (got == 0 && (e.flags & PMF_PRESENT))
					a |= ui_attr(ui, UC_PRESENT);
				else if (got == 0 && (e.flags & PMF_GUARD))
					a |= ui_attr(ui, UC_GUARDPG);
				else if (got == 0 && (e.flags & PMF_SWAPPED))
					a |= ui_attr(ui, UC_SWAPPED);
				else if (got == 0 && below_sp(ui, i))
					a |= ui_attr(ui, UC_UNFAULTED);
				else
					a |= ui_attr(ui, UC_ABSENT);
				break;
			case COL_MARKS:
				marks_text(ui, i, got, &e, cell, sizeof(cell));
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
			ui_put(l->list_y + y, x, w[c], a, cell);
			x += w[c] + 1;
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
	uint64_t idx = ps->v.sel, va = pagewin_vaddr(&ps->w, idx), pa, kf,
	    cnt;
	bool cnt_ok;
	char names[400], path[120];
	int got = pagewin_get(&ps->w, idx, &e);

	ui->popup_n = 0;
	snprintf(ui->popup_title, sizeof(ui->popup_title), " page %" PRIx64
	    " ", va);
	fmt_vis(ps->cur.path, path, sizeof(path));
	ui_popup_add(ui, "page %" PRIu64 " of %" PRIu64 " in %s", idx + 1,
	    ps->w.npages, path[0] ? path : "(anonymous)");
	if (got != 0) {
		ui_popup_add(ui, "%s", got > 0 ? "no pagemap entry: past the "
		    "end of pagemap" : strerror(ps->w.err));
		ui_popup_add(ui, "(any key closes)");
		return;
	}
	ui_popup_add(ui, "raw pagemap entry  0x%016" PRIx64, e.raw);
	for (int i = 0; i < PMF_COUNT; i++) {
		uint32_t f = flag_tab[i].flag;

		ui_popup_add(ui, "  bit %2d %-12s %s", flag_tab[i].bit,
		    pagemap_flag_name(f), !(e.known & f) ? "? (this kernel "
		    "cannot tell)" : (e.flags & f) ? "1" : "0");
	}
	if (e.pfn_valid)
		ui_popup_add(ui, "  bits 0-54 PFN     0x%" PRIx64, e.pfn);
	else if (e.flags & PMF_PRESENT)
		ui_popup_add(ui, "  bits 0-54 PFN     hidden (reads 0 "
		    "without CAP_SYS_ADMIN)");
	else if (e.swap_valid)
		ui_popup_add(ui, "  bits 0-4 swap type %u, bits 5-54 swap "
		    "offset 0x%" PRIx64, e.swap_type, e.swap_offset);
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

	switch (a) {
	case KA_BACK:
		pages_free(ui);
		ui_set_level(ui, LV_VMAS);
		break;
	case KA_OPEN:
		popup_detail(ui);
		break;
	case KA_REFRESH:
		pagewin_invalidate(&ps->w);
		slices_free(ps);
		ps->huge_valid = false;
		if (ps->is_stack)
			ps->stack_err = stack_inspect(ui->rootfd, ui->t.pid,
			    &ui->t.maps, &ui->t.pm, &ps->si) == -1 ?
			    (errno ? errno : EIO) : 0;
		ui_msg(ui, false, "pages re-read");
		break;
	case KA_KFLAGS:
		ps->kflags_col = !ps->kflags_col;
		if (ui->kp.flags_fd < 0)
			ui_msg(ui, true, "kpageflags unreadable: %s (root "
			    "only)", strerror(ui->kp.flags_errno ?
			    ui->kp.flags_errno : EACCES));
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
	/* The process keeps running: re-read the screen now and then. */
	if (now - ps->reread_ms >= REREAD_MS) {
		ps->reread_ms = now;
		pagewin_invalidate(&ps->w);
		ps->huge_valid = false;
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
row_text(struct ui *ui, uint64_t idx, char *buf, size_t len)
{
	struct pages_state *ps = &ui->pages;
	struct pm_entry e;
	uint64_t va = pagewin_vaddr(&ps->w, idx);
	char pfn[32], phys[32], flags[PMF_COUNT + 1], marks[600];
	int got = pagewin_get(&ps->w, idx, &e);

	if (got < 0)
		return false;
	if (got > 0)
		memset(&e, 0, sizeof(e));
	fmt_pfn(&e, got, pfn, sizeof(pfn));
	fmt_phys(ui, &e, got, va, phys, sizeof(phys));
	fmt_flags(&e, flags, sizeof(flags));
	marks_text(ui, idx, got, &e, marks, sizeof(marks));
	snprintf(buf, len, "%" PRIx64 " %s %s %s %s %s", va, pfn, phys,
	    flags, state_word(got, &e), marks);
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
	uint64_t addr, n = ps->w.npages, i = ps->v.sel;
	char buf[1024];

	if (fmt_parse_addr(q, &addr) == 0 && addr >= ps->cur.start &&
	    addr < ps->cur.end && strlen(q) >= 4) {
		uint64_t idx = (addr - ps->cur.start) >> ui->t.pm.pageshift;

		if (idx != ps->v.sel || from_sel) {
			pane_select_center(&ps->v, idx);
			ps->goto_addr = addr;
			return true;
		}
	}
	if (n == 0)
		return false;
	for (uint64_t k = 0; k < n && k < SEARCH_MAX; k++) {
		if (k > 0 || !from_sel) {
			if (dir > 0 && i + 1 >= n)
				break;
			if (dir < 0 && i == 0)
				break;
			i = dir > 0 ? i + 1 : i - 1;
		}
		if (row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q)) {
			pane_select_center(&ps->v, i);
			return true;
		}
	}
	if (i > 0 && i + 1 < n) {
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

	/* Say why PFNs read "hidden" rather than leaving a mystery. */
	if (ui->t.pm.caps.pfn_visible == 0 || (ps->have_win &&
	    ui->t.pm.caps.pfn_visible != 1))
		return "PFN hidden: the kernel shows frame numbers only to "
		    "CAP_SYS_ADMIN (run as root)   Enter detail  ? help";
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
