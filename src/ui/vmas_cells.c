/* vmas_cells: the VMA pane's column table — a cell of a VMA, hole or guard-gap row; room for the path. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "maps.h"
#include "pane_vmas.h"
#include "smaps.h"
#include "stack.h"
#include "table.h"
#include "text.h"
#include "ui_int.h"
#include "vmas_int.h"

enum {
	COL_RANGE, COL_MARK, COL_SIZE, COL_PERMS, COL_OFFSET, COL_DEV, COL_INODE,
	COL_RES, COL_SWAP, COL_EXCL, COL_BAR, COL_HUGE, COL_PATH, NCOLS
};


/* Widths are set per frame (col_widths): the address digits vary. */
static const struct table_col cols[NCOLS] = {
	[COL_RANGE] = { "START-END", 0, 0, false, true },
	[COL_MARK] = { "", 0, 0, false, false },
	[COL_SIZE] = { "SIZE", 0, 0, false, false },
	[COL_PERMS] = { "PERM", 0, 0, false, false },
	[COL_OFFSET] = { "OFFSET", 0, 6, false, false },
	[COL_DEV] = { "DEV", 0, 7, false, false },
	[COL_INODE] = { "INODE", 0, 8, false, false },
	[COL_RES] = { "RES", 0, 1, true, false },
	[COL_SWAP] = { "SWAP", 0, 3, true, false },
	[COL_EXCL] = { "EXCL", 0, 2, true, false },
	[COL_BAR] = { "RESIDENCY", 0, 5, false, false },
	[COL_HUGE] = { "HUGE", 0, 4, false, false },
	[COL_PATH] = { "PATH", 0, 0, false, false },
};
#define BAR_W		10
#define HUGE_W		8
#define PATH_MIN	28

/* Address digits: 12 for user space, 16 when [vsyscall] is there. */
static int
addr_w(const struct ui *ui)
{
	int w = 8;

	/* [vsyscall] (ffffffffff600000) alone would widen every row. */
	for (size_t i = 0; i < ui->t.maps.n; i++) {
		int d = text_hex_digits(ui->t.maps.v[i].end - 1);

		if (ui->t.maps.v[i].kind == VMA_VSYSCALL)
			continue;
		if (d > w)
			w = d;
	}
	return w;
}

static void
col_widths(const struct ui *ui, int *w)
{
	/* change marks, one character: after the range, so that a row
	 * still starts with its address (what a reader and a grep look for) */
	w[COL_MARK] = 1;
	w[COL_RANGE] = 2 * addr_w(ui) + 1;
	w[COL_SIZE] = 6;
	w[COL_PERMS] = 4;
	w[COL_OFFSET] = 8;
	w[COL_DEV] = 5;
	w[COL_INODE] = 8;
	w[COL_RES] = 7;
	w[COL_SWAP] = 6;
	w[COL_EXCL] = 7;
	w[COL_BAR] = BAR_W;
	w[COL_HUGE] = HUGE_W;
	w[COL_PATH] = PATH_MIN;
}

/* A page count in at most w columns: exact when it fits, else 12.3M. */
static void
fmt_count(uint64_t n, int w, char *buf, size_t len)
{
	static const char units[] = "kMGT";

	snprintf(buf, len, "%" PRIu64, n);
	for (int u = 0; (int)strlen(buf) > w && u < 4; u++) {
		double d = (double)n;

		for (int k = 0; k <= u; k++)
			d /= 1000;
		snprintf(buf, len, "%.1f%c", d, units[u]);
	}
}

const struct ui_count *
vmas_count_of(struct ui *ui, size_t i)
{
	if (i >= vmas_st(ui)->ncounts || ui->t.pm.fd < 0)
		return NULL;
	return &vmas_st(ui)->counts[i];
}

static void
count_cell(struct ui *ui, size_t i, int which, int w, char *buf, size_t len)
{
	const struct ui_count *uc = vmas_count_of(ui, i);
	uint64_t n;

	if (uc == NULL) {
		strlcpy(buf, "-", len);
		return;
	}
	if (uc->state == UCS_PENDING) {
		strlcpy(buf, ui_ellipsis(ui), len);
		return;
	}
	if (uc->state == UCS_FAILED) {
		strlcpy(buf, "err", len);
		return;
	}
	n = which == COL_RES ? uc->c.present : which == COL_SWAP ?
	    uc->c.swapped : uc->c.exclusive;
	fmt_count(n, w, buf, len);
}

static void
bar_cell(struct ui *ui, size_t i, char *buf)
{
	const struct ui_count *uc = vmas_count_of(ui, i);
	int p = 0, s = 0, g = 0;

	memset(buf, ' ', BAR_W);
	buf[BAR_W] = '\0';
	if (uc == NULL || uc->state != UCS_DONE || uc->c.pages == 0)
		return;
	/* Round up so one resident page in a huge VMA still shows. */
	p = (int)((uc->c.present * BAR_W + uc->c.pages - 1) / uc->c.pages);
	s = (int)((uc->c.swapped * BAR_W + uc->c.pages - 1) / uc->c.pages);
	g = (int)((uc->c.guard * BAR_W + uc->c.pages - 1) / uc->c.pages);
	if (p + s > BAR_W)
		s = BAR_W - p;
	if (p + s + g > BAR_W)
		g = BAR_W - p - s;
	for (int k = 0; k < BAR_W; k++)
		buf[k] = k < p ? '#' : k < p + s ? 'S' : k < p + s + g ? 'G' :
		    '.';
}

/* Path column text: the escaped path, or what the mapping is. */
void
vmas_path_text(const struct ui *ui, size_t i, char *buf, size_t len)
{
	const struct vma *v = &ui->t.maps.v[i];
	pid_t tid = vmas_stack_tid(ui, i);

	if (tid != 0)
		snprintf(buf, len, "[stack:%d]", (int)tid);
	else if (v->path[0] != '\0')
		fmt_vis(v->path, buf, len);
	else if (strncmp(v->perms, "---", 3) == 0 && i + 1 < ui->t.maps.n &&
	    ui->t.maps.v[i + 1].start == v->end &&
	    (tid = vmas_stack_tid(ui, i + 1)) != 0)
		snprintf(buf, len, "(guard page of [stack:%d])", (int)tid);
	else if (strncmp(v->perms, "---", 3) == 0)
		strlcpy(buf, "(guard: no access)", len);
	else
		strlcpy(buf, "(anonymous)", len);
}

/*
 * A path too long for its column keeps its end, where the file name is:
 * "...x86_64-linux-gnu/libc.so.6", not "/usr/lib/x86_64-linux-gnu/li".
 * The text is escaped already; in a UTF-8 locale it may hold characters
 * of one or two columns, so columns are counted, not bytes.
 */
static void
keep_tail(char *cell, int width)
{
	size_t i = 0, k, uw, len = strlen(cell), w = fmt_width(cell);

	if (width < 8 || w <= (size_t)width)
		return;
	/* drop whole units: never half an escape ("\\342" to "42") */
	while (w > (size_t)width - 3 && (k = fmt_unit(cell + i, &uw)) > 0) {
		i += k;
		w -= uw;
	}
	memmove(cell + 3, cell + i, len - i + 1);
	memcpy(cell, "...", 3);
}

/*
 * HUGE column: hugetlb page size, THP bytes mapped, else what madvise
 * asked (hg / nh); blank for ordinary VMAs, an ellipsis until smaps came.
 */
static void
huge_cell(const struct ui *ui, size_t i, char *buf, size_t len, bool *hl)
{
	const struct smaps_vma *s = vmas_smaps(ui, i);
	char sz[24];

	*hl = false;
	buf[0] = '\0';
	if (s == NULL) {
		int st = vmas_st(ui)->smaps_state;

		if (st == VS_SMAPS_NONE || st == VS_SMAPS_READING)
			strlcpy(buf, ui_ellipsis(ui), len);
		return;
	}
	if (smaps_is_hugetlb(s, ui->t.pm.pagesize)) {
		text_page_size(s->kernel_page_size, sz, sizeof(sz));
		snprintf(buf, len, "huge %s", sz);
		*hl = true;
	} else if (smaps_thp_bytes(s) > 0) {
		fmt_size(smaps_thp_bytes(s), sz, sizeof(sz));
		snprintf(buf, len, "THP %s", sz);
		*hl = true;
	} else if (s->vmflags & SMF_BIT(SMF_NH)) {
		strlcpy(buf, "no-THP", len);
	} else if (s->vmflags & SMF_BIT(SMF_HG)) {
		strlcpy(buf, "want-THP", len);
	} else if (s->vmflags & SMF_BIT(SMF_LO)) {
		strlcpy(buf, "locked", len);
	}
}

/* Row colour: thread stacks are stacks too. */
static enum ui_color
row_color(const struct ui *ui, size_t i)
{
	if (vmas_stack_tid(ui, i) != 0)
		return UC_STACK;
	return ui_vma_color(&ui->t.maps.v[i]);
}

/* The guard-gap row's text: its size, whether a VMA is in it, the hole. */
static void
gap_text(const struct ui *ui, size_t si, int w, char *cell, size_t len)
{
	const struct vma *st = &ui->t.maps.v[si];
	uint64_t hole = si > 0 ? st->start - ui->t.maps.v[si - 1].end :
	    st->start;
	char sz[16], hs[16];

	fmt_size(vmas_st(ui)->gap, sz, sizeof(sz));
	fmt_size(hole, hs, sizeof(hs));
	snprintf(cell, len, "guard gap %s below [stack]%s", sz,
	    stack_gap_violated(&ui->t.maps, si, vmas_st(ui)->gap) ? " VIOLATED" :
	    "");
	/* The hole only when it fits: a cut "; ho" says nothing. */
	if ((int)(strlen(cell) + strlen(hs)) + 7 <= w)
		fmt_append(cell, len, "; hole %s", hs);
}

/*
 * A cell of a row that is no VMA: the guard gap below [stack] (its range,
 * its size) or a hole between mappings (its range, its size, "unmapped").
 */
static void
pseudo_cell(struct ui *ui, const struct vmarow *r, int c, int w, char *cell,
    size_t len)
{
	bool gap = r->kind == VMAROW_GAP;
	char sz[16];

	if (c == COL_RANGE)
		snprintf(cell, len, "%0*" PRIx64 "-%0*" PRIx64, addr_w(ui),
		    r->start, addr_w(ui), r->end);
	else if (c == COL_SIZE) {
		fmt_size(gap ? vmas_st(ui)->gap : r->end - r->start, sz,
		    sizeof(sz));
		snprintf(cell, len, "%6s", sz);
	} else if (c == COL_PATH && gap)
		gap_text(ui, r->vma, w, cell, len);
	else if (c == COL_PATH)
		strlcpy(cell, "unmapped", len);
}

/* Columns of the widest path cell, over every VMA (not just the rows on
 * screen: the columns must not jump while scrolling); once per maps. */
static int
widest_path(struct ui *ui)
{
	char cell[420];
	size_t wmax = 0, cw;

	if (vmas_st(ui)->path_want >= 0)
		return vmas_st(ui)->path_want;

	for (size_t i = 0; i < ui->t.maps.n; i++) {
		size_t len = strlen(ui->t.maps.v[i].path);

		/*
		 * Cheap bound first (a process may have 65,000 VMAs): an
		 * escaped path takes at most 4 columns a byte, a label
		 * ("(guard page of [stack:TID])") under 40.
		 */
		if (wmax >= 40 && 4 * len <= wmax)
			continue;
		vmas_path_text(ui, i, cell, sizeof(cell));
		if ((cw = fmt_width(cell)) > wmax)
			wmax = cw;
	}
	vmas_st(ui)->path_want = (int)(wmax < 4096 ? wmax : 4096);
	return vmas_st(ui)->path_want;
}

/* Is the HUGE column blank on every row (smaps read, nothing huge)? */
static bool
huge_all_blank(struct ui *ui)
{
	char hb[48];
	bool hl;

	if (vmas_st(ui)->smaps_state != VS_SMAPS_DONE)
		return false;
	if (vmas_st(ui)->huge_blank >= 0)
		return vmas_st(ui)->huge_blank;
	vmas_st(ui)->huge_blank = 1;
	for (size_t i = 0; i < ui->t.maps.n; i++) {
		huge_cell(ui, i, hb, sizeof(hb), &hl);
		if (hb[0] != '\0') {
			vmas_st(ui)->huge_blank = 0;
			break;
		}
	}
	return vmas_st(ui)->huge_blank;
}

/*
 * The path is what a row is about: while the widest path does not fit,
 * columns that matter less give it their room — a HUGE column blank on
 * every row, then INODE, DEV, OFFSET (prio above PATH_YIELD). The counts,
 * the residency bar and a HUGE column with something in it stay. Returns
 * the width used by the columns still shown (path at PATH_MIN).
 */
#define PATH_YIELD	5
static int
path_room(struct ui *ui, const int *w, bool *shown, int used)
{
	int want = widest_path(ui), avail = ui->lay.list_w;

	if (used - w[COL_PATH] + want <= avail)
		return used;
	if (shown[COL_HUGE] && huge_all_blank(ui)) {
		shown[COL_HUGE] = false;
		used -= w[COL_HUGE] + 1;
	}
	while (used - w[COL_PATH] + want > avail) {
		int worst = -1;

		for (int c = 0; c < NCOLS; c++)
			if (shown[c] && cols[c].prio > PATH_YIELD &&
			    (worst < 0 || cols[c].prio > cols[worst].prio))
				worst = c;
		if (worst < 0)
			break;
		shown[worst] = false;
		used -= w[worst] + 1;
	}
	return used;
}

/*
 * Rows are the VMAs in address order, the holes between them (u hides
 * them) and one pseudo-row for the stack guard gap, between [stack] and
 * the VMA below it (the row above): core/vmarows says which is which.
 */
static attr_t
row_attr(struct ui *ui, uint64_t row, bool sel)
{
	const struct vmarow *r;
	size_t i;

	if (vmas_vma_of(ui, row, &i))
		return ui_attr(ui, row_color(ui, i)) | (sel ? A_REVERSE : 0);
	r = vmarows_get(&vmas_st(ui)->rows, row);
	return ui_attr(ui, r != NULL && r->kind == VMAROW_GAP ? UC_GUARD :
	    UC_DIM) | (sel ? A_REVERSE : A_DIM);
}

static void
cell(struct ui *ui, uint64_t row, int c, int w, bool sel, char *out,
    size_t len, attr_t *a)
{
	const struct vma *v;
	char buf[600];
	size_t i;
	bool hl;

	if (!vmas_vma_of(ui, row, &i)) {
		const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows, row);

		if (r != NULL)
			pseudo_cell(ui, r, c, w, out, len);
		return;
	}
	v = &ui->t.maps.v[i];
	switch (c) {
	case COL_MARK:
		*a = vmas_mark(ui, i, out, len, *a);
		break;
	case COL_RANGE:
		snprintf(out, len, "%0*" PRIx64 "-%0*" PRIx64, addr_w(ui),
		    v->start, addr_w(ui), v->end);
		break;
	case COL_SIZE:
		fmt_size(v->end - v->start, buf, sizeof(buf));
		snprintf(out, len, "%6s", buf);
		break;
	case COL_PERMS:
		fmt_vis(v->perms, out, len);
		break;
	case COL_OFFSET:
		snprintf(out, len, "%08" PRIx64, v->offset);
		break;
	case COL_DEV:
		snprintf(out, len, "%02x:%02x", v->dev_major, v->dev_minor);
		break;
	case COL_INODE:
		snprintf(out, len, "%8" PRIu64, v->inode);
		break;
	case COL_RES:
	case COL_SWAP:
	case COL_EXCL:
		count_cell(ui, i, c, w, buf, sizeof(buf));
		snprintf(out, len, "%*s", w, buf);
		if (!sel)
			*a = ui_attr(ui, c == COL_RES ? UC_PRESENT :
			    c == COL_SWAP ? UC_SWAPPED : UC_EXCL);
		break;
	case COL_BAR:
		bar_cell(ui, i, out);
		break;
	case COL_HUGE:
		huge_cell(ui, i, buf, sizeof(buf), &hl);
		snprintf(out, len, "%-*s", w, buf);
		if (hl && !sel)
			*a = ui_attr(ui, UC_HUGE);
		break;
	case COL_PATH:
		vmas_path_text(ui, i, out, len);
		keep_tail(out, w);
		if (v->path[0] == '\0' && !sel)
			*a |= A_DIM;
		break;
	}
}

static struct table tab = {
	.col = cols,
	.ncol = NCOLS,
	.cell = cell,
	.row_attr = row_attr,
};

void
vmas_draw(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	int w[NCOLS];

	if (!ui->have_t) {
		vmas_draw_error(ui);
		return;
	}
	vmas_draw_header(ui);
	col_widths(ui, w);
	table_fit(&tab, w, l->list_w);
	tab.used = path_room(ui, tab.w, tab.shown, tab.used);
	/* The path takes whatever is left. */
	table_fill(&tab, COL_PATH, l->list_w);
	table_draw_header(&tab, l->colhdr_y, l->cols, ui_attr(ui, UC_COLHDR));
	table_draw_rows(ui, &tab, &vmas_st(ui)->v, l->list_y, l->list_h,
	    l->list_w);
	if (ui->t.maps.n == 0)
		ui_put(l->list_y + 1, 2, l->cols - 2, ui_attr(ui, UC_DIM),
		    "no mappings (a kernel thread, or the process is exiting)");
	vmas_draw_detail(ui);
	vmas_draw_legend(ui);
	vmas_map_draw(ui);
}

/* A row's text for search: every column at full width. */
bool
vmas_row_text(struct ui *ui, uint64_t row, char *buf, size_t len)
{
	const struct vma *v;
	char path[400], sz[16], huge[48];
	size_t idx;
	bool hl;

	if (!ui->have_t)
		return false;
	if (!vmas_vma_of(ui, row, &idx)) {
		const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows, row);

		if (r == NULL)
			return false;
		fmt_size(r->kind == VMAROW_GAP ? vmas_st(ui)->gap :
		    r->end - r->start, sz, sizeof(sz));
		snprintf(buf, len, r->kind == VMAROW_GAP ? "guard gap %s "
		    "below [stack]" : "hole %s unmapped", sz);
		return true;
	}
	v = &ui->t.maps.v[idx];
	vmas_path_text(ui, idx, path, sizeof(path));
	huge_cell(ui, idx, huge, sizeof(huge), &hl);
	fmt_size(v->end - v->start, sz, sizeof(sz));
	snprintf(buf, len, "%0*" PRIx64 "-%0*" PRIx64 " %" PRIx64 "-%" PRIx64
	    " %s %s %08" PRIx64 " %02x:%02x %" PRIu64 " %s %s %s", addr_w(ui),
	    v->start, addr_w(ui), v->end, v->start, v->end, sz, v->perms,
	    v->offset, v->dev_major, v->dev_minor, v->inode,
	    maps_kind_name(v->kind), hl ? huge : "", path);
	return true;
}
