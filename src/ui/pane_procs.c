/* pane_procs: the process picker — sort, incremental filter, timed refresh. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "pane_procs.h"
#include "procfs.h"
#include "proclist.h"
#include "table.h"
#include "ui_int.h"

/* The picker's state: the list, the rows its filter and order show. */
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

static struct procs_state *
procs_st(const struct ui *ui)
{
	return ui_pane_state(ui, &procs_ops);
}

static const char *const sort_names[] = {
	[PROCLIST_SORT_RSS] = "RSS",
	[PROCLIST_SORT_PID] = "PID",
	[PROCLIST_SORT_NAME] = "name",
};

static struct proc_info *
row_proc(struct ui *ui, uint64_t i)
{
	struct procs_state *ps = procs_st(ui);

	if (i >= ps->nidx)
		return NULL;
	return &ps->list.p[ps->idx[i]];
}

/* Note the selected pid while idx[] still matches the list. */
static void
remember_sel(struct ui *ui)
{
	struct proc_info *sel = row_proc(ui, procs_st(ui)->v.sel);

	if (sel != NULL)
		procs_st(ui)->sel_pid = sel->pid;
}

/* Rebuild the filtered row list, keeping the remembered pid selected. */
static void
refilter(struct ui *ui)
{
	struct procs_state *ps = procs_st(ui);
	char text[256];
	pid_t want, fpid;
	size_t *n, *order, cap = ps->list.n ? ps->list.n : 1;
	int *d;

	if ((n = reallocarray(ps->idx, cap, sizeof(*n))) == NULL)
		return;
	ps->idx = n;
	if ((d = reallocarray(ps->depth, cap, sizeof(*d))) == NULL)
		return;
	ps->depth = d;
	ps->nidx = 0;
	/* Tree order (or list order), then the filter; rows keep depth. */
	order = NULL;
	if (ps->tree && (order = reallocarray(NULL, cap, sizeof(*order))) !=
	    NULL && proclist_tree(&ps->list, order, ps->depth) == -1) {
		free(order);
		order = NULL;
	}
	for (size_t k = 0; k < ps->list.n; k++) {
		size_t i = order != NULL ? order[k] : k;
		struct proc_info *p = &ps->list.p[i];
		int dep = order != NULL ? ps->depth[k] : 0;

		snprintf(text, sizeof(text), "%d %s %s", (int)p->pid, p->user,
		    p->comm);
		if (proclist_match(p, ps->filter) ||
		    pane_text_match(text, ps->filter)) {
			/* nidx <= k: depth[k] is read before it is reused */
			ps->depth[ps->nidx] = dep;
			ps->idx[ps->nidx++] = i;
		}
	}
	free(order);
	pane_set_rows(&ps->v, ps->nidx);
	/* A filter that is exactly a PID selects that process, wherever the
	 * sort put the others that merely contain the digits. */
	want = ps->sel_pid;
	if (ps->filter[0] != '\0' && procfs_parse_pid(ps->filter, &fpid) == 0)
		want = fpid;
	for (size_t i = 0; i < ps->nidx; i++) {
		if (ps->list.p[ps->idx[i]].pid == want) {
			pane_select(&ps->v, i);
			return;
		}
	}
	/*
	 * The selected process is gone (it exited, or the filter dropped
	 * it): keep the position but show rows around it, not a view
	 * left scrolled from an older, shorter list.
	 */
	pane_select_center(&ps->v, ps->v.sel);
}

static void
procs_load(struct ui *ui)
{
	struct procs_state *ps = procs_st(ui);

	remember_sel(ui);
	ps->nidx = 0;
	proclist_free(&ps->list);
	ps->err = 0;
	if (proclist_read(ui->rootfd, &ps->list, 0) == -1) {
		ps->err = errno;
		memset(&ps->list, 0, sizeof(ps->list));
	}
	proclist_sort(&ps->list, ps->sort);
	ps->loaded_ms = ui_now_ms();
	if (ps->v.height < 1)
		pane_view_init(&ps->v, 0, 1);
	refilter(ui);
}

static void *
create(struct ui *ui)
{
	struct procs_state *ps = calloc(1, sizeof(*ps));

	if (ps != NULL)
		ps->sort = PROCLIST_SORT_RSS;
	return ps;
}

static void
destroy(struct ui *ui, void *state)
{
	struct procs_state *ps = state;

	proclist_free(&ps->list);
	free(ps->idx);
	free(ps->depth);
	free(ps);
}

/* Shown (at start, or back from a process): the list is read again. */
static void
resume(struct ui *ui)
{
	if (ui->back_pid != 0)
		procs_st(ui)->sel_pid = ui->back_pid;
	procs_load(ui);
}

static void
title(struct ui *ui, char *buf, size_t len)
{
	strlcpy(buf, "processes", len);
}

static void
want(struct ui *ui, int *hh, int *dh, bool *legend, bool *map)
{
	*hh = 1;
	*dh = 0;
	*legend = false;
	*map = false;
}

static struct pane_view *
view(struct ui *ui)
{
	return &procs_st(ui)->v;
}

/* Tree branch before the command: two columns a level, "`- " on it. */
static void
tree_prefix(int depth, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (depth <= 0 || len == 0)
		return;
	/* deep trees stop indenting at 20 levels: the command still shows */
	for (int i = 1; i < depth && i < 20 && n + 3 < len; i++, n += 2)
		memcpy(buf + n, "  ", 2);
	buf[n] = '\0';
	strlcat(buf, "`- ", len);
}

enum { COL_PID, COL_USER, COL_RSS, COL_VSZ, COL_CMD, NCOLS };

/*
 * Narrow (under 60 columns): VSZ goes and USER shrinks to 8, so the
 * command name is not cut to a stub.
 */
static const struct table_col cols[NCOLS] = {
	[COL_PID] = { "PID", 7, 0, true, false },
	[COL_USER] = { "USER", 10, 0, false, false },
	[COL_RSS] = { "RSS", 7, 0, true, false },
	[COL_VSZ] = { "VSZ", 7, 1, true, false },
	[COL_CMD] = { "COMMAND", 25, 0, false, false },
};

/*
 * The command column: the command line when it has been read and is not
 * empty (as htop), else comm; escaped. In tree order depth indents it.
 */
static void
cell(struct ui *ui, uint64_t row, int c, int w, bool sel, char *buf,
    size_t len, attr_t *a)
{
	struct proc_info *p = row_proc(ui, row);
	char sz[16], name[4 * 512 + 1], user[4 * 33 + 1], tp[48];
	bool none = p->kernel_thread || p->zombie;	/* no address space */
	size_t ub, uwid;

	switch (c) {
	case COL_PID:
		snprintf(buf, len, "%7d", (int)p->pid);
		break;
	case COL_USER:
		/* user names come from /etc/passwd: escaped, cut by columns */
		fmt_vis(p->user, user, sizeof(user));
		ub = fmt_fit(user, (size_t)w, &uwid);
		user[ub] = '\0';
		snprintf(buf, len, "%s%*s", user, (int)((size_t)w - uwid), "");
		break;
	case COL_RSS:
	case COL_VSZ:
		fmt_size((c == COL_RSS ? p->rss_kb : p->vsz_kb) * 1024, sz,
		    sizeof(sz));
		snprintf(buf, len, "%7s", none ? "-" : sz);
		break;
	case COL_CMD:
		/* half a screen line of a long command line is plenty */
		fmt_visn(p->cmdline != NULL ? p->cmdline : p->comm,
		    p->cmdline != NULL ? strnlen(p->cmdline, 512) :
		    strlen(p->comm), name, sizeof(name));
		tree_prefix(procs_st(ui)->depth[row], tp, sizeof(tp));
		snprintf(buf, len, "%s%s", tp, name);
		break;
	}
}

/*
 * The permission probe opens a /proc file: done here, for the rows on
 * screen only, once per load (a load starts from unchecked rows, so a
 * refresh re-checks what shows); likewise the command line.
 */
static attr_t
row_attr(struct ui *ui, uint64_t row, bool sel)
{
	struct proc_info *p = row_proc(ui, row);

	if (!p->access_checked)
		(void)proclist_check_access(ui->rootfd, p);
	if (!p->cmdline_read)
		(void)proclist_read_cmdline(ui->rootfd, p);
	return (p->err || p->kernel_thread || p->zombie ?
	    ui_attr(ui, UC_DIM) : A_NORMAL) | (sel ? A_REVERSE : 0);
}

static const char *
tail(struct ui *ui, uint64_t row, bool sel, attr_t *a)
{
	struct proc_info *p = row_proc(ui, row);

	*a = row_attr(ui, row, sel) | (p->err && !sel ? ui_attr(ui, UC_DIM) :
	    0);
	return p->kernel_thread ? "  (kernel thread)" : p->zombie ?
	    "  (zombie)" : p->err == ESRCH ? "  (exited)" :
	    p->err == EACCES || p->err == EPERM ?
	    "  (not readable: permission denied)" :
	    p->err ? "  (not readable)" : "";
}

static struct table tab = {
	.col = cols,
	.ncol = NCOLS,
	.cell = cell,
	.row_attr = row_attr,
	.tail = tail,
	.joined = true,
};

static void
draw(struct ui *ui)
{
	struct procs_state *ps = procs_st(ui);
	struct pane_layout *l = &ui->lay;
	char buf[512];

	snprintf(buf, sizeof(buf), "%zu processes, %zu shown   sort: %s "
	    "(s)%s   filter: %s", ps->list.n, ps->nidx, sort_names[ps->sort],
	    ps->tree ? ", tree (t)" : "", ps->filter[0] ? "" : "none (/)");
	ui_put(l->header_y, 1, l->cols - 1, A_BOLD, buf);
	if (ps->filter[0])
		ui_put_vis(l->header_y, 1 + (int)strlen(buf), l->cols -
		    1 - (int)strlen(buf), ui_attr(ui, UC_INFO), ps->filter);
	if (ps->err)
		ui_put(l->header_y, 1, l->cols - 1, ui_attr(ui, UC_ERR),
		    strerror(ps->err));
	table_fit(&tab, NULL, l->list_w);
	if (!tab.shown[COL_VSZ])
		tab.w[COL_USER] = 8;
	table_draw_header(&tab, l->colhdr_y, l->cols,
	    ui_attr(ui, UC_COLHDR));
	table_draw_rows(ui, &tab, &ps->v, l->list_y, l->list_h, l->list_w);
	if (ps->nidx == 0)
		ui_put(l->list_y + 1, 2, l->cols - 2, ui_attr(ui, UC_DIM),
		    ps->list.n ? "no process matches the filter "
		    "(Esc clears it)" : "no processes");
}

static void
open_selected(struct ui *ui)
{
	struct proc_info *p = row_proc(ui, procs_st(ui)->v.sel);

	if (p == NULL)
		return;
	if (p->kernel_thread) {
		ui_msg(ui, true, "%d is a kernel thread: it has no user "
		    "address space", (int)p->pid);
		return;
	}
	if (p->zombie) {
		ui_msg(ui, true, "%d is a zombie: it has exited and has no "
		    "address space left", (int)p->pid);
		return;
	}
	procs_st(ui)->sel_pid = p->pid;
	if (ui_open_target(ui, p->pid) == -1)
		procs_load(ui);	/* it exited: drop it from the list */
}

static void
key(struct ui *ui, enum key_action a)
{
	struct procs_state *ps = procs_st(ui);

	switch (a) {
	case KA_NONE:
		remember_sel(ui);
		refilter(ui);
		break;
	case KA_OPEN:
		open_selected(ui);
		break;
	case KA_BACK:
		if (ps->filter[0]) {
			remember_sel(ui);
			ps->filter[0] = '\0';
			refilter(ui);
		}
		break;
	case KA_REFRESH:
		procs_load(ui);
		ui_msg(ui, false, "process list refreshed");
		break;
	case KA_TREE:
		ps->tree = !ps->tree;
		remember_sel(ui);
		refilter(ui);
		ui_msg(ui, false, ps->tree ? "process tree: children under "
		    "their parent (t: flat list)" : "flat list (t: tree)");
		break;
	case KA_SORT:
		ps->sort = ps->sort == PROCLIST_SORT_RSS ? PROCLIST_SORT_PID :
		    ps->sort == PROCLIST_SORT_PID ? PROCLIST_SORT_NAME :
		    PROCLIST_SORT_RSS;
		remember_sel(ui);
		proclist_sort(&ps->list, ps->sort);
		refilter(ui);
		break;
	default:
		break;
	}
}

static bool
tick(struct ui *ui, uint64_t deadline)
{
	struct procs_state *ps = procs_st(ui);
	int period = ui->o->interval_ms > 0 ? ui->o->interval_ms :
	    ui->o->refresh_ms > 0 ? ui->o->refresh_ms : 2000;

	if (ui->prompt == 0 && !ui->paused && ui_now_ms() - ps->loaded_ms >= (uint64_t)period)
		procs_load(ui);
	return false;
}

static bool
row_text(struct ui *ui, uint64_t idx, char *buf, size_t len)
{
	if (row_proc(ui, idx) == NULL)
		return false;
	/* search sees every column */
	table_row_text(ui, &tab, idx, buf, len);
	return true;
}

/* '/' filters the picker as it is typed; Enter opens what it found. */
static bool
prompt(struct ui *ui, int kind, enum prompt_ev ev)
{
	struct procs_state *ps = procs_st(ui);

	if (kind != '/')
		return false;
	switch (ev) {
	case PR_START:
		strlcpy(ps->pfilter, ps->filter, sizeof(ps->pfilter));
		ui_prompt_set(ui, "filter: ", ps->filter);
		break;
	case PR_CHANGE:
		strlcpy(ps->filter, ui->pbuf, sizeof(ps->filter));
		key(ui, KA_NONE);	/* re-filter */
		break;
	case PR_CANCEL:
		strlcpy(ps->filter, ps->pfilter, sizeof(ps->filter));
		key(ui, KA_NONE);
		break;
	case PR_ACCEPT:
		if (ps->nidx > 0)
			key(ui, KA_OPEN);
		break;
	}
	return true;
}

static const char *
hint(struct ui *ui)
{
	return "Enter open  / filter  s sort  t tree  r refresh  ? help  q quit";
}

const struct pane_ops procs_ops = {
	.name = "processes",
	.create = create,
	.destroy = destroy,
	.resume = resume,
	.title = title,
	.want = want,
	.view = view,
	.draw = draw,
	.key = key,
	.tick = tick,
	.row_text = row_text,
	.search = NULL,
	.hint = hint,
	.prompt = prompt,
};
