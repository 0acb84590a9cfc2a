/* vmas_watch: the VMA pane's timed refresh — maps re-read, change marks, counts on screen redone. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"
#include "vmas_int.h"
#include "vmadiff.h"
#include "vmamarks.h"

/*
 * The VMA pane re-reads maps every 2 s unless -d says otherwise (the page
 * pane every 1 s): a maps read costs the kernel a walk of every VMA under
 * the target's mmap lock, growing with the VMA count where the page pane's
 * read is bounded by the screen; a layout changes less often than pages
 * do; and the picker refreshes every 2 s too, so a class sees one rhythm.
 */
#define VMAS_REREAD_MS	2000

static uint64_t
period(const struct ui *ui)
{
	return ui->o->interval_ms > 0 ? (uint64_t)ui->o->interval_ms :
	    VMAS_REREAD_MS;
}

/*
 * One count per VMA. carry: an unchanged VMA (same range as in the read
 * before) keeps its count, marked stale: redone when it is on screen.
 */
void
vmas_counts_build(struct ui *ui, bool carry)
{
	struct vmas_state *vs = vmas_st(ui);
	size_t n = ui->t.maps.n ? ui->t.maps.n : 1;
	struct ui_count *c = calloc(n, sizeof(*c));
	uint8_t *st = calloc(n, sizeof(*st));
	struct ui_count *rc = calloc(n, sizeof(*rc));

	for (size_t i = 0; c != NULL && i < ui->t.maps.n; i++) {
		const struct vma *v = &ui->t.maps.v[i];
		long k = carry ? vmamarks_prev_same(&vs->marks, v) : -1;

		if (k >= 0 && (size_t)k < vs->ncounts) {
			c[i] = vs->counts[k];
			if (st != NULL && c[i].state != UCS_PENDING)
				st[i] = 1;
		} else
			ui_count_init(&c[i], v->start, v->end);
	}
	free(vs->counts);
	free(vs->stale);
	free(vs->recount);
	vs->counts = c;
	vs->ncounts = c != NULL ? ui->t.maps.n : 0;
	vs->stale = st != NULL && rc != NULL ? st : NULL;
	vs->recount = st != NULL && rc != NULL ? rc : NULL;
	if (vs->stale == NULL) {
		free(st);
		free(rc);
	}
}

bool
vmas_watch_tick(struct ui *ui)
{
	struct vmas_state *vs = vmas_st(ui);
	uint64_t now = ui_now_ms();

	if (ui->paused || now - vs->reread_ms < period(ui))
		return true;
	vs->reread_ms = now;
	/* an exec is told as one (a new image), not as a heap of changes */
	if (target_pagemap_stale(&ui->t)) {
		ui_target_exec(ui);
		return ui->have_t;
	}
	/* only maps: smaps and the counts stay; the rows on screen recount */
	if (target_refresh(&ui->t) == -1) {
		if (errno == ESRCH || errno == ENOENT) {
			ui_target_gone(ui);
			return false;
		}
		ui_msg(ui, true, "refresh: %s", target_strerror(errno));
		return true;
	}
	vmas_relist(ui, true);
	if (vs->marks.gone > 0)
		ui_msg(ui, false, "%zu VMA%s unmapped", vs->marks.gone,
		    vs->marks.gone == 1 ? "" : "s");
	return true;
}

bool
vmas_recount(struct ui *ui, size_t from, size_t to, uint64_t deadline)
{
	struct vmas_state *vs = vmas_st(ui);
	bool more = false;

	if (vs->stale == NULL || ui->t.pm.fd < 0)
		return false;
	for (size_t i = from; i < to && i < vs->ncounts; i++) {
		struct ui_count *rc = &vs->recount[i];

		if (vs->stale[i] == 0)
			continue;
		if (ui_now_ms() >= deadline)
			return true;
		if (vs->stale[i] == 1) {
			ui_count_init(rc, ui->t.maps.v[i].start,
			    ui->t.maps.v[i].end);
			vs->stale[i] = 2;
		}
		/* the old numbers show until the new ones are whole */
		if (ui_count_step(&ui->t.pm, rc, deadline) == UCS_PENDING) {
			more = true;
			continue;
		}
		vs->counts[i] = *rc;
		vs->stale[i] = 0;
	}
	return more;
}

attr_t
vmas_mark(const struct ui *ui, size_t i, char *cell, size_t len, attr_t a)
{
	strlcpy(cell, vmadiff_token(vmamarks_get(&vmas_st(ui)->marks, i)), len);
	/* in colour and under NO_COLOR alike: the token says it */
	return cell[0] != '\0' ? a | A_BOLD | ui_attr(ui, UC_SP) : a;
}
