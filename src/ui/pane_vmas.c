/* pane_vmas: one row per mapping with page counts filled in progressively. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "maps.h"
#include "pane_vmas.h"
#include "table.h"
#include "text.h"
#include "ui_int.h"
#include "vmas_int.h"
#include "smaps.h"
#include "stack.h"


#define SMAPS_STEP	(256 * 1024)	/* smaps bytes parsed per tick */


struct vmas_state *
vmas_st(const struct ui *ui)
{
	return ui_pane_state(ui, &vmas_ops);
}

/* ---------------------------------------------------------------- rows */

/* [stack] index (the main stack, not a [stack:TID]), or -1. */
static long
stack_index(const struct ui *ui)
{
	return stack_main_index(&ui->t.maps);
}

const struct smaps_vma *
vmas_smaps(const struct ui *ui, size_t i)
{
	const struct vmas_state *vs = vmas_st(ui);
	const struct smaps_list *l = vs->smaps_state == VS_SMAPS_DONE ? &vs->smaps :
	    vs->smaps_state == VS_SMAPS_READING ? &vs->sr.list : NULL;

	if (l == NULL || i >= ui->t.maps.n)
		return NULL;
	return smaps_find(l, ui->t.maps.v[i].start, ui->t.maps.v[i].end);
}

pid_t
vmas_stack_tid(const struct ui *ui, size_t i)
{
	if (vmas_st(ui)->stack_tid == NULL || i >= vmas_st(ui)->ncounts)
		return 0;
	return vmas_st(ui)->stack_tid[i];
}

static void
smaps_reset(struct vmas_state *vs)
{
	if (vs->smaps_state == VS_SMAPS_READING)
		smaps_reader_close(&vs->sr);
	smaps_free(&vs->smaps);
	vs->smaps_state = VS_SMAPS_NONE;
	/* the maps or smaps change: the path column is measured again */
	vs->path_want = vs->huge_blank = -1;
	vs->smaps_err = 0;
}

/* Label the anon VMAs that hold another thread's stack pointer. */
static void
find_thread_stacks(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	struct stack_thread *th;
	size_t n;

	free(vs->stack_tid);
	vs->stack_tid = calloc(ui->t.maps.n ? ui->t.maps.n : 1,
	    sizeof(*vs->stack_tid));
	vs->nthreads = 0;
	if (vs->stack_tid == NULL)
		return;
	/* 3.4-4.4 name thread stacks themselves: [stack:TID]. */
	for (size_t i = 0; i < ui->t.maps.n; i++)
		vs->stack_tid[i] = maps_stack_tid(&ui->t.maps.v[i]);
	if (stack_threads(ui->rootfd, ui->t.pid, &th, &n) == -1)
		return;
	vs->nthreads = n;
	for (size_t k = 0; k < n; k++) {
		long i = stack_thread_vma(&ui->t.maps, &th[k]);

		/* The main thread's SP is in [stack]; that one has a name. */
		if (i < 0 || ui->t.maps.v[i].kind != VMA_ANON ||
		    vs->stack_tid[i] != 0)
			continue;
		vs->stack_tid[i] = th[k].tid;
	}
	free(th);
}


void
vmas_relist(struct ui *ui, bool carry)
{
	struct vmas_state *vs = vmas_st(ui);
	long si;

	vs->path_want = vs->huge_blank = -1;	/* measured again */
	find_thread_stacks(ui);
	si = stack_index(ui);
	if (!carry)
		vs->gap = si >= 0 ? stack_guard_gap(ui->rootfd,
		    ui->t.pm.pagesize) : 0;
	vmas_counts_build(ui, carry);
	if (vmamarks_update(&vs->marks, &ui->t.maps) == -1)
		ui_msg(ui, true, "change marks: %s", strerror(errno));
	vs->st_ok = procfs_read_status(ui->rootfd, ui->t.pid, &vs->st) == 0;
	vs->map_valid = false;
	vs->reread_ms = ui_now_ms();
	vmas_rows_build(ui);
}

static void
vmas_enter(struct ui *ui)
{
	smaps_reset(vmas_st(ui));
	vmas_relist(ui, false);
}

static void
vmas_free(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);

	smaps_reset(vs);
	free(vs->stack_tid);
	vs->stack_tid = NULL;
	free(vs->counts);
	vs->counts = NULL;
	vs->ncounts = 0;
	free(vs->stale);
	vs->stale = NULL;
	free(vs->recount);
	vs->recount = NULL;
	vmarows_free(&vs->rows);
	vmamarks_free(&vs->marks);
	vmamap_free(&vs->map);
	vs->map_valid = false;
}

const struct smaps_list *
vmas_smaps_list(const struct ui *ui)
{
	const struct vmas_state *vs = vmas_st(ui);

	return vs->smaps_state == VS_SMAPS_DONE ? &vs->smaps : NULL;
}

bool
vmas_smaps_pending(const struct ui *ui)
{
	int st = vmas_st(ui)->smaps_state;

	return st == VS_SMAPS_NONE || st == VS_SMAPS_READING;
}

const struct pm_counts *
vmas_counts(const struct ui *ui, size_t i)
{
	const struct vmas_state *vs = vmas_st(ui);

	if (i >= vs->ncounts || vs->counts[i].state != UCS_DONE)
		return NULL;
	return &vs->counts[i].c;
}

static void *
create(struct ui *ui)
{
	return calloc(1, sizeof(struct vmas_state));
}

static void
destroy(struct ui *ui, void *state)
{
	vmas_free(ui);
	free(state);
}

/* A process opened: its VMAs from the first row (or why they are not). */
static void
enter(struct ui *ui)
{
	memset(vmas_st(ui), 0, sizeof(struct vmas_state));
	if (ui->have_t)
		vmas_enter(ui);
}

/* The target exec'd: its old image's marks go; then its new rows. */
static void
exec_(struct ui *ui, bool reread)
{
	if (!reread)
		vmamarks_free(&vmas_st(ui)->marks);
	else
		vmas_enter(ui);
}

/* Select the row of VMA vma, or (vma < 0) the hole holding addr. */
static void
show_addr(struct ui *ui, uint64_t addr, long vma)
{
	if (vma < 0)
		vmas_select_addr(ui, addr);
	else
		pane_select(&vmas_st(ui)->v, vmas_row_of(ui, (size_t)vma));
}

static void
title(struct ui *ui, char *buf, size_t len)
{
	char who[128];

	ui_target_label(ui, who, sizeof(who));
	if (ui->have_t)
		snprintf(buf, len, "%s > VMAs", who);
	else
		strlcpy(buf, who, len);
}

/* The map's selection mark is in the blank column before it. */
static bool
click(struct ui *ui, int y, int x)
{
	if (ui->lay.map_w == 0 || x < ui->lay.map_x - 1)
		return false;
	vmas_map_click(ui, y - ui->lay.list_y);
	return true;
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	*hh = 2;
	*dh = 2;
	*legend = true;
	*map = true;		/* the whole address space (vmas_map.c) */
}

static struct pane_view *
view(struct ui *ui)
{
	return &vmas_st(ui)->v;
}

static void
key(struct ui *ui, enum key_action a)
{
	switch (a) {
	case KA_BACK:
		ui_back(ui);
		break;
	case KA_OPEN: {
		size_t i;

		if (!ui->have_t)
			break;
		if (!vmas_vma_of(ui, vmas_st(ui)->v.sel, &i)) {
			const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows,
			    vmas_st(ui)->v.sel);

			/* no rows at all: a process without mappings */
			if (r != NULL)
				ui_msg(ui, false, "%s has no pages: nothing is "
				    "mapped there", r->kind == VMAROW_GAP ?
				    "the guard gap (that is the point)" :
				    "a hole");
			break;
		}
		ui_open_pages(ui, i, UINT64_MAX);
		break;
	}
	case KA_REFRESH:
		if (!ui->have_t)
			break;
		if (target_refresh(&ui->t) == -1) {
			if (errno == ESRCH || errno == ENOENT)
				ui_target_gone(ui);
			else
				ui_msg(ui, true, "refresh: %s",
				    target_strerror(errno));
			break;
		}
		vmas_enter(ui);
		ui_msg(ui, false, "maps re-read: %zu VMAs (smaps follows)",
		    ui->t.maps.n);
		break;
	case KA_HOLES:
		vmas_st(ui)->holes_off = !vmas_st(ui)->holes_off;
		if (ui->have_t)
			vmas_rows_build(ui);
		ui_msg(ui, false, "holes between mappings %s (u)",
		    vmas_st(ui)->holes_off ? "hidden" : "shown");
		break;
	case KA_SORT:
	case KA_KFLAGS:
		break;
	default:
		break;
	}
}

bool
vmas_smaps_tick(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);

	if (!ui->have_t)
		return false;
	if (vs->smaps_state == VS_SMAPS_NONE) {
		if (smaps_reader_open(&vs->sr, ui->rootfd, ui->t.pid) == -1) {
			vs->smaps_state = VS_SMAPS_FAILED;
			vs->smaps_err = errno;
		} else
			vs->smaps_state = VS_SMAPS_READING;
	}
	if (vs->smaps_state == VS_SMAPS_READING) {
		int r = smaps_reader_step(&vs->sr, SMAPS_STEP);

		if (r == 1) {
			smaps_reader_take(&vs->sr, &vs->smaps);
			smaps_reader_close(&vs->sr);
			vs->smaps_state = VS_SMAPS_DONE;
		} else if (r == -1) {
			vs->smaps_err = vs->sr.err;
			smaps_reader_close(&vs->sr);
			vs->smaps_state = VS_SMAPS_FAILED;
		} else
			return true;
	}
	return false;
}

/* Small VMAs finish in one step: do them first so few rows wait. */
static bool
is_small(const struct ui *ui, const struct ui_count *uc)
{
	return ((uc->end - uc->next) >> ui->t.pm.pageshift) <= (1u << 18);
}

static bool
tick(struct ui *ui, uint64_t deadline)
{
	struct vmas_state *vs = vmas_st(ui);
	bool more = false;
	size_t sfrom, sto;

	/* the process keeps running: maps again every period (watch) */
	if (!ui->have_t || !vmas_watch_tick(ui))
		return false;
	/* tick runs after a paint: the first screen never waits for smaps */
	more = vmas_smaps_tick(ui);
	if (ui->t.pm.fd < 0)
		return more;
	vmas_screen_vmas(ui, &sfrom, &sto);
	/* Passes: small on screen, small anywhere, big on screen, the rest. */
	for (int pass = 0; pass < 4; pass++) {
		bool small = pass < 2, screen = pass % 2 == 0;
		uint64_t from = screen ? sfrom : 0;
		uint64_t to = screen ? sto : vs->ncounts;

		for (uint64_t i = from; i < to; i++) {
			struct ui_count *uc = &vs->counts[i];

			if (uc->state != UCS_PENDING || is_small(ui, uc) != small)
				continue;
			if (ui_now_ms() >= deadline)
				return true;
			if (ui_count_step(&ui->t.pm, uc, deadline) == UCS_PENDING)
				more = true;
		}
	}
	/* counts from an earlier read: redone only for the rows on screen */
	return vmas_recount(ui, sfrom, sto, deadline) || more;
}

/* Text search, and an address search finds the VMA that contains it. */
static bool
search(struct ui *ui, const char *q, int dir, bool from_sel)
{
	struct pane_view *v = &vmas_st(ui)->v;
	uint64_t n = v->nrows, i = v->sel, addr;
	bool is_addr = fmt_parse_addr(q, &addr) == 0;
	char buf[1024];
	size_t k2;

	if (n == 0 || q[0] == '\0')
		return false;
	for (uint64_t k = 0; k < n; k++) {
		if (k > 0 || !from_sel)
			i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
		if ((is_addr && vmas_vma_of(ui, i, &k2) &&
		    addr >= ui->t.maps.v[k2].start &&
		    addr < ui->t.maps.v[k2].end) ||
		    (vmas_row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q))) {
			pane_select_center(v, i);
			return true;
		}
	}
	return false;
}

/* '/' searches as it is typed, from where it began. */
static bool
prompt(struct ui *ui, int kind, enum prompt_ev ev)
{
	if (kind != '/' || ui->pbuf[0] == '\0')
		return false;
	if (ev == PR_CHANGE) {
		pane_select(&vmas_st(ui)->v, ui->porigin);
		strlcpy(ui->search, ui->pbuf, sizeof(ui->search));
		search(ui, ui->search, 1, true);
		return true;
	}
	if (ev == PR_ACCEPT)	/* then the default search, from there */
		pane_select(&vmas_st(ui)->v, ui->porigin);
	return false;
}

static const char *
hint(struct ui *ui)
{
	/* On the error pane only going back does anything. */
	if (!ui->have_t)
		return "Esc back  ? help  Q quit";
	return "Enter pages  / search  : go to address  u holes  r refresh  "
	    "Esc back  ? help";
}

const struct pane_ops vmas_ops = {
	.name = "VMAs",
	.create = create,
	.destroy = destroy,
	.enter = enter,
	.leave = vmas_free,
	.exec = exec_,
	.show_addr = show_addr,
	.title = title,
	.click = click,
	.want = want,
	.view = view,
	.draw = vmas_draw,
	.key = key,
	.tick = tick,
	.row_text = vmas_row_text,
	.search = search,
	.hint = hint,
	.prompt = prompt,
};

