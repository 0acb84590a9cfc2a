/* step guard: a PROT_NONE VMA vs MADV_GUARD_INSTALL guard markers (no new VMA). */
#include "config.h"

#include <sys/mman.h>

#include "lab.h"

#define NPAGES	16
#define GFIRST	4	/* pages [GFIRST, GFIRST + NGUARD) are guarded */
#define NGUARD	2

/*
 * --caps' guard item: the kernel has guard regions AND its pagemap shows
 * the markers (bit 58); without the bit vmpeek could show no G here.
 */
int
probe_guard(struct lab *lab, char *why, size_t len)
{
	return lab_caps_have(lab, CAPS_GUARD, why, len);
}

/* The phases below: 0 go on, 1 the lab quits, -1 an error (printed). */
static int
guard_protnone(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;
	struct lab_pm sg;
	size_t glen = NGUARD * lab->ps;
	char *ga = a->p + GFIRST * lab->ps;
	uint64_t v[4][2];
	size_t nv;

	lab_touch(a->p, a->len, lab->ps, 'a');
	lab_touch(b->p, b->len, lab->ps, 'b');
	if (mprotect(ga, glen, PROT_NONE) == -1)
		return lab_error(lab, "mprotect");
	if (lab_pm_sum(lab, ga, glen, &sg) == -1 ||
	    lab_vmas(lab, a->p, a->len, v, 4, &nv) == -1)
		return lab_error(lab, "reading our own pagemap or maps");
	lab_phase_init(&ph, "prot-none", a->p, GFIRST * lab->ps);
	lab_phase_add_range(&ph, ga, glen);
	lab_phase_add_range(&ph, ga + glen, (NPAGES - GFIRST - NGUARD) *
	    lab->ps);
	LAB_CAT(ph.did, "Region A: %d pages written, then mprotect(pages "
	    "%d-%d, PROT_NONE): the classic guard page.", NPAGES, GFIRST,
	    GFIRST + NGUARD - 1);
	LAB_CAT(ph.expect, "A is three VMAs now, the middle one ---p: every "
	    "guard page made this way costs a VMA. Its pages keep their "
	    "frames (measured: %zu of %d present); only access is refused. "
	    "Measured: %zu VMAs.", sg.present, NGUARD, nv);
	LAB_CAT(ph.question, "A thread library puts a guard page below every "
	    "thread stack. With 10,000 threads, what does that cost?");
	return lab_phase_next(lab, &ph);
}

static int
guard_install(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;
	struct lab_pm s;
	uint64_t v[4][2];
	size_t nv;

	if (madvise(b->p + GFIRST * lab->ps, NGUARD * lab->ps,
	    MADV_GUARD_INSTALL) == -1)
		return lab_error(lab, "madvise(MADV_GUARD_INSTALL)");
	if (lab_pm_sum(lab, b->p, b->len, &s) == -1 ||
	    lab_vmas(lab, b->p, b->len, v, 4, &nv) == -1)
		return lab_error(lab, "reading our own pagemap or maps");
	lab_phase_init(&ph, "guard-installed", b->p, b->len);
	lab_phase_add_range(&ph, a->p, a->len);
	LAB_CAT(ph.did, "Region B (first range): %d pages written, then "
	    "madvise(pages %d-%d, MADV_GUARD_INSTALL).", NPAGES, GFIRST,
	    GFIRST + NGUARD - 1);
	LAB_CAT(ph.expect, "B is still one VMA (measured: %zu). Pages %d-%d "
	    "lost their frames and hold guard markers in the page table: "
	    "pagemap bit 58, G in vmpeek (measured: %zu guard, %zu of %d "
	    "present).", nv, GFIRST, GFIRST + NGUARD - 1, s.guard, s.present,
	    NPAGES);
	LAB_CAT(ph.question, "Compare with A (second range): where does the "
	    "kernel remember each kind of guard? What will a read of page %d "
	    "of B do?", GFIRST);
	return lab_phase_next(lab, &ph);
}

static int
guard_remove(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;
	struct lab_pm s;

	(void)a;
	if (madvise(b->p + GFIRST * lab->ps, NGUARD * lab->ps,
	    MADV_GUARD_REMOVE) == -1)
		return lab_error(lab, "madvise(MADV_GUARD_REMOVE)");
	if (lab_pm_sum(lab, b->p, b->len, &s) == -1)
		return lab_error(lab, "pagemap");
	lab_phase_init(&ph, "guard-removed", b->p, b->len);
	LAB_CAT(ph.did, "madvise(pages %d-%d, MADV_GUARD_REMOVE).", GFIRST,
	    GFIRST + NGUARD - 1);
	LAB_CAT(ph.expect, "The markers are gone (measured: %zu guard) and the "
	    "pages are absent (%zu of %d present): their old data was "
	    "discarded at install; the next touch gets a zeroed page.",
	    s.guard, s.present, NPAGES);
	LAB_CAT(ph.question, "Why can installing a guard never fail for lack "
	    "of memory, while mprotect can?");
	return lab_phase_next(lab, &ph);
}

int
step_guard(struct lab *lab)
{
	static lab_two_phase *const phases[] = {
		guard_protnone, guard_install, guard_remove,
	};

	return lab_run_two(lab, NPAGES * lab->ps, "prot-none", "guard",
	    phases, sizeof(phases) / sizeof(phases[0]));
}
