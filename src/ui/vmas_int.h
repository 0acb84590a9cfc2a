/* vmas_int: the VMA pane's private state, shared by its files (pane_vmas, vmas_rows, vmas_watch, vmas_map). */
#ifndef VMPEEK_VMAS_INT_H
#define VMPEEK_VMAS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "pane.h"
#include "procfs.h"
#include "smaps.h"
#include "ui_int.h"
#include "vmamap.h"
#include "vmamarks.h"
#include "vmarows.h"

struct vmas_state {
	struct pane_view v;
	struct ui_count *counts;	/* one per VMA, filled progressively */
	size_t ncounts;
	struct proc_status st;
	bool st_ok;
	/*
	 * smaps (huge pages, VmFlags) is far slower than maps: it is read
	 * in chunks by tick, after the first paint; rows show what has
	 * arrived. sr.list while reading, smaps once done.
	 */
	struct smaps_reader sr;
	enum { VS_SMAPS_FAILED = -1, VS_SMAPS_NONE, VS_SMAPS_READING, VS_SMAPS_DONE }
	    smaps_state;
	int smaps_err;
	struct smaps_list smaps;
	/* thread stacks: the tid whose SP lies in VMA i, 0 if none */
	pid_t *stack_tid;
	size_t nthreads;
	/* rows: VMAs, holes between them, the guard gap below [stack] */
	struct vmarows rows;
	bool holes_off;			/* u: holes not listed */
	uint64_t gap;			/* stack_guard_gap in bytes */
	/* watch (vmas_watch.c): maps re-read on a timer, change marks */
	struct vmamarks marks;
	uint64_t reread_ms;
	uint8_t *stale;			/* count from an earlier read: 1, 2
					   while recount[i] redoes it */
	struct ui_count *recount;
	/* the address-space minimap (vmas_map.c), list_h lines */
	struct vmamap map;
	bool map_valid;
	/* path column: widest path cell, HUGE blank on every row (-1: not
	 * known yet; reset with smaps, whenever the maps are read) */
	int path_want;
	int huge_blank;
};

/* The VMA pane's state (made once; the stack shows it or not). */
struct vmas_state *vmas_st(const struct ui *ui);

/* The VMA pane's rows (VMAs, holes, the guard-gap pseudo-row). */
uint64_t vmas_row_of(const struct ui *ui, size_t vma);
bool vmas_vma_of(const struct ui *ui, uint64_t row, size_t *vma);
/* Select the row holding addr (a hole too), or the next one. */
void vmas_select_addr(struct ui *ui, uint64_t addr);
/* Maps were read again: rows, counts (carried for unchanged VMAs), marks. */
void vmas_relist(struct ui *ui, bool carry);
/* vmas_rows.c: the rows again (maps read, or u), the selection kept; */
void vmas_rows_build(struct ui *ui);
/* the detail lines of a hole row. */
void vmas_hole_detail(struct ui *ui, const struct vmarow *r);
/* VMA indexes [*from, *to) of the rows on screen. */
void vmas_screen_vmas(const struct ui *ui, size_t *from, size_t *to);
/* vmas_watch.c: re-read maps when due (false: the target went away), */
bool vmas_watch_tick(struct ui *ui);
/* one count per VMA, carry: unchanged VMAs keep theirs, stale; */
void vmas_counts_build(struct ui *ui, bool carry);
/* redo the stale counts of [from, to) (true: more to do), */
bool vmas_recount(struct ui *ui, size_t from, size_t to, uint64_t deadline);
/* and VMA i's change mark into cell ("" for none), its attribute. */
attr_t vmas_mark(const struct ui *ui, size_t i, char *cell, size_t len,
    attr_t a);
/* vmas_cells.c: the column table and the rows; the whole pane's draw. */
void vmas_draw(struct ui *ui);
/* Path column text: the escaped path, or what the mapping is. */
void vmas_path_text(const struct ui *ui, size_t i, char *buf, size_t len);
/* Row row's text for search (false: no such row). */
bool vmas_row_text(struct ui *ui, uint64_t row, char *buf, size_t len);
/* VMA i's count (NULL: pagemap unreadable). */
const struct ui_count *vmas_count_of(struct ui *ui, size_t i);
/* vmas_header.c: around the rows. */
void vmas_draw_error(struct ui *ui);
void vmas_draw_header(struct ui *ui);
void vmas_draw_legend(struct ui *ui);
void vmas_draw_detail(struct ui *ui);
/* vmas_map.c: the minimap column; a click on its line y of the list. */
void vmas_map_draw(struct ui *ui);
void vmas_map_click(struct ui *ui, int y);

#endif
