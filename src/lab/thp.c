/* step thp: MADV_HUGEPAGE and one write give a 2 MiB THP; mprotect splits the VMA, not the folio. */
#include "config.h"

#include <sys/mman.h>

#include "kpage.h"
#include "lab.h"

#define SPLITAT	100	/* the 4K page made read-only */

/* The PMD size --caps read from sysfs; 2 MiB (x86-64) when unknown. */
static size_t
pmd_size(struct lab *lab)
{
	return lab->vcaps.thp_pmd_size != 0 ?
	    (size_t)lab->vcaps.thp_pmd_size : 2 * 1024 * 1024;
}

int
probe_thp(struct lab *lab, char *why, size_t len)
{
	return lab_caps_have(lab, CAPS_THP, why, len);
}

/* Of n pages from PFN first, how many kpageflags mark THP (root). */
static long
thp_flagged(struct lab *lab, uint64_t first, size_t n)
{
	uint64_t f;
	long c = 0;

	for (size_t i = 0; i < n; i++) {
		if (lab_kpageflags(lab, first + i, &f) == -1)
			return -1;
		c += (f >> KPF_THP) & 1;
	}
	return c;
}

/* The measured state of the huge page, appended to buf. */
static void
describe(struct lab *lab, const struct lab_pm *s, uintptr_t start,
    size_t npages, char *buf, size_t len)
{
	long long ah = lab_smaps_kb(lab, start, "AnonHugePages");
	long t;

	fmt_append(buf, len, " Measured: %zu of %zu pages present, smaps "
	    "AnonHugePages %lld kB", s->present, npages, ah);
	if (!s->pfn_visible) {
		fmt_append(buf, len, "; PFNs hidden (not root).");
		return;
	}
	fmt_append(buf, len, "; PFNs 0x%llx-0x%llx %s, the first %s a multiple "
	    "of %zu", (unsigned long long)s->first_pfn,
	    (unsigned long long)(s->first_pfn + s->present - 1),
	    s->consecutive && s->present == npages ? "consecutive" :
	    "NOT consecutive", s->first_pfn % npages == 0 ? "is" : "is not",
	    npages);
	if ((t = thp_flagged(lab, s->first_pfn, s->present)) >= 0)
		fmt_append(buf, len, "; kpageflags THP on %ld of them", t);
	fmt_append(buf, len, ".");
}

/* The phases below: 0 go on, 1 the lab quits, -1 an error (printed). */
static int
thp_fault(struct lab *lab, struct lab_map *m, size_t npages)
{
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = m->len;

	if (madvise(m->p, len, MADV_HUGEPAGE) == -1)
		return lab_error(lab, "madvise(MADV_HUGEPAGE)");
	m->p[0] = 'h';
	if (lab_pm_sum(lab, m->p, len, &s) == -1)
		return lab_error(lab, "pagemap");
	lab_phase_init(&ph, "faulted", m->p, len);
	LAB_CAT(ph.did, "Mapped %zu KiB aligned to %zu KiB, "
	    "madvise(MADV_HUGEPAGE), then wrote ONE byte.", len / 1024,
	    len / 1024);
	if (s.present == npages)
		LAB_CAT(ph.expect, "All %zu pages present after one fault: the "
		    "kernel gave one transparent huge page, mapped by a single "
		    "PMD entry: %zu consecutive PFNs, the first %zu-aligned "
		    "(vmpeek's page pane folds them into one THP row, + "
		    "expands it; a ':' jump into it shows it expanded).", npages,
		    npages, npages);
	else
		LAB_CAT(ph.expect, "No huge page this time: only the page "
		    "written is present (memory too fragmented, or the defrag "
		    "setting forbids compaction).");
	describe(lab, &s, (uintptr_t)m->p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "One fault, %zu KiB: what did the process save, "
	    "and what might it waste?", len / 1024);
	return lab_phase_next(lab, &ph);
}

static int
thp_split(struct lab *lab, struct lab_map *m, size_t npages)
{
	struct lab_phase ph;
	struct lab_pm s;
	char *sp = m->p + SPLITAT * lab->ps;
	uint64_t v[4][2];
	size_t nv;

	if (mprotect(sp, lab->ps, PROT_READ) == -1)
		return lab_error(lab, "mprotect");
	if (lab_pm_sum(lab, m->p, m->len, &s) == -1 ||
	    lab_vmas(lab, m->p, m->len, v, 4, &nv) == -1)
		return lab_error(lab, "reading our own pagemap or maps");
	lab_phase_init(&ph, "split-vma", m->p, SPLITAT * lab->ps);
	lab_phase_add_range(&ph, sp, lab->ps);
	lab_phase_add_range(&ph, sp + lab->ps,
	    m->len - (SPLITAT + 1) * lab->ps);
	LAB_CAT(ph.did, "mprotect(one 4 KiB page, page %d, PROT_READ).",
	    SPLITAT);
	LAB_CAT(ph.expect, "The VMA split in three (measured: %zu VMAs), so "
	    "one PMD can no longer map the whole 2 MiB: the kernel now maps "
	    "it with %zu page table entries, and AnonHugePages drops to 0. "
	    "But the PFNs stay the same: the folio is still one THP (as root, "
	    "kpageflags THP on every page).", nv, npages);
	describe(lab, &s, (uintptr_t)m->p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "What did the split cost the TLB? Why doesn't "
	    "the kernel split the folio too?");
	return lab_phase_next(lab, &ph);
}

static int
thp_restore(struct lab *lab, struct lab_map *m, size_t npages)
{
	struct lab_phase ph;
	struct lab_pm s;
	uint64_t v[4][2];
	size_t nv;

	if (mprotect(m->p + SPLITAT * lab->ps, lab->ps,
	    PROT_READ | PROT_WRITE) == -1)
		return lab_error(lab, "mprotect");
	if (lab_pm_sum(lab, m->p, m->len, &s) == -1 ||
	    lab_vmas(lab, m->p, m->len, v, 4, &nv) == -1)
		return lab_error(lab, "reading our own pagemap or maps");
	lab_phase_init(&ph, "restored", m->p, m->len);
	LAB_CAT(ph.did, "mprotect(page %d, PROT_READ|PROT_WRITE).", SPLITAT);
	LAB_CAT(ph.expect, "One VMA again (measured: %zu), the same PFNs, but "
	    "still mapped by small entries: only khugepaged (later, maybe) "
	    "collapses it back under one PMD.", nv);
	describe(lab, &s, (uintptr_t)m->p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "How could you tell, from vmpeek alone, that this "
	    "page is PMD-mapped again?");
	return lab_phase_next(lab, &ph);
}

int
step_thp(struct lab *lab)
{
	struct lab_map m;
	size_t len = pmd_size(lab), npages = len / lab->ps;
	int rc;

	if (lab_map(lab, &m, len, len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    -1, lab->name) == -1)
		return lab_error(lab, "mmap");
	if ((rc = thp_fault(lab, &m, npages)) == 0 &&
	    (rc = thp_split(lab, &m, npages)) == 0)
		rc = thp_restore(lab, &m, npages);
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
