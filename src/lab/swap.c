/* step swap: MADV_PAGEOUT sends pages to swap; pagemap then holds swap type and offset. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"

#define NPAGES 16

/*
 * MADV_PAGEOUT (5.4) is ours to try; whether swap is active is --caps'
 * swap item (/proc/swaps), so the two never disagree.
 */
int
probe_swap(struct lab *lab, char *why, size_t len)
{
	struct lab_map m;
	int err;

	if (lab_map(lab, &m, lab->ps, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    -1, NULL) == -1) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return 0;
	}
	m.p[0] = 1;
	err = madvise(m.p, lab->ps, MADV_PAGEOUT) == 0 ? 0 : errno;
	lab_unmap(&m);
	if (err != 0) {
		snprintf(why, len, "this kernel refuses madvise(MADV_PAGEOUT): "
		    "%s (it came in Linux 5.4)", strerror(err));
		return 0;
	}
	if (lab->vcaps.item[CAPS_SWAP].available)
		return 1;
	if (lab->make_swap && geteuid() == 0)
		return 1;
	if (lab->make_swap)
		snprintf(why, len, "no swap is active, and --make-swap needs "
		    "root");
	else
		snprintf(why, len, "%s; as root, --make-swap adds a temporary "
		    "swap file (vmpeek --caps: swap)",
		    lab->vcaps.item[CAPS_SWAP].why);
	return 0;
}

int
step_swap(struct lab *lab)
{
	struct lab_map m = { 0 };
	struct lab_phase ph;
	struct lab_pm s;
	struct pm_entry e;
	size_t len = NPAGES * lab->ps;
	char why[LAB_TEXT];
	int rc = 0;

	/* --make-swap: our own file even when swap is active; being first
	 * in priority, it gets the step's pages */
	if (lab->make_swap || !lab->vcaps.item[CAPS_SWAP].available) {
		if (lab_swapfile_make(lab, why, sizeof(why)) == -1) {
			lab_phase_skip(lab, why);
			return 0;
		}
		fprintf(lab->prose, "\nAdded a temporary swap file, %s "
		    "(removed at the end of this step).\n",
		    lab_swapfile_path());
	}
	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    lab->name) == -1) {
		rc = lab_error(lab, "mmap");
		goto out;
	}
	lab_touch(m.p, len, lab->ps, 's');
	lab_phase_init(&ph, "written", m.p, len);
	LAB_CAT(ph.did, "Mapped %d anonymous pages and wrote each.", NPAGES);
	LAB_CAT(ph.expect, "All present and exclusive.");
	LAB_CAT(ph.question, "An anonymous page has no file behind it. Where "
	    "can the kernel put its contents to free the frame?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (madvise(m.p, len, MADV_PAGEOUT) == -1) {
		rc = lab_error(lab, "madvise(MADV_PAGEOUT)");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_pm_entries(lab, m.p, 1, &e) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "paged-out", m.p, len);
	LAB_CAT(ph.did, "madvise(MADV_PAGEOUT) on all %d pages: reclaim them "
	    "now.", NPAGES);
	LAB_CAT(ph.expect, "Pages not present but swapped (S): the page table "
	    "entry now holds a swap entry, the swap area's type (its index in "
	    "/proc/swaps) and the offset of the slot. Measured: %zu of %d "
	    "swapped, %zu present", s.swapped, NPAGES, s.present);
	if (e.swap_valid && lab->vcaps.item[CAPS_PFN_VISIBLE].available)
		LAB_CAT(ph.expect, "; the first page went to type %u, offset "
		    "%llu.", e.swap_type, (unsigned long long)e.swap_offset);
	else
		LAB_CAT(ph.expect, "; type and offset read as 0 without root "
		    "(the kernel hides them like PFNs).");
	LAB_CAT(ph.question, "What will the next read of the first page "
	    "cost?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	(void)lab_read(m.p, 1, lab->ps);
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "read-back", m.p, len);
	LAB_CAT(ph.did, "Read one byte of the first page.");
	LAB_CAT(ph.expect, "The first page is present again: a major fault "
	    "read it back from swap (into a new frame). Measured: %zu of %d "
	    "present, %zu still swapped.", s.present, NPAGES, s.swapped);
	LAB_CAT(ph.question, "The kernel may also have read neighbouring "
	    "slots into the swap cache: why are they not present here?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	lab_swapfile_remove();
	return rc == -1 || lab->quit ? -1 : 0;
}
