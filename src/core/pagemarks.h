/* pagemarks: what changed on the rows on screen since the previous refreshes (watch marks, predict/reveal). */
#ifndef VMPEEK_PAGEMARKS_H
#define VMPEEK_PAGEMARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"

/* A mark shows for this many refreshes, then fades. */
#define PAGEMARKS_FADE	3

/* The last entry read of one page, and its mark. */
struct pagemark {
	uint64_t idx;		/* page index in the range */
	struct pm_entry e;	/* as read at refresh `seen` */
	uint64_t seen;
	uint32_t mask;		/* pageinfo_diff bits of the last change */
	uint64_t at;		/* refresh the change was seen at */
	bool hidden;		/* changed while frozen: not revealed yet */
};

/*
 * Only pages that were on screen are kept (the pane reads only those): at
 * most cap; the least recently seen goes first.
 */
struct pagemarks {
	struct pagemark *m;
	size_t n, cap;
	uint64_t gen;		/* refreshes so far */
	bool frozen;		/* predict: changes are hidden until reveal */
};

int pagemarks_init(struct pagemarks *pm, size_t cap);
void pagemarks_free(struct pagemarks *pm);
/* Forget every page (another range). */
void pagemarks_reset(struct pagemarks *pm);
/* A refresh happened: entries seen from now on are diffed once more. */
void pagemarks_tick(struct pagemarks *pm);

/*
 * Page idx read as e (at the current refresh). Returns the mark to show
 * (0: none) and sets *hide when the page changed while frozen: its new
 * state must not be shown yet.
 */
uint32_t pagemarks_see(struct pagemarks *pm, uint64_t idx,
    const struct pm_entry *e, bool *hide);

/*
 * Freeze (predict) or reveal: revealing turns each hidden change into a
 * mark that starts fading now. Returns how many pages were revealed.
 */
size_t pagemarks_freeze(struct pagemarks *pm, bool on);

/* The mark's token: "~" then the changed flags' letters (P S F X D U G), "*" for the PFN. */
char *pagemarks_token(uint32_t mask, char *buf, size_t len);

#endif
