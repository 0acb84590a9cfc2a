/* step page-cache: cached is not mapped (mincore vs pagemap); one read maps a fault-around block. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "lab.h"

#define NPAGES	64
#define READAT	40	/* the one page read */

static size_t
resident(struct lab *lab, void *p, size_t len)
{
	unsigned char vec[NPAGES];
	size_t n = 0;

	if (mincore(p, len, vec) == -1)
		return 0;
	for (size_t i = 0; i < len / lab->ps; i++)
		n += vec[i] & 1;
	return n;
}

int
step_page_cache(struct lab *lab)
{
	struct lab_map m = { 0 };
	struct lab_phase ph;
	struct pm_entry e[NPAGES];
	size_t len = NPAGES * lab->ps, np = 0, lo = NPAGES, hi = 0;
	char *path = NULL;
	int fd, rc = 0;

	if ((fd = lab_tmpfile(lab, lab->name, NPAGES, &path)) == -1)
		return lab_error(lab, "temporary file");
	if (lab_map(lab, &m, len, 0, PROT_READ, MAP_SHARED, fd, NULL) == -1) {
		rc = lab_error(lab, "mmap");
		goto out;
	}
	if (lab_pm_entries(lab, m.p, NPAGES, e) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	for (size_t i = 0; i < NPAGES; i++)
		np += (e[i].flags & PMF_PRESENT) != 0;
	lab_phase_init(&ph, "mapped", m.p, len);
	LAB_CAT(ph.did, "Wrote the %d-page file %s (so it is in the page "
	    "cache), then mapped it MAP_SHARED, PROT_READ.", NPAGES, path);
	LAB_CAT(ph.expect, "mincore() says %zu of %d pages are resident (in "
	    "the page cache); pagemap says %zu are mapped here: cached is not "
	    "mapped. vmpeek shows none present.", resident(lab, m.p, len),
	    NPAGES, np);
	LAB_CAT(ph.question, "A read of page %d will fault. How many pages "
	    "will that one fault map?", READAT);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	(void)lab_read(m.p + READAT * lab->ps, 1, lab->ps);
	if (lab_pm_entries(lab, m.p, NPAGES, e) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	np = 0;
	for (size_t i = 0; i < NPAGES; i++) {
		if (!(e[i].flags & PMF_PRESENT))
			continue;
		np++;
		if (i < lo)
			lo = i;
		hi = i;
	}
	lab_phase_init(&ph, "read-one", m.p, len);
	if (np > 0)
		lab_phase_add_range(&ph, m.p + lo * lab->ps,
		    (hi - lo + 1) * lab->ps);
	LAB_CAT(ph.did, "Read one byte of page %d.", READAT);
	if (np > 0)
		LAB_CAT(ph.expect, "One fault mapped %zu pages: pages %zu-%zu "
		    "(second range), %zu KiB around page %d. This is "
		    "fault-around: for a file page already in the cache the "
		    "kernel also maps its cached neighbours (fault_around_bytes, "
		    "64 KiB by default), betting that they will be read soon.",
		    np, lo, hi, np * lab->ps / 1024, READAT);
	else
		LAB_CAT(ph.expect, "Measured: no page present after the read "
		    "(unexpected).");
	LAB_CAT(ph.question, "What does fault-around save, and when is it a "
	    "waste? Would a write fault map neighbours too?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	close(fd);
	unlink(path);
	free(path);
	return rc == -1 || lab->quit ? -1 : 0;
}
