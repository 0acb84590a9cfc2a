/* hexview: the page pane's hex view (x) of one page's bytes, never faulting it in. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "memdump.h"
#include "pages_int.h"
#include "text.h"
#include "ui_int.h"
#include "smaps.h"

/* Read (again) the page hv->vaddr: only when its pagemap entry says present. */
static void
hex_read(struct ui *ui)
{
	struct hexview *hv = &pages_st(ui)->hex;
	const struct smaps_vma *si = ui_vma_smaps(ui, pages_st(ui)->vma);
	struct memdump md;
	time_t now = time(NULL);
	struct tm tm;

	hv->why[0] = '\0';
	hv->rc = 1;
	memset(&hv->pg, 0, sizeof(hv->pg));
	hv->pg.vaddr = hv->vaddr;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(hv->when, sizeof(hv->when), "%H:%M:%S", &tm) == 0)
		hv->when[0] = '\0';
	if (si != NULL && (si->vmflags & (SMF_BIT(SMF_IO) | SMF_BIT(SMF_PF)))) {
		hv->pg.state = MD_DEVICE;
	} else if (memdump_open(&md, ui->rootfd, ui->t.pid, &ui->t.pm) == -1) {
		hv->rc = -1;
		memdump_refusal(errno, memdump_ptrace_scope(ui->rootfd),
		    hv->why, sizeof(hv->why));
	} else {
		hv->rc = memdump_page(&md, hv->vaddr, hv->buf, &hv->pg);
		if (hv->rc == -1)
			snprintf(hv->why, sizeof(hv->why), "%s: %s",
			    memdump_state_why(MD_ERROR), strerror(hv->pg.err));
		memdump_close(&md);
	}
	pane_set_rows(&hv->v, hv->rc == 0 ? hv->len / MEMDUMP_LINE_BYTES : 0);
}

void
hex_open(struct ui *ui, uint64_t vaddr)
{
	struct hexview *hv = &pages_st(ui)->hex;
	size_t ps = ui->t.pm.pagesize;

	hex_close(ui);
	if ((hv->buf = malloc(ps)) == NULL) {
		ui_msg(ui, true, "hex view: out of memory");
		return;
	}
	hv->len = ps;
	hv->vaddr = vaddr & ~((uint64_t)ps - 1);
	pane_view_init(&hv->v, 0, 1);
	hv->on = true;
	hex_read(ui);
}

void
hex_close(struct ui *ui)
{
	struct hexview *hv = &pages_st(ui)->hex;

	free(hv->buf);
	memset(hv, 0, sizeof(*hv));
}

bool
hex_key(struct ui *ui, enum key_action a)
{
	switch (a) {
	case KA_BACK:
	case KA_HEX:
		hex_close(ui);
		return true;
	case KA_REFRESH:
		hex_read(ui);
		ui_msg(ui, false, "page re-read");
		return true;
	default:
		/* nothing else means anything here (Enter, +, -, f ...) */
		return true;
	}
}

bool
hex_row_text(struct ui *ui, uint64_t row, char *buf, size_t len)
{
	struct hexview *hv = &pages_st(ui)->hex;
	size_t off = (size_t)row * MEMDUMP_LINE_BYTES;

	if (hv->rc != 0 || off >= hv->len || len < MEMDUMP_LINE_LEN)
		return false;
	memdump_format_line(hv->vaddr + off, hv->buf + off,
	    MEMDUMP_LINE_BYTES, buf, len);
	return true;
}

/* The state line: flags and frame, what was (not) read, when. */
static void
state_line(struct ui *ui, char *buf, size_t len)
{
	struct hexview *hv = &pages_st(ui)->hex;
	char flags[PMF_COUNT + 1], pfn[40] = "";

	if (hv->rc == -1 && !hv->pg.have_before) {
		snprintf(buf, len, "%s", hv->why);
		return;
	}
	if (hv->pg.have_before) {
		fmt_flags(&hv->pg.before, flags, sizeof(flags));
		if (hv->pg.before.pfn_valid)
			snprintf(pfn, sizeof(pfn), " pfn 0x%" PRIx64,
			    hv->pg.before.pfn);
		else if (hv->pg.before.flags & PMF_PRESENT)
			snprintf(pfn, sizeof(pfn), " pfn hidden");
	} else
		strlcpy(flags, "", sizeof(flags));
	snprintf(buf, len, "%s%s%s%s", flags, pfn, flags[0] ? ": " : "",
	    hv->rc == -1 ? hv->why : memdump_state_why(hv->pg.state));
	if (hv->when[0] != '\0')
		fmt_append(buf, len, "  (at %s; r re-reads)", hv->when);
}

void
hex_draw(struct ui *ui)
{
	struct hexview *hv = &pages_st(ui)->hex;
	struct pages_state *ps = pages_st(ui);
	struct pane_layout *l = &ui->lay;
	char buf[1024], path[200], line[MEMDUMP_LINE_LEN];
	uint64_t row;

	fmt_vis(ps->cur.path, path, sizeof(path));
	snprintf(buf, sizeof(buf), "hex view: page %" PRIx64 " of %" PRIx64
	    "-%" PRIx64 " %s %s, from /proc/%d/mem", hv->vaddr, ps->cur.start,
	    ps->cur.end, ps->cur.perms, path[0] ? path : "(anonymous)",
	    (int)ui->t.pid);
	ui_put(l->header_y, 1, l->cols - 1, ui_attr(ui, UC_INFO) | A_BOLD,
	    buf);
	state_line(ui, buf, sizeof(buf));
	if (l->header_h >= 2)
		ui_put(l->header_y + 1, 1, l->cols - 1, ui_attr(ui,
		    hv->rc == 0 && hv->pg.state == MD_READ ? UC_PRESENT :
		    hv->rc == -1 || hv->pg.state == MD_CHANGED ? UC_ERR :
		    UC_ABSENT), buf);
	ui_blank(l->colhdr_y, 0, l->cols, ui_attr(ui, UC_COLHDR));
	ui_put(l->colhdr_y, 0, l->cols, ui_attr(ui, UC_COLHDR),
	    "address           0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  "
	    "0123456789abcdef");
	if (hv->rc != 0) {
		ui_put(l->list_y + 1, 2, l->cols - 2, A_BOLD,
		    hv->rc == -1 ? "not read" : memdump_state_why(
		    hv->pg.state));
		return;
	}
	for (int y = 0; y < l->list_h; y++) {
		if (!pane_row_at(&hv->v, y, &row))
			break;
		if (!hex_row_text(ui, row, line, sizeof(line)))
			break;
		ui_put(l->list_y + y, 0, l->list_w, row == hv->v.sel ?
		    A_REVERSE : A_NORMAL, line);
	}
}

const char *
hex_hint(struct ui *ui)
{
	(void)ui;
	return "hex view: Up/Down/PgUp/PgDn scroll  / search  r re-read  "
	    "x Esc q close  ? help";
}
