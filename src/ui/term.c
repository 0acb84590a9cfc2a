/* term: the terminal — curses set-up and teardown, colours and mono fallback, signals. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "term.h"
#include "ui_int.h"

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t curses_on;

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

int
term_start(struct ui *ui)
{
	install_signals();
	atexit(restore_terminal);
	if (initscr() == NULL) {
		fprintf(stderr, "vmpeek: cannot initialise the terminal\n");
		return -1;
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
	return 0;
}

void
term_stop(void)
{
	restore_terminal();
}

int
term_signal(void)
{
	return got_signal;
}

void
term_reraise(int sig)
{
	reset_signals();
	raise(sig);
}
