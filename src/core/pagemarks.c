/* pagemarks: per-row change marks for the page pane, diffed by pageinfo. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "pageinfo.h"
#include "pagemarks.h"

int
pagemarks_init(struct pagemarks *pm, size_t cap)
{
	memset(pm, 0, sizeof(*pm));
	if ((pm->m = calloc(cap, sizeof(*pm->m))) == NULL)
		return -1;
	pm->cap = cap;
	return 0;
}

void
pagemarks_free(struct pagemarks *pm)
{
	free(pm->m);
	memset(pm, 0, sizeof(*pm));
}

void
pagemarks_reset(struct pagemarks *pm)
{
	pm->n = 0;
}

void
pagemarks_tick(struct pagemarks *pm)
{
	pm->gen++;
}

static struct pagemark *
find_or_add(struct pagemarks *pm, uint64_t idx, bool *added)
{
	size_t i, old = 0;

	*added = false;
	for (i = 0; i < pm->n; i++)
		if (pm->m[i].idx == idx)
			return &pm->m[i];
	if (pm->cap == 0)
		return NULL;
	if (pm->n < pm->cap)
		i = pm->n++;
	else {
		/* full: the page seen longest ago makes room */
		for (i = 1; i < pm->n; i++)
			if (pm->m[i].seen < pm->m[old].seen)
				old = i;
		i = old;
	}
	memset(&pm->m[i], 0, sizeof(pm->m[i]));
	pm->m[i].idx = idx;
	*added = true;
	return &pm->m[i];
}

uint32_t
pagemarks_see(struct pagemarks *pm, uint64_t idx, const struct pm_entry *e,
    bool *hide)
{
	struct pagemark *r;
	uint32_t m;
	bool added;

	*hide = false;
	if ((r = find_or_add(pm, idx, &added)) == NULL)
		return 0;
	if (added) {
		r->e = *e;
		r->seen = pm->gen;
		return 0;
	}
	/* once per refresh: the screen is drawn many times in between */
	if (r->seen != pm->gen) {
		m = pageinfo_entry_diff(&r->e, e);
		r->e = *e;
		r->seen = pm->gen;
		if (m != 0) {
			r->mask = pm->frozen && r->hidden ? r->mask | m : m;
			r->at = pm->gen;
			r->hidden = pm->frozen;
		}
	}
	if (r->hidden) {
		*hide = true;
		return 0;
	}
	if (r->mask != 0 && pm->gen - r->at < PAGEMARKS_FADE)
		return r->mask;
	return 0;
}

size_t
pagemarks_freeze(struct pagemarks *pm, bool on)
{
	size_t i, n = 0;

	pm->frozen = on;
	if (on)
		return 0;
	for (i = 0; i < pm->n; i++) {
		if (!pm->m[i].hidden)
			continue;
		pm->m[i].hidden = false;
		pm->m[i].at = pm->gen;
		n++;
	}
	return n;
}

char *
pagemarks_token(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	if (len == 0)
		return buf;
	if (mask != 0 && n + 1 < len)
		buf[n++] = '~';
	for (i = 0; i < PMF_COUNT && mask != 0; i++)
		if ((mask & (1u << i)) && n + 1 < len)
			buf[n++] = fmt_flag_letter(1u << i);
	if ((mask & PID_PFN) && n + 1 < len)
		buf[n++] = '*';
	buf[n] = '\0';
	return buf;
}
