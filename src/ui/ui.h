/* ui: ncurses front end — init/teardown, colours, resize, the main loop. */
#ifndef VMPEEK_UI_H
#define VMPEEK_UI_H

#include <sys/types.h>

struct ui_opts {
	int rootfd;		/* the /proc tree */
	int sysfd;		/* the /sys tree, -1 if it could not be opened */
	pid_t pid;		/* 0: open the picker; else open this VMA pane */
	int no_scan;		/* force the pread path */
	int refresh_ms;		/* picker auto-refresh period */
	int interval_ms;	/* -d: every pane's refresh period, 0: defaults */
};

/* Run the interactive UI; returns the exit status. Terminal restored. */
int ui_run(const struct ui_opts *o);

#endif
