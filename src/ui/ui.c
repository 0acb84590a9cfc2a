/* ui: the UI loop — panes, drawing the frame (title, status, popup), keys, navigation. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "fmt.h"
#include "help.h"
#include "panestack.h"
#include "prompt.h"
#include "term.h"
#include "ui.h"
#include "ui_int.h"

#define TICK_BUDGET_MS	30	/* background counting per frame */
#define ALIVE_MS	1000	/* how often the target's identity is checked */


/* ---------------------------------------------------------------- services */



uint64_t
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

attr_t
ui_attr(const struct ui *ui, enum ui_color c)
{
	return ui->attr[c];
}

void
ui_msg(struct ui *ui, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_err = err;
}

void
ui_popup_add(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	if (ui->popup_n >= (int)(sizeof(ui->popup) / sizeof(ui->popup[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(ui->popup[ui->popup_n], sizeof(ui->popup[0]), fmt, ap);
	va_end(ap);
	ui->popup_n++;
}

int
ui_put(int y, int x, int w, attr_t a, const char *s)
{
	size_t n, used;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return x;
	if (x + w > COLS)
		w = COLS - x;
	/*
	 * ASCII, escapes, or (UTF-8 locale) characters fmt_vis let
	 * through: clip by columns, never inside a character.
	 */
	n = fmt_fit(s, (size_t)w, &used);
	attrset(a);
	mvaddnstr(y, x, s, (int)n);
	attrset(A_NORMAL);
	return x + (int)used;
}

int
ui_put_vis(int y, int x, int w, attr_t a, const char *s)
{
	char buf[1024];

	fmt_vis(s, buf, sizeof(buf));
	return ui_put(y, x, w, a, buf);
}

void
ui_blank(int y, int x, int w, attr_t a)
{
	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(a);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

const char *
ui_ellipsis(const struct ui *ui)
{
	return ui->utf8 ? "\xe2\x80\xa6" : "..";
}

void
ui_count_init(struct ui_count *uc, uint64_t start, uint64_t end)
{
	memset(uc, 0, sizeof(*uc));
	uc->start = uc->next = start;
	uc->end = end;
}

enum ui_count_state
ui_count_step(struct pm_reader *r, struct ui_count *uc, uint64_t deadline)
{
	while (uc->state == UCS_PENDING) {
		struct pm_counts c;
		uint64_t chunk, stop;

		if (r->fd < 0) {
			uc->state = UCS_FAILED;
			uc->err = EBADF;
			break;
		}
		/*
		 * Learn whether the count will scan (the ioctl and every
		 * category it needs) on a tiny range first: the fallback on a
		 * huge range would be one long blocking read.
		 * pread: 256 Ki pages is 2 MiB of pagemap, about a ms.
		 */
		chunk = pagemap_count_scans(r) ? (1ULL << 30) : (1ULL << 18);
		chunk <<= r->pageshift;
		stop = uc->end - uc->next > chunk ? uc->next + chunk : uc->end;
		if (pagemap_count(r, uc->next, stop, &c) == -1) {
			uc->state = UCS_FAILED;
			uc->err = errno;
			break;
		}
		pagemap_counts_add(&uc->c, &c);
		uc->next = stop;
		if (uc->next >= uc->end)
			uc->state = UCS_DONE;
		else if (ui_now_ms() >= deadline)
			break;
	}
	return uc->state;
}

/* ---------------------------------------------------------------- drawing */

static void
layout(struct ui *ui)
{
	const struct pane_ops *ops = ui_top(ui);
	int hh = 1, dh = 0;
	bool legend = false, map = false;

	ops->want(ui, &hh, &dh, &legend, &map);
	pane_layout(LINES, COLS, hh, dh, legend, map, &ui->lay);
	if (!ui->lay.too_small)
		pane_set_height(ops->view(ui), ui->lay.list_h);
}

static void
draw_popup(struct ui *ui)
{
	int w = 0, h = ui->popup_n + 2, x0, y0;

	for (int i = 0; i < ui->popup_n; i++) {
		int n = (int)strlen(ui->popup[i]);

		if (n > w)
			w = n;
	}
	w += 4;
	if ((int)strlen(ui->popup_title) + 6 > w)
		w = (int)strlen(ui->popup_title) + 6;
	if (w > COLS)
		w = COLS;
	if (h > LINES - 1)
		h = LINES - 1;
	x0 = (COLS - w) / 2;
	y0 = (LINES - h) / 2;
	for (int y = 0; y < h; y++)
		ui_blank(y0 + y, x0, w, A_NORMAL);
	attrset(ui_attr(ui, UC_INFO));
	mvhline(y0, x0, ACS_HLINE, w);
	mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	mvvline(y0, x0, ACS_VLINE, h);
	mvvline(y0, x0 + w - 1, ACS_VLINE, h);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	ui_put(y0, x0 + 2, w - 4, ui_attr(ui, UC_INFO) | A_BOLD,
	    ui->popup_title);
	for (int i = 0; i < ui->popup_n && i < h - 2; i++)
		ui_put(y0 + 1 + i, x0 + 2, w - 4, A_NORMAL, ui->popup[i]);
}

static void
draw_title(struct ui *ui)
{
	char buf[256], title[200];
	attr_t a = ui_attr(ui, UC_TITLE);

	ui_blank(0, 0, COLS, a);
	ui_top(ui)->title(ui, title, sizeof(title));
	snprintf(buf, sizeof(buf), " vmpeek > %s", title);
	ui_put(0, 0, COLS, a | A_BOLD, buf);
	/* q leaves the pane, and vmpeek from the picker at the bottom */
	snprintf(buf, sizeof(buf), "? help  %s ",
	    ui->depth == 1 ? "q quit" : "q back  Q quit");
	if ((int)strlen(buf) + 40 < COLS)
		ui_put(0, COLS - (int)strlen(buf), (int)strlen(buf), a, buf);
}

static void
draw_status(struct ui *ui)
{
	const struct pane_ops *ops = ui_top(ui);
	int y = ui->lay.status_y;
	const char *hint = ops->hint ? ops->hint(ui) : NULL;
	attr_t a = ui_attr(ui, UC_STATUS);

	ui_blank(y, 0, COLS, a);
	if (ui->prompt) {
		prompt_draw(ui, y, a);
		return;
	}
	if (ui->status[0] != '\0') {
		ui_put(y, 0, COLS, ui->status_err ? ui_attr(ui, UC_ERR) : a,
		    ui->status);
		return;
	}
	if (hint != NULL)
		ui_put(y, 0, COLS, a, hint);
}

static void
draw(struct ui *ui)
{
	erase();
	if (LINES < PANE_MIN_LINES || COLS < PANE_MIN_COLS) {
		char buf[80];

		snprintf(buf, sizeof(buf), "terminal too small (%dx%d, "
		    "need %dx%d) - q quits", COLS, LINES, PANE_MIN_COLS,
		    PANE_MIN_LINES);
		for (int y = 0, off = 0; y < LINES && off < (int)strlen(buf);
		    y++, off += COLS > 0 ? COLS : 1)
			ui_put(y, 0, COLS, A_BOLD, buf + off);
		refresh();
		return;
	}
	if (ui->help_on) {
		help_draw(ui);
		curs_set(0);
		refresh();
		return;
	}
	layout(ui);
	draw_title(ui);
	ui_top(ui)->draw(ui);
	if (ui->popup_n > 0)
		draw_popup(ui);
	draw_status(ui);
	curs_set(ui->prompt ? 1 : 0);
	refresh();
}

/* ---------------------------------------------------------------- input */

void
ui_mouse(struct ui *ui)
{
	const struct pane_ops *ops = ui_top(ui);
	struct pane_view *v = ui->help_on ? &ui->hv : ops->view(ui);
	MEVENT ev;
	uint64_t idx;

	if (getmouse(&ev) != OK)
		return;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		pane_scroll(v, 3);
		return;
	}
#endif
	if (ev.bstate & BUTTON4_PRESSED) {
		pane_scroll(v, -3);
		return;
	}
	if (ui->help_on || ui->lay.too_small)
		return;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED)))
		return;
	ui->popup_n = 0;
	if (ev.y < ui->lay.list_y || ev.y >= ui->lay.list_y + ui->lay.list_h)
		return;
	if (ops->click != NULL && ops->click(ui, ev.y, ev.x))
		return;
	if (!pane_row_at(v, ev.y - ui->lay.list_y, &idx))
		return;
	pane_select(v, idx);
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		ops->key(ui, KA_OPEN);
}

/* Moving in the list: the same in every pane. */
static bool
nav_key(struct pane_view *v, enum key_action a)
{
	switch (a) {
	case KA_UP:
		pane_move(v, -1);
		return true;
	case KA_DOWN:
		pane_move(v, 1);
		return true;
	case KA_PGUP:
		pane_page(v, -1);
		return true;
	case KA_PGDN:
		pane_page(v, 1);
		return true;
	case KA_HOME:
		pane_home(v);
		return true;
	case KA_END:
		pane_end(v);
		return true;
	default:
		return false;
	}
}

/* The "terminal too small" screen: only leaving works. */
static void
too_small_key(struct ui *ui, enum key_action a)
{
	if (a == KA_QUIT || (a == KA_QUIT_BACK && ui->depth == 1))
		ui->quit = true;
	else if (a == KA_QUIT_BACK || a == KA_BACK)
		ui_top(ui)->key(ui, KA_BACK);
}

static void
handle_key(struct ui *ui, int ch)
{
	const struct pane_ops *ops = ui_top(ui);
	struct pane_view *v = ops->view(ui);
	enum key_action a = keys_action(ch);

	if (a == KA_RESIZE) {
		clear();
		if (ui->help_on)
			help_build(ui);
		return;
	}
	if (ui->popup_n > 0 && a != KA_MOUSE) {
		ui->popup_n = 0;	/* any key closes it */
		if (a == KA_QUIT)
			ui->quit = true;
		return;
	}
	if (ui->help_on) {
		help_key(ui, a);
		return;
	}
	if (ui->prompt) {
		prompt_key(ui, ch);
		return;
	}
	if (LINES < PANE_MIN_LINES || COLS < PANE_MIN_COLS) {
		too_small_key(ui, a);
		return;
	}
	if (a != KA_NONE && a != KA_MOUSE)
		ui->status[0] = '\0';
	if (nav_key(v, a))
		return;
	switch (a) {
	case KA_QUIT:
		ui->quit = true;
		break;
	case KA_QUIT_BACK:
		if (ui->depth == 1)
			ui->quit = true;
		else
			ops->key(ui, KA_BACK);
		break;
	case KA_HELP:
		help_build(ui);
		ui->help_on = true;
		break;
	case KA_SEARCH:
		prompt_open(ui, '/');
		break;
	case KA_NEXT:
		prompt_search(ui, 1, false);
		break;
	case KA_PREV:
		prompt_search(ui, -1, false);
		break;
	case KA_GOTO:
		if (!ui->have_t)
			ui_msg(ui, true, ": needs a process: open one first");
		else
			prompt_open(ui, ':');
		break;
	case KA_MOUSE:
		ui_mouse(ui);
		break;
	case KA_WATCH:
		ui->paused = !ui->paused;
		ui_msg(ui, false, ui->paused ? "refresh paused (w resumes)" :
		    "refresh resumed");
		break;
	case KA_NONE:
		break;
	default:
		ops->key(ui, a);
		break;
	}
}

/* ---------------------------------------------------------------- loop */

static bool
background(struct ui *ui)
{
	uint64_t now = ui_now_ms();

	/* The target's identity, not just its pid: a reused pid is "gone". */
	if (ui->have_t &&
	    now - ui->alive_ms >= ALIVE_MS) {
		ui->alive_ms = now;
		if (!target_alive(&ui->t)) {
			ui_target_gone(ui);
			return false;
		}
		/* same pid and start time, but pagemap reads nothing: exec */
		if (target_pagemap_stale(&ui->t))
			ui_target_exec(ui);
	}
	return ui_top(ui)->tick(ui, now + TICK_BUDGET_MS);
}



int
ui_run(const struct ui_opts *o)
{
	struct ui *ui;
	int sig, ret = 0;

	if ((ui = calloc(1, sizeof(*ui))) == NULL)
		return 1;
	ui->o = o;
	ui->rootfd = o->rootfd;
	/* LC_CTYPE only (ncursesw needs it): sizes stay "1.5M" anywhere. */
	setlocale(LC_CTYPE, "");
	ui->utf8 = fmt_locale_utf8();
	kpage_open(&ui->kp, o->rootfd);
	if (panestack_create(ui) == -1 || term_start(ui) == -1) {
		panestack_destroy(ui);
		free(ui);
		return 1;
	}
	panestack_start(ui, o->pid);

	while (!ui->quit && term_signal() == 0) {
		bool more;
		int ch;

		draw(ui);
		more = background(ui);
		if (more)
			draw(ui);	/* show what the budget found */
		timeout(more ? 1 : 200);
		ch = getch();
		if (ch == ERR)
			continue;
		handle_key(ui, ch);
		/* Swallow a burst of keys (held-down arrows) before drawing. */
		timeout(0);
		while (!ui->quit && (ch = getch()) != ERR)
			handle_key(ui, ch);
	}

	sig = term_signal();
	term_stop();
	panestack_close(ui);
	panestack_destroy(ui);
	help_free(ui);
	kpage_close(&ui->kp);
	free(ui);
	if (sig != 0) {
		term_reraise(sig);
		ret = 128 + sig;
	}
	return ret;
}
