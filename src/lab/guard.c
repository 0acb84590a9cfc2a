/* step guard: a PROT_NONE VMA vs MADV_GUARD_INSTALL guard markers (no new VMA). */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <string.h>

#include "lab.h"

#define NPAGES	16
#define GFIRST	4	/* pages [GFIRST, GFIRST + NGUARD) are guarded */
#define NGUARD	2

int
probe_guard(struct lab *lab, char *why, size_t len)
{
	struct lab_map m;
	int err;

	if (lab_map(lab, &m, lab->ps, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    -1, NULL) == -1) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return 0;
	}
	err = madvise(m.p, lab->ps, MADV_GUARD_INSTALL) == 0 ? 0 : errno;
	lab_unmap(&m);
	if (err == 0)
		return 1;
	snprintf(why, len, "this kernel refuses madvise(MADV_GUARD_INSTALL): "
	    "%s (guard regions came in Linux 6.13)", strerror(err));
	return 0;
}

int
step_guard(struct lab *lab)
{
	struct lab_map a = { 0 }, b = { 0 };
	struct lab_phase ph;
	struct lab_pm s, sg;
	size_t len = NPAGES * lab->ps, glen = NGUARD * lab->ps;
	uint64_t v[4][2];
	size_t nv;
	char *ga, *gb;
	int rc = 0;

	if (lab_map(lab, &a, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    "prot-none") == -1 || lab_map(lab, &b, len, 0,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE, -1, "guard") == -1) {
		rc = lab_error(lab, "mmap");
		goto out;
	}
	ga = a.p + GFIRST * lab->ps;
	gb = b.p + GFIRST * lab->ps;
	lab_touch(a.p, len, lab->ps, 'a');
	lab_touch(b.p, len, lab->ps, 'b');

	if (mprotect(ga, glen, PROT_NONE) == -1) {
		rc = lab_error(lab, "mprotect");
		goto out;
	}
	if (lab_pm_sum(lab, ga, glen, &sg) == -1 ||
	    lab_vmas(lab, a.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "prot-none", a.p, GFIRST * lab->ps);
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
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (madvise(gb, glen, MADV_GUARD_INSTALL) == -1) {
		rc = lab_error(lab, "madvise(MADV_GUARD_INSTALL)");
		goto out;
	}
	if (lab_pm_sum(lab, b.p, len, &s) == -1 ||
	    lab_vmas(lab, b.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "guard-installed", b.p, len);
	lab_phase_add_range(&ph, a.p, len);
	LAB_CAT(ph.did, "Region B (first range): %d pages written, then "
	    "madvise(pages %d-%d, MADV_GUARD_INSTALL).", NPAGES, GFIRST,
	    GFIRST + NGUARD - 1);
	LAB_CAT(ph.expect, "B is still one VMA (measured: %zu). Pages %d-%d "
	    "lost their frames and hold guard markers in the page table: "
	    "pagemap bit 58, G in vmpeek (measured: %zu guard, %zu of %d "
	    "present).", nv, GFIRST, GFIRST + NGUARD - 1, s.guard, s.present,
	    NPAGES);
	if (s.guard == 0)
		LAB_CAT(ph.expect, " This kernel's pagemap does not report "
		    "guard markers (bit 58 came in Linux 6.15).");
	LAB_CAT(ph.question, "Compare with A (second range): where does the "
	    "kernel remember each kind of guard? What will a read of page %d "
	    "of B do?", GFIRST);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (madvise(gb, glen, MADV_GUARD_REMOVE) == -1) {
		rc = lab_error(lab, "madvise(MADV_GUARD_REMOVE)");
		goto out;
	}
	if (lab_pm_sum(lab, b.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "guard-removed", b.p, len);
	LAB_CAT(ph.did, "madvise(pages %d-%d, MADV_GUARD_REMOVE).", GFIRST,
	    GFIRST + NGUARD - 1);
	LAB_CAT(ph.expect, "The markers are gone (measured: %zu guard) and the "
	    "pages are absent (%zu of %d present): their old data was "
	    "discarded at install; the next touch gets a zeroed page.",
	    s.guard, s.present, NPAGES);
	LAB_CAT(ph.question, "Why can installing a guard never fail for lack "
	    "of memory, while mprotect can?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&a);
	lab_unmap(&b);
	return rc == -1 || lab->quit ? -1 : 0;
}
