/* ui: ncurses front end — init/teardown, colours and mono fallback, resize, the main loop. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "caps.h"
#include "fmt.h"
#include "maps.h"
#include "panes.h"
#include "ui.h"

#define TICK_BUDGET_MS	30	/* background counting per frame */
#define ALIVE_MS	1000	/* how often the target's identity is checked */

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t curses_on;

static const struct pane_ops *const level_ops[] = {
	[LV_PROCS] = &procs_ops,
	[LV_VMAS] = &vmas_ops,
	[LV_PAGES] = &pages_ops,
};

/* ---------------------------------------------------------------- terminal */

static void
restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* A crash still gives the shell back a sane terminal, then dies as before. */
static void
on_fatal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_signals(void)
{
	struct sigaction sa;
	static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;	/* no SA_RESTART: getch returns */
	for (size_t i = 0; i < sizeof(quit_sigs) / sizeof(quit_sigs[0]); i++)
		sigaction(quit_sigs[i], &sa, NULL);
#if !defined(__SANITIZE_ADDRESS__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMPEEK_ASAN 1
#endif
#endif
#else
#define VMPEEK_ASAN 1
#endif
#ifndef VMPEEK_ASAN
	/* Under ASan its own report is worth more than our cleanup. */
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
#else
	(void)on_fatal;
#endif
}

static void
reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

static void
init_colors(struct ui *ui)
{
	const char *nc = getenv("NO_COLOR");
	static const struct {
		enum ui_color c;
		short fg, bg;
		attr_t extra;	/* added in colour mode */
		attr_t mono;	/* used instead without colour */
	} tab[] = {
		{ UC_NORMAL, -1, -1, 0, A_NORMAL },
		{ UC_TITLE, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		{ UC_COLHDR, COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		{ UC_STATUS, COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
		{ UC_ERR, COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
		{ UC_DIM, -1, -1, A_DIM, A_DIM },
		{ UC_INFO, COLOR_CYAN, -1, 0, A_BOLD },
		{ UC_STACK, COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
		{ UC_HEAP, COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
		{ UC_FILE, COLOR_CYAN, -1, 0, A_NORMAL },
		{ UC_ANON, COLOR_GREEN, -1, 0, A_NORMAL },
		{ UC_GUARD, COLOR_RED, -1, 0, A_DIM | A_UNDERLINE },
		{ UC_SPECIAL, COLOR_BLUE, -1, A_BOLD, A_DIM },
		{ UC_PRESENT, COLOR_GREEN, -1, A_BOLD, A_BOLD },
		{ UC_SWAPPED, COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
		{ UC_FSHARED, COLOR_CYAN, -1, 0, A_NORMAL },
		{ UC_EXCL, COLOR_MAGENTA, -1, 0, A_NORMAL },
		{ UC_SDIRTY, COLOR_BLUE, -1, A_BOLD, A_NORMAL },
		{ UC_UFFD, COLOR_RED, -1, 0, A_NORMAL },
		{ UC_GUARDPG, COLOR_WHITE, COLOR_RED, 0, A_REVERSE },
		{ UC_ABSENT, -1, -1, A_DIM, A_DIM },
		{ UC_UNFAULTED, COLOR_YELLOW, -1, 0, A_UNDERLINE },
		{ UC_SP, COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
		{ UC_HUGE, COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
		{ UC_MAPVIEW, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	};

	ui->color = has_colors() && (nc == NULL || nc[0] == '\0');
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		enum ui_color c = tab[i].c;

		if (!ui->color) {
			ui->attr[c] = tab[i].mono;
			continue;
		}
		if (tab[i].fg == -1 && tab[i].bg == -1) {
			ui->attr[c] = tab[i].extra;
			continue;
		}
		init_pair((short)(c + 1), tab[i].fg, tab[i].bg);
		ui->attr[c] = COLOR_PAIR(c + 1) | tab[i].extra;
	}
}

/* ---------------------------------------------------------------- services */

uint64_t
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

attr_t
ui_attr(const struct ui *ui, enum ui_color c)
{
	return ui->attr[c];
}

void
ui_msg(struct ui *ui, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_err = err;
}

void
ui_popup_add(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	if (ui->popup_n >= (int)(sizeof(ui->popup) / sizeof(ui->popup[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(ui->popup[ui->popup_n], sizeof(ui->popup[0]), fmt, ap);
	va_end(ap);
	ui->popup_n++;
}

int
ui_put(int y, int x, int w, attr_t a, const char *s)
{
	size_t n, used;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return x;
	if (x + w > COLS)
		w = COLS - x;
	/*
	 * ASCII, escapes, or (UTF-8 locale) characters fmt_vis let
	 * through: clip by columns, never inside a character.
	 */
	n = fmt_fit(s, (size_t)w, &used);
	attrset(a);
	mvaddnstr(y, x, s, (int)n);
	attrset(A_NORMAL);
	return x + (int)used;
}

int
ui_put_vis(int y, int x, int w, attr_t a, const char *s)
{
	char buf[1024];

	fmt_vis(s, buf, sizeof(buf));
	return ui_put(y, x, w, a, buf);
}

void
ui_blank(int y, int x, int w, attr_t a)
{
	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(a);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

const char *
ui_ellipsis(const struct ui *ui)
{
	return ui->utf8 ? "\xe2\x80\xa6" : "..";
}

void
ui_count_init(struct ui_count *uc, uint64_t start, uint64_t end)
{
	memset(uc, 0, sizeof(*uc));
	uc->start = uc->next = start;
	uc->end = end;
}

int
ui_count_step(struct pm_reader *r, struct ui_count *uc, uint64_t deadline)
{
	while (uc->state == 0) {
		struct pm_counts c;
		uint64_t chunk, stop;

		if (r->fd < 0) {
			uc->state = -1;
			uc->err = EBADF;
			break;
		}
		/*
		 * Learn whether the count will scan (the ioctl and every
		 * category it needs) on a tiny range first: the fallback on a
		 * huge range would be one long blocking read.
		 * pread: 256 Ki pages is 2 MiB of pagemap, about a ms.
		 */
		chunk = pagemap_count_scans(r) ? (1ULL << 30) : (1ULL << 18);
		chunk <<= r->pageshift;
		stop = uc->end - uc->next > chunk ? uc->next + chunk : uc->end;
		if (pagemap_count(r, uc->next, stop, &c) == -1) {
			uc->state = -1;
			uc->err = errno;
			break;
		}
		pagemap_counts_add(&uc->c, &c);
		uc->next = stop;
		if (uc->next >= uc->end)
			uc->state = 1;
		else if (ui_now_ms() >= deadline)
			break;
	}
	return uc->state;
}

/* ---------------------------------------------------------------- panes */

void
ui_set_level(struct ui *ui, enum ui_level lv)
{
	ui->level = lv;
	ui->prompt = 0;
	clear();
}

int
ui_open_target(struct ui *ui, pid_t pid)
{
	ui_close_target(ui);
	memset(&ui->vmas, 0, sizeof(ui->vmas));
	if (target_open(&ui->t, ui->rootfd, pid) == -1) {
		int e = errno;

		if (e == ESRCH || e == ENOENT) {
			ui_msg(ui, true, "process %d: %s", (int)pid,
			    target_strerror(e));
			return -1;
		}
		/* Explained in place: the VMA pane shows why. */
		ui->vmas.err = e;
		ui->vmas.err_pid = pid;
		ui_set_level(ui, LV_VMAS);
		return 0;
	}
	ui->have_t = true;
	ui->t.pm.force_pread = ui->o->no_scan != 0;
	ui->alive_ms = ui_now_ms();
	vmas_enter(ui);
	ui_set_level(ui, LV_VMAS);
	return 0;
}

void
ui_close_target(struct ui *ui)
{
	pages_free(ui);
	vmas_free(ui);
	if (ui->have_t)
		target_close(&ui->t);
	ui->have_t = false;
}

void
ui_target_gone(struct ui *ui)
{
	char name[80];

	fmt_vis(ui->t.comm, name, sizeof(name));
	ui_msg(ui, true, "process %d (%s) exited", (int)ui->t.pid, name);
	ui_close_target(ui);
	procs_load(ui);
	ui_set_level(ui, LV_PROCS);
}

void
ui_target_exec(struct ui *ui)
{
	char name[80];

	/* The page pane's VMA belonged to the old image: it is gone. */
	pages_free(ui);
	/* a new image is no change of the old one: nothing to mark */
	vmamarks_free(&ui->vmas.marks);
	if (target_refresh(&ui->t) == -1) {
		if (errno == ESRCH || errno == ENOENT)
			ui_target_gone(ui);
		else
			ui_msg(ui, true, "re-reading after exec: %s",
			    target_strerror(errno));
		return;
	}
	vmas_enter(ui);
	ui_set_level(ui, LV_VMAS);
	fmt_vis(ui->t.comm, name, sizeof(name));
	ui_msg(ui, false, "process %d exec'd (now %s): its new image, %zu VMAs",
	    (int)ui->t.pid, name, ui->t.maps.n);
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
		vmas_select_addr(ui, addr);	/* its hole's row */
		return -1;
	}
	pane_select(&ui->vmas.v, vmas_row_of(ui, (size_t)i));
	pages_free(ui);
	if (pages_open(ui, (size_t)i,
	    (addr - ui->t.maps.v[i].start) >> ui->t.pm.pageshift) == -1)
		return -1;
	ui->pages.goto_addr = addr;	/* keeps the in-page offset */
	ui_set_level(ui, LV_PAGES);
	return 0;
}

/* ---------------------------------------------------------------- help */

static void
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
		int room = width - indent, n = (int)strlen(p);

		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		snprintf(line, sizeof(line), "%-*s%.*s", indent,
		    first ? lead : "", n, p);
		help_add(ui, line);
		first = false;
		p += n;
		while (*p == ' ')
			p++;
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

static void
help_build(struct ui *ui)
{
	char line[256], lead[64];
	int w = COLS - 1;
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
	help_wrap(ui, "  Stack view", 18, "In [stack] the row holding the "
	    "stack pointer is marked SP; pages below it (lower addresses) "
	    "that were never touched are highlighted: the stack may still "
	    "grow into them. The header shows the guard gap kept free below "
	    "the stack and how far RLIMIT_STACK lets it grow.", w);
	help_wrap(ui, "  Thread stacks", 18, "An anonymous VMA holding another "
	    "thread's stack pointer (read from /proc/PID/task/TID/syscall "
	    "while the thread blocks) is labelled [stack:TID] and opens in "
	    "the stack view; its guard is the PROT_NONE page below it, or "
	    "guard pages inside it (glibc 2.42+). Running threads have no "
	    "readable SP, so their stacks stay unlabelled (kernels before "
	    "4.5 label them in maps).", w);
	help_wrap(ui, "  Guard gap", 18, "The row just below [stack] in the "
	    "VMA list is not a mapping: it is the gap (stack_guard_gap, 1 MB "
	    "by default) the kernel keeps free so a runaway stack faults "
	    "instead of running into another mapping; a PROT_NONE mapping "
	    "may sit in it (the kernel allows that).", w);
	help_wrap(ui, "  HUGE column", 18, "From /proc/PID/smaps (read in "
	    "the background): \"THP 4.0M\" = that much of the VMA is mapped "
	    "by transparent huge pages; \"huge 2M\" = a hugetlbfs mapping "
	    "and its page size; want-THP / no-THP = madvise(MADV_HUGEPAGE / "
	    "MADV_NOHUGEPAGE). The second detail line lists Rss, Pss, Swap "
	    "and the VmFlags with the notable ones explained.", w);
	help_wrap(ui, "  Huge pages", 18, "In the page pane a whole huge "
	    "page (a 2 MB THP, or a hugetlb page) is one row \"THP 2M\" "
	    "showing its head page; + or Right expands it into its base "
	    "pages, - folds it back. Huge pages are found for the rows on "
	    "screen only (PAGEMAP_SCAN, or kpageflags as root), so the row "
	    "count shrinks as you meet them. Physical addresses always "
	    "include the offset inside the page.", w);
	help_wrap(ui, "  Swap", 18, "A swapped page shows its swap type, "
	    "offset and device (from /proc/swaps).", w);
	help_wrap(ui, "  Minimap", 18, "The column at the right of the page "
	    "pane is the whole VMA from top to bottom: # mostly present, + "
	    "some present, . none, S swapped; the highlighted part is what "
	    "the screen shows.", w);
	help_caps(ui, w);
	help_add(ui, "");
	help_add(ui, "Press q, Esc or ? to close.");
	pane_view_init(&ui->hv, ui->nhelp, 1);
}

static void
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

/* ---------------------------------------------------------------- drawing */

static void
layout(struct ui *ui)
{
	const struct pane_ops *ops = level_ops[ui->level];
	int hh = 1, dh = 0;
	bool legend = false, map = false;

	ops->want(ui, &hh, &dh, &legend, &map);
	pane_layout(LINES, COLS, hh, dh, legend, map, &ui->lay);
	if (!ui->lay.too_small)
		pane_set_height(ops->view(ui), ui->lay.list_h);
}

static void
draw_popup(struct ui *ui)
{
	int w = 0, h = ui->popup_n + 2, x0, y0;

	for (int i = 0; i < ui->popup_n; i++) {
		int n = (int)strlen(ui->popup[i]);

		if (n > w)
			w = n;
	}
	w += 4;
	if ((int)strlen(ui->popup_title) + 6 > w)
		w = (int)strlen(ui->popup_title) + 6;
	if (w > COLS)
		w = COLS;
	if (h > LINES - 1)
		h = LINES - 1;
	x0 = (COLS - w) / 2;
	y0 = (LINES - h) / 2;
	for (int y = 0; y < h; y++)
		ui_blank(y0 + y, x0, w, A_NORMAL);
	attrset(ui_attr(ui, UC_INFO));
	mvhline(y0, x0, ACS_HLINE, w);
	mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	mvvline(y0, x0, ACS_VLINE, h);
	mvvline(y0, x0 + w - 1, ACS_VLINE, h);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	ui_put(y0, x0 + 2, w - 4, ui_attr(ui, UC_INFO) | A_BOLD,
	    ui->popup_title);
	for (int i = 0; i < ui->popup_n && i < h - 2; i++)
		ui_put(y0 + 1 + i, x0 + 2, w - 4, A_NORMAL, ui->popup[i]);
}

static void
draw_title(struct ui *ui)
{
	char buf[256], name[64];
	attr_t a = ui_attr(ui, UC_TITLE);

	ui_blank(0, 0, COLS, a);
	if (ui->level == LV_PROCS) {
		snprintf(buf, sizeof(buf), " vmpeek > processes");
	} else if (!ui->have_t) {
		snprintf(buf, sizeof(buf), " vmpeek > %d",
		    (int)ui->vmas.err_pid);
	} else {
		fmt_vis(ui->t.comm, name, sizeof(name));
		snprintf(buf, sizeof(buf), " vmpeek > %d %s > %s",
		    (int)ui->t.pid, name,
		    ui->level == LV_VMAS ? "VMAs" : "pages");
	}
	ui_put(0, 0, COLS, a | A_BOLD, buf);
	snprintf(buf, sizeof(buf), "? help  %s ",
	    ui->level == LV_PROCS ? "q quit" : "q back  Q quit");
	if ((int)strlen(buf) + 40 < COLS)
		ui_put(0, COLS - (int)strlen(buf), (int)strlen(buf), a, buf);
}

static void
draw_status(struct ui *ui)
{
	const struct pane_ops *ops = level_ops[ui->level];
	int y = ui->lay.status_y;
	const char *hint = ops->hint ? ops->hint(ui) : NULL;
	attr_t a = ui_attr(ui, UC_STATUS);
	char buf[300];

	ui_blank(y, 0, COLS, a);
	if (ui->prompt) {
		snprintf(buf, sizeof(buf), "%s%s",
		    ui->prompt == ':' ? "go to address (hex): " :
		    ui->prompt == 'c' ? "compare with process (PID, self, "
		    "name): " :
		    ui->level == LV_PROCS ? "filter: " : "search: ", ui->pbuf);
		ui_put(y, 0, COLS - 1, a | A_BOLD, buf);
		move(y, (int)strlen(buf) < COLS - 1 ? (int)strlen(buf) :
		    COLS - 1);
		return;
	}
	if (ui->status[0] != '\0') {
		ui_put(y, 0, COLS, ui->status_err ? ui_attr(ui, UC_ERR) : a,
		    ui->status);
		return;
	}
	if (hint != NULL)
		ui_put(y, 0, COLS, a, hint);
}

static void
draw(struct ui *ui)
{
	erase();
	if (LINES < PANE_MIN_LINES || COLS < PANE_MIN_COLS) {
		char buf[80];

		snprintf(buf, sizeof(buf), "terminal too small (%dx%d, "
		    "need %dx%d) - q quits", COLS, LINES, PANE_MIN_COLS,
		    PANE_MIN_LINES);
		for (int y = 0, off = 0; y < LINES && off < (int)strlen(buf);
		    y++, off += COLS > 0 ? COLS : 1)
			ui_put(y, 0, COLS, A_BOLD, buf + off);
		refresh();
		return;
	}
	if (ui->help_on) {
		help_draw(ui);
		curs_set(0);
		refresh();
		return;
	}
	layout(ui);
	draw_title(ui);
	level_ops[ui->level]->draw(ui);
	if (ui->popup_n > 0)
		draw_popup(ui);
	draw_status(ui);
	curs_set(ui->prompt ? 1 : 0);
	refresh();
}

/* ---------------------------------------------------------------- search */

static bool
generic_search(struct ui *ui, const char *q, int dir, bool from_sel)
{
	const struct pane_ops *ops = level_ops[ui->level];
	struct pane_view *v = ops->view(ui);
	char buf[1024];
	uint64_t n = v->nrows, i = v->sel;

	if (n == 0 || q[0] == '\0')
		return false;
	for (uint64_t k = 0; k < n; k++) {
		if (k > 0 || !from_sel)
			i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
		if (ops->row_text(ui, i, buf, sizeof(buf)) &&
		    pane_text_match(buf, q)) {
			pane_select_center(v, i);
			return true;
		}
	}
	return false;
}

static void
do_search(struct ui *ui, int dir, bool from_sel)
{
	const struct pane_ops *ops = level_ops[ui->level];
	uint64_t was = ops->view(ui)->sel, now;
	bool found;

	if (ui->search[0] == '\0') {
		ui_msg(ui, false, "no search yet: press /");
		return;
	}
	found = ops->search ? ops->search(ui, ui->search, dir, from_sel) :
	    generic_search(ui, ui->search, dir, from_sel);
	/* Say when n went round the end, as less and vi do. */
	now = ops->view(ui)->sel;
	if (found && ui->status[0] == '\0') {
		if (!from_sel && now == was)
			ui_msg(ui, false, "the only match");
		else if (dir > 0 ? now < was : now > was)
			ui_msg(ui, false, "search wrapped to the %s",
			    dir > 0 ? "top" : "bottom");
	}
	if (!found && ui->status[0] == '\0') {
		char q[160];

		fmt_vis(ui->search, q, sizeof(q));
		ui_msg(ui, true, "not found: %s", q);
	}
}

/* ---------------------------------------------------------------- input */

static void
prompt_start(struct ui *ui, int kind)
{
	ui->prompt = kind;
	ui->pbuf[0] = '\0';
	ui->plen = 0;
	ui->porigin = level_ops[ui->level]->view(ui)->sel;
	if (kind == '/' && ui->level == LV_PROCS) {
		strlcpy(ui->pfilter, ui->procs.filter, sizeof(ui->pfilter));
		strlcpy(ui->pbuf, ui->procs.filter, sizeof(ui->pbuf));
		ui->plen = strlen(ui->pbuf);
	}
	ui->status[0] = '\0';
}

void
ui_prompt_start(struct ui *ui, int k, const char *init)
{
	prompt_start(ui, k);
	strlcpy(ui->pbuf, init, sizeof(ui->pbuf));
	ui->plen = strlen(ui->pbuf);
}

/* Incremental effect of the text typed so far. */
static void
prompt_changed(struct ui *ui)
{
	if (ui->prompt != '/')
		return;
	if (ui->level == LV_PROCS) {
		strlcpy(ui->procs.filter, ui->pbuf, sizeof(ui->procs.filter));
		procs_ops.key(ui, KA_NONE);	/* re-filter */
		return;
	}
	/* Page pane searches may read pagemap: only on Enter. */
	if (ui->level == LV_VMAS && ui->pbuf[0] != '\0') {
		struct pane_view *v = level_ops[ui->level]->view(ui);

		const struct pane_ops *ops = level_ops[ui->level];

		pane_select(v, ui->porigin);
		strlcpy(ui->search, ui->pbuf, sizeof(ui->search));
		if (ops->search)
			ops->search(ui, ui->search, 1, true);
		else
			generic_search(ui, ui->search, 1, true);
	}
}

/* Why a ":" answer is not an address, in words that help retyping. */
static void
goto_bad(struct ui *ui, const char *a)
{
	const char *p = a;
	char q[160];
	size_t nd = 0;

	fmt_vis(a, q, sizeof(q));
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (*p == '\0') {
		ui_msg(ui, true, "no hex digits after 0x");
		return;
	}
	while (p[nd] != '\0' && strchr("0123456789abcdefABCDEF", p[nd]))
		nd++;
	if (p[nd] == '\0')
		ui_msg(ui, true, "%s is past 2^64: at most 16 hex digits", q);
	else
		ui_msg(ui, true, "not a hex address: %s (e.g. 7ffd1000 or "
		    "0x7ffd1000)", q);
}

static void
prompt_key(struct ui *ui, int ch)
{
	if (ch == 27) {		/* cancel */
		if (ui->prompt == '/' && ui->level == LV_PROCS) {
			strlcpy(ui->procs.filter, ui->pfilter,
			    sizeof(ui->procs.filter));
			procs_ops.key(ui, KA_NONE);
		} else if (ui->prompt == '/') {
			pane_select(level_ops[ui->level]->view(ui),
			    ui->porigin);
		}
		ui->prompt = 0;
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		int kind = ui->prompt;

		ui->prompt = 0;
		if (kind == 'c') {
			pages_cmp_answer(ui, ui->pbuf);
			return;
		}
		if (kind == ':') {
			uint64_t addr;
			char *a = ui->pbuf;
			size_t n;

			/* Pasted addresses often carry blanks around them. */
			while (*a == ' ')
				a++;
			n = strlen(a);
			while (n > 0 && a[n - 1] == ' ')
				a[--n] = '\0';
			if (*a == '\0')
				return;		/* empty: nothing asked */
			if (fmt_parse_addr(a, &addr) == -1) {
				goto_bad(ui, a);
				return;
			}
			ui_goto_addr(ui, addr);
		} else if (ui->level == LV_PROCS) {
			/* "type a filter, Enter" opens what it found */
			if (ui->procs.nidx > 0)
				procs_ops.key(ui, KA_OPEN);
		} else if (ui->pbuf[0] != '\0') {
			strlcpy(ui->search, ui->pbuf, sizeof(ui->search));
			if (ui->level == LV_VMAS)
				pane_select(level_ops[ui->level]->view(ui),
				    ui->porigin);
			do_search(ui, 1, true);
		}
		return;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (ui->plen == 0) {
			prompt_key(ui, 27);
			return;
		}
		ui->pbuf[--ui->plen] = '\0';
		prompt_changed(ui);
		return;
	}
	if (ch == KEY_RESIZE)
		return;
	if (ch >= 0x20 && ch < 0x7f && ui->plen + 1 < sizeof(ui->pbuf)) {
		ui->pbuf[ui->plen++] = (char)ch;
		ui->pbuf[ui->plen] = '\0';
		prompt_changed(ui);
	}
}

static void
mouse_event(struct ui *ui)
{
	const struct pane_ops *ops = level_ops[ui->level];
	struct pane_view *v = ui->help_on ? &ui->hv : ops->view(ui);
	MEVENT ev;
	uint64_t idx;

	if (getmouse(&ev) != OK)
		return;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		pane_scroll(v, 3);
		return;
	}
#endif
	if (ev.bstate & BUTTON4_PRESSED) {
		pane_scroll(v, -3);
		return;
	}
	if (ui->help_on || ui->lay.too_small)
		return;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED)))
		return;
	ui->popup_n = 0;
	if (ev.y < ui->lay.list_y || ev.y >= ui->lay.list_y + ui->lay.list_h)
		return;
	/* the VMA map's selection mark is in the blank column before it */
	if (ui->level == LV_VMAS && ui->lay.map_w > 0 &&
	    ev.x >= ui->lay.map_x - 1) {
		vmas_map_click(ui, ev.y - ui->lay.list_y);
		return;
	}
	if (ui->level == LV_PAGES && ui->lay.map_w > 0 &&
	    ev.x >= ui->lay.map_x) {
		uint64_t first, end;

		if (ev.y - ui->lay.list_y >= ui->pages.nslices)
			return;
		/* the map is by page (huge-page rows fold several) */
		pane_slice(ui->pages.w.npages, ui->pages.nslices,
		    ev.y - ui->lay.list_y, &first, &end);
		if (end > first)
			pages_select_page(ui, first);
		return;
	}
	if (!pane_row_at(v, ev.y - ui->lay.list_y, &idx))
		return;
	pane_select(v, idx);
	if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
		ops->key(ui, KA_OPEN);
}

static void
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
		mouse_event(ui);
		break;
	default:
		break;
	}
}

static void
handle_key(struct ui *ui, int ch)
{
	const struct pane_ops *ops = level_ops[ui->level];
	struct pane_view *v = ops->view(ui);
	enum key_action a = keys_action(ch);

	if (a == KA_RESIZE) {
		clear();
		if (ui->help_on)
			help_build(ui);
		return;
	}
	if (ui->popup_n > 0 && a != KA_MOUSE) {
		ui->popup_n = 0;	/* any key closes it */
		if (a == KA_QUIT)
			ui->quit = true;
		return;
	}
	if (ui->help_on) {
		help_key(ui, a);
		return;
	}
	if (ui->prompt) {
		prompt_key(ui, ch);
		return;
	}
	if (LINES < PANE_MIN_LINES || COLS < PANE_MIN_COLS) {
		if (a == KA_QUIT || (a == KA_QUIT_BACK &&
		    ui->level == LV_PROCS))
			ui->quit = true;
		else if (a == KA_QUIT_BACK || a == KA_BACK)
			ops->key(ui, KA_BACK);
		return;
	}
	if (a != KA_NONE && a != KA_MOUSE)
		ui->status[0] = '\0';
	switch (a) {
	case KA_UP:
		pane_move(v, -1);
		break;
	case KA_DOWN:
		pane_move(v, 1);
		break;
	case KA_PGUP:
		pane_page(v, -1);
		break;
	case KA_PGDN:
		pane_page(v, 1);
		break;
	case KA_HOME:
		pane_home(v);
		break;
	case KA_END:
		pane_end(v);
		break;
	case KA_QUIT:
		ui->quit = true;
		break;
	case KA_QUIT_BACK:
		if (ui->level == LV_PROCS)
			ui->quit = true;
		else
			ops->key(ui, KA_BACK);
		break;
	case KA_HELP:
		help_build(ui);
		ui->help_on = true;
		break;
	case KA_SEARCH:
		prompt_start(ui, '/');
		break;
	case KA_NEXT:
		do_search(ui, 1, false);
		break;
	case KA_PREV:
		do_search(ui, -1, false);
		break;
	case KA_GOTO:
		if (ui->level == LV_PROCS || !ui->have_t)
			ui_msg(ui, true, ": needs a process: open one first");
		else
			prompt_start(ui, ':');
		break;
	case KA_MOUSE:
		mouse_event(ui);
		break;
	case KA_WATCH:
		ui->paused = !ui->paused;
		ui_msg(ui, false, ui->paused ? "refresh paused (w resumes)" :
		    "refresh resumed");
		break;
	case KA_NONE:
		break;
	default:
		ops->key(ui, a);
		break;
	}
}

/* ---------------------------------------------------------------- loop */

static bool
background(struct ui *ui)
{
	uint64_t now = ui_now_ms();

	/* The target's identity, not just its pid: a reused pid is "gone". */
	if (ui->level != LV_PROCS && ui->have_t &&
	    now - ui->alive_ms >= ALIVE_MS) {
		ui->alive_ms = now;
		if (!target_alive(&ui->t)) {
			ui_target_gone(ui);
			return false;
		}
		/* same pid and start time, but pagemap reads nothing: exec */
		if (target_pagemap_stale(&ui->t))
			ui_target_exec(ui);
	}
	return level_ops[ui->level]->tick(ui, now + TICK_BUDGET_MS);
}

int
ui_run(const struct ui_opts *o)
{
	struct ui *ui;
	int sig, ret = 0;

	if ((ui = calloc(1, sizeof(*ui))) == NULL)
		return 1;
	ui->o = o;
	ui->rootfd = o->rootfd;
	/* LC_CTYPE only (ncursesw needs it): sizes stay "1.5M" anywhere. */
	setlocale(LC_CTYPE, "");
	ui->utf8 = fmt_locale_utf8();
	kpage_open(&ui->kp, o->rootfd);
	ui->pages.kflags_col = true;
	ui->procs.sort = PROCLIST_SORT_RSS;

	install_signals();
	atexit(restore_terminal);
	if (initscr() == NULL) {
		fprintf(stderr, "vmpeek: cannot initialise the terminal\n");
		free(ui);
		return 1;
	}
	curses_on = 1;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED |
	    BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(150);
	init_colors(ui);

	if (o->pid > 0) {
		if (ui_open_target(ui, o->pid) == -1) {
			procs_load(ui);
			ui->level = LV_PROCS;
		}
	} else {
		procs_load(ui);
		ui->level = LV_PROCS;
	}

	while (!ui->quit && !got_signal) {
		bool more;
		int ch;

		draw(ui);
		more = background(ui);
		if (more)
			draw(ui);	/* show what the budget found */
		timeout(more ? 1 : 200);
		ch = getch();
		if (ch == ERR)
			continue;
		handle_key(ui, ch);
		/* Swallow a burst of keys (held-down arrows) before drawing. */
		timeout(0);
		while (!ui->quit && (ch = getch()) != ERR)
			handle_key(ui, ch);
	}

	sig = got_signal;
	restore_terminal();
	ui_close_target(ui);
	procs_free(ui);
	help_free(ui);
	kpage_close(&ui->kp);
	free(ui);
	if (sig != 0) {
		reset_signals();
		raise(sig);
		ret = 128 + sig;
	}
	return ret;
}
