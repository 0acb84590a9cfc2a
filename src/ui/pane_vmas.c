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

enum {
	COL_RANGE, COL_MARK, COL_SIZE, COL_PERMS, COL_OFFSET, COL_DEV, COL_INODE,
	COL_RES, COL_SWAP, COL_EXCL, COL_BAR, COL_HUGE, COL_PATH, NCOLS
};

/* Widths are set per frame (col_widths): the address digits vary. */
static const struct table_col cols[NCOLS] = {
	[COL_RANGE] = { "START-END", 0, 0, false, true },
	[COL_MARK] = { "", 0, 0, false, false },
	[COL_SIZE] = { "SIZE", 0, 0, false, false },
	[COL_PERMS] = { "PERM", 0, 0, false, false },
	[COL_OFFSET] = { "OFFSET", 0, 6, false, false },
	[COL_DEV] = { "DEV", 0, 7, false, false },
	[COL_INODE] = { "INODE", 0, 8, false, false },
	[COL_RES] = { "RES", 0, 1, true, false },
	[COL_SWAP] = { "SWAP", 0, 3, true, false },
	[COL_EXCL] = { "EXCL", 0, 2, true, false },
	[COL_BAR] = { "RESIDENCY", 0, 5, false, false },
	[COL_HUGE] = { "HUGE", 0, 4, false, false },
	[COL_PATH] = { "PATH", 0, 0, false, false },
};
#define BAR_W		10
#define HUGE_W		8
#define PATH_MIN	28
#define SMAPS_STEP	(256 * 1024)	/* smaps bytes parsed per tick */

static int
hex_digits(uint64_t v)
{
	int n = 1;

	while (v >>= 4)
		n++;
	return n;
}

/* Address digits: 12 for user space, 16 when [vsyscall] is there. */
static int
addr_w(const struct ui *ui)
{
	int w = 8;

	/* [vsyscall] (ffffffffff600000) alone would widen every row. */
	for (size_t i = 0; i < ui->t.maps.n; i++) {
		int d = hex_digits(ui->t.maps.v[i].end - 1);

		if (ui->t.maps.v[i].kind == VMA_VSYSCALL)
			continue;
		if (d > w)
			w = d;
	}
	return w;
}

static void
col_widths(const struct ui *ui, int *w)
{
	/* change marks, one character: after the range, so that a row
	 * still starts with its address (what a reader and a grep look for) */
	w[COL_MARK] = 1;
	w[COL_RANGE] = 2 * addr_w(ui) + 1;
	w[COL_SIZE] = 6;
	w[COL_PERMS] = 4;
	w[COL_OFFSET] = 8;
	w[COL_DEV] = 5;
	w[COL_INODE] = 8;
	w[COL_RES] = 7;
	w[COL_SWAP] = 6;
	w[COL_EXCL] = 7;
	w[COL_BAR] = BAR_W;
	w[COL_HUGE] = HUGE_W;
	w[COL_PATH] = PATH_MIN;
}

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
	const struct smaps_list *l = vs->smaps_state == 2 ? &vs->smaps :
	    vs->smaps_state == 1 ? &vs->sr.list : NULL;

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
	if (vs->smaps_state == 1)
		smaps_reader_close(&vs->sr);
	smaps_free(&vs->smaps);
	vs->smaps_state = 0;
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

	return vs->smaps_state == 2 ? &vs->smaps : NULL;
}

bool
vmas_smaps_pending(const struct ui *ui)
{
	int st = vmas_st(ui)->smaps_state;

	return st == 0 || st == 1;
}

const struct pm_counts *
vmas_counts(const struct ui *ui, size_t i)
{
	const struct vmas_state *vs = vmas_st(ui);

	if (i >= vs->ncounts || vs->counts[i].state != 1)
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

/* A page count in at most w columns: exact when it fits, else 12.3M. */
static void
fmt_count(uint64_t n, int w, char *buf, size_t len)
{
	static const char units[] = "kMGT";

	snprintf(buf, len, "%" PRIu64, n);
	for (int u = 0; (int)strlen(buf) > w && u < 4; u++) {
		double d = (double)n;

		for (int k = 0; k <= u; k++)
			d /= 1000;
		snprintf(buf, len, "%.1f%c", d, units[u]);
	}
}

static const struct ui_count *
count_of(struct ui *ui, size_t i)
{
	if (i >= vmas_st(ui)->ncounts || ui->t.pm.fd < 0)
		return NULL;
	return &vmas_st(ui)->counts[i];
}

static void
count_cell(struct ui *ui, size_t i, int which, int w, char *buf, size_t len)
{
	const struct ui_count *uc = count_of(ui, i);
	uint64_t n;

	if (uc == NULL) {
		strlcpy(buf, "-", len);
		return;
	}
	if (uc->state == 0) {
		strlcpy(buf, ui_ellipsis(ui), len);
		return;
	}
	if (uc->state < 0) {
		strlcpy(buf, "err", len);
		return;
	}
	n = which == COL_RES ? uc->c.present : which == COL_SWAP ?
	    uc->c.swapped : uc->c.exclusive;
	fmt_count(n, w, buf, len);
}

static void
bar_cell(struct ui *ui, size_t i, char *buf)
{
	const struct ui_count *uc = count_of(ui, i);
	int p = 0, s = 0, g = 0;

	memset(buf, ' ', BAR_W);
	buf[BAR_W] = '\0';
	if (uc == NULL || uc->state != 1 || uc->c.pages == 0)
		return;
	/* Round up so one resident page in a huge VMA still shows. */
	p = (int)((uc->c.present * BAR_W + uc->c.pages - 1) / uc->c.pages);
	s = (int)((uc->c.swapped * BAR_W + uc->c.pages - 1) / uc->c.pages);
	g = (int)((uc->c.guard * BAR_W + uc->c.pages - 1) / uc->c.pages);
	if (p + s > BAR_W)
		s = BAR_W - p;
	if (p + s + g > BAR_W)
		g = BAR_W - p - s;
	for (int k = 0; k < BAR_W; k++)
		buf[k] = k < p ? '#' : k < p + s ? 'S' : k < p + s + g ? 'G' :
		    '.';
}

/* Path column text: the escaped path, or what the mapping is. */
static void
path_text(const struct ui *ui, size_t i, char *buf, size_t len)
{
	const struct vma *v = &ui->t.maps.v[i];
	pid_t tid = vmas_stack_tid(ui, i);

	if (tid != 0)
		snprintf(buf, len, "[stack:%d]", (int)tid);
	else if (v->path[0] != '\0')
		fmt_vis(v->path, buf, len);
	else if (strncmp(v->perms, "---", 3) == 0 && i + 1 < ui->t.maps.n &&
	    ui->t.maps.v[i + 1].start == v->end &&
	    (tid = vmas_stack_tid(ui, i + 1)) != 0)
		snprintf(buf, len, "(guard page of [stack:%d])", (int)tid);
	else if (strncmp(v->perms, "---", 3) == 0)
		strlcpy(buf, "(guard: no access)", len);
	else
		strlcpy(buf, "(anonymous)", len);
}

/*
 * A path too long for its column keeps its end, where the file name is:
 * "...x86_64-linux-gnu/libc.so.6", not "/usr/lib/x86_64-linux-gnu/li".
 * The text is escaped already; in a UTF-8 locale it may hold characters
 * of one or two columns, so columns are counted, not bytes.
 */
static void
keep_tail(char *cell, int width)
{
	size_t i = 0, k, uw, len = strlen(cell), w = fmt_width(cell);

	if (width < 8 || w <= (size_t)width)
		return;
	/* drop whole units: never half an escape ("\\342" to "42") */
	while (w > (size_t)width - 3 && (k = fmt_unit(cell + i, &uw)) > 0) {
		i += k;
		w -= uw;
	}
	memmove(cell + 3, cell + i, len - i + 1);
	memcpy(cell, "...", 3);
}

/*
 * HUGE column: hugetlb page size, THP bytes mapped, else what madvise
 * asked (hg / nh); blank for ordinary VMAs, an ellipsis until smaps came.
 */
static void
huge_cell(const struct ui *ui, size_t i, char *buf, size_t len, bool *hl)
{
	const struct smaps_vma *s = vmas_smaps(ui, i);
	char sz[24];

	*hl = false;
	buf[0] = '\0';
	if (s == NULL) {
		if (vmas_st(ui)->smaps_state < 2 && vmas_st(ui)->smaps_state >= 0)
			strlcpy(buf, ui_ellipsis(ui), len);
		return;
	}
	if (smaps_is_hugetlb(s, ui->t.pm.pagesize)) {
		text_page_size(s->kernel_page_size, sz, sizeof(sz));
		snprintf(buf, len, "huge %s", sz);
		*hl = true;
	} else if (smaps_thp_bytes(s) > 0) {
		fmt_size(smaps_thp_bytes(s), sz, sizeof(sz));
		snprintf(buf, len, "THP %s", sz);
		*hl = true;
	} else if (s->vmflags & SMF_BIT(SMF_NH)) {
		strlcpy(buf, "no-THP", len);
	} else if (s->vmflags & SMF_BIT(SMF_HG)) {
		strlcpy(buf, "want-THP", len);
	} else if (s->vmflags & SMF_BIT(SMF_LO)) {
		strlcpy(buf, "locked", len);
	}
}

/* Row colour: thread stacks are stacks too. */
static enum ui_color
row_color(const struct ui *ui, size_t i)
{
	if (vmas_stack_tid(ui, i) != 0)
		return UC_STACK;
	return ui_vma_color(&ui->t.maps.v[i]);
}

static void
draw_error(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	char buf[300];

	snprintf(buf, sizeof(buf), "Cannot inspect process %d:",
	    (int)ui->t_pid);
	ui_put(l->list_y + 1, 2, l->cols - 2, ui_attr(ui, UC_ERR), buf);
	const char *p = target_strerror(ui->t_err);
	int y = l->list_y + 2, w = l->cols - 6;

	/* The explanation is a sentence: wrap it at spaces. */
	while (*p != '\0' && y < l->list_y + l->list_h - 1 && w > 10) {
		int n = (int)text_wrap_len(p, (size_t)w);
		char line[300];

		snprintf(line, sizeof(line), "%.*s", n, p);
		ui_put(y++, 4, w, A_BOLD, line);
		p = text_wrap_skip(p + n);
	}
	ui_put(y + 1, 2, l->cols - 2, A_NORMAL,
	    "Esc or q goes back to the process list.");
}

static void
draw_header(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	struct pane_layout *l = &ui->lay;
	struct pm_counts tot;
	size_t pending = 0, failed = 0;
	uint64_t mapped = 0;
	char buf[400], a[16], b[16], c[16], name[80];

	memset(&tot, 0, sizeof(tot));
	for (size_t i = 0; i < ui->t.maps.n; i++) {
		mapped += ui->t.maps.v[i].end - ui->t.maps.v[i].start;
		if (i >= vs->ncounts)
			continue;
		if (vs->counts[i].state == 0)
			pending++;
		else if (vs->counts[i].state < 0)
			failed++;
		else {
			pagemap_counts_add(&tot, &vs->counts[i].c);
		}
	}
	fmt_vis(vs->st_ok ? vs->st.name : ui->t.comm, name, sizeof(name));
	if (vs->st_ok && vs->st.vm_rss_kb >= 0) {
		fmt_size((uint64_t)vs->st.vm_rss_kb * 1024, a, sizeof(a));
		fmt_size(vs->st.vm_swap_kb > 0 ?
		    (uint64_t)vs->st.vm_swap_kb * 1024 : 0, b, sizeof(b));
	} else {
		strlcpy(a, "?", sizeof(a));
		strlcpy(b, "?", sizeof(b));
	}
	fmt_size(mapped, c, sizeof(c));
	snprintf(buf, sizeof(buf), "PID %d  %s   VmRSS %s  VmSwap %s   "
	    "%zu VMAs, %s mapped", (int)ui->t.pid, name, a, b,
	    ui->t.maps.n, c);
	ui_put(l->header_y, 1, l->cols - 1, A_BOLD, buf);
	if (l->header_h < 2)
		return;
	if (ui->t.pm.fd < 0) {
		snprintf(buf, sizeof(buf), "pagemap unreadable: %s",
		    target_strerror(ui->t.pm_errno));
		ui_put(l->header_y + 1, 1, l->cols - 1, ui_attr(ui, UC_ERR),
		    buf);
		return;
	}
	fmt_size(tot.present * ui->t.pm.pagesize, a, sizeof(a));
	fmt_size(tot.swapped * ui->t.pm.pagesize, b, sizeof(b));
	snprintf(buf, sizeof(buf), "resident %" PRIu64 " page%s (%s)  "
	    "swapped %" PRIu64 " (%s)  exclusive %" PRIu64 "%s", tot.present,
	    tot.present == 1 ? "" : "s", a, tot.swapped, b, tot.exclusive,
	    pending ? "   counting" : failed ? "   (some VMAs unreadable)" :
	    "");
	if (pending) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "%s %zu left",
		    ui_ellipsis(ui), pending);
	}
	if (vs->smaps_state == 1) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "   smaps %zu/%zu",
		    vs->sr.list.n, ui->t.maps.n);
	} else if (vs->smaps_state == -1) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "   smaps: %s",
		    strerror(vs->smaps_err));
	}
	ui_put(l->header_y + 1, 1, l->cols - 1, A_NORMAL, buf);
}

static void
draw_legend(struct ui *ui)
{
	static const struct {
		enum ui_color c;
		const char *s;
	} leg[] = {
		{ UC_STACK, "stack" }, { UC_HEAP, "heap" },
		{ UC_FILE, "file" }, { UC_ANON, "anon" },
		{ UC_GUARD, "guard" }, { UC_SPECIAL, "special" },
		{ UC_HUGE, "huge" },
	};
	struct pane_layout *l = &ui->lay;
	int x = 1;

	if (l->legend_y < 0)
		return;
	x = ui_put(l->legend_y, x, l->cols - x, A_DIM, "legend: ");
	for (size_t i = 0; i < sizeof(leg) / sizeof(leg[0]); i++)
		x = ui_put(l->legend_y, x, l->cols - x, ui_attr(ui, leg[i].c),
		    leg[i].s) + 1;
	/* The bar key matters more than the units: keep it at 80 columns. */
	ui_put(l->legend_y, x + 1, l->cols - x - 1, A_DIM,
	    l->cols - x - 1 >= 60 ?
	    "| RES SWAP EXCL in pages; bar: # resident S swapped G guard" :
	    "| bar: # res S swap G guard");
}

/* Second detail line: what smaps says about the VMA. */
static void
smaps_detail(const struct ui *ui, size_t i, char *buf, size_t len)
{
	const struct smaps_vma *s = vmas_smaps(ui, i);
	char a[16], b[16], c[16], d[16], kps[32], fl[200];
	size_t n;

	if (s == NULL) {
		snprintf(buf, len, "smaps: %s", vmas_st(ui)->smaps_state == -1 ?
		    strerror(vmas_st(ui)->smaps_err) : vmas_st(ui)->smaps_state == 2 ?
		    "no entry (the mapping changed: r re-reads)" :
		    "reading...");
		return;
	}
	fmt_size(s->rss, a, sizeof(a));
	fmt_size(s->pss, b, sizeof(b));
	fmt_size(s->swap, c, sizeof(c));
	fmt_size(smaps_thp_bytes(s), d, sizeof(d));
	text_page_size(s->kernel_page_size, kps, sizeof(kps));
	smaps_vmflags_str(s->vmflags, fl, sizeof(fl));
	snprintf(buf, len, "Rss %s Pss %s Swap %s THP %s page %s%s  VmFlags "
	    "%s", a, b, c, d, kps, s->thp_eligible == 1 ? " THP-eligible" :
	    "", fl);
	/* Spell out the flags a reader would wonder about. */
	static const int explain[] = { SMF_HT, SMF_HG, SMF_NH, SMF_LO,
	    SMF_GD, SMF_NR, SMF_DD, SMF_WF, SMF_MG, SMF_SL, SMF_GU, SMF_DC };
	for (size_t k = 0; k < sizeof(explain) / sizeof(explain[0]); k++) {
		if (!(s->vmflags & SMF_BIT(explain[k])))
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "; %s: %s",
		    smaps_vmflag_code(explain[k]),
		    smaps_vmflag_help(explain[k]));
	}
}


static void
draw_detail(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	const struct vma *v;
	const struct ui_count *uc;
	char buf[900], path[400], sz[16];
	size_t i;

	if (l->detail_h < 1)
		return;
	if (!vmas_vma_of(ui, vmas_st(ui)->v.sel, &i)) {
		const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows,
		    vmas_st(ui)->v.sel);

		if (r == NULL)
			return;
		if (r->kind == VMAROW_HOLE) {
			vmas_hole_detail(ui, r);
			return;
		}
		fmt_size(vmas_st(ui)->gap, sz, sizeof(sz));
		/* Two lines: one line of 80 columns cut the reason off. */
		snprintf(buf, sizeof(buf), "stack guard gap %s "
		    "(stack_guard_gap): the kernel keeps it free of mappings",
		    sz);
		ui_put(l->detail_y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
		if (l->detail_h >= 2)
			ui_put(l->detail_y + 1, 1, l->cols - 1, A_DIM,
			    "so a stack growing too far faults instead of "
			    "running into another mapping");
		return;
	}
	v = &ui->t.maps.v[i];
	uc = count_of(ui, i);
	path_text(ui, i, path, sizeof(path));
	fmt_size(v->end - v->start, sz, sizeof(sz));
	if (uc != NULL && uc->state == 1) {
		char sd[24];

		/* No CONFIG_MEM_SOFT_DIRTY: the count would be a false 0. */
		if (ui->t.pm.caps.known & PMF_SOFT_DIRTY)
			snprintf(sd, sizeof(sd), "%" PRIu64, uc->c.soft_dirty);
		else
			strlcpy(sd, "?", sizeof(sd));
		snprintf(buf, sizeof(buf), "%s %s, %" PRIu64 " page%s: "
		    "file/shared %" PRIu64 " soft-dirty %s guard %"
		    PRIu64 "%s  %s", maps_kind_name(v->kind), sz, uc->c.pages,
		    uc->c.pages == 1 ? "" : "s", uc->c.file_shared, sd, uc->c.guard,
		    uc->c.unreadable ? " (no pagemap entries)" : "", path);
	}
	else
		snprintf(buf, sizeof(buf), "%s %s  %s",
		    maps_kind_name(v->kind), sz, path);
	ui_put(l->detail_y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
	if (l->detail_h < 2)
		return;
	smaps_detail(ui, i, buf, sizeof(buf));
	ui_put(l->detail_y + 1, 1, l->cols - 1, A_DIM, buf);
}

/* The guard-gap row's text: its size, whether a VMA is in it, the hole. */
static void
gap_text(const struct ui *ui, size_t si, int w, char *cell, size_t len)
{
	const struct vma *st = &ui->t.maps.v[si];
	uint64_t hole = si > 0 ? st->start - ui->t.maps.v[si - 1].end :
	    st->start;
	char sz[16], hs[16];

	fmt_size(vmas_st(ui)->gap, sz, sizeof(sz));
	fmt_size(hole, hs, sizeof(hs));
	snprintf(cell, len, "guard gap %s below [stack]%s", sz,
	    stack_gap_violated(&ui->t.maps, si, vmas_st(ui)->gap) ? " VIOLATED" :
	    "");
	/* The hole only when it fits: a cut "; ho" says nothing. */
	if ((int)(strlen(cell) + strlen(hs)) + 7 <= w)
		text_append(cell, len, "; hole %s", hs);
}

/*
 * A cell of a row that is no VMA: the guard gap below [stack] (its range,
 * its size) or a hole between mappings (its range, its size, "unmapped").
 */
static void
pseudo_cell(struct ui *ui, const struct vmarow *r, int c, int w, char *cell,
    size_t len)
{
	bool gap = r->kind == VMAROW_GAP;
	char sz[16];

	if (c == COL_RANGE)
		snprintf(cell, len, "%0*" PRIx64 "-%0*" PRIx64, addr_w(ui),
		    r->start, addr_w(ui), r->end);
	else if (c == COL_SIZE) {
		fmt_size(gap ? vmas_st(ui)->gap : r->end - r->start, sz,
		    sizeof(sz));
		snprintf(cell, len, "%6s", sz);
	} else if (c == COL_PATH && gap)
		gap_text(ui, r->vma, w, cell, len);
	else if (c == COL_PATH)
		strlcpy(cell, "unmapped", len);
}

/* Columns of the widest path cell, over every VMA (not just the rows on
 * screen: the columns must not jump while scrolling); once per maps. */
static int
widest_path(struct ui *ui)
{
	char cell[420];
	size_t wmax = 0, cw;

	if (vmas_st(ui)->path_want >= 0)
		return vmas_st(ui)->path_want;

	for (size_t i = 0; i < ui->t.maps.n; i++) {
		size_t len = strlen(ui->t.maps.v[i].path);

		/*
		 * Cheap bound first (a process may have 65,000 VMAs): an
		 * escaped path takes at most 4 columns a byte, a label
		 * ("(guard page of [stack:TID])") under 40.
		 */
		if (wmax >= 40 && 4 * len <= wmax)
			continue;
		path_text(ui, i, cell, sizeof(cell));
		if ((cw = fmt_width(cell)) > wmax)
			wmax = cw;
	}
	vmas_st(ui)->path_want = (int)(wmax < 4096 ? wmax : 4096);
	return vmas_st(ui)->path_want;
}

/* Is the HUGE column blank on every row (smaps read, nothing huge)? */
static bool
huge_all_blank(struct ui *ui)
{
	char hb[48];
	bool hl;

	if (vmas_st(ui)->smaps_state != 2)
		return false;
	if (vmas_st(ui)->huge_blank >= 0)
		return vmas_st(ui)->huge_blank;
	vmas_st(ui)->huge_blank = 1;
	for (size_t i = 0; i < ui->t.maps.n; i++) {
		huge_cell(ui, i, hb, sizeof(hb), &hl);
		if (hb[0] != '\0') {
			vmas_st(ui)->huge_blank = 0;
			break;
		}
	}
	return vmas_st(ui)->huge_blank;
}

/*
 * The path is what a row is about: while the widest path does not fit,
 * columns that matter less give it their room — a HUGE column blank on
 * every row, then INODE, DEV, OFFSET (prio above PATH_YIELD). The counts,
 * the residency bar and a HUGE column with something in it stay. Returns
 * the width used by the columns still shown (path at PATH_MIN).
 */
#define PATH_YIELD	5
static int
path_room(struct ui *ui, const int *w, bool *shown, int used)
{
	int want = widest_path(ui), avail = ui->lay.list_w;

	if (used - w[COL_PATH] + want <= avail)
		return used;
	if (shown[COL_HUGE] && huge_all_blank(ui)) {
		shown[COL_HUGE] = false;
		used -= w[COL_HUGE] + 1;
	}
	while (used - w[COL_PATH] + want > avail) {
		int worst = -1;

		for (int c = 0; c < NCOLS; c++)
			if (shown[c] && cols[c].prio > PATH_YIELD &&
			    (worst < 0 || cols[c].prio > cols[worst].prio))
				worst = c;
		if (worst < 0)
			break;
		shown[worst] = false;
		used -= w[worst] + 1;
	}
	return used;
}

/*
 * Rows are the VMAs in address order, the holes between them (u hides
 * them) and one pseudo-row for the stack guard gap, between [stack] and
 * the VMA below it (the row above): core/vmarows says which is which.
 */
static attr_t
row_attr(struct ui *ui, uint64_t row, bool sel)
{
	const struct vmarow *r;
	size_t i;

	if (vmas_vma_of(ui, row, &i))
		return ui_attr(ui, row_color(ui, i)) | (sel ? A_REVERSE : 0);
	r = vmarows_get(&vmas_st(ui)->rows, row);
	return ui_attr(ui, r != NULL && r->kind == VMAROW_GAP ? UC_GUARD :
	    UC_DIM) | (sel ? A_REVERSE : A_DIM);
}

static void
cell(struct ui *ui, uint64_t row, int c, int w, bool sel, char *out,
    size_t len, attr_t *a)
{
	const struct vma *v;
	char buf[600];
	size_t i;
	bool hl;

	if (!vmas_vma_of(ui, row, &i)) {
		const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows, row);

		if (r != NULL)
			pseudo_cell(ui, r, c, w, out, len);
		return;
	}
	v = &ui->t.maps.v[i];
	switch (c) {
	case COL_MARK:
		*a = vmas_mark(ui, i, out, len, *a);
		break;
	case COL_RANGE:
		snprintf(out, len, "%0*" PRIx64 "-%0*" PRIx64, addr_w(ui),
		    v->start, addr_w(ui), v->end);
		break;
	case COL_SIZE:
		fmt_size(v->end - v->start, buf, sizeof(buf));
		snprintf(out, len, "%6s", buf);
		break;
	case COL_PERMS:
		fmt_vis(v->perms, out, len);
		break;
	case COL_OFFSET:
		snprintf(out, len, "%08" PRIx64, v->offset);
		break;
	case COL_DEV:
		snprintf(out, len, "%02x:%02x", v->dev_major, v->dev_minor);
		break;
	case COL_INODE:
		snprintf(out, len, "%8" PRIu64, v->inode);
		break;
	case COL_RES:
	case COL_SWAP:
	case COL_EXCL:
		count_cell(ui, i, c, w, buf, sizeof(buf));
		snprintf(out, len, "%*s", w, buf);
		if (!sel)
			*a = ui_attr(ui, c == COL_RES ? UC_PRESENT :
			    c == COL_SWAP ? UC_SWAPPED : UC_EXCL);
		break;
	case COL_BAR:
		bar_cell(ui, i, out);
		break;
	case COL_HUGE:
		huge_cell(ui, i, buf, sizeof(buf), &hl);
		snprintf(out, len, "%-*s", w, buf);
		if (hl && !sel)
			*a = ui_attr(ui, UC_HUGE);
		break;
	case COL_PATH:
		path_text(ui, i, out, len);
		keep_tail(out, w);
		if (v->path[0] == '\0' && !sel)
			*a |= A_DIM;
		break;
	}
}

static struct table tab = {
	.col = cols,
	.ncol = NCOLS,
	.cell = cell,
	.row_attr = row_attr,
};

static void
draw(struct ui *ui)
{
	struct pane_layout *l = &ui->lay;
	int w[NCOLS];

	if (!ui->have_t) {
		draw_error(ui);
		return;
	}
	draw_header(ui);
	col_widths(ui, w);
	table_fit(&tab, w, l->list_w);
	tab.used = path_room(ui, tab.w, tab.shown, tab.used);
	/* The path takes whatever is left. */
	table_fill(&tab, COL_PATH, l->list_w);
	table_draw_header(&tab, l->colhdr_y, l->cols, ui_attr(ui, UC_COLHDR));
	table_draw_rows(ui, &tab, &vmas_st(ui)->v, l->list_y, l->list_h,
	    l->list_w);
	if (ui->t.maps.n == 0)
		ui_put(l->list_y + 1, 2, l->cols - 2, ui_attr(ui, UC_DIM),
		    "no mappings (a kernel thread, or the process is exiting)");
	draw_detail(ui);
	draw_legend(ui);
	vmas_map_draw(ui);
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
	if (vs->smaps_state == 0) {
		if (smaps_reader_open(&vs->sr, ui->rootfd, ui->t.pid) == -1) {
			vs->smaps_state = -1;
			vs->smaps_err = errno;
		} else
			vs->smaps_state = 1;
	}
	if (vs->smaps_state == 1) {
		int r = smaps_reader_step(&vs->sr, SMAPS_STEP);

		if (r == 1) {
			smaps_reader_take(&vs->sr, &vs->smaps);
			smaps_reader_close(&vs->sr);
			vs->smaps_state = 2;
		} else if (r == -1) {
			vs->smaps_err = vs->sr.err;
			smaps_reader_close(&vs->sr);
			vs->smaps_state = -1;
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

			if (uc->state != 0 || is_small(ui, uc) != small)
				continue;
			if (ui_now_ms() >= deadline)
				return true;
			if (ui_count_step(&ui->t.pm, uc, deadline) == 0)
				more = true;
		}
	}
	/* counts from an earlier read: redone only for the rows on screen */
	return vmas_recount(ui, sfrom, sto, deadline) || more;
}

static bool
row_text(struct ui *ui, uint64_t row, char *buf, size_t len)
{
	const struct vma *v;
	char path[400], sz[16], huge[48];
	size_t idx;
	bool hl;

	if (!ui->have_t)
		return false;
	if (!vmas_vma_of(ui, row, &idx)) {
		const struct vmarow *r = vmarows_get(&vmas_st(ui)->rows, row);

		if (r == NULL)
			return false;
		fmt_size(r->kind == VMAROW_GAP ? vmas_st(ui)->gap :
		    r->end - r->start, sz, sizeof(sz));
		snprintf(buf, len, r->kind == VMAROW_GAP ? "guard gap %s "
		    "below [stack]" : "hole %s unmapped", sz);
		return true;
	}
	v = &ui->t.maps.v[idx];
	path_text(ui, idx, path, sizeof(path));
	huge_cell(ui, idx, huge, sizeof(huge), &hl);
	fmt_size(v->end - v->start, sz, sizeof(sz));
	snprintf(buf, len, "%0*" PRIx64 "-%0*" PRIx64 " %" PRIx64 "-%" PRIx64
	    " %s %s %08" PRIx64 " %02x:%02x %" PRIu64 " %s %s %s", addr_w(ui),
	    v->start, addr_w(ui), v->end, v->start, v->end, sz, v->perms,
	    v->offset, v->dev_major, v->dev_minor, v->inode,
	    maps_kind_name(v->kind), hl ? huge : "", path);
	return true;
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
		    (row_text(ui, i, buf, sizeof(buf)) &&
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
	.draw = draw,
	.key = key,
	.tick = tick,
	.row_text = row_text,
	.search = search,
	.hint = hint,
	.prompt = prompt,
};
