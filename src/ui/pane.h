/* pane: a generic scrolling list — selection, scrolling and layout maths (no curses). */
#ifndef VMPEEK_PANE_H
#define VMPEEK_PANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The visible part of a list of nrows rows (64-bit: a page pane over a
 * 64 TB mapping has 2^34 rows). Invariant after every call:
 * sel < nrows (or 0 when empty), top <= sel < top + height.
 */
struct pane_view {
	uint64_t nrows;
	uint64_t sel;
	uint64_t top;
	int height;		/* rows on screen, >= 1 */
};

void pane_view_init(struct pane_view *v, uint64_t nrows, int height);
/* New row count or height: clamp the selection, keep it on screen. */
void pane_set_rows(struct pane_view *v, uint64_t nrows);
void pane_set_height(struct pane_view *v, int height);
/* Move the selection by delta rows (saturating at both ends). */
void pane_move(struct pane_view *v, int64_t delta);
/* One screen down (dir > 0) or up, like less: the view moves with it. */
void pane_page(struct pane_view *v, int dir);
void pane_home(struct pane_view *v);
void pane_end(struct pane_view *v);
/* Select row idx (clamped); scroll only as much as needed to show it. */
void pane_select(struct pane_view *v, uint64_t idx);
/* Select row idx and put it in the middle of the screen when possible. */
void pane_select_center(struct pane_view *v, uint64_t idx);
/* Scroll the view (mouse wheel); the selection is dragged along. */
void pane_scroll(struct pane_view *v, int64_t delta);
/* Row shown at screen line y of the list (0 = first); false if none. */
bool pane_row_at(const struct pane_view *v, int y, uint64_t *idx);

/* Screen layout of one pane. */
#define PANE_MIN_COLS	40
#define PANE_MIN_LINES	10

struct pane_layout {
	bool too_small;		/* below PANE_MIN_COLS x PANE_MIN_LINES */
	int lines, cols;
	int title_y;		/* program / pane title bar */
	int header_y, header_h;	/* pane header lines (process, totals) */
	int colhdr_y;		/* column headings */
	int list_y, list_h;	/* the rows */
	int list_w;		/* width of the rows (minus the minimap) */
	int map_x, map_w;	/* minimap column (map_w 0: none) */
	int detail_y, detail_h;	/* detail of the selected row (0: none) */
	int legend_y;		/* -1: no legend */
	int status_y;		/* status / prompt line */
};

/*
 * Lay out a pane of lines x cols wanting header_h header lines, detail_h
 * detail lines, a legend and a minimap. Small terminals lose the detail,
 * the legend, extra header lines and the minimap, in that order; the list
 * always keeps at least 3 rows. Returns 0, or -1 when too small.
 */
int pane_layout(int lines, int cols, int header_h, int detail_h,
    bool legend, bool map, struct pane_layout *l);

/*
 * Which columns fit in avail characters (one space between columns).
 * Columns with prio 0 are always kept; otherwise the highest prio number
 * goes first. shown[i] is set; returns the width used.
 */
int pane_cols_fit(const int *width, const int *prio, size_t n, int avail,
    bool *shown);

/*
 * Does row text match a search query? Case-insensitive substring; a query
 * starting with 0x also matches without it (addresses are shown bare).
 */
bool pane_text_match(const char *row, const char *query);

/* Minimap: which rows of a list of nrows fall in slice i of n slices. */
void pane_slice(uint64_t nrows, int n, int i, uint64_t *first, uint64_t *end);
/* Slice (0..n-1) holding row idx. */
int pane_slice_of(uint64_t nrows, int n, uint64_t idx);

#endif
