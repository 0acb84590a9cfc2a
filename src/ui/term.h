/* term: the terminal — curses set-up and teardown, colours and mono fallback, signals. */
#ifndef VMPEEK_TERM_H
#define VMPEEK_TERM_H

struct ui;

/*
 * Catch the quit signals (and restore the terminal on a crash), start
 * curses with the UI's modes and mouse, set ui's colours (NO_COLOR or a
 * mono terminal: attributes only). -1: no terminal (said on stderr).
 */
int term_start(struct ui *ui);
/* Give the terminal back (idempotent; also run at exit). */
void term_stop(void);
/* A quit signal that arrived (SIGINT, SIGTERM, ...), 0 if none. */
int term_signal(void);
/* Die of sig as if uncaught, after the terminal is restored. */
void term_reraise(int sig);

#endif
