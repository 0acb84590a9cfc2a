/* panestack: the UI's stack of panes and the moves between them; what the target's VMAs say, for the panes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "fmt.h"
#include "maps.h"
#include "pane_pages.h"
#include "pane_procs.h"
#include "pane_vmas.h"
#include "panestack.h"
#include "ui_int.h"

/* Every pane, bottom first: the picker, a process's VMAs, a VMA's pages. */
static const struct pane_ops *const all_panes[UI_PANES] = {
	&procs_ops, &vmas_ops, &pages_ops
};

const struct pane_ops *
ui_top(const struct ui *ui)
{
	return ui->stack[ui->depth - 1];
}

void *
ui_pane_state(const struct ui *ui, const struct pane_ops *ops)
{
	for (int i = 0; i < UI_PANES; i++)
		if (ui->pane[i].ops == ops)
			return ui->pane[i].state;
	return NULL;
}

/* The pane stack: a pane is entered when pushed, left when popped. */
static void
push(struct ui *ui, const struct pane_ops *ops)
{
	if (ui->depth >= UI_PANES)
		return;
	ui->stack[ui->depth++] = ops;
	if (ops->enter != NULL)
		ops->enter(ui);
	ui->prompt = 0;
	clear();
}

/* Pop panes until depth are left; the picker never goes. */
static void
pop_to(struct ui *ui, int depth)
{
	while (ui->depth > depth && ui->depth > 1) {
		const struct pane_ops *ops = ui->stack[--ui->depth];

		if (ops->leave != NULL)
			ops->leave(ui);
	}
	/* the picker has no process: back to it closes the target */
	if (ui->depth == 1 && ui->have_t) {
		target_close(&ui->t);
		ui->have_t = false;
	}
	ui->prompt = 0;
	clear();
}

static void
resume(struct ui *ui)
{
	const struct pane_ops *ops = ui_top(ui);

	if (ops->resume != NULL)
		ops->resume(ui);
}

void
ui_back(struct ui *ui)
{
	ui->back_pid = ui->t_pid;
	pop_to(ui, ui->depth - 1);
	resume(ui);
}

int
ui_open_target(struct ui *ui, pid_t pid)
{
	pop_to(ui, 1);
	ui->t_pid = pid;
	ui->t_err = 0;
	if (target_open(&ui->t, ui->rootfd, pid) == -1) {
		int e = errno;

		if (e == ESRCH || e == ENOENT) {
			ui_msg(ui, true, "process %d: %s", (int)pid,
			    target_strerror(e));
			return -1;
		}
		/* Explained in place: the VMA pane shows why. */
		ui->t_err = e;
		push(ui, &vmas_ops);
		return 0;
	}
	ui->have_t = true;
	ui->t.pm.force_pread = ui->o->no_scan != 0;
	ui->alive_ms = ui_now_ms();
	push(ui, &vmas_ops);
	return 0;
}

int
ui_open_pages(struct ui *ui, size_t vma, uint64_t addr)
{
	pop_to(ui, 2);
	if (pages_open(ui, vma, addr) == -1)
		return -1;
	push(ui, &pages_ops);
	return 0;
}

void
ui_target_gone(struct ui *ui)
{
	char name[80];

	fmt_vis(ui->t.comm, name, sizeof(name));
	ui_msg(ui, true, "process %d (%s) exited", (int)ui->t.pid, name);
	ui->back_pid = 0;	/* the picker keeps its own selection */
	pop_to(ui, 1);
	resume(ui);
}

void
ui_target_exec(struct ui *ui)
{
	char name[80];

	/* The page pane's VMA belonged to the old image: it is gone. */
	pop_to(ui, 2);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i]->exec != NULL)
			ui->stack[i]->exec(ui, false);
	if (target_refresh(&ui->t) == -1) {
		if (errno == ESRCH || errno == ENOENT)
			ui_target_gone(ui);
		else
			ui_msg(ui, true, "re-reading after exec: %s",
			    target_strerror(errno));
		return;
	}
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i]->exec != NULL)
			ui->stack[i]->exec(ui, true);
	fmt_vis(ui->t.comm, name, sizeof(name));
	ui_msg(ui, false, "process %d exec'd (now %s): its new image, %zu VMAs",
	    (int)ui->t.pid, name, ui->t.maps.n);
}

void
ui_target_label(const struct ui *ui, char *buf, size_t len)
{
	char name[64];

	if (!ui->have_t) {
		snprintf(buf, len, "%d", (int)ui->t_pid);
		return;
	}
	fmt_vis(ui->t.comm, name, sizeof(name));
	snprintf(buf, len, "%d %s", (int)ui->t.pid, name);
}

/* What the VMA pane read of the target, for the other panes. */
const struct smaps_vma *
ui_vma_smaps(const struct ui *ui, size_t i)
{
	return vmas_smaps(ui, i);
}

const struct smaps_list *
ui_smaps_list(const struct ui *ui)
{
	return vmas_smaps_list(ui);
}

bool
ui_smaps_pending(const struct ui *ui)
{
	return vmas_smaps_pending(ui);
}

bool
ui_smaps_tick(struct ui *ui)
{
	return vmas_smaps_tick(ui);
}

pid_t
ui_vma_stack_tid(const struct ui *ui, size_t i)
{
	return vmas_stack_tid(ui, i);
}

const struct pm_counts *
ui_vma_counts(const struct ui *ui, size_t i)
{
	return vmas_counts(ui, i);
}

enum ui_color
ui_vma_color(const struct vma *v)
{
	if (strncmp(v->perms, "---", 3) == 0)
		return UC_GUARD;
	switch (v->kind) {
	case VMA_STACK:
		return UC_STACK;
	case VMA_HEAP:
		return UC_HEAP;
	case VMA_FILE:
		return UC_FILE;
	case VMA_ANON:
		return UC_ANON;
	default:
		return UC_SPECIAL;
	}
}

/* Every pane on the stack selects what shows addr (VMA vma, or none). */
static void
show_addr(struct ui *ui, uint64_t addr, long vma)
{
	for (int k = 0; k < ui->depth; k++)
		if (ui->stack[k]->show_addr != NULL)
			ui->stack[k]->show_addr(ui, addr, vma);
}

int
ui_goto_addr(struct ui *ui, uint64_t addr)
{
	long i;

	if (!ui->have_t) {
		ui_msg(ui, true, "open a process first");
		return -1;
	}
	i = maps_find(&ui->t.maps, addr);
	if (i < 0) {
		const struct vma_list *m = &ui->t.maps;
		size_t j = 0;

		/* Say where it falls: a student learns more from the hole. */
		while (j < m->n && m->v[j].start <= addr)
			j++;
		if (m->n == 0)
			ui_msg(ui, true, "address 0x%llx not mapped (no VMAs)",
			    (unsigned long long)addr);
		else if (j == 0)
			ui_msg(ui, true, "address 0x%llx is in no VMA: below "
			    "the first one (%llx)", (unsigned long long)addr,
			    (unsigned long long)m->v[0].start);
		else if (j == m->n)
			ui_msg(ui, true, "address 0x%llx is in no VMA: past "
			    "the last (ends %llx)",
			    (unsigned long long)addr,
			    (unsigned long long)m->v[j - 1].end);
		else
			ui_msg(ui, true, "address 0x%llx is in no VMA: in the "
			    "hole %llx-%llx", (unsigned long long)addr,
			    (unsigned long long)m->v[j - 1].end,
			    (unsigned long long)m->v[j].start);
		show_addr(ui, addr, -1);	/* its hole's row */
		return -1;
	}
	show_addr(ui, addr, i);
	return ui_open_pages(ui, (size_t)i, addr);
}

int
panestack_create(struct ui *ui)
{
	for (int i = 0; i < UI_PANES; i++) {
		ui->pane[i].ops = all_panes[i];
		if ((ui->pane[i].state = all_panes[i]->create(ui)) == NULL)
			return -1;
	}
	return 0;
}

void
panestack_destroy(struct ui *ui)
{
	for (int i = UI_PANES - 1; i >= 0; i--)
		if (ui->pane[i].state != NULL)
			ui->pane[i].ops->destroy(ui, ui->pane[i].state);
}

void
panestack_start(struct ui *ui, pid_t pid)
{
	/* The picker is at the bottom; it is read when it shows. */
	ui->stack[ui->depth++] = &procs_ops;
	if (pid <= 0 || ui_open_target(ui, pid) == -1)
		resume(ui);
}

void
panestack_close(struct ui *ui)
{
	pop_to(ui, 1);
}
