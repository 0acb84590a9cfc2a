/* vmas_rows: the VMA pane's rows by core/vmarows — VMAs, holes between them, the guard gap. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "ui_int.h"
#include "vmas_int.h"
#include "stack.h"
#include "vmarows.h"

uint64_t
vmas_row_of(const struct ui *ui, size_t vma)
{
	return vmarows_row_of(&vmas_st(ui)->rows, vma);
}

bool
vmas_vma_of(const struct ui *ui, uint64_t row, size_t *vma)
{
	const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows, row);

	if (r == NULL || r->kind != VMAROW_VMA)
		return false;
	*vma = r->vma;
	return *vma < ui->t.maps.n;
}

void
vmas_select_addr(struct ui *ui, uint64_t addr)
{
	uint64_t row;

	if (vmas_st(ui)->rows.n == 0)
		return;
	(void)vmarows_find(&vmas_st(ui)->rows, addr, &row);
	pane_select_center(&vmas_st(ui)->v, row);
}

void
vmas_screen_vmas(const struct ui *ui, size_t *from, size_t *to)
{
	const struct pane_view *v = &vmas_st(ui)->v;
	uint64_t last = v->top + (uint64_t)v->height;
	const struct vmarow *a = vmarows_get(&vmas_st(ui)->rows, v->top);
	const struct vmarow *b = vmarows_get(&vmas_st(ui)->rows, last - 1);

	/* a hole or gap row names the VMA above it */
	*from = a != NULL ? a->vma : 0;
	*to = b != NULL ? b->vma + 1 : vmas_st(ui)->ncounts;
	if (*to > vmas_st(ui)->ncounts)
		*to = vmas_st(ui)->ncounts;
}

/* The rows again (maps read, or u), the selection on its address. */
void
vmas_rows_build(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	const struct vmarow *r = vmarows_get(&vs->rows, vs->v.sel);
	bool had = r != NULL;
	uint64_t keep = had ? r->start : 0, row = 0;

	vmarows_free(&vs->rows);
	if (vmarows_build(&vs->rows, &ui->t.maps,
	    stack_main_index(&ui->t.maps), vs->gap, !vs->holes_off) == -1)
		ui_msg(ui, true, "VMA rows: %s", strerror(errno));
	if (vs->v.height < 1)
		pane_view_init(&vs->v, vs->rows.n, 1);
	pane_set_rows(&vs->v, vs->rows.n);
	if (had)
		(void)vmarows_find(&vs->rows, keep, &row);
	pane_select(&vs->v, row);
}

/* A hole: what is there (nothing) and what an access does. */
void
vmas_hole_detail(struct ui *ui, const struct vmarow *r)
{
	struct pane_layout *l = &ui->lay;
	char buf[300], sz[16];

	fmt_size(r->end - r->start, sz, sizeof(sz));
	snprintf(buf, sizeof(buf), "hole %s, unmapped: no VMA from %" PRIx64
	    " to %" PRIx64, sz, r->start, r->end);
	ui_put(l->detail_y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
	if (l->detail_h >= 2)
		ui_put(l->detail_y + 1, 1, l->cols - 1, A_DIM,
		    "an access here faults (SIGSEGV); mmap may place a new "
		    "mapping here; u hides holes");
}
