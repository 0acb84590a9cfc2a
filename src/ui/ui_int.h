/* ui_int: what the UI gives its panes — struct ui, pane ops, drawing and navigation services. */
#ifndef VMPEEK_UI_INT_H
#define VMPEEK_UI_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "kpage.h"
#include "hugefold.h"
#include "keys.h"
#include "memdump.h"
#include "pagemap.h"
#include "pages_compare.h"
#include "pagewin.h"
#include "pagemarks.h"
#include "pane.h"
#include "proclist.h"
#include "smaps.h"
#include "swaps.h"
#include "stack.h"
#include "target.h"
#include "ui.h"
#include "vmamap.h"
#include "vmamarks.h"
#include "vmarows.h"

enum ui_color {
	UC_NORMAL, UC_TITLE, UC_COLHDR, UC_STATUS, UC_ERR, UC_DIM, UC_INFO,
	UC_STACK, UC_HEAP, UC_FILE, UC_ANON, UC_GUARD, UC_SPECIAL,
	UC_PRESENT, UC_SWAPPED, UC_FSHARED, UC_EXCL, UC_SDIRTY, UC_UFFD,
	UC_GUARDPG, UC_ABSENT, UC_UNFAULTED, UC_SP, UC_HUGE, UC_MAPVIEW,
	UC_COUNT
};

enum ui_level { LV_PROCS, LV_VMAS, LV_PAGES };

/* A pagemap_count computed a chunk at a time, so huge ranges never block. */
struct ui_count {
	uint64_t start, end, next;
	struct pm_counts c;
	int state;		/* 0 pending, 1 done, -1 failed (err) */
	int err;
};

struct procs_state {
	struct proc_list list;
	size_t *idx;		/* rows shown: indexes into list, filtered */
	size_t nidx;
	struct pane_view v;
	enum proclist_sort sort;
	bool tree;		/* rows in process tree order ('t') */
	int *depth;		/* tree depth of each row (with idx) */
	char filter[128];
	char pfilter[128];	/* the filter before '/' (Esc restores it) */
	pid_t sel_pid;		/* the selection survives refreshes by pid */
	uint64_t loaded_ms;	/* 0: never loaded */
	int err;
};

struct vmas_state {
	struct pane_view v;
	struct ui_count *counts;	/* one per VMA, filled progressively */
	size_t ncounts;
	struct proc_status st;
	bool st_ok;
	int err;			/* maps unreadable: explained in place */
	pid_t err_pid;
	/*
	 * smaps (huge pages, VmFlags) is far slower than maps: it is read
	 * in chunks by tick, after the first paint; rows show what has
	 * arrived. sr.list while reading, smaps once done.
	 */
	struct smaps_reader sr;
	int smaps_state;		/* 0 not started, 1 reading, 2 done, -1 */
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
	struct hexview hex;		/* x: the selected page's bytes */
	/* compare mode (c): another process's pages beside these */
	struct pages_cmp cmp;
	/* watch marks and predict/reveal (p) of the rows on screen */
	struct pagemarks marks;
};

struct ui {
	const struct ui_opts *o;
	int rootfd;
	bool color;
	bool utf8;
	attr_t attr[UC_COUNT];
	struct pane_layout lay;
	enum ui_level level;
	struct procs_state procs;
	struct target t;
	bool have_t;
	struct vmas_state vmas;
	struct pages_state pages;
	struct kpage kp;
	char status[256];
	bool status_err;
	char search[128];
	bool quit;
	bool paused;			/* w: timed refreshes stopped */
	uint64_t alive_ms;		/* last liveness check of the target */
	/* a popup (page detail), closed by any key */
	char popup[40][200];
	int popup_n;
	char popup_title[80];
	/* help screen, generated from the key table and the flag help */
	char **help;
	size_t nhelp;
	struct pane_view hv;
	bool help_on;
	/* prompt on the status line: '/' search, ':' goto, 0 none */
	int prompt;
	char plabel[64];		/* "search: ", "filter: " ... */
	char pbuf[128];
	size_t plen;
	uint64_t porigin;		/* selection when the search began */
	/* /proc/swaps, read when a swapped page is first shown */
	struct swap_dev swaps[32];
	size_t nswaps;
	int swaps_state;		/* 0 unread, 1 read, -1 failed */
	int swaps_err;
};

/* Add a line to the popup (trusted text; escape names first). */
void ui_popup_add(struct ui *ui, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What happens to a status-line prompt (the pane's part in it). */
enum prompt_ev {
	PR_START,	/* opened: the pane may set its label and text */
	PR_CHANGE,	/* its text changed (incremental filter, search) */
	PR_CANCEL,	/* Esc: undo the incremental effect */
	PR_ACCEPT	/* Enter (ui->prompt is 0 already) */
};

struct pane_ops {
	const char *name;
	/* How many header/detail lines, legend and minimap the pane wants. */
	void (*want)(struct ui *ui, int *header_h, int *detail_h, bool *legend,
	    bool *map);
	struct pane_view *(*view)(struct ui *ui);
	/* Draw everything except the title and status lines. */
	void (*draw)(struct ui *ui);
	/* Pane-specific actions (navigation is done by the loop). */
	void (*key)(struct ui *ui, enum key_action a);
	/* Background work until deadline (ms); true if more is pending. */
	bool (*tick)(struct ui *ui, uint64_t deadline);
	/* Text of row idx for search; false if the row has none. */
	bool (*row_text)(struct ui *ui, uint64_t idx, char *buf, size_t len);
	/* Pane-specific search (NULL: the loop scans row_text). */
	bool (*search)(struct ui *ui, const char *q, int dir, bool from_sel);
	/* Status line right side (may be NULL). */
	const char *(*hint)(struct ui *ui);
	/*
	 * Its part in prompt kind ('/', ':', 'c') on event ev: true when it
	 * did all there was to do, false for the default (search / go to).
	 * NULL: always the default.
	 */
	bool (*prompt)(struct ui *ui, int kind, enum prompt_ev ev);
};

extern const struct pane_ops procs_ops;
extern const struct pane_ops vmas_ops;
extern const struct pane_ops pages_ops;

/* ui.c services for the panes */
/* The pane on top (the one drawn and given the keys). */
const struct pane_ops *ui_top(const struct ui *ui);
/* A mouse event (KEY_MOUSE): wheel scrolls, click selects, double opens. */
void ui_mouse(struct ui *ui);
uint64_t ui_now_ms(void);
attr_t ui_attr(const struct ui *ui, enum ui_color c);
void ui_msg(struct ui *ui, bool err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Write trusted ASCII s at (y, x) clipped to w columns; returns next x. */
int ui_put(int y, int x, int w, attr_t a, const char *s);
/* Same for untrusted bytes: escaped with fmt_vis first. */
int ui_put_vis(int y, int x, int w, attr_t a, const char *s);
/* Blank w columns at (y, x) with attribute a. */
void ui_blank(int y, int x, int w, attr_t a);
const char *ui_ellipsis(const struct ui *ui);

void ui_count_init(struct ui_count *uc, uint64_t start, uint64_t end);
/* Advance uc until done or the deadline; 1 done, 0 pending, -1 failed. */
int ui_count_step(struct pm_reader *r, struct ui_count *uc,
    uint64_t deadline);

/* Navigation between panes */
int ui_open_target(struct ui *ui, pid_t pid);
void ui_close_target(struct ui *ui);
/* The target went away: message, back to the picker. */
void ui_target_gone(struct ui *ui);
/* The target exec'd: new maps and pagemap, back to its VMA pane. */
void ui_target_exec(struct ui *ui);
/* Open the page pane for the VMA holding addr at that page. */
int ui_goto_addr(struct ui *ui, uint64_t addr);
void ui_set_level(struct ui *ui, enum ui_level lv);

/* Pane lifecycle (in the pane files) */
void procs_load(struct ui *ui);
void procs_free(struct ui *ui);
void vmas_enter(struct ui *ui);
void vmas_free(struct ui *ui);
/* Row attribute of a VMA by kind (stack, heap, file, anon, guard ...). */
enum ui_color vmas_kind_color(const struct vma *v);
int pages_open(struct ui *ui, size_t vma, uint64_t page);
void pages_free(struct ui *ui);
/* Compare mode shows every base page: unfold all / fold again. */
void pages_fold_off(struct ui *ui);
void pages_fold_on(struct ui *ui);
/* Start a status-line prompt of kind k (prompt.c): label, then text. */
void ui_prompt_start(struct ui *ui, int k, const char *label,
    const char *init);
/* Set the open prompt's label and text (a pane on PR_START). */
void ui_prompt_set(struct ui *ui, const char *label, const char *text);
/* Select the row showing page (an index in the VMA), centred. */
void pages_select_page(struct ui *ui, uint64_t page);
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
/* vmas_map.c: the minimap column; a click on its line y of the list. */
void vmas_map_draw(struct ui *ui);
void vmas_map_click(struct ui *ui, int y);
/* smaps of VMA i when it has been read (NULL: not yet, or unreadable). */
const struct smaps_vma *vmas_smaps(const struct ui *ui, size_t i);
/* Read smaps on by one step (the page pane needs it too); true if more. */
bool vmas_smaps_tick(struct ui *ui);
/* Thread whose stack VMA i is (0: none). */
pid_t vmas_stack_tid(const struct ui *ui, size_t i);

/* The hex view (hexview.c), drawn by the page pane while hex.on. */
void hex_open(struct ui *ui, uint64_t vaddr);
void hex_close(struct ui *ui);
void hex_draw(struct ui *ui);
/* Keys while it is open: true when consumed (Esc/q/x close it). */
bool hex_key(struct ui *ui, enum key_action a);
bool hex_row_text(struct ui *ui, uint64_t row, char *buf, size_t len);
const char *hex_hint(struct ui *ui);

#endif
