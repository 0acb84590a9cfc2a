/* pages_text: a page record as the page pane writes it — PFN, physical address, state, marks, swap device. */
#include "config.h"

#include <errno.h>
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
#include "text.h"
#include "ui_int.h"


/* /proc/swaps, read once when a swapped page is first shown. */
static bool
swaps_load(struct ui *ui)
{
	if (ui->swaps_state == SWAPS_UNREAD) {
		if (swaps_read(ui->rootfd, ui->swaps, sizeof(ui->swaps) /
		    sizeof(ui->swaps[0]), &ui->nswaps) == 0)
			ui->swaps_state = SWAPS_READ;
		else {
			ui->swaps_state = SWAPS_FAILED;
			ui->swaps_err = errno;
		}
	}
	return ui->swaps_state == SWAPS_READ;
}

/* What the records of the rows on screen are filled from. */
void
pages_rec_ctx(struct ui *ui, struct pageinfo_ctx *c)
{
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_pmd none = PAGEINFO_PMD_INIT;

	memset(c, 0, sizeof(*c));
	c->pagesize = ui->t.pm.pagesize;
	c->kp = &ui->kp;
	c->pm = &ui->t.pm;
	c->sm = ui_smaps_list(ui);
	c->pmd = none;
	c->pmd_size = ps->hf.pmd_size;
	c->no_block_walk = true;	/* the fold set tells huge blocks */
	c->huge = ps->hf.huge;
	c->nhuge = ps->hf.nhuge;
	if (ps->is_stack && ps->stack_err == 0)
		c->stack = &ps->si;
	else
		c->stack_why = ps->is_stack ? strerror(ps->stack_err) :
		    "not a stack VMA";
}

/* The record of page idx; pagewin_get's answer (0, 1 no entry, -1). */
int
pages_rec(struct ui *ui, struct pageinfo_ctx *c, uint64_t idx,
    struct pageinfo *p)
{
	struct pages_state *ps = pages_st(ui);
	int got;

	memset(p, 0, sizeof(*p));
	p->vaddr = pagewin_vaddr(&ps->w, idx);
	p->vma = &ps->cur;
	got = pagewin_get(&ps->w, idx, &p->e);
	p->have_entry = got == 0;
	if (!p->have_entry)
		memset(&p->e, 0, sizeof(p->e));
	else if (p->e.swap_valid && swaps_load(ui)) {
		c->sw = ui->swaps;
		c->nsw = ui->nswaps;
	}
	pageinfo_fill(p, c);
	return got;
}

/* Name of the swap device of a swapped page, or why there is none. */
const char *
pages_swap_dev(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	if (p->swapdev != NULL)
		return fmt_vis(p->swapdev->name, buf, len);
	if (ui->swaps_state == SWAPS_READ)
		snprintf(buf, len, "no device %u in /proc/swaps",
		    p->e.swap_type);
	else
		snprintf(buf, len, "/proc/swaps: %s", strerror(ui->swaps_err));
	return buf;
}

/* The marks column: SP, never faulted, swap slot, huge page, kflags. */
void
pages_marks_text(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	static const char *const folio[] = {
		[PIF_NONE] = "", [PIF_THP] = "THP ",
		[PIF_THP_HEAD] = "THP-head ", [PIF_HUGETLB] = "hugetlb ",
	};
	const struct pm_entry *e = &p->e;	/* zero without an entry */
	char names[400], dev[120];

	buf[0] = '\0';
	if (p->is_sp)
		strlcat(buf, "<-SP ", len);
	if (p->never_faulted)
		strlcat(buf, "never-faulted ", len);
	if (e->swap_valid)
		fmt_append(buf, len, "swap %u:0x%" PRIx64 " %s ",
		    e->swap_type, e->swap_offset, pages_swap_dev(ui, p, dev,
		    sizeof(dev)));
	else if (e->swap_kind == PMS_HIDDEN)
		strlcat(buf, "swap entry hidden ", len);
	else if (e->swap_kind != PMS_NONE && e->swap_kind != PMS_GUARD)
		fmt_append(buf, len, "%s entry %u:0x%" PRIx64 " ",
		    pagemap_swap_kind_name(e->swap_kind), e->swap_type,
		    e->swap_offset);
	if (p->have_kflags) {
		strlcat(buf, folio[p->folio], len);
		if (pages_st(ui)->kflags_col) {
			if (p->have_mapcount)
				fmt_append(buf, len, "map=%" PRIu64 " ",
				    p->mapcount);
			kpage_flags_str(p->kflags, ",", names, sizeof(names));
			strlcat(buf, names, len);
		}
	} else if ((e->flags & PMF_PRESENT) && p->pmd_mapped)
		strlcat(buf, "huge ", len);
}

void
pages_fmt_pfn(const struct pageinfo *p, char *buf, size_t len)
{
	if (!(p->e.flags & PMF_PRESENT))
		strlcpy(buf, "-", len);
	else if (!p->e.pfn_valid)
		strlcpy(buf, "hidden", len);
	else
		snprintf(buf, len, "%" PRIx64, p->e.pfn);
}

void
pages_fmt_phys(const struct pageinfo *p, char *buf, size_t len)
{
	if (p->have_phys)
		snprintf(buf, len, "%" PRIx64, p->phys);
	else if (p->e.flags & PMF_PRESENT)
		strlcpy(buf, "hidden", len);
	else
		strlcpy(buf, "-", len);
}

/* STATE's word and colour: hidden by predict, a read error, the record's. */
const char *
pages_state_cell(const struct ui *ui, const struct pageinfo *p, int got, bool hide,
    attr_t *a)
{
	static const enum ui_color color[] = {
		[PIS_NO_ENTRY] = UC_ABSENT, [PIS_GUARD] = UC_GUARDPG,
		[PIS_PRESENT] = UC_PRESENT, [PIS_SWAPPED] = UC_SWAPPED,
		[PIS_SPECIAL] = UC_ABSENT, [PIS_ABSENT] = UC_ABSENT,
	};
	enum pageinfo_state st = pageinfo_state(p);

	if (hide)
		return "_";
	*a |= ui_attr(ui, st == PIS_ABSENT && p->never_faulted ?
	    UC_UNFAULTED : color[st]);
	return got < 0 ? "error" : pageinfo_state_word(p);
}
