/* ui_int: what the UI gives its panes — struct ui, pane ops, drawing and navigation services. */
#ifndef VMPEEK_UI_INT_H
#define VMPEEK_UI_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "kpage.h"
#include "keys.h"
#include "pagemap.h"
#include "pane.h"
#include "smaps.h"
#include "swaps.h"
#include "target.h"
#include "ui.h"

enum ui_color {
	UC_NORMAL, UC_TITLE, UC_COLHDR, UC_STATUS, UC_ERR, UC_DIM, UC_INFO,
	UC_STACK, UC_HEAP, UC_FILE, UC_ANON, UC_GUARD, UC_SPECIAL,
	UC_PRESENT, UC_SWAPPED, UC_FSHARED, UC_EXCL, UC_SDIRTY, UC_UFFD,
	UC_GUARDPG, UC_ABSENT, UC_UNFAULTED, UC_SP, UC_HUGE, UC_MAPVIEW,
	UC_COUNT
};

#define UI_PANES	3	/* picker, VMAs, pages */

enum ui_count_state { UCS_FAILED = -1, UCS_PENDING = 0, UCS_DONE = 1 };
enum swaps_state { SWAPS_FAILED = -1, SWAPS_UNREAD = 0, SWAPS_READ = 1 };

/* A pagemap_count computed a chunk at a time, so huge ranges never block. */
struct ui_count {
	uint64_t start, end, next;
	struct pm_counts c;
	enum ui_count_state state;
	int err;
};





struct ui {
	const struct ui_opts *o;
	int rootfd;
	bool color;
	bool utf8;
	attr_t attr[UC_COUNT];
	struct pane_layout lay;
	/*
	 * Every pane and its private state, made at start (a pane keeps its
	 * state when covered: its selection is there when it shows again),
	 * and the stack of those shown: the picker at the bottom, the top
	 * one drawn and given the keys.
	 */
	struct {
		const struct pane_ops *ops;
		void *state;
	} pane[UI_PANES];
	const struct pane_ops *stack[UI_PANES];
	int depth;
	/* the process being looked at (have_t), or why it could not be */
	struct target t;
	bool have_t;
	pid_t t_pid;			/* the pid asked for */
	int t_err;			/* !have_t: why not (errno) */
	pid_t back_pid;			/* the picker selects it on return */
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
	enum swaps_state swaps_state;	/* read when a swapped page shows */
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
	/* Its private state, made once at start and freed at the end. */
	void *(*create)(struct ui *ui);
	void (*destroy)(struct ui *ui, void *state);
	/* Pushed on the stack (NULL: nothing to do). */
	void (*enter)(struct ui *ui);
	/* Popped off: drop what it read (NULL: nothing). */
	void (*leave)(struct ui *ui);
	/* On top again after the pane above it was popped (may be NULL). */
	void (*resume)(struct ui *ui);
	/*
	 * The target exec'd: drop what was of its old image (reread false),
	 * then its maps were read again (reread true). May be NULL.
	 */
	void (*exec)(struct ui *ui, bool reread);
	/* Select what shows VMA vma, or (vma < 0) addr in no VMA (or NULL). */
	void (*show_addr)(struct ui *ui, uint64_t addr, long vma);
	/* The title after " vmpeek > ": "processes", "PID comm > VMAs" ... */
	void (*title)(struct ui *ui, char *buf, size_t len);
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
	/*
	 * A click at (y, x) in the list area outside the rows' own meaning
	 * (a minimap): true when taken; NULL or false: the row is selected.
	 */
	bool (*click)(struct ui *ui, int y, int x);
};

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
enum ui_count_state ui_count_step(struct pm_reader *r, struct ui_count *uc,
    uint64_t deadline);

/* The private state of pane ops (made by its create). */
void *ui_pane_state(const struct ui *ui, const struct pane_ops *ops);
/* Start a status-line prompt of kind k (prompt.c): label, then text. */
void ui_prompt_start(struct ui *ui, int k, const char *label,
    const char *init);
/* Set the open prompt's label and text (a pane on PR_START). */
void ui_prompt_set(struct ui *ui, const char *label, const char *text);

/*
 * Navigation: a pane asks the UI, never another pane. The UI owns the
 * stack: the picker, the target's VMAs, the pages of one VMA.
 */
/* Open a process: its VMA pane on top of the picker. */
int ui_open_target(struct ui *ui, pid_t pid);
/* Open the pages of VMA vma, at addr (UINT64_MAX: its top, or its SP). */
int ui_open_pages(struct ui *ui, size_t vma, uint64_t addr);
/* Back one pane (to the picker: the target is closed). */
void ui_back(struct ui *ui);
/* The target went away: message, back to the picker. */
void ui_target_gone(struct ui *ui);
/* The target exec'd: new maps and pagemap, back to its VMA pane. */
void ui_target_exec(struct ui *ui);
/* Open the page pane for the VMA holding addr at that page. */
int ui_goto_addr(struct ui *ui, uint64_t addr);
/* "PID comm" of the target, escaped (the panes' titles). */
void ui_target_label(const struct ui *ui, char *buf, size_t len);

/*
 * What the target's smaps and threads say of VMA i. The VMA pane reads
 * them (in the background); the UI answers the other panes.
 */
const struct smaps_vma *ui_vma_smaps(const struct ui *ui, size_t i);
/* The whole smaps once read (NULL: not yet, or unreadable). */
const struct smaps_list *ui_smaps_list(const struct ui *ui);
/* smaps still coming (true) or done / unreadable (false). */
bool ui_smaps_pending(const struct ui *ui);
/* Read smaps on by one step; true if more. */
bool ui_smaps_tick(struct ui *ui);
/* Thread whose stack VMA i is (0: none). */
pid_t ui_vma_stack_tid(const struct ui *ui, size_t i);
/* VMA i's page counts (NULL: not counted yet). */
const struct pm_counts *ui_vma_counts(const struct ui *ui, size_t i);
/* Row attribute of a VMA by kind (stack, heap, file, anon, guard ...). */
enum ui_color ui_vma_color(const struct vma *v);

#endif
