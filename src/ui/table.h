/* table: a list's column table and the one row loop that draws its header and rows (curses). */
#ifndef VMPEEK_TABLE_H
#define VMPEEK_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "pane.h"

struct ui;

#define TABLE_MAX	16	/* columns */

struct table_col {
	const char *name;	/* heading */
	int width;		/* columns; the last one shown takes the rest */
	int prio;		/* 0: always shown; else the highest goes first
				 * when the terminal is narrow */
	bool right;		/* heading right-aligned (over numbers) */
	bool grow;		/* a wider cell pushes the row right, uncut */
};

/*
 * A pane's list: its columns and how to read a row. The row loop asks
 * for each cell's text (formatted to the column's width by the pane)
 * and attribute; it blanks a selected row and keeps a tail note visible.
 */
struct table {
	const struct table_col *col;
	int ncol;
	/* this frame: widths (from col, a pane may adjust) and shown ones */
	int w[TABLE_MAX];
	bool shown[TABLE_MAX];
	int used;		/* columns the shown ones take */
	bool joined;		/* the blanks between cells in the row's
				 * attribute (one string) or left alone */
	/*
	 * Cell c of row, w columns wide: text into buf, attribute into *a
	 * (the row's on entry, selection included).
	 */
	void (*cell)(struct ui *ui, uint64_t row, int c, int w, bool sel,
	    char *buf, size_t len, attr_t *a);
	/* Row row is about to be drawn: read what its cells need (or NULL). */
	void (*row_start)(struct ui *ui, uint64_t row);
	/* The row's attribute (NULL: A_NORMAL, reversed when selected). */
	attr_t (*row_attr)(struct ui *ui, uint64_t row, bool sel);
	/*
	 * A cell in several colours draws itself at (y, x), w wide, and
	 * says true; false (or NULL): cell gives its text.
	 */
	bool (*cell_draw)(struct ui *ui, uint64_t row, int c, int y, int x,
	    int w, bool sel, attr_t base);
	/* Draw a pseudo-row itself at line y; false: an ordinary row. */
	bool (*row_draw)(struct ui *ui, uint64_t row, int y, bool sel);
	/*
	 * A note after the row's text ("(zombie)"), with its attribute: the
	 * cells give it room down to half the width. NULL or "": none.
	 */
	const char *(*tail)(struct ui *ui, uint64_t row, bool sel, attr_t *a);
};

/*
 * Widths w (NULL: the columns' own); the highest priority numbers go
 * until avail fits.
 */
void table_fit(struct table *t, const int *w, int avail);
/* Column c grows to take what avail leaves (the path, the marks). */
void table_fill(struct table *t, int c, int avail);
/* Headings on line y, width avail, over a blanked line of attribute a. */
void table_draw_header(const struct table *t, int y, int avail, attr_t a);
/* Rows of v on lines y0 .. y0 + h - 1, avail columns wide. */
void table_draw_rows(struct ui *ui, const struct table *t,
    const struct pane_view *v, int y0, int h, int avail);
/* Every column of row at its full width, for search ("" if none). */
void table_row_text(struct ui *ui, const struct table *t, uint64_t row,
    char *buf, size_t len);

#endif
