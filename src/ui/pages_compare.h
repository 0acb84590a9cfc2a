/* pages_compare: the page pane's compare mode (c): this process | another, '=' where they share a frame. */
#ifndef VMPEEK_PAGES_COMPARE_H
#define VMPEEK_PAGES_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pagemarks.h"
#include "pagewin.h"
#include "target.h"

struct ui;

/*
 * The other process, read like the one on screen: a pagewin over the
 * same virtual range of its pagemap, so only the rows on screen are read.
 */
struct pages_cmp {
	bool on;
	struct target t;	/* valid while on */
	struct pagewin w;
	/* its watch marks (this side's are the pane's own) */
	struct pagemarks marks;
};

/* c in the page pane: ask for the other process, or leave compare mode. */
void pages_cmp_key(struct ui *ui);
/* The answer to the prompt c opened (a PID, self or a name). */
void pages_cmp_answer(struct ui *ui, const char *text);
/* Leave compare mode: free the other process, fold huge pages again. */
void pages_cmp_stop(struct ui *ui);
/* Free the other process only (the page pane is closing). */
void pages_cmp_free(struct ui *ui);
/* Draw the column headings and the rows of the split view. */
void pages_cmp_draw(struct ui *ui);
/*
 * Re-read the other process (its maps; its rows on the next draw). When
 * it has exited, leave compare mode and say so.
 */
void pages_cmp_reread(struct ui *ui);
/* p: freeze or reveal the other side's marks with this side's. */
void pages_cmp_freeze(struct ui *ui, bool on);
/* Status line hint in compare mode. */
const char *pages_cmp_hint(struct ui *ui);

/*
 * The process to compare pid with: its parent if that maps [start, end)
 * in one VMA, else its first child found in <root>/ * /stat; 0 if none.
 */
pid_t pages_cmp_default(int rootfd, pid_t pid, uint64_t start, uint64_t end);

#endif
