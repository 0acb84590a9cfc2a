/* pagewin: a small cache of decoded pagemap entries around the visible rows. */
#ifndef VMPEEK_PAGEWIN_H
#define VMPEEK_PAGEWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"

/*
 * The page pane never holds a record per page of a VMA: it asks for the
 * rows on screen, and pagewin reads only those (plus read-ahead) with one
 * pread, so a 1 TB mapping costs what a screenful costs.
 */
struct pagewin {
	struct pm_reader *r;	/* not owned */
	uint64_t start, end;	/* the range browsed (page aligned) */
	uint64_t npages;
	uint64_t first;		/* index (from start) of raw[0] */
	size_t count;		/* valid entries in raw[] */
	size_t cap;		/* capacity of raw[] (max window) */
	uint64_t *raw;
	int err;		/* errno of the last failed read, else 0 */
};

/* cap: how many entries to keep at most (e.g. 4 screens). 0 or -1. */
int pagewin_init(struct pagewin *w, struct pm_reader *r, uint64_t start,
    uint64_t end, size_t cap);
void pagewin_free(struct pagewin *w);

/* Drop the cache (after a refresh key or a timer). */
void pagewin_invalidate(struct pagewin *w);

/*
 * Make rows [idx, idx + n) available, reading only what is missing, with
 * read-ahead up to cap. 0 or -1 with errno (w->err set).
 */
int pagewin_ensure(struct pagewin *w, uint64_t idx, size_t n);

/*
 * Decoded entry for page idx (0-based from start); reads on a miss.
 * Returns 0, 1 if idx is past the end of pagemap (no entry), -1 on error.
 */
int pagewin_get(struct pagewin *w, uint64_t idx, struct pm_entry *e);

/* Virtual address of row idx. */
uint64_t pagewin_vaddr(const struct pagewin *w, uint64_t idx);

#endif
