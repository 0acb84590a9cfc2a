/* pages_header: the page pane around its rows — header, stack band, legend, minimap. */
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
#include "text.h"
#include "ui_int.h"


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

void
pages_draw_header(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pane_layout *l = &ui->lay;
	char buf[600], path[300], sz[16], a[16], b[16];
	int aw = pages_addr_w(ui);
	const struct pm_counts *c;

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
		fmt_size(ps->hf.blk << ui->t.pm.pageshift, a, sizeof(a));
		fmt_append(buf, sizeof(buf), "  (%zu %s %s folded, + "
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
			fmt_append(buf, sizeof(buf), "thread %d's stack: "
			    "fixed size, cannot grow", (int)ps->si.tid);
		} else if (!ps->stack_err) {
			fmt_size(ps->si.guard_gap, a, sizeof(a));
			if (ps->si.rlimit == UINT64_MAX)
				strlcpy(b, "unlimited", sizeof(b));
			else
				fmt_size(ps->si.growth_room, b, sizeof(b));
			fmt_append(buf, sizeof(buf), "guard gap %s  "
			    "room to RLIMIT_STACK %s", a, b);
		}
		ui_put(l->header_y + 1, 1, l->cols - 1, ui_attr(ui, UC_INFO),
		    buf);
		if (l->header_h >= 3 && !ps->stack_err)
			draw_gap_band(ui, l->header_y + 2);
		return;
	}
	if ((c = pages_totals(ui)) != NULL) {
		snprintf(buf, sizeof(buf), "resident %" PRIu64 "  swapped %"
		    PRIu64 "  exclusive %" PRIu64 "  file/shared %" PRIu64
		    "  guard %" PRIu64, c->present, c->swapped, c->exclusive,
		    c->file_shared, c->guard);
		ui_put(l->header_y + 1, 1, l->cols - 1, A_NORMAL, buf);
	}
}

void
pages_draw_legend(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	char buf[64];
	int x = 1;

	if (l->legend_y < 0)
		return;
	for (int i = 0; i < PMF_COUNT; i++) {
		snprintf(buf, sizeof(buf), "%c %s", fmt_flag_letter(
		    pages_flag_tab[i].flag), pagemap_flag_name(pages_flag_tab[i].flag));
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui,
		    pages_flag_tab[i].color), buf) + 2;
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

static char
slice_char(const struct ui_count *uc)
{
	if (uc->state != UCS_DONE)
		return ' ';
	if (uc->c.pages == 0)
		return ' ';
	if (uc->c.swapped > 0 && uc->c.swapped >= uc->c.present)
		return 'S';
	if (uc->c.present == 0)
		return '.';
	return uc->c.present * 2 >= uc->c.pages ? '#' : '+';
}

void
pages_draw_map(struct ui *ui)
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
		pages_slices_free(ps);
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
				ps->slices[i].state = UCS_DONE;	/* empty */
		}
	}
	/* the map is by page; the view is by row (huge pages fold) */
	last = ps->v.top + (uint64_t)ps->v.height - 1;
	if (last >= ps->v.nrows)
		last = ps->v.nrows ? ps->v.nrows - 1 : 0;
	{
		bool f;
		uint64_t li = pages_item_of(ps, last, &f);

		if (f)
			li += ps->hf.blk - 1;
		if (li >= ps->w.npages)
			li = ps->w.npages ? ps->w.npages - 1 : 0;
		vs = pane_slice_of(ps->w.npages, n, pages_item_of(ps, ps->v.top,
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
