/* vmas_header: the VMA pane around its rows — header, legend, detail lines, the error screen. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "maps.h"
#include "pane_vmas.h"
#include "smaps.h"
#include "stack.h"
#include "table.h"
#include "text.h"
#include "ui_int.h"
#include "vmas_int.h"


void
vmas_draw_error(struct ui *ui)
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

void
vmas_draw_header(struct ui *ui)
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
		if (vs->counts[i].state == UCS_PENDING)
			pending++;
		else if (vs->counts[i].state == UCS_FAILED)
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
		fmt_append(buf, sizeof(buf), "%s %zu left",
		    ui_ellipsis(ui), pending);
	}
	if (vs->smaps_state == VS_SMAPS_READING) {
		fmt_append(buf, sizeof(buf), "   smaps %zu/%zu",
		    vs->sr.list.n, ui->t.maps.n);
	} else if (vs->smaps_state == VS_SMAPS_FAILED) {
		fmt_append(buf, sizeof(buf), "   smaps: %s",
		    strerror(vs->smaps_err));
	}
	ui_put(l->header_y + 1, 1, l->cols - 1, A_NORMAL, buf);
}

void
vmas_draw_legend(struct ui *ui)
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

	if (s == NULL) {
		const struct vmas_state *vs = vmas_st(ui);

		snprintf(buf, len, "smaps: %s",
		    vs->smaps_state == VS_SMAPS_FAILED ?
		    strerror(vs->smaps_err) : vs->smaps_state == VS_SMAPS_DONE ?
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
		fmt_append(buf, len, "; %s: %s",
		    smaps_vmflag_code(explain[k]),
		    smaps_vmflag_help(explain[k]));
	}
}


void
vmas_draw_detail(struct ui *ui)
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
	uc = vmas_count_of(ui, i);
	vmas_path_text(ui, i, path, sizeof(path));
	fmt_size(v->end - v->start, sz, sizeof(sz));
	if (uc != NULL && uc->state == UCS_DONE) {
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
