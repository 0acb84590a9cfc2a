/* pages_int: the page pane's private state, shared by its files (pane_pages, hexview, pages_compare). */
#ifndef VMPEEK_PAGES_INT_H
#define VMPEEK_PAGES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "hugefold.h"
#include "maps.h"
#include "memdump.h"
#include "pagemap.h"
#include "pageinfo.h"
#include "pagemarks.h"
#include "pages_compare.h"
#include "pagewin.h"
#include "pane.h"
#include "stack.h"
#include "ui_int.h"

/* The page pane's hex view (x) of one page: read only if present. */
struct hexview {
	bool on;
	uint64_t vaddr;			/* the page's start */
	unsigned char *buf;		/* its bytes, len = page size */
	size_t len;
	int rc;				/* memdump_page's answer; -1 error */
	struct memdump_page pg;
	char why[768];			/* rc -1: the error or the refusal */
	char when[16];			/* time of the read, HH:MM:SS */
	struct pane_view v;		/* one row per 16 bytes */
};

struct pages_state {
	struct pane_view v;
	size_t vma;			/* index in t.maps */
	struct vma cur;			/* copy of the VMA (path not owned) */
	struct pagewin w;
	bool have_win;
	bool kflags_col;		/* kpageflags column wanted */
	bool recenter;			/* center the selection after layout */
	uint64_t goto_addr;		/* address asked for with ':' (or 0) */
	uint64_t search_next;		/* where a bounded search continues */
	uint64_t reread_ms;		/* last time the window was dropped */
	/* stack view ([stack] only) */
	bool is_stack;
	int stack_err;			/* 0 ok, else errno of stack_inspect */
	struct stack_info si;
	/* huge blocks folded as one row, expanded with + (hugefold.h) */
	struct hugefold hf;
	/* residency minimap: one progressive count per screen line */
	struct ui_count *slices;
	int nslices;
	/*
	 * Watch mode recounts the header's totals and the minimap after a
	 * refresh, into a second set shown once complete (no flicker):
	 * total (state 1) then replaces the VMA pane's count. A timed
	 * recount waits ten times what the last one took, so a huge VMA
	 * costs at most a tenth of a CPU; r recounts at once.
	 */
	struct ui_count total;
	struct ui_count retotal;
	struct ui_count *reslices;
	int nreslices;
	bool recounting;
	uint64_t recount_ms;		/* when the running recount began */
	uint64_t recount_done;		/* when the last one ended */
	uint64_t recount_cost;		/* how long it took, ms */
	struct hexview hex;		/* x: the selected page's bytes */
	/* compare mode (c): another process's pages beside these */
	struct pages_cmp cmp;
	/* watch marks and predict/reveal (p) of the rows on screen */
	struct pagemarks marks;
};

/* The page pane's state (it is made once; the stack shows it or not). */
struct pages_state *pages_st(const struct ui *ui);

/* First item (page index) of row; *folded: a huge block's row. */
uint64_t pages_item_of(const struct pages_state *ps, uint64_t row,
    bool *folded);
/* Fold the huge blocks of the window on screen (before drawing it). */
void pages_discover(struct ui *ui);
void pages_slices_free(struct pages_state *ps);
/* The totals of the VMA on screen (a recount's, or the VMA pane's). */
const struct pm_counts *pages_totals(const struct ui *ui);

/* pages_text.c: a page record and its text. */
/* What the records of the rows on screen are filled from. */
void pages_rec_ctx(struct ui *ui, struct pageinfo_ctx *c);
/* The record of page idx; pagewin_get's answer (0, 1 no entry, -1). */
int pages_rec(struct ui *ui, struct pageinfo_ctx *c, uint64_t idx,
    struct pageinfo *p);
/* Name of the swap device of a swapped page, or why there is none. */
const char *pages_swap_dev(const struct ui *ui, const struct pageinfo *p,
    char *buf, size_t len);
/* The MARKS column: SP, never-faulted, swap entry, folio, kpageflags. */
void pages_marks_text(const struct ui *ui, const struct pageinfo *p,
    char *buf, size_t len);
void pages_fmt_pfn(const struct pageinfo *p, char *buf, size_t len);
void pages_fmt_phys(const struct pageinfo *p, char *buf, size_t len);
/* STATE's word and colour: hidden by predict, a read error, the record's. */
const char *pages_state_cell(const struct ui *ui, const struct pageinfo *p,
    int got, bool hide, attr_t *a);

/* pages_rows.c: the column table and the rows; the whole pane's draw. */
/* Each decoded flag and its colour, in the columns' order. */
struct pages_flag {
	uint32_t flag;
	enum ui_color color;
};
extern const struct pages_flag pages_flag_tab[PMF_COUNT];
void pages_draw(struct ui *ui);
/* Hex digits of the widest address of the VMA. */
int pages_addr_w(const struct ui *ui);

/* pages_header.c: around the rows. */
void pages_draw_header(struct ui *ui);
void pages_draw_legend(struct ui *ui);
void pages_draw_map(struct ui *ui);

/* pages_detail.c: the selected page explained. */
void pages_draw_detail(struct ui *ui);
void pages_popup_detail(struct ui *ui);

/* Compare mode shows every base page: unfold all / fold again. */
void pages_fold_off(struct ui *ui);
void pages_fold_on(struct ui *ui);
/* Select the row showing page (an index in the VMA), centred. */
void pages_select_page(struct ui *ui, uint64_t page);

/* The hex view (hexview.c), drawn by the page pane while hex.on. */
void hex_open(struct ui *ui, uint64_t vaddr);
void hex_close(struct ui *ui);
void hex_draw(struct ui *ui);
/* Keys while it is open: true when consumed (Esc/q/x close it). */
bool hex_key(struct ui *ui, enum key_action a);
bool hex_row_text(struct ui *ui, uint64_t row, char *buf, size_t len);
const char *hex_hint(struct ui *ui);

#endif
