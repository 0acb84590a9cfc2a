/* pages_detail: the selected page explained — the detail lines and the Enter popup. */
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


/* A folded row's block: "THP 2M: 512 pages a-b in one huge frame". */
static void
fold_text(const struct ui *ui, uint64_t va, char *buf, size_t len)
{
	const struct hugefold *hf = &pages_st(ui)->hf;
	char sz[16];

	fmt_size(hf->blk << ui->t.pm.pageshift, sz, sizeof(sz));
	snprintf(buf, len, "%s %s: %" PRIu64 " pages %" PRIx64 "-%" PRIx64
	    " in one huge frame (+ expands); head", hf->hugetlb ? "hugetlb" :
	    "THP", sz, hf->blk, va, va + (hf->blk << ui->t.pm.pageshift));
}

/* The frame part of the detail line: PFN, swap slot, or what it is. */
static void
detail_frame(const struct ui *ui, const struct pageinfo *p, char *buf,
    size_t len)
{
	const struct pm_entry *e = &p->e;
	char dev[120];

	if (len > 0)
		buf[0] = '\0';
	if (e->pfn_valid)
		snprintf(buf, len, " PFN=%" PRIx64, e->pfn);
	else if (e->flags & PMF_PRESENT)
		snprintf(buf, len, " PFN hidden");
	else if (e->swap_valid)
		snprintf(buf, len, " swap type %u (%s) offset 0x%" PRIx64,
		    e->swap_type, pages_swap_dev(ui, p, dev, sizeof(dev)),
		    e->swap_offset);
	else if (e->swap_kind == PMS_HIDDEN)
		snprintf(buf, len, " swapped, swap entry hidden "
		    "(CAP_SYS_ADMIN)");
	else if (e->swap_kind != PMS_NONE && e->swap_kind != PMS_GUARD)
		snprintf(buf, len, " %s entry, not in swap (type %u offset 0x%"
		    PRIx64 ")", pagemap_swap_kind_name(e->swap_kind),
		    e->swap_type, e->swap_offset);
	else if (e->flags == 0)
		snprintf(buf, len, " (never touched or reclaimed)");
}

/* Why a page has no kflags, in the pane's words. */
static const char *
kflags_why(const struct ui *ui, const struct pageinfo *p, const char *nopfn)
{
	if (!(p->e.flags & PMF_PRESENT))
		return "page not present";
	if (!p->e.pfn_valid)
		return nopfn;
	return strerror(ui->kp.flags_errno ? ui->kp.flags_errno : EIO);
}

/* The address asked for with ':' keeps its in-page offset. */
static bool
goto_phys(const struct ui *ui, const struct pageinfo *p, uint64_t *pa)
{
	uint64_t g = pages_st(ui)->goto_addr;

	return g >= p->vaddr && g - p->vaddr < ui->t.pm.pagesize &&
	    pagemap_phys(&p->e, g, ui->t.pm.pagesize, pa);
}

void
pages_draw_detail(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pane_layout *l = &ui->lay;
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	char buf[700], names[400];
	bool folded;
	uint64_t item = pages_item_of(ps, ps->v.sel, &folded), pa;
	int got, y = l->detail_y;
	size_t n;

	if (l->detail_h < 1)
		return;
	pages_rec_ctx(ui, &ctx);
	got = pages_rec(ui, &ctx, item, &p);
	if (got != 0) {
		snprintf(buf, sizeof(buf), "%" PRIx64 ": %s", p.vaddr, got > 0 ?
		    "no pagemap entry (past the end of pagemap)" :
		    strerror(ps->w.err));
		ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
		return;
	}
	buf[0] = '\0';
	if (folded)
		fold_text(ui, p.vaddr, buf, sizeof(buf));
	fmt_append(buf, sizeof(buf), "%s%" PRIx64 " raw %016" PRIx64
	    ":", buf[0] != '\0' ? " " : "", p.vaddr, p.e.raw);
	for (int i = 0; i < PMF_COUNT; i++) {
		if (!(p.e.flags & pages_flag_tab[i].flag))
			continue;
		fmt_append(buf, sizeof(buf), " %d=%s", pageinfo_flag_bit(
		    pages_flag_tab[i].flag), pagemap_flag_name(pages_flag_tab[i].flag));
	}
	n = strlen(buf);
	detail_frame(ui, &p, buf + n, sizeof(buf) - n);
	if (goto_phys(ui, &p, &pa))
		fmt_append(buf, sizeof(buf), "  %" PRIx64 " -> phys %"
		    PRIx64, ps->goto_addr, pa);
	ui_put(y, 1, l->cols - 1, ui_attr(ui, UC_INFO), buf);
	if (l->detail_h < 2)
		return;
	if (p.have_kflags) {
		kpage_flags_str(p.kflags, " ", names, sizeof(names));
		snprintf(buf, sizeof(buf), "kpageflags %" PRIx64 ": %s",
		    p.kflags, names[0] ? names : "(none)");
		if (p.have_mapcount)
			fmt_append(buf, sizeof(buf), "  mapcount %"
			    PRIu64, p.mapcount);
	} else
		snprintf(buf, sizeof(buf), "kpageflags: %s", kflags_why(ui, &p,
		    "need the PFN (CAP_SYS_ADMIN)"));
	ui_put(y + 1, 1, l->cols - 1, A_DIM, buf);
}



/* The popup's bit lines: each flag, and what bit 62 is without a swap area. */
static void
popup_flags(struct ui *ui, const struct pm_entry *e)
{
	for (int i = 0; i < PMF_COUNT; i++) {
		uint32_t f = pages_flag_tab[i].flag;
		int bit = pageinfo_flag_bit(f);

		if (f == PMF_SWAPPED && !(e->flags & f) &&
		    e->swap_kind != PMS_NONE) {
			ui_popup_add(ui, "  bit %2d %-12s 1, but no swap area: "
			    "%s entry", bit, pagemap_flag_name(f),
			    pagemap_swap_kind_name(e->swap_kind));
			continue;
		}
		ui_popup_add(ui, "  bit %2d %-12s %s", bit,
		    pagemap_flag_name(f), (e->flags & f) ? "1" :
		    !(e->known & f) ? "? (this kernel cannot tell)" : "0");
	}
}

/* The popup's frame lines: bits 0-54 as PFN, swap slot, or what else. */
static void
popup_frame(struct ui *ui, const struct pageinfo *p)
{
	const struct pm_entry *e = &p->e;
	char dev[120];

	if (e->pfn_valid)
		ui_popup_add(ui, "  bits 0-54 PFN     0x%" PRIx64, e->pfn);
	else if (e->flags & PMF_PRESENT)
		ui_popup_add(ui, "  bits 0-54 PFN     hidden (reads 0 "
		    "without CAP_SYS_ADMIN)");
	else if (e->swap_valid) {
		ui_popup_add(ui, "  bits 0-4 swap type %u, bits 5-54 swap "
		    "offset 0x%" PRIx64, e->swap_type, e->swap_offset);
		ui_popup_add(ui, "swap device        %s", pages_swap_dev(ui, p, dev,
		    sizeof(dev)));
	} else if (e->swap_kind == PMS_HIDDEN)
		ui_popup_add(ui, "  bits 0-54         swap entry hidden "
		    "(reads 0 without CAP_SYS_ADMIN)");
	else if (e->swap_kind != PMS_NONE)
		ui_popup_add(ui, "  bits 0-4 type %u, 5-54 offset 0x%" PRIx64
		    ": a %s entry, not in swap", e->swap_type, e->swap_offset,
		    pagemap_swap_kind_name(e->swap_kind));
	else
		ui_popup_add(ui, "  bits 0-54         0 (not present)");
}

/* The popup's kflags: the word, its names over lines of 60, mapcount. */
static void
popup_kflags(struct ui *ui, const struct pageinfo *p)
{
	char names[400];

	if (!p->have_kflags) {
		if (p->e.flags & PMF_PRESENT)
			ui_popup_add(ui, "kpageflags         %s", kflags_why(ui,
			    p, "needs the PFN (CAP_SYS_ADMIN)"));
		return;
	}
	kpage_flags_str(p->kflags, " ", names, sizeof(names));
	ui_popup_add(ui, "kpageflags         0x%" PRIx64, p->kflags);
	for (char *s = names; *s != '\0';) {
		size_t n = strlen(s);

		if (n > 60) {
			n = 60;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = 60;
		}
		ui_popup_add(ui, "  %.*s", (int)n, s);
		s += n;
		while (*s == ' ')
			s++;
	}
	if (p->have_mapcount)
		ui_popup_add(ui, "mapcount           %" PRIu64, p->mapcount);
}

void
pages_popup_detail(struct ui *ui)
{
	struct pages_state *ps = pages_st(ui);
	struct pageinfo_ctx ctx;
	struct pageinfo p;
	bool folded;
	uint64_t idx = pages_item_of(ps, ps->v.sel, &folded), pa;
	char sz[16], path[120];
	int got;

	pages_rec_ctx(ui, &ctx);
	got = pages_rec(ui, &ctx, idx, &p);
	ui->popup_n = 0;
	snprintf(ui->popup_title, sizeof(ui->popup_title), " page %" PRIx64
	    " ", p.vaddr);
	fmt_vis(ps->cur.path, path, sizeof(path));
	ui_popup_add(ui, "page %" PRIu64 " of %" PRIu64 " in %s", idx + 1,
	    ps->w.npages, path[0] ? path : "(anonymous)");
	if (folded) {
		fmt_size(ps->hf.blk << ui->t.pm.pageshift, sz, sizeof(sz));
		ui_popup_add(ui, "%s %s: %" PRIu64 " base pages mapped by one "
		    "huge page-table entry", ps->hf.hugetlb ? "hugetlb page" :
		    "transparent huge page", sz, ps->hf.blk);
		ui_popup_add(ui, "(+ or Right shows them; this is the head)");
	}
	if (got != 0) {
		ui_popup_add(ui, "%s", got > 0 ? "no pagemap entry: past the "
		    "end of pagemap" : strerror(ps->w.err));
		ui_popup_add(ui, "(any key closes)");
		return;
	}
	ui_popup_add(ui, "raw pagemap entry  0x%016" PRIx64, p.e.raw);
	popup_flags(ui, &p.e);
	popup_frame(ui, &p);
	if (p.have_phys)
		ui_popup_add(ui, "physical address   0x%" PRIx64, p.phys);
	if (goto_phys(ui, &p, &pa))
		ui_popup_add(ui, "0x%" PRIx64 " -> physical 0x%" PRIx64,
		    ps->goto_addr, pa);
	popup_kflags(ui, &p);
	if (p.is_sp)
		ui_popup_add(ui, "the stack pointer (0x%" PRIx64 ") is in "
		    "this page", ps->si.sp);
	ui_popup_add(ui, "(any key closes)");
}
