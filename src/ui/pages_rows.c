/* pages_rows: the page pane's column table and rows (one pageinfo record a row). */
#include "config.h"

#include <errno.h>
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
#include "table.h"
#include "text.h"
#include "ui_int.h"

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

const struct pages_flag pages_flag_tab[PMF_COUNT] = {
	{ PMF_PRESENT, UC_PRESENT },
	{ PMF_SWAPPED, UC_SWAPPED },
	{ PMF_FILE_SHARED, UC_FSHARED },
	{ PMF_EXCLUSIVE, UC_EXCL },
	{ PMF_SOFT_DIRTY, UC_SDIRTY },
	{ PMF_UFFD_WP, UC_UFFD },
	{ PMF_GUARD, UC_GUARDPG },
};

int
pages_addr_w(const struct ui *ui)
{
	int d = text_hex_digits(pages_st(ui)->cur.end - 1);

	return d < 12 ? 12 : d;
}


static void
col_widths(const struct ui *ui, int *w)
{
	w[COL_ADDR] = pages_addr_w(ui);
	w[COL_PFN] = 10;
	w[COL_PHYS] = 14;
	w[COL_FLAGS] = 2 * PMF_COUNT - 1;
	w[COL_STATE] = 8;
	w[COL_MARKS] = 6;
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
	uint64_t i = pages_item_of(ps, row, &cur.folded);

	cur.mark = 0;
	cur.hide = false;
	cur.got = pages_rec(ui, &cur.ctx, i, &cur.p);
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
		pages_fmt_pfn(&cur.p, t, sizeof(t));
		frame_cell(t, w, sel, buf, len, a);
		break;
	case COL_PHYS:
		pages_fmt_phys(&cur.p, t, sizeof(t));
		frame_cell(t, w, sel, buf, len, a);
		break;
	case COL_STATE:
		if (cur.folded)
			folded_state(ui, w, buf, len, a);
		else
			snprintf(buf, len, "%-*s", w, pages_state_cell(ui, &cur.p,
			    cur.got, cur.hide, a));
		break;
	}
}

/* The flags, each letter in its colour; '?' this kernel cannot tell. */
static void
flags_draw(struct ui *ui, int y, int x, attr_t base)
{
	for (int k = 0; k < PMF_COUNT; k++) {
		uint32_t f = pages_flag_tab[k].flag;
		char s[2] = { '-', '\0' };
		attr_t fa = base | ui_attr(ui, UC_ABSENT);

		if (cur.hide) {
			s[0] = '_';	/* predict: not '?' (unknown) */
		} else if (cur.got == 0 && !(cur.p.e.known & f)) {
			s[0] = '?';
		} else if (cur.p.e.flags & f) {
			s[0] = fmt_flag_letter(f);
			fa = base | ui_attr(ui, pages_flag_tab[k].color);
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

		pages_marks_text(ui, &cur.p, m, sizeof(m));
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
	pages_marks_text(ui, &cur.p, text, sizeof(text));
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

void
pages_draw(struct ui *ui)
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
	pages_discover(ui);
	pages_draw_header(ui);
	if (ps->cmp.on) {
		pages_cmp_draw(ui);
	} else {
		col_widths(ui, w);
		table_fit(&tab, w, l->list_w);
		table_fill(&tab, COL_MARKS, l->list_w);
		table_draw_header(&tab, l->colhdr_y, l->cols,
		    ui_attr(ui, UC_COLHDR));
		/* Only the rows on screen are read: one pread for them all. */
		pagewin_ensure(&ps->w, pages_item_of(ps, ps->v.top, NULL),
		    (size_t)l->list_h);
		pages_rec_ctx(ui, &cur.ctx);
		table_draw_rows(ui, &tab, &ps->v, l->list_y, l->list_h,
		    l->list_w);
		if (ps->w.err)
			ui_msg(ui, true, "reading pagemap: %s",
			    strerror(ps->w.err));
	}
	pages_draw_map(ui);
	pages_draw_detail(ui);
	pages_draw_legend(ui);
}
