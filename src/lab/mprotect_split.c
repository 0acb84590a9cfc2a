/* step mprotect-split: one page's protection splits a VMA in three; restoring merges it. */
#include "config.h"

#include <sys/mman.h>

#include "lab.h"

#define NPAGES	16
#define PAGE	5	/* the page made read-only */

int
step_mprotect_split(struct lab *lab)
{
	struct lab_map m;
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = NPAGES * lab->ps;
	uint64_t v[4][2];
	size_t nv;
	char *pp;
	int rc = 0;

	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    lab->name) == -1)
		return lab_error(lab, "mmap");
	pp = m.p + PAGE * lab->ps;
	lab_touch(m.p, len, lab->ps, 'm');
	lab_phase_init(&ph, "written", m.p, len);
	LAB_CAT(ph.did, "Mapped %d anonymous pages and wrote each.", NPAGES);
	LAB_CAT(ph.expect, "One rw-p VMA, all %d pages present.", NPAGES);
	LAB_CAT(ph.question, "If page %d alone becomes read-only, how many "
	    "VMAs will cover this range?", PAGE);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (mprotect(pp, lab->ps, PROT_READ) == -1) {
		rc = lab_error(lab, "mprotect");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "protected", m.p, PAGE * lab->ps);
	lab_phase_add_range(&ph, pp, lab->ps);
	lab_phase_add_range(&ph, pp + lab->ps, (NPAGES - PAGE - 1) * lab->ps);
	LAB_CAT(ph.did, "mprotect(page %d, PROT_READ).", PAGE);
	LAB_CAT(ph.expect, "Three VMAs (the three ranges): rw-p, r--p (one "
	    "page), rw-p. The pages did not move: the same PFNs, all present. "
	    "Measured: %zu VMAs, %zu of %d present.", nv, s.present, NPAGES);
	LAB_CAT(ph.question, "What does a VMA hold that a page table entry "
	    "does not? What happens on a write to page %d now?", PAGE);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (mprotect(pp, lab->ps, PROT_READ | PROT_WRITE) == -1) {
		rc = lab_error(lab, "mprotect");
		goto out;
	}
	if (lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own maps");
		goto out;
	}
	lab_phase_init(&ph, "restored", m.p, len);
	LAB_CAT(ph.did, "mprotect(page %d, PROT_READ|PROT_WRITE).", PAGE);
	LAB_CAT(ph.expect, "One VMA again: neighbours with equal flags merge. "
	    "Measured: %zu VMA(s).", nv);
	LAB_CAT(ph.question, "Why does the kernel bother to merge?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
