/* pane_pages: one row per page of a VMA, read lazily through pagewin; stack view, minimap, folded huge pages. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
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
#include "pane_pages.h"
#include "ui_int.h"

#define WIN_CAP		1024		/* entries kept: a few screens */
#define SEARCH_MAX	(1u << 18)	/* rows a text search reads per key */
#define REREAD_MS	1000		/* screen rows are re-read this often */
#define MARKS_CAP	1024		/* pages whose last read is kept */

/* Huge pages fold as one row: hugefold.h says how they are found. */



/* Rows fold huge blocks; pagewin and the stack view think in pages. */
uint64_t
pages_item_of(const struct pages_state *ps, uint64_t row, bool *folded)
{
	return hugefold_item_of(&ps->hf, row, folded);
}

static void
view_set_rows(void *arg, uint64_t nrows)
{
	pane_set_rows(arg, nrows);
}

/* The view a block folds in: the selection and the top row keep their page. */
static struct hugefold_view
fold_view(struct pages_state *ps)
{
	struct hugefold_view fv = {
		&ps->v.sel, &ps->v.top, ps->v.height, view_set_rows, &ps->v
	};

	return fv;
}

static void
fold_init(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t g = UINT64_MAX;

	/* an address asked for shows its own page, not its THP row */
	if (ps->goto_addr >= ps->cur.start && ps->goto_addr < ps->cur.end)
		g = (ps->goto_addr - ps->cur.start) >> ui->t.pm.pageshift;
	hugefold_setup(&ps->hf, ps->cur.start, ps->cur.end, ui->t.pm.pageshift,
	    kpage_pmd_size(ui->o->sysfd), ui_vma_smaps(ui, ps->vma),
	    ui_smaps_pending(ui), g);
}

void
pages_fold_off(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t sel = pages_item_of(ps, ps->v.sel, NULL);

	hugefold_off(&ps->hf);
	pane_set_rows(&ps->v, ps->w.npages);
	pane_select_center(&ps->v, sel);
}

void
pages_fold_on(struct ui *ui)
{
	pages_st(ui)->goto_addr = 0;	/* fold_init would expand its block */
	fold_init(ui);
	hugefold_invalidate(&pages_st(ui)->hf);
}

void
pages_select_page(struct ui *ui, uint64_t page)
{
	hex_close(ui);	/* ':' or a search leaves the hex view */
	pane_select_center(&pages_st(ui)->v, hugefold_row_of(&pages_st(ui)->hf, page));
}

void
pages_slices_free(struct pages_state *ps)
{
	free(ps->slices);
	ps->slices = NULL;
	ps->nslices = 0;
}

const struct pm_counts *
pages_totals(const struct ui *ui)
{
	const struct pages_state *ps = pages_st(ui);

	if (ps->total.state == UCS_DONE)
		return &ps->total.c;
	return ui_vma_counts(ui, ps->vma);
}

static void
recount_free(struct pages_state *ps)
{
	free(ps->reslices);
	ps->reslices = NULL;
	ps->nreslices = 0;
	ps->recounting = false;
}

/* Count the VMA and the minimap's slices again (shown once complete). */
static void
recount_start(struct pages_state *ps)
{
	if (ps->recounting)
		return;
	ui_count_init(&ps->retotal, ps->cur.start, ps->cur.end);
	if (ps->nslices > 0 &&
	    (ps->reslices = calloc((size_t)ps->nslices,
	    sizeof(*ps->reslices))) != NULL) {
		ps->nreslices = ps->nslices;
		for (int i = 0; i < ps->nslices; i++) {
			const struct ui_count *o = &ps->slices[i];

			ui_count_init(&ps->reslices[i], o->start, o->end);
			if (o->start == o->end)
				ps->reslices[i].state = UCS_DONE;	/* empty */
		}
	}
	ps->recount_ms = ui_now_ms();
	ps->recounting = true;
}

/* Advance the recount; true while more is pending. */
static bool
recount_step(struct ui *ui, struct pages_state *ps, uint64_t deadline)
{
	bool same = ps->reslices != NULL && ps->nreslices == ps->nslices;
	uint64_t now;

	if (!ps->recounting)
		return false;
	if (ui_count_step(&ui->t.pm, &ps->retotal, deadline) == UCS_PENDING)
		return true;
	for (int i = 0; same && i < ps->nreslices; i++)
		if (ui_count_step(&ui->t.pm, &ps->reslices[i], deadline) == UCS_PENDING)
			return true;
	/* a failed recount keeps what was shown */
	if (ps->retotal.state == UCS_DONE)
		ps->total = ps->retotal;
	for (int i = 0; same && i < ps->nreslices; i++)
		if (ps->reslices[i].state == UCS_DONE)
			ps->slices[i] = ps->reslices[i];
	recount_free(ps);
	now = ui_now_ms();
	ps->recount_cost = now - ps->recount_ms;
	ps->recount_done = now;
	return false;
}

/*
 * The stack view of the VMA on screen: [stack], a [stack:TID], or a
 * thread's stack found by its SP.
 */
static void
inspect_stack(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	int r;

	errno = 0;
	r = stack_inspect_at(ui->rootfd, ui->t.pid, ui_vma_stack_tid(ui, ps->vma),
	    &ui->t.maps, ps->vma, &ui->t.pm, &ps->si);
	ps->stack_err = r == -1 ? (errno ? errno : EIO) : 0;
}

static void pages_free(struct ui *ui);

struct pages_state *
pages_st(const struct ui *ui)
{
	return ui_pane_state(ui, &pages_ops);
}

int
pages_open(struct ui *ui, size_t vma, uint64_t addr)
{
	struct pages_state *ps = pages_st(ui);
	bool kcol = ps->kflags_col;
	uint64_t page = UINT64_MAX;

	pages_free(ui);
	memset(ps, 0, sizeof(*ps));
	ps->kflags_col = kcol;
	if (!ui->have_t || vma >= ui->t.maps.n)
		return -1;
	if (ui->t.pm.fd < 0) {
		ui_msg(ui, true, "pagemap unreadable: %s",
		    target_strerror(ui->t.pm_errno));
		return -1;
	}
	ps->vma = vma;
	ps->cur = ui->t.maps.v[vma];
	if (addr != UINT64_MAX)
		page = (addr - ps->cur.start) >> ui->t.pm.pageshift;
	if (pagewin_init(&ps->w, &ui->t.pm, ps->cur.start, ps->cur.end,
	    WIN_CAP) == -1) {
		ui_msg(ui, true, "page window: %s", strerror(errno));
		return -1;
	}
	ps->have_win = true;
	ps->is_stack = ps->cur.kind == VMA_STACK ||
	    ui_vma_stack_tid(ui, vma) != 0;
	if (ps->is_stack)
		inspect_stack(ui);
	/* Opening [stack] starts at the stack pointer: that's the story. */
	if (page == UINT64_MAX) {
		page = 0;
		if (ps->is_stack && ps->stack_err == 0 && ps->si.sp_known &&
		    ps->si.sp >= ps->cur.start && ps->si.sp < ps->cur.end)
			page = (ps->si.sp - ps->cur.start) >>
			    ui->t.pm.pageshift;
	} else
		ps->goto_addr = addr;	/* keeps the in-page offset */
	/* no marks is fine: rows just go unmarked */
	if (pagemarks_init(&ps->marks, MARKS_CAP) == -1)
		ui_msg(ui, true, "change marks: %s", strerror(errno));
	fold_init(ui);
	pane_view_init(&ps->v, ps->w.npages, 1);
	pane_select(&ps->v, page);
	ps->recenter = true;
	ps->reread_ms = ui_now_ms();
	return 0;
}

static void
pages_free(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);

	pages_cmp_free(ui);
	if (ps->have_win)
		pagewin_free(&ps->w);
	ps->have_win = false;
	hex_close(ui);
	pages_slices_free(ps);
	recount_free(ps);
	hugefold_free(&ps->hf);
	pagemarks_free(&ps->marks);
}

static void *
create(struct ui *ui)
{
	struct pages_state *ps = calloc(1, sizeof(*ps));

	if (ps != NULL)
		ps->kflags_col = true;
	return ps;
}

static void
destroy(struct ui *ui, void *state)
{
	pages_free(ui);
	free(state);
}

static void
title(struct ui *ui, char *buf, size_t len)
{
	char who[128];

	ui_target_label(ui, who, sizeof(who));
	snprintf(buf, len, "%s > pages", who);
}

/* The minimap is by page (huge-page rows fold several): a click there. */
static bool
click(struct ui *ui, int y, int x)
{
	struct pages_state *ps = pages_st(ui);
	const struct pane_layout *l = &ui->lay;
	uint64_t first, end;

	if (l->map_w == 0 || x < l->map_x)
		return false;
	if (y - l->list_y >= ps->nslices)
		return true;
	pane_slice(ps->w.npages, ps->nslices, y - l->list_y, &first, &end);
	if (end > first)
		pages_select_page(ui, first);
	return true;
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	if (pages_st(ui)->hex.on) {
		*hh = 2;
		*dh = 0;
		*legend = false;
		*map = false;
		return;
	}
	/* the stack view adds a band for the guard gap below the VMA */
	*hh = pages_st(ui)->is_stack ? 3 : 2;
	*dh = 2;
	*legend = true;
	*map = true;
}

static struct pane_view *
view(struct ui *ui)
{
	if (pages_st(ui)->hex.on)
		return &pages_st(ui)->hex.v;
	return &pages_st(ui)->v;
}

/* Fold the huge blocks of the window on screen: hugefold_discover. */
void
pages_discover(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct hugefold_view fv = fold_view(ps);
	struct hugefold_src src = { &ui->t.pm, &ui->kp,
	    ui_vma_smaps(ui, ps->vma) };

	hugefold_discover(&ps->hf, &src, &fv);
}


/* p: freeze the rows (changes show _), then reveal what changed. */
static void
predict_key(struct ui *ui, struct pages_state *ps)
{
	size_t n;

	pages_cmp_freeze(ui, !ps->marks.frozen);
	if (!ps->marks.frozen) {
		pagemarks_freeze(&ps->marks, true);
		ui_msg(ui, false, "predict: rows that change show _ until p "
		    "reveals them");
		return;
	}
	n = pagemarks_freeze(&ps->marks, false);
	ui_msg(ui, false, "revealed %zu changed page%s", n, n == 1 ? "" : "s");
}

static void
refresh_key(struct ui *ui, struct pages_state *ps)
{
	if (target_pagemap_stale(&ui->t)) {
		ui_target_exec(ui);	/* its VMA is the old image's */
		return;
	}
	pagewin_invalidate(&ps->w);
	pagemarks_tick(&ps->marks);
	recount_free(ps);
	recount_start(ps);
	hugefold_invalidate(&ps->hf);
	ui->swaps_state = SWAPS_UNREAD;
	if (ps->cmp.on && target_refresh(&ps->cmp.t) == 0)
		pagewin_invalidate(&ps->cmp.w);
	pages_cmp_reread(ui);
	if (ps->is_stack)
		inspect_stack(ui);
	ui_msg(ui, false, "pages re-read");
}

/* + expands the huge page row into its base pages, - folds it back. */
static void
fold_key(struct ui *ui, struct pages_state *ps, bool expand)
{
	bool folded;
	uint64_t it = pages_item_of(ps, ps->v.sel, &folded);
	uint64_t b = hugefold_block_of(&ps->hf, it);
	struct hugefold_view fv = fold_view(ps);

	if (!expand) {
		/* pages_discover() folds it again if it is still huge */
		if (folded || !hugefold_collapse(&ps->hf, b))
			ui_msg(ui, false, "no expanded huge page here");
		else
			pane_select(&ps->v, hugefold_row_of(&ps->hf, b));
		return;
	}
	if (!folded)
		ui_msg(ui, false, hugefold_expanded(&ps->hf, b) ? "already "
		    "expanded; - folds it" : "not a huge page row");
	else if (hugefold_expand(&ps->hf, it, &fv) == -1)
		ui_msg(ui, true, "too many expanded huge pages");
	else
		ui_msg(ui, false, "expanded into %" PRIu64 " pages; - folds",
		    ps->hf.blk);
}

static void
kflags_key(struct ui *ui, struct pages_state *ps)
{
	ps->kflags_col = !ps->kflags_col;
	if (ui->kp.flags_fd < 0)
		ui_msg(ui, true, "kpageflags unreadable: %s (root only)",
		    strerror(ui->kp.flags_errno ? ui->kp.flags_errno : EACCES));
	else if (ui->t.pm.caps.pfn_visible == 0)
		/* It opens in a user namespace, but needs PFNs. */
		ui_msg(ui, true, "kpageflags unavailable: the kernel hides "
		    "PFNs from this process");
	else
		ui_msg(ui, false, "kpageflags column %s",
		    ps->kflags_col ? "on" : "off");
}

static void
key(struct ui *ui, enum key_action a)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t idx;

	if (ps->hex.on && hex_key(ui, a))
		return;
	switch (a) {
	case KA_HEX:
		/* a folded huge page's row: its head page */
		idx = pages_item_of(ps, ps->v.sel, NULL);
		if (ps->have_win && idx < ps->w.npages)
			hex_open(ui, pagewin_vaddr(&ps->w, idx));
		break;
	case KA_COMPARE:
		pages_cmp_key(ui);
		break;
	case KA_PREDICT:
		predict_key(ui, ps);
		break;
	case KA_BACK:
		if (ps->cmp.on) {
			pages_cmp_stop(ui);
			ui_msg(ui, false, "compare mode off");
		} else
			ui_back(ui);
		break;
	case KA_OPEN:
		pages_popup_detail(ui);
		break;
	case KA_REFRESH:
		refresh_key(ui, ps);
		break;
	case KA_EXPAND:
	case KA_COLLAPSE:
		fold_key(ui, ps, a == KA_EXPAND);
		break;
	case KA_KFLAGS:
		kflags_key(ui, ps);
		break;
	default:
		break;
	}
}

static bool
tick(struct ui *ui, uint64_t deadline)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t now = ui_now_ms();
	bool more = false;

	if (!ps->have_win)
		return false;
	/* smaps tells hugetlb from THP: fold once it has come */
	if (ps->hf.wait) {
		if (ui_smaps_tick(ui))
			more = true;
		if (ui_vma_smaps(ui, ps->vma) != NULL ||
		    !ui_smaps_pending(ui)) {
			fold_init(ui);
			hugefold_invalidate(&ps->hf);
		}
	}
	/* The process keeps running: re-read the screen now and then. */
	if (!ui->paused && now - ps->reread_ms >= (uint64_t)(ui->o->interval_ms >
	    0 ? ui->o->interval_ms : REREAD_MS)) {
		ps->reread_ms = now;
		pagewin_invalidate(&ps->w);
		pagemarks_tick(&ps->marks);
		hugefold_invalidate(&ps->hf);
		pages_cmp_reread(ui);
		if (now >= ps->recount_done + 10 * ps->recount_cost)
			recount_start(ps);
	}
	for (int i = 0; i < ps->nslices; i++) {
		if (ps->slices[i].state != UCS_PENDING)
			continue;
		if (ui_now_ms() >= deadline)
			return true;
		if (ui_count_step(&ui->t.pm, &ps->slices[i], deadline) == UCS_PENDING)
			more = true;
	}
	if (ui_now_ms() < deadline && recount_step(ui, ps, deadline))
		more = true;
	return more || ps->recounting;
}

static bool
row_text(struct ui *ui, uint64_t row, char *buf, size_t len)
{
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	bool folded;
	uint64_t idx = pages_item_of(ps, row, &folded);
	char pfn[32], phys[32], flags[PMF_COUNT + 1], marks[600];
	attr_t a = 0;
	int got;

	if (ps->hex.on)
		return hex_row_text(ui, row, buf, len);
	pages_rec_ctx(ui, &ctx);
	if ((got = pages_rec(ui, &ctx, idx, &p)) < 0)
		return false;
	pages_fmt_pfn(&p, pfn, sizeof(pfn));
	pages_fmt_phys(&p, phys, sizeof(phys));
	fmt_flags(&p.e, flags, sizeof(flags));
	pages_marks_text(ui, &p, marks, sizeof(marks));
	snprintf(buf, len, "%" PRIx64 " %s %s %s %s %s", p.vaddr, pfn, phys,
	    flags, folded ? (ps->hf.hugetlb ? "huge" : "THP") :
	    pages_state_cell(ui, &p, got, false, &a), marks);
	return true;
}

/*
 * An address jumps straight to its page. Text is matched row by row, but
 * at most SEARCH_MAX rows per key so a 64 TB VMA can't freeze the UI;
 * n continues from where the last search stopped.
 */
static bool
search(struct ui *ui, const char *q, int dir, bool from_sel)
{
	struct pages_state *ps = pages_st(ui);
	uint64_t addr, n = ps->v.nrows, i = ps->v.sel;
	char buf[1024];

	if (ps->hex.on) {	/* the text of the hex lines, wrapping */
		struct pane_view *hv = &ps->hex.v;

		for (uint64_t k = 0, j = hv->sel; k < hv->nrows; k++) {
			if (k > 0 || !from_sel)
				j = dir > 0 ? (j + 1) % hv->nrows :
				    (j + hv->nrows - 1) % hv->nrows;
			if (hex_row_text(ui, j, buf, sizeof(buf)) &&
			    pane_text_match(buf, q)) {
				pane_select_center(hv, j);
				return true;
			}
		}
		return false;
	}
	if (fmt_parse_addr(q, &addr) == 0 && addr >= ps->cur.start &&
	    addr < ps->cur.end && strlen(q) >= 4) {
		uint64_t idx = (addr - ps->cur.start) >> ui->t.pm.pageshift;

		if (hugefold_row_of(&ps->hf, idx) != ps->v.sel || from_sel) {
			pages_select_page(ui, idx);
			ps->goto_addr = addr;
			return true;
		}
	}
	if (n == 0)
		return false;
	/* Wraps round the end like the other panes (n said "not found"). */
	for (uint64_t k = 0; k < n && k < SEARCH_MAX; k++) {
		if (k > 0 || !from_sel)
			i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
		if (row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q)) {
			pane_select_center(&ps->v, i);
			return true;
		}
	}
	if (n > SEARCH_MAX) {
		pane_select_center(&ps->v, i);
		ui_msg(ui, true, "not found in %u pages; n continues from "
		    "here", SEARCH_MAX);
	}
	return false;
}

/* The answer to c's prompt: the process to compare with. */
static bool
prompt(struct ui *ui, int kind, enum prompt_ev ev)
{
	if (kind != 'c' || ev != PR_ACCEPT)
		return false;
	pages_cmp_answer(ui, ui->pbuf);
	return true;
}

static const char *
hint(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);

	if (ps->hex.on)
		return hex_hint(ui);
	if (ps->cmp.on)
		return pages_cmp_hint(ui);
	/* Say why PFNs read "hidden" rather than leaving a mystery. */
	if (ui->t.pm.caps.pfn_visible == 0 || (ps->have_win &&
	    ui->t.pm.caps.pfn_visible != 1))
		return "PFN hidden: the kernel shows frame numbers only to "
		    "CAP_SYS_ADMIN in the initial user namespace   Enter "
		    "detail  ? help";
	if (ps->hf.ncoll > 0 || ps->hf.nexpd > 0)
		return "Enter detail  + expand / - fold huge page  : go to  "
		    "/ search  f kpageflags  Esc back  ? help";
	return "Enter page detail  : go to address  / search  f kpageflags  "
	    "Esc back  ? help";
}

const struct pane_ops pages_ops = {
	.name = "pages",
	.create = create,
	.destroy = destroy,
	.leave = pages_free,
	.title = title,
	.click = click,
	.want = want,
	.view = view,
	.draw = pages_draw,
	.key = key,
	.tick = tick,
	.row_text = row_text,
	.search = search,
	.hint = hint,
	.prompt = prompt,
};

