/* help: the help screen, generated from the key table, the flag help and --caps. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "caps.h"
#include "fmt.h"
#include "help.h"
#include "text.h"
#include "ui_int.h"

void
help_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nhelp; i++)
		free(ui->help[i]);
	free(ui->help);
	ui->help = NULL;
	ui->nhelp = 0;
}

static void
help_add(struct ui *ui, const char *s)
{
	char **n;

	if ((n = reallocarray(ui->help, ui->nhelp + 1, sizeof(*n))) == NULL)
		return;
	ui->help = n;
	if ((n[ui->nhelp] = strdup(s)) != NULL)
		ui->nhelp++;
}

/* Add "  lead  text" wrapped at width, continuation lines indented. */
static void
help_wrap(struct ui *ui, const char *lead, int indent, const char *text,
    int width)
{
	char line[512];
	const char *p = text;
	bool first = true;

	if (width < indent + 20)
		width = indent + 20;
	while (*p != '\0') {
		size_t n = text_wrap_len(p, (size_t)(width - indent));

		snprintf(line, sizeof(line), "%-*s%.*s", indent,
		    first ? lead : "", (int)n, p);
		help_add(ui, line);
		first = false;
		p = text_wrap_skip(p + n);
	}
}

/*
 * What this machine can't show, and why (vmpeek --caps): said once here
 * rather than left as columns of 0 or "hidden". Probed when help opens.
 */
static void
help_caps(struct ui *ui, int w)
{
	struct vm_caps c;
	char lead[64];
	int n = 0;

	caps_gather(ui->rootfd, ui->o->sysfd, &c);
	help_add(ui, "");
	help_add(ui, "What this machine can't show (vmpeek --caps lists all)");
	for (int i = 0; i < CAPS_COUNT; i++) {
		if (c.item[i].available)
			continue;
		snprintf(lead, sizeof(lead), "  %s", caps_label(
		    (enum caps_id)i));
		help_wrap(ui, lead, 30, c.item[i].why, w);
		n++;
	}
	if (n == 0)
		help_add(ui, "  nothing: every item vmpeek knows of is "
		    "available here");
}

/* kpageflags the help explains (root sees them in the page pane). */
static const struct {
	const char *name, *help;
} kpf[] = {
	{ "LRU", "on the kernel's reclaim lists (can be paged out)." },
	{ "ACTIVE", "on the active list: used recently, kept longer." },
	{ "REFERENCED", "accessed since the kernel last looked." },
	{ "DIRTY", "changed in RAM, not yet written back." },
	{ "UPTODATE", "its contents are valid." },
	{ "ANON", "anonymous memory (heap, stack), not a file." },
	{ "MMAP", "mapped into some process's address space." },
	{ "SWAPBACKED", "would go to swap, not to a file." },
	{ "COMPOUND_HEAD/TAIL", "first / later part of a huge page." },
	{ "THP", "part of a transparent huge page." },
	{ "HUGE", "part of a hugetlbfs page." },
	{ "ZERO_PAGE", "the shared all-zeroes page (read, never written)." },
	{ "KSM", "merged with identical pages by KSM." },
	{ "mapcount", "how many page-table entries map this frame." },
};

/* The topics after the flag lists: lead, then the text wrapped at 18. */
static const struct {
	const char *lead, *text;
} notes[] = {
	{ "  Stack view",
	    "In [stack] the row holding the "
	    "stack pointer is marked SP; pages below it (lower addresses) "
	    "that were never touched are highlighted: the stack may still "
	    "grow into them. The header shows the guard gap kept free below "
	    "the stack and how far RLIMIT_STACK lets it grow." },
	{ "  Thread stacks",
	    "An anonymous VMA holding another "
	    "thread's stack pointer (read from /proc/PID/task/TID/syscall "
	    "while the thread blocks) is labelled [stack:TID] and opens in "
	    "the stack view; its guard is the PROT_NONE page below it, or "
	    "guard pages inside it (glibc 2.42+). Running threads have no "
	    "readable SP, so their stacks stay unlabelled (kernels before "
	    "4.5 label them in maps)." },
	{ "  Guard gap",
	    "The row just below [stack] in the "
	    "VMA list is not a mapping: it is the gap (stack_guard_gap, 1 MB "
	    "by default) the kernel keeps free so a runaway stack faults "
	    "instead of running into another mapping; a PROT_NONE mapping "
	    "may sit in it (the kernel allows that)." },
	{ "  HUGE column",
	    "From /proc/PID/smaps (read in "
	    "the background): \"THP 4.0M\" = that much of the VMA is mapped "
	    "by transparent huge pages; \"huge 2M\" = a hugetlbfs mapping "
	    "and its page size; want-THP / no-THP = madvise(MADV_HUGEPAGE / "
	    "MADV_NOHUGEPAGE). The second detail line lists Rss, Pss, Swap "
	    "and the VmFlags with the notable ones explained." },
	{ "  Huge pages",
	    "In the page pane a whole huge "
	    "page (a 2 MB THP, or a hugetlb page) is one row \"THP 2M\" "
	    "showing its head page; + or Right expands it into its base "
	    "pages, - folds it back. Huge pages are found for the rows on "
	    "screen only (PAGEMAP_SCAN, or kpageflags as root), so the row "
	    "count shrinks as you meet them. Physical addresses always "
	    "include the offset inside the page." },
	{ "  Swap",
	    "A swapped page shows its swap type, "
	    "offset and device (from /proc/swaps)." },
	{ "  Minimap",
	    "The column at the right of the page "
	    "pane is the whole VMA from top to bottom: # mostly present, + "
	    "some present, . none, S swapped; the highlighted part is what "
	    "the screen shows." },
};

void
help_build(struct ui *ui)
{
	char line[256], lead[64];
	int w = COLS - 1;

	help_free(ui);
	help_add(ui, "vmpeek - keys (this list is the program's key table)");
	help_add(ui, "");
	for (int a = KA_NONE + 1; a < KA_COUNT; a++)
		if (keys_help_line((enum key_action)a, line, sizeof(line)) > 0)
			help_add(ui, line);
	help_add(ui, "");
	help_add(ui, "Page flags (page pane columns; ? = this kernel cannot "
	    "tell, - = clear)");
	for (uint32_t f = 1; f < (1u << PMF_COUNT); f <<= 1) {
		snprintf(lead, sizeof(lead), "  %c %s", fmt_flag_letter(f),
		    pagemap_flag_name(f));
		help_wrap(ui, lead, 18, pagemap_flag_help(f), w);
	}
	help_wrap(ui, "  PFN", 18, "Page frame number: which physical page "
	    "of RAM holds this virtual page. Physical address = PFN x page "
	    "size + offset. Shown as \"hidden\" without CAP_SYS_ADMIN: the "
	    "kernel zeroes it for other users so they cannot aim at "
	    "physical memory (Rowhammer).", w);
	help_add(ui, "");
	help_add(ui, "Kernel page flags (kpageflags, root only; key f "
	    "toggles the column)");
	for (size_t i = 0; i < sizeof(kpf) / sizeof(kpf[0]); i++) {
		snprintf(lead, sizeof(lead), "  %s", kpf[i].name);
		help_wrap(ui, lead, 22, kpf[i].help, w);
	}
	help_add(ui, "");
	help_add(ui, "VMA colours: stack, heap, file-backed, anonymous, "
	    "guard (---p or guard markers), special ([vdso] ...)");
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		help_wrap(ui, notes[i].lead, 18, notes[i].text, w);
	help_caps(ui, w);
	help_add(ui, "");
	help_add(ui, "Press q, Esc or ? to close.");
	pane_view_init(&ui->hv, ui->nhelp, 1);
}

void
help_draw(struct ui *ui)
{
	int h = LINES - 2;
	uint64_t i;

	pane_set_height(&ui->hv, h > 0 ? h : 1);
	ui_blank(0, 0, COLS, ui_attr(ui, UC_TITLE));
	ui_put(0, 1, COLS - 2, ui_attr(ui, UC_TITLE), "vmpeek help");
	for (int y = 0; y < h; y++) {
		if (!pane_row_at(&ui->hv, y, &i))
			break;
		ui_put(1 + y, 0, COLS, A_NORMAL, ui->help[i]);
	}
	ui_blank(LINES - 1, 0, COLS, ui_attr(ui, UC_STATUS));
	ui_put(LINES - 1, 1, COLS - 2, ui_attr(ui, UC_STATUS),
	    "Up/Down/PgUp/PgDn scroll   q Esc ? close   Q quit");
}

void
help_key(struct ui *ui, enum key_action a)
{
	switch (a) {
	case KA_UP:
		pane_scroll(&ui->hv, -1);
		break;
	case KA_DOWN:
		pane_scroll(&ui->hv, 1);
		break;
	case KA_PGUP:
		pane_scroll(&ui->hv, -ui->hv.height);
		break;
	case KA_PGDN:
		pane_scroll(&ui->hv, ui->hv.height);
		break;
	case KA_HOME:
		pane_home(&ui->hv);
		break;
	case KA_END:
		pane_scroll(&ui->hv, (int64_t)ui->nhelp);
		break;
	case KA_QUIT:
		ui->quit = true;
		break;
	case KA_BACK:
	case KA_QUIT_BACK:
	case KA_HELP:
	case KA_OPEN:
		ui->help_on = false;
		clear();
		break;
	case KA_MOUSE:
		ui_mouse(ui);
		break;
	default:
		break;
	}
}
