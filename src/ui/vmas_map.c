/* vmas_map: the VMA pane's minimap of the whole address space (core/vmamap), shaded by residency, the selection marked. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ui_int.h"
#include "vmas_int.h"
#include "vmamap.h"
#include "vmarows.h"

/*
 * A line's character, from the counts already made (none is started for
 * the map): '#' half or more resident, '+' some, 'S' mostly swapped, '.'
 * none, ':' not counted yet (dim), ' ' a hole. Its colour: the kind of the
 * largest VMA on it.
 */
static char
shade(const struct ui *ui, const struct vmamap_line *ln, enum ui_color *col)
{
	const struct vmas_state *vs = vmas_st(ui);
	uint64_t pres = 0, swp = 0, pages = 0, big = 0;
	bool known = false;

	*col = UC_DIM;
	if (ln->first == VMAMAP_NONE)
		return ' ';
	for (size_t i = ln->first; i <= ln->last && i < ui->t.maps.n; i++) {
		const struct vma *v = &ui->t.maps.v[i];

		if (v->end - v->start > big) {
			big = v->end - v->start;
			*col = ui_vma_color(v);
		}
		if (i >= vs->ncounts || vs->counts[i].state != UCS_DONE)
			continue;
		known = true;
		pres += vs->counts[i].c.present;
		swp += vs->counts[i].c.swapped;
		pages += vs->counts[i].c.pages;
	}
	if (!known) {
		*col = UC_DIM;
		return ':';
	}
	if (swp > 0 && swp >= pres)
		return 'S';
	if (pres == 0)
		return '.';
	return pres * 2 >= pages ? '#' : '+';
}

/* Laid out again when the maps or the list's height change. */
static bool
map_ready(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	int h = ui->lay.list_h;

	if (vs->map_valid && vs->map.n == h)
		return true;
	vmamap_free(&vs->map);
	if (vmamap_build(&vs->map, &ui->t.maps, ui->t.pm.pageshift, h) == -1)
		return false;
	vs->map_valid = true;
	return true;
}

void
vmas_map_draw(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	struct pane_layout *l = &ui->lay;
	const struct vmarow *sel = vmarows_get(&vs->rows, vs->v.sel);
	int lo = -1, hi = -2;

	if (l->map_w < 1 || !ui->have_t || !map_ready(ui))
		return;
	/* the selected row's lines: '>' beside them, the band reversed */
	if (sel == NULL || !vmamap_lines_in(&vs->map, sel->start, sel->end,
	    &lo, &hi))
		lo = -1, hi = -2;
	for (int y = 0; y < vs->map.n; y++) {
		enum ui_color col;
		char s[2] = { shade(ui, &vs->map.line[y], &col), '\0' };
		bool on = y >= lo && y <= hi;

		ui_put(l->list_y + y, l->map_x - 1, 1, A_BOLD, on ? ">" : " ");
		ui_put(l->list_y + y, l->map_x, 1, ui_attr(ui, col) |
		    (on ? A_REVERSE : 0), s);
	}
}

void
vmas_map_click(struct ui *ui, int y)
{
	struct vmas_state *vs = vmas_st(ui);
	const struct vmamap_line *ln;

	if (!ui->have_t || !vs->map_valid || y < 0 || y >= vs->map.n)
		return;
	ln = &vs->map.line[y];
	/* a line of VMAs selects its first; a hole's line, the hole */
	vmas_select_addr(ui, ln->first != VMAMAP_NONE ?
	    ui->t.maps.v[ln->first].start : ln->start);
}
