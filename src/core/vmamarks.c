/* vmamarks: per-VMA change marks from vmadiff, kept across refreshes until they fade. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmamarks.h"

static void
free_prev(struct vmamarks *m)
{
	free(m->prev.v);
	memset(&m->prev, 0, sizeof(m->prev));
	free(m->mask);
	free(m->at);
	m->mask = NULL;
	m->at = NULL;
	m->have_prev = false;
}

void
vmamarks_free(struct vmamarks *m)
{
	free_prev(m);
	memset(m, 0, sizeof(*m));
}

long
vmamarks_prev_same(const struct vmamarks *m, const struct vma *v)
{
	long k;

	if (!m->have_prev)
		return -1;
	k = maps_find(&m->prev, v->start);
	if (k < 0 || m->prev.v[k].start != v->start ||
	    m->prev.v[k].end != v->end)
		return -1;
	return k;
}

/* The marks of cur against m->prev, into mask/at (m still the old). */
static void
diff(const struct vmamarks *m, const struct vma_list *cur, uint32_t *mask,
    uint64_t *at)
{
	for (size_t i = 0; i < cur->n; i++) {
		long k;

		mask[i] = 0;
		at[i] = 0;
		if (!m->have_prev)
			continue;
		mask[i] = vmadiff_one(&m->prev, cur, i);
		at[i] = m->gen;
		if (mask[i] != 0 || (k = vmamarks_prev_same(m, &cur->v[i])) < 0)
			continue;
		/* the same VMA as before: its old mark goes on fading */
		mask[i] = m->mask[k];
		at[i] = m->at[k];
	}
}

int
vmamarks_update(struct vmamarks *m, const struct vma_list *cur)
{
	size_t n = cur->n ? cur->n : 1;
	uint32_t *mask = reallocarray(NULL, n, sizeof(*mask));
	uint64_t *at = reallocarray(NULL, n, sizeof(*at));
	struct vma *pv = reallocarray(NULL, n, sizeof(*pv));

	m->gen++;
	if (mask == NULL || at == NULL || pv == NULL) {
		free(mask);
		free(at);
		free(pv);
		free_prev(m);
		errno = ENOMEM;
		return -1;
	}
	diff(m, cur, mask, at);
	m->gone = m->have_prev ? vmadiff_gone(&m->prev, cur) : 0;
	free_prev(m);
	/* ranges only: vmadiff and the lookups need nothing else */
	for (size_t i = 0; i < cur->n; i++) {
		memset(&pv[i], 0, sizeof(pv[i]));
		pv[i].start = cur->v[i].start;
		pv[i].end = cur->v[i].end;
	}
	m->prev.v = pv;
	m->prev.n = m->prev.cap = cur->n;
	m->mask = mask;
	m->at = at;
	m->have_prev = true;
	return 0;
}

uint32_t
vmamarks_get(const struct vmamarks *m, size_t i)
{
	if (!m->have_prev || i >= m->prev.n || m->mask[i] == 0)
		return 0;
	return m->gen - m->at[i] < VMAMARKS_FADE ? m->mask[i] : 0;
}
