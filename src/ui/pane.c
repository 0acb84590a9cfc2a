/* pane: selection, scrolling and layout maths for the list panes (no curses here). */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "pane.h"

/* Re-establish top <= sel < top + height and the row bounds. */
static void
fix(struct pane_view *v)
{
	uint64_t h;

	if (v->height < 1)
		v->height = 1;
	h = (uint64_t)v->height;
	if (v->nrows == 0) {
		v->sel = v->top = 0;
		return;
	}
	if (v->sel >= v->nrows)
		v->sel = v->nrows - 1;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel - v->top >= h)
		v->top = v->sel - h + 1;
	/* No empty space below the last row when the list could fill it. */
	if (v->nrows >= h && v->top > v->nrows - h)
		v->top = v->nrows - h;
	if (v->nrows < h)
		v->top = 0;
}

void
pane_view_init(struct pane_view *v, uint64_t nrows, int height)
{
	memset(v, 0, sizeof(*v));
	v->nrows = nrows;
	v->height = height;
	fix(v);
}

void
pane_set_rows(struct pane_view *v, uint64_t nrows)
{
	v->nrows = nrows;
	fix(v);
}

void
pane_set_height(struct pane_view *v, int height)
{
	v->height = height;
	fix(v);
}

void
pane_move(struct pane_view *v, int64_t delta)
{
	if (v->nrows == 0)
		return;
	if (delta < 0) {
		uint64_t d = delta == INT64_MIN ? (uint64_t)INT64_MAX + 1 :
		    (uint64_t)-delta;
		v->sel = d > v->sel ? 0 : v->sel - d;
	} else {
		uint64_t d = (uint64_t)delta;
		v->sel = d >= v->nrows - 1 - v->sel ? v->nrows - 1 :
		    v->sel + d;
	}
	fix(v);
}

void
pane_page(struct pane_view *v, int dir)
{
	uint64_t h = v->height < 1 ? 1 : (uint64_t)v->height;

	if (v->nrows == 0)
		return;
	if (dir > 0) {
		if (v->sel == v->nrows - 1)
			return;
		v->top = h > v->nrows - v->top ? v->top : v->top + h;
		v->sel = h > v->nrows - 1 - v->sel ? v->nrows - 1 :
		    v->sel + h;
	} else {
		v->top = h > v->top ? 0 : v->top - h;
		v->sel = h > v->sel ? 0 : v->sel - h;
	}
	fix(v);
}

void
pane_home(struct pane_view *v)
{
	v->sel = v->top = 0;
	fix(v);
}

void
pane_end(struct pane_view *v)
{
	v->sel = v->nrows ? v->nrows - 1 : 0;
	fix(v);
}

void
pane_select(struct pane_view *v, uint64_t idx)
{
	v->sel = idx;
	fix(v);
}

void
pane_select_center(struct pane_view *v, uint64_t idx)
{
	uint64_t half = (uint64_t)(v->height < 1 ? 1 : v->height) / 2;

	v->sel = idx;
	if (v->nrows && v->sel >= v->nrows)
		v->sel = v->nrows - 1;
	v->top = v->sel > half ? v->sel - half : 0;
	fix(v);
}

void
pane_scroll(struct pane_view *v, int64_t delta)
{
	uint64_t h = v->height < 1 ? 1 : (uint64_t)v->height;
	uint64_t maxtop = v->nrows > h ? v->nrows - h : 0;

	if (v->nrows == 0)
		return;
	if (delta < 0) {
		uint64_t d = delta == INT64_MIN ? (uint64_t)INT64_MAX + 1 :
		    (uint64_t)-delta;
		v->top = d > v->top ? 0 : v->top - d;
	} else {
		uint64_t d = (uint64_t)delta;
		v->top = d > maxtop - (v->top > maxtop ? maxtop : v->top) ?
		    maxtop : v->top + d;
	}
	/* Drag the selection so it stays visible without moving the view. */
	if (v->sel < v->top)
		v->sel = v->top;
	if (v->sel - v->top >= h)
		v->sel = v->top + h - 1;
	fix(v);
}

bool
pane_row_at(const struct pane_view *v, int y, uint64_t *idx)
{
	if (y < 0 || y >= v->height)
		return false;
	if ((uint64_t)y >= v->nrows - v->top || v->nrows == 0)
		return false;
	*idx = v->top + (uint64_t)y;
	return true;
}

int
pane_layout(int lines, int cols, int header_h, int detail_h, bool legend,
    bool map, struct pane_layout *l)
{
	int y, spare;

	memset(l, 0, sizeof(*l));
	l->lines = lines;
	l->cols = cols;
	l->legend_y = -1;
	if (lines < PANE_MIN_LINES || cols < PANE_MIN_COLS) {
		l->too_small = true;
		l->status_y = lines > 0 ? lines - 1 : 0;
		return -1;
	}
	if (header_h < 0)
		header_h = 0;
	if (detail_h < 0)
		detail_h = 0;
	/*
	 * Fixed lines: title, column headings, status. The list needs 3; what
	 * is left goes to the optional parts, least useful dropped first.
	 */
	spare = lines - 3 - 3;
	if (header_h > 1 && lines < 16)
		header_h = 1;
	if (header_h > spare)
		header_h = spare;
	spare -= header_h;
	if (!legend || lines < 14 || spare < 1)
		legend = false;
	else
		spare--;
	if (lines < 18)
		detail_h = detail_h > 0 && lines >= 12 && spare >= 1 ? 1 : 0;
	if (detail_h > spare)
		detail_h = spare;
	spare -= detail_h;

	y = 0;
	l->title_y = y++;
	l->header_y = y;
	l->header_h = header_h;
	y += header_h;
	l->colhdr_y = y++;
	l->list_y = y;
	l->list_h = lines - y - 1 - detail_h - (legend ? 1 : 0);
	y += l->list_h;
	l->detail_y = y;
	l->detail_h = detail_h;
	y += detail_h;
	if (legend)
		l->legend_y = y++;
	l->status_y = y;
	l->list_w = cols;
	if (map && cols >= 60 && l->list_h >= 3) {
		l->map_w = 1;
		l->map_x = cols - 1;
		l->list_w = cols - 2;	/* a blank column between */
	}
	return 0;
}

int
pane_cols_fit(const int *width, const int *prio, size_t n, int avail,
    bool *shown)
{
	int used = 0, cnt = 0;

	for (size_t i = 0; i < n; i++) {
		shown[i] = true;
		used += width[i];
		cnt++;
	}
	used += cnt > 0 ? cnt - 1 : 0;
	while (used > avail) {
		size_t worst = n;

		for (size_t i = 0; i < n; i++)
			if (shown[i] && prio[i] > 0 &&
			    (worst == n || prio[i] >= prio[worst]))
				worst = i;
		if (worst == n)
			break;	/* only mandatory columns left */
		shown[worst] = false;
		used -= width[worst] + 1;
	}
	return used;
}

static bool
substr_ci(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0)
		return true;
	for (; *hay; hay++) {
		size_t i;

		for (i = 0; i < nl && hay[i]; i++)
			if (tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		if (i == nl)
			return true;
	}
	return false;
}

bool
pane_text_match(const char *row, const char *query)
{
	if (substr_ci(row, query))
		return true;
	if (query[0] == '0' && (query[1] == 'x' || query[1] == 'X') &&
	    query[2] != '\0')
		return substr_ci(row, query + 2);
	return false;
}

void
pane_slice(uint64_t nrows, int n, int i, uint64_t *first, uint64_t *end)
{
	if (n < 1 || i < 0 || i >= n) {
		*first = *end = 0;
		return;
	}
	*first = (uint64_t)((unsigned __int128)nrows * (unsigned)i / (unsigned)n);
	*end = (uint64_t)((unsigned __int128)nrows * (unsigned)(i + 1) /
	    (unsigned)n);
}

int
pane_slice_of(uint64_t nrows, int n, uint64_t idx)
{
	unsigned __int128 i;

	if (n < 1 || nrows == 0)
		return 0;
	if (idx >= nrows)
		return n - 1;
	/* Largest i with floor(i * nrows / n) <= idx. */
	i = (((unsigned __int128)idx + 1) * (unsigned)n + nrows - 1) / nrows;
	i = i > 0 ? i - 1 : 0;
	return i >= (unsigned)n ? n - 1 : (int)i;
}
