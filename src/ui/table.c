/* table: a list's column table and the one row loop that draws its header and rows (curses). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "table.h"
#include "text.h"
#include "ui_int.h"

void
table_fit(struct table *t, const int *w, int avail)
{
	int prio[TABLE_MAX];

	for (int c = 0; c < t->ncol && c < TABLE_MAX; c++) {
		t->w[c] = w != NULL ? w[c] : t->col[c].width;
		prio[c] = t->col[c].prio;
	}
	t->used = pane_cols_fit(t->w, prio, (size_t)t->ncol, avail, t->shown);
}

void
table_fill(struct table *t, int c, int avail)
{
	if (c >= 0 && c < t->ncol && avail > t->used)
		t->w[c] += avail - t->used;
}

void
table_draw_header(const struct table *t, int y, int avail, attr_t a)
{
	char cell[256];

	ui_blank(y, 0, avail, a);
	for (int c = 0, x = 0; c < t->ncol; c++) {
		if (!t->shown[c])
			continue;
		snprintf(cell, sizeof(cell), t->col[c].right ? "%*s" : "%-*s",
		    t->w[c], t->col[c].name);
		x = ui_put(y, x, t->w[c], a, cell) + 1;
	}
}

static int
last_shown(const struct table *t)
{
	for (int c = t->ncol - 1; c >= 0; c--)
		if (t->shown[c])
			return c;
	return -1;
}

/*
 * One row: each cell in its column, cut at lim (where a tail note
 * starts); returns where the text ended, for the note.
 */
static int
draw_cells(struct ui *ui, const struct table *t, uint64_t row, int y,
    bool sel, attr_t base, int lim)
{
	char cell[2304];
	int x = 0, last = last_shown(t);

	for (int c = 0; c < t->ncol; c++) {
		attr_t a = base;
		int cw, end;

		if (!t->shown[c])
			continue;
		if (x >= lim)
			return lim;
		cw = c == last ? lim - x : t->w[c];
		cell[0] = '\0';
		if (t->cell_draw != NULL &&
		    t->cell_draw(ui, row, c, y, x, cw, sel, base)) {
			x += t->w[c] + 1;
			continue;
		}
		t->cell(ui, row, c, t->w[c], sel, cell, sizeof(cell), &a);
		if (t->col[c].grow && (int)strlen(cell) > cw)
			cw = lim - x;
		end = ui_put(y, x, cw < lim - x ? cw : lim - x, a, cell);
		if (c == last)
			return end;
		x = cw > t->w[c] ? end + 1 : x + t->w[c] + 1;
		if (t->joined && x - 1 < lim)
			ui_put(y, x - 1, 1, base, " ");
	}
	return x < lim ? x : lim;
}

void
table_draw_rows(struct ui *ui, const struct table *t,
    const struct pane_view *v, int y0, int h, int avail)
{
	for (int y = 0; y < h; y++) {
		uint64_t row;
		const char *tail = NULL;
		attr_t base, ta = A_NORMAL;
		bool sel;
		int lim = avail, x;

		if (!pane_row_at(v, y, &row))
			break;
		sel = row == v->sel;
		if (t->row_start != NULL)
			t->row_start(ui, row);
		if (t->row_draw != NULL && t->row_draw(ui, row, y0 + y, sel))
			continue;
		base = t->row_attr != NULL ? t->row_attr(ui, row, sel) :
		    sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_blank(y0 + y, 0, avail, base);
		if (t->tail != NULL)
			tail = t->tail(ui, row, sel, &ta);
		/* a long last cell is cut so the note still shows */
		if (tail != NULL && tail[0] != '\0') {
			lim = avail - (int)strlen(tail);
			if (lim < avail / 2)
				lim = avail / 2;
		}
		x = draw_cells(ui, t, row, y0 + y, sel, base, lim);
		if (tail != NULL && tail[0] != '\0')
			ui_put(y0 + y, x, avail - x, ta, tail);
	}
}

void
table_row_text(struct ui *ui, const struct table *t, uint64_t row,
    char *buf, size_t len)
{
	char cell[2304];

	if (len == 0)
		return;
	buf[0] = '\0';
	for (int c = 0; c < t->ncol; c++) {
		attr_t a = A_NORMAL;

		cell[0] = '\0';
		t->cell(ui, row, c, t->col[c].width, false, cell, sizeof(cell),
		    &a);
		fmt_append(buf, len, "%s%s", c > 0 ? " " : "", cell);
	}
}
