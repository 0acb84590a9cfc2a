/* pages_compare: the page pane's compare mode (c): this process | another, '=' where they share a frame. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "maps.h"
#include "pages_int.h"
#include "ui_int.h"

#define CMP_WIN_CAP	1024		/* entries kept: a few screens */
#define PFN_W		10
#define FLAGS_W		(2 * PMF_COUNT - 1)
#define STATE_W		8
#define MARK_W		9		/* "~PSFXDUG*" */
#define CMP_MARKS_CAP	1024		/* the other side's pages kept */

/* Colour of each flag letter, in PMF_* bit order (P S F X D U G). */
static const enum ui_color flag_color[PMF_COUNT] = {
	UC_PRESENT, UC_SWAPPED, UC_FSHARED, UC_EXCL, UC_SDIRTY, UC_UFFD,
	UC_GUARDPG,
};

pid_t
pages_cmp_default(int rootfd, pid_t pid, uint64_t start, uint64_t end)
{
	struct proc_stat st;
	struct vma_list l;
	struct dirent *de;
	DIR *d;
	pid_t found = 0;
	int fd;

	if (procfs_read_stat(rootfd, pid, &st) == 0 && st.ppid > 1 &&
	    maps_read(rootfd, st.ppid, &l) == 0) {
		long i = maps_find(&l, start);
		bool same = i >= 0 && l.v[i].start <= start &&
		    l.v[i].end >= end;

		maps_free(&l);
		if (same)
			return st.ppid;
	}
	/* The children: every process whose stat names pid as parent. */
	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (found == 0 && (de = readdir(d)) != NULL) {
		pid_t c;

		if (procfs_parse_pid(de->d_name, &c) == -1 || c == pid)
			continue;
		if (procfs_read_stat(rootfd, c, &st) == 0 && st.ppid == pid)
			found = c;
	}
	closedir(d);
	return found;
}

void
pages_cmp_free(struct ui *ui)
{
	struct pages_cmp *c = &pages_st(ui)->cmp;

	if (!c->on)
		return;
	pagewin_free(&c->w);
	pagemarks_free(&c->marks);
	target_close(&c->t);
	c->on = false;
}

void
pages_cmp_stop(struct ui *ui)
{
	if (!pages_st(ui)->cmp.on)
		return;
	pages_cmp_free(ui);
	pages_fold_on(ui);
}

void
pages_cmp_key(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	char def[24] = "";
	pid_t p;

	if (ps->cmp.on) {
		pages_cmp_stop(ui);
		ui_msg(ui, false, "compare mode off");
		return;
	}
	if ((p = pages_cmp_default(ui->rootfd, ui->t.pid, ps->cur.start,
	    ps->cur.end)) > 0)
		snprintf(def, sizeof(def), "%d", (int)p);
	ui_prompt_start(ui, 'c', "compare with process (PID, self, name): ",
	    def);
}

void
pages_cmp_answer(struct ui *ui, const char *text)
{
	struct pages_state *ps = pages_st(ui);
	struct pages_cmp *c = &ps->cmp;
	char vis[100], *cands = NULL;
	pid_t pid;

	while (*text == ' ')
		text++;
	if (*text == '\0') {
		ui_msg(ui, true, "compare: no process given (a PID, self or "
		    "a name)");
		return;
	}
	fmt_vis(text, vis, sizeof(vis));
	if (target_resolve(ui->rootfd, text, &pid, &cands) == -1) {
		ui_msg(ui, true, "compare: %s: %s", vis, errno == EEXIST ?
		    "more than one process has that name: give the PID" :
		    "no such process");
		free(cands);
		return;
	}
	if (pid == ui->t.pid) {
		ui_msg(ui, true, "compare: %d is the process on screen", (int)pid);
		return;
	}
	if (target_open(&c->t, ui->rootfd, pid) == -1) {
		ui_msg(ui, true, "compare: %d: %s", (int)pid,
		    target_strerror(errno));
		return;
	}
	if (c->t.pm.fd < 0) {
		ui_msg(ui, true, "compare: %d: pagemap unreadable: %s",
		    (int)pid, target_strerror(c->t.pm_errno));
		target_close(&c->t);
		return;
	}
	c->t.pm.force_pread = ui->t.pm.force_pread;
	if (pagewin_init(&c->w, &c->t.pm, ps->cur.start, ps->cur.end,
	    CMP_WIN_CAP) == -1) {
		ui_msg(ui, true, "compare: %s", strerror(errno));
		target_close(&c->t);
		return;
	}
	/* no marks is fine: the other side's rows just go unmarked */
	if (pagemarks_init(&c->marks, CMP_MARKS_CAP) == 0 && ps->marks.frozen)
		pagemarks_freeze(&c->marks, true);
	c->on = true;
	/* a folded THP row has no counterpart on the other side */
	pages_fold_off(ui);
	ui_msg(ui, false, "comparing with %d: '=' where both map the same "
	    "frame; c or Esc leaves", (int)pid);
}

void
pages_cmp_reread(struct ui *ui)
{
	struct pages_cmp *c = &pages_st(ui)->cmp;
	pid_t pid = c->t.pid;

	if (!c->on)
		return;
	/* A zombie keeps its pid and start time; its pagemap reads empty. */
	if (!target_alive(&c->t) || target_pagemap_stale(&c->t)) {
		pages_cmp_stop(ui);
		ui_msg(ui, true, "compare: %d exited (or exec'd); compare mode "
		    "off", (int)pid);
		return;
	}
	pagewin_invalidate(&c->w);
	pagemarks_tick(&c->marks);
}

void
pages_cmp_freeze(struct ui *ui, bool on)
{
	struct pages_cmp *c = &pages_st(ui)->cmp;

	if (c->on)
		pagemarks_freeze(&c->marks, on);
}

const char *
pages_cmp_hint(struct ui *ui)
{
	static char buf[200];
	char comm[80];

	snprintf(buf, sizeof(buf), "left %d | right %d %s   = same frame  "
	    "? PFN hidden   c/Esc leave compare", (int)ui->t.pid,
	    (int)pages_st(ui)->cmp.t.pid, fmt_vis(pages_st(ui)->cmp.t.comm, comm,
	    sizeof(comm)));
	return buf;
}

/* One side's row: its entry, and its watch mark (hide: predict hides it). */
struct cmp_side {
	int got;
	bool mapped;
	struct pm_entry e;
	uint32_t mark;
	bool hide;
};

/* STATE of one side. */
static const char *
side_state(const struct cmp_side *sd)
{
	const struct pm_entry *e = &sd->e;

	if (!sd->mapped)
		return "unmapped";
	if (sd->got != 0)
		return sd->got > 0 ? "no entry" : "error";
	if (sd->hide)
		return "_";
	if (e->flags & PMF_GUARD)
		return "guard";
	if (e->flags & PMF_PRESENT)
		return "present";
	if (e->flags & PMF_SWAPPED)
		return "swapped";
	return "absent";
}

/* One side of a row from x: PFN, flags, state, mark (state_w 0: none). */
static void
draw_side(struct ui *ui, int y, int x, attr_t base, const struct cmp_side *sd,
    int state_w, int mark_w)
{
	const struct pm_entry *e = &sd->e;
	int got = sd->got;
	bool mapped = sd->mapped;
	char cell[40];
	const char *st;
	attr_t a = base;

	if (sd->hide)
		strlcpy(cell, "_", sizeof(cell));
	else if (got != 0 || !mapped || !(e->flags & PMF_PRESENT))
		strlcpy(cell, "-", sizeof(cell));
	else if (!e->pfn_valid)
		strlcpy(cell, "hidden", sizeof(cell));
	else
		snprintf(cell, sizeof(cell), "%" PRIx64, e->pfn);
	{
		char t[40];

		snprintf(t, sizeof(t), "%*s", PFN_W, cell);
		ui_put(y, x, PFN_W, a, t);
	}
	x += PFN_W + 1;
	for (int k = 0; k < PMF_COUNT; k++) {
		uint32_t f = 1u << k;
		char s[2] = { '-', '\0' };
		attr_t fa = base | ui_attr(ui, UC_ABSENT);

		if (sd->hide)
			s[0] = '_';
		else if (got == 0 && mapped && !(e->known & f))
			s[0] = '?';
		else if (got == 0 && mapped && (e->flags & f)) {
			s[0] = fmt_flag_letter(f);
			fa = base | ui_attr(ui, flag_color[k]);
		}
		ui_put(y, x + 2 * k, 1, fa, s);
	}
	x += FLAGS_W + 1;
	if (state_w == 0)
		return;
	st = side_state(sd);
	snprintf(cell, sizeof(cell), "%-*s", state_w, st);
	ui_put(y, x, state_w, base | (got == 0 && mapped && !sd->hide &&
	    (e->flags & PMF_PRESENT) ? ui_attr(ui, UC_PRESENT) :
	    ui_attr(ui, UC_ABSENT)), cell);
	x += state_w + 1;
	if (mark_w == 0 || sd->mark == 0)
		return;
	pagemarks_token(sd->mark, cell, sizeof(cell));
	ui_put(y, x, mark_w, base | A_BOLD | ui_attr(ui, UC_SP), cell);
}

/* Column widths of the split view: the address, each side, the state. */
struct cmp_cols {
	int aw, sw, stw, mw;
};

static void
draw_headings(struct ui *ui, const struct cmp_cols *k)
{
	struct pages_cmp *c = &pages_st(ui)->cmp;
	struct pane_layout *l = &ui->lay;
	attr_t h = ui_attr(ui, UC_COLHDR);
	char buf[200], comm[80];
	int x;

	ui_blank(l->colhdr_y, 0, l->cols, h);
	ui_put(l->colhdr_y, 0, k->aw, h, "ADDRESS");
	x = k->aw + 1;
	for (int side = 0; side < 2; side++) {
		snprintf(buf, sizeof(buf), "%*s %-*s", PFN_W, "PFN", FLAGS_W,
		    "P S F X D U G");
		if (k->stw)
			fmt_append(buf, sizeof(buf), " %-*s", k->stw, "STATE");
		if (k->mw)
			fmt_append(buf, sizeof(buf), " %-*s", k->mw, "MARKS");
		ui_put(l->colhdr_y, x, k->sw, h, buf);
		x += k->sw;
		if (side == 0) {
			ui_put(l->colhdr_y, x, 3, h, " = ");
			x += 3;
		}
	}
	snprintf(buf, sizeof(buf), "  %d | %d %s", (int)ui->t.pid,
	    (int)c->t.pid, fmt_vis(c->t.comm, comm, sizeof(comm)));
	if (x < l->list_w)
		ui_put(l->colhdr_y, x, l->list_w - x, h | A_BOLD, buf);
}

/* Row row on line y: address, this side, '=' (one frame), the other. */
static void
draw_row(struct ui *ui, const struct cmp_cols *k, int y, uint64_t row)
{
	struct pages_state *ps = pages_st(ui);
	struct pages_cmp *c = &ps->cmp;
	struct cmp_side a = { .mapped = true }, b = { 0 };
	uint64_t va = pagewin_vaddr(&ps->w, row);
	int x;
	bool sel = row == ps->v.sel;
	attr_t base = sel ? A_REVERSE : A_NORMAL;
	char buf[32], eq[2] = " ";

	if ((a.got = pagewin_get(&ps->w, row, &a.e)) != 0)
		memset(&a.e, 0, sizeof(a.e));
	else
		a.mark = pagemarks_see(&ps->marks, row, &a.e, &a.hide);
	b.mapped = maps_find(&c->t.maps, va) >= 0;
	if ((b.got = pagewin_get(&c->w, row, &b.e)) != 0)
		memset(&b.e, 0, sizeof(b.e));
	else if (b.mapped)
		b.mark = pagemarks_see(&c->marks, row, &b.e, &b.hide);
	if (sel)
		ui_blank(y, 0, ui->lay.list_w, base);
	snprintf(buf, sizeof(buf), "%0*" PRIx64, k->aw, va);
	ui_put(y, 0, k->aw, base, buf);
	x = k->aw + 1;
	draw_side(ui, y, x, base, &a, k->stw, k->mw);
	x += k->sw;
	/* '?': both present, but the kernel hides the frames */
	if (a.hide || b.hide)
		eq[0] = '_';
	else if (a.got == 0 && b.got == 0 && b.mapped && a.e.pfn_valid &&
	    b.e.pfn_valid && a.e.pfn == b.e.pfn)
		eq[0] = '=';
	else if (a.got == 0 && b.got == 0 && b.mapped &&
	    (a.e.flags & PMF_PRESENT) && (b.e.flags & PMF_PRESENT) &&
	    (!a.e.pfn_valid || !b.e.pfn_valid))
		eq[0] = '?';
	ui_put(y, x + 1, 1, base | A_BOLD | (eq[0] == '=' ?
	    ui_attr(ui, UC_PRESENT) : 0), eq);
	x += 3;
	draw_side(ui, y, x, base, &b, k->stw, k->mw);
}

void
pages_cmp_draw(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pages_cmp *c = &ps->cmp;
	struct pane_layout *l = &ui->lay;
	struct cmp_cols k = { 12, 0, STATE_W, MARK_W };
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIx64, ps->cur.end - 1);
	if ((int)strlen(buf) > k.aw)
		k.aw = (int)strlen(buf);
	/* narrow: the marks go first, then the states; the frames stay */
	k.sw = PFN_W + 1 + FLAGS_W + 1 + k.stw + 1 + k.mw;
	if (k.aw + 1 + 2 * k.sw + 3 > l->list_w) {
		k.mw = 0;
		k.sw = PFN_W + 1 + FLAGS_W + 1 + k.stw;
	}
	if (k.aw + 1 + 2 * k.sw + 3 > l->list_w) {
		k.stw = 0;
		k.sw = PFN_W + 1 + FLAGS_W;
	}
	draw_headings(ui, &k);
	/* Only the rows on screen are read, on both sides. */
	pagewin_ensure(&ps->w, ps->v.top, (size_t)l->list_h);
	pagewin_ensure(&c->w, ps->v.top, (size_t)l->list_h);
	for (int y = 0; y < l->list_h; y++) {
		uint64_t row;

		if (!pane_row_at(&ps->v, y, &row))
			break;
		draw_row(ui, &k, l->list_y + y, row);
	}
	if (c->w.err)
		ui_msg(ui, true, "compare: reading %d's pagemap: %s",
		    (int)c->t.pid, strerror(c->w.err));
}
