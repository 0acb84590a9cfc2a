/* step demand-zero: anonymous pages get frames on first touch; what a read gets. */
#include "config.h"

#include <sys/mman.h>

#include "kpage.h"
#include "lab.h"

#define NPAGES 16

/*
 * What the read faults gave us. Whether this kernel maps the shared zero
 * page is --caps' zero_page item (its own probe, the same for the lab and
 * vmpeek); our pages' pagemap is the measurement shown beside it. 1 when
 * the pages are on the zero page.
 */
static int
describe_read(struct lab *lab, const struct lab_pm *s, char *buf, size_t len)
{
	const struct caps_item *zp = &lab->vcaps.item[CAPS_ZERO_PAGE];
	uint64_t f;

	if (!zp->available && s->present == s->n && s->exclusive == s->n) {
		fmt_append(buf, len, "All %zu pages are present (P) and exclusive "
		    "(X): this kernel gave each page its own frame on a read "
		    "fault; it did not map the shared zero page (vmpeek --caps: "
		    "shared zero page no).", s->n);
		if (s->pfn_visible)
			fmt_append(buf, len, " %zu different PFNs.",
			    s->distinct_pfn);
		return 0;
	}
	if (zp->available && s->present == s->n && s->exclusive == 0 &&
	    s->file == 0 && s->pfn_visible && s->distinct_pfn == 1) {
		fmt_append(buf, len, "All %zu pages are present but not exclusive, "
		    "and all show one PFN, 0x%llx: this kernel mapped the "
		    "shared zero page, one frame of zeros for every reader.",
		    s->n, (unsigned long long)s->first_pfn);
		if (lab_kpageflags(lab, s->first_pfn, &f) == 0)
			fmt_append(buf, len, " kpageflags %s it ZERO_PAGE.",
			    (f >> KPF_ZERO_PAGE) & 1 ? "marks" : "does NOT mark");
		return 1;
	}
	if (zp->available && s->present == s->n && s->exclusive == 0 &&
	    !s->pfn_visible) {
		fmt_append(buf, len, "All %zu pages are present but none is "
		    "exclusive: that is what the shared zero page looks like "
		    "(vmpeek --caps says this kernel maps it), but PFNs are "
		    "hidden (not root), so whether they share one frame is "
		    "unknown here.", s->n);
		return 1;
	}
	fmt_append(buf, len, "Measured: %zu of %zu present, %zu exclusive; "
	    "vmpeek --caps on the shared zero page: %s.", s->present, s->n,
	    s->exclusive, zp->available ? "yes" : zp->why);
	return s->present == s->n && s->exclusive == 0;
}

int
step_demand_zero(struct lab *lab)
{
	struct lab_map m;
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = NPAGES * lab->ps;
	int zero, rc = 0;

	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    lab->name) == -1)
		return lab_error(lab, "mmap");

	lab_phase_init(&ph, "mapped", m.p, len);
	LAB_CAT(ph.did, "mmap(%d pages, PROT_READ|PROT_WRITE, "
	    "MAP_PRIVATE|MAP_ANONYMOUS); nothing touched yet.", NPAGES);
	LAB_CAT(ph.expect, "A new rw-p VMA of %d pages; no page present: the "
	    "kernel has only reserved address space, no memory.", NPAGES);
	LAB_CAT(ph.question, "How much physical memory does this VMA use "
	    "now? What will happen on the first read of a page?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	(void)lab_read(m.p, len, lab->ps);
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "read", m.p, len);
	LAB_CAT(ph.did, "Read one byte of each page (no write). Each read "
	    "faulted: a demand-zero fault.");
	zero = describe_read(lab, &s, ph.expect, sizeof(ph.expect));
	LAB_CAT(ph.question, "Every byte read was 0. Does memory that nobody "
	    "wrote need a frame of its own? What would the kernel save by "
	    "sharing one page of zeros?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	lab_touch(m.p, len, lab->ps, 'z');
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "written", m.p, len);
	LAB_CAT(ph.did, "Wrote one byte to each page.");
	LAB_CAT(ph.expect, "Every page present and exclusive, each with its "
	    "own PFN%s. Measured: %zu of %d present, %zu exclusive",
	    zero ? " (a write to the zero page copies it into a new frame: "
	    "the PFNs changed)" : " (the same frames as after the read: "
	    "they were already private)", s.present, NPAGES, s.exclusive);
	if (s.pfn_visible)
		LAB_CAT(ph.expect, ", %zu different PFNs", s.distinct_pfn);
	LAB_CAT(ph.expect, ".");
	LAB_CAT(ph.question, "After this write, how much memory does the VMA "
	    "use? Would a second write to the same page fault again?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
