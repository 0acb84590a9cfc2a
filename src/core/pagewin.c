/* pagewin: a small cache of decoded pagemap entries around the visible rows. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pagewin.h"

int
pagewin_init(struct pagewin *w, struct pm_reader *r, uint64_t start,
    uint64_t end, size_t cap)
{
	uint64_t mask = (uint64_t)r->pagesize - 1;

	memset(w, 0, sizeof(*w));
	if (cap == 0 || end < start) {
		errno = EINVAL;
		return -1;
	}
	w->r = r;
	w->start = start & ~mask;
	/* [x, 2^64) arrives as end 0 < start and is refused above. */
	w->end = (end & mask) && end > (UINT64_MAX & ~mask) ? end & ~mask :
	    (end + mask) & ~mask;
	w->npages = (w->end - w->start) >> r->pageshift;
	w->cap = cap;
	if ((w->raw = pagemap_buf_alloc(cap, r->pagesize)) == NULL)
		return -1;
	return 0;
}

void
pagewin_free(struct pagewin *w)
{
	free(w->raw);
	w->raw = NULL;
	w->count = 0;
	w->cap = 0;
}

void
pagewin_invalidate(struct pagewin *w)
{
	w->first = 0;
	w->count = 0;
	w->err = 0;
}

/* Read rows [idx, idx + n) into raw[pos...]; entries got, or -1. */
static ssize_t
fill(struct pagewin *w, size_t pos, uint64_t idx, size_t n)
{
	return pagemap_read(w->r, pagewin_vaddr(w, idx), n, w->raw + pos);
}

int
pagewin_ensure(struct pagewin *w, uint64_t idx, size_t n)
{
	uint64_t ws, we, os, oe, cend = w->first + w->count;
	ssize_t got;

	if (idx >= w->npages || n == 0)
		return 0;
	if (n > w->cap)
		n = w->cap;
	if (n > w->npages - idx)
		n = (size_t)(w->npages - idx);
	if (w->count > 0 && idx >= w->first && idx + n <= cend)
		return 0;

	/*
	 * New window of up to cap rows holding the request, with the spare
	 * rows as read-ahead in the direction of travel.
	 */
	if (w->count == 0 || idx >= w->first) {
		ws = idx;
		we = w->npages - idx > w->cap ? idx + w->cap : w->npages;
	} else {
		we = idx + n;
		ws = we > w->cap ? we - w->cap : 0;
	}

	/* Keep what overlaps the old window; read only the rest. */
	os = w->count > 0 && w->first > ws ? w->first : ws;
	oe = cend < we ? cend : we;
	if (w->count == 0 || os >= oe) {
		os = oe = ws;
	} else {
		memmove(w->raw + (os - ws), w->raw + (os - w->first),
		    (size_t)(oe - os) * sizeof(*w->raw));
	}
	w->first = ws;
	w->count = 0;
	if (os > ws) {
		if ((got = fill(w, 0, ws, (size_t)(os - ws))) == -1)
			goto fail;
		if ((uint64_t)got < os - ws) {
			w->count = (size_t)got;	/* pagemap ended early */
			return 0;
		}
	}
	w->count = (size_t)(oe - ws);
	if (we > oe) {
		if ((got = fill(w, w->count, oe, (size_t)(we - oe))) == -1)
			goto fail;
		w->count += (size_t)got;
	}
	w->err = 0;
	return 0;
fail:
	w->err = errno;
	w->count = 0;
	return -1;
}

int
pagewin_get(struct pagewin *w, uint64_t idx, struct pm_entry *e)
{
	if (idx >= w->npages)
		return 1;
	if (pagewin_ensure(w, idx, 1) == -1)
		return -1;
	if (w->count == 0 || idx < w->first || idx >= w->first + w->count)
		return 1;
	pagemap_decode(w->raw[idx - w->first], &w->r->caps, e);
	return 0;
}

uint64_t
pagewin_vaddr(const struct pagewin *w, uint64_t idx)
{
	return w->start + (idx << w->r->pageshift);
}
