/* step thp: MADV_HUGEPAGE and one write give a 2 MiB THP; mprotect splits the VMA, not the folio. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"
#include "lab.h"

#define THP_DIR	"/sys/kernel/mm/transparent_hugepage/"
#define SPLITAT	100	/* the 4K page made read-only */

/* First line of a sysfs file into buf; -1 if unreadable. */
static int
sysfs_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static size_t
pmd_size(void)
{
	char buf[64];
	const char *err = NULL;
	long long v;

	if (sysfs_line(THP_DIR "hpage_pmd_size", buf, sizeof(buf)) == -1)
		return 2 * 1024 * 1024;
	v = strtonum(buf, 1, 1LL << 40, &err);
	return err != NULL ? 2 * 1024 * 1024 : (size_t)v;
}

int
probe_thp(struct lab *lab, char *why, size_t len)
{
	char buf[128];

	if (sysfs_line(THP_DIR "enabled", buf, sizeof(buf)) == -1) {
		snprintf(why, len, "no transparent huge pages in this kernel "
		    "(" THP_DIR "enabled: %s)", strerror(errno));
		return 0;
	}
	if (strstr(buf, "[never]") != NULL) {
		snprintf(why, len, "transparent huge pages are disabled: "
		    THP_DIR "enabled says '%s'", buf);
		return 0;
	}
	return 1;
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

	lab_cat(buf, len, " Measured: %zu of %zu pages present, smaps "
	    "AnonHugePages %lld kB", s->present, npages, ah);
	if (!s->pfn_visible) {
		lab_cat(buf, len, "; PFNs hidden (not root).");
		return;
	}
	lab_cat(buf, len, "; PFNs 0x%llx-0x%llx %s, the first %s a multiple "
	    "of %zu", (unsigned long long)s->first_pfn,
	    (unsigned long long)(s->first_pfn + s->present - 1),
	    s->consecutive && s->present == npages ? "consecutive" :
	    "NOT consecutive", s->first_pfn % npages == 0 ? "is" : "is not",
	    npages);
	if ((t = thp_flagged(lab, s->first_pfn, s->present)) >= 0)
		lab_cat(buf, len, "; kpageflags THP on %ld of them", t);
	lab_cat(buf, len, ".");
}

int
step_thp(struct lab *lab)
{
	struct lab_map m;
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = pmd_size(), npages = len / lab->ps;
	uint64_t v[4][2];
	size_t nv;
	char *sp;
	int rc = 0;

	if (lab_map(lab, &m, len, len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    -1, lab->name) == -1)
		return lab_error(lab, "mmap");
	sp = m.p + SPLITAT * lab->ps;
	if (madvise(m.p, len, MADV_HUGEPAGE) == -1) {
		rc = lab_error(lab, "madvise(MADV_HUGEPAGE)");
		goto out;
	}
	m.p[0] = 'h';
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "faulted", m.p, len);
	LAB_CAT(ph.did, "Mapped %zu KiB aligned to %zu KiB, "
	    "madvise(MADV_HUGEPAGE), then wrote ONE byte.", len / 1024,
	    len / 1024);
	if (s.present == npages)
		LAB_CAT(ph.expect, "All %zu pages present after one fault: the "
		    "kernel gave one transparent huge page, mapped by a single "
		    "PMD entry: %zu consecutive PFNs, the first %zu-aligned "
		    "(vmpeek shows one THP row; + expands it).", npages,
		    npages, npages);
	else
		LAB_CAT(ph.expect, "No huge page this time: only the page "
		    "written is present (memory too fragmented, or the defrag "
		    "setting forbids compaction).");
	describe(lab, &s, (uintptr_t)m.p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "One fault, %zu KiB: what did the process save, "
	    "and what might it waste?", len / 1024);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (mprotect(sp, lab->ps, PROT_READ) == -1) {
		rc = lab_error(lab, "mprotect");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "split-vma", m.p, SPLITAT * lab->ps);
	lab_phase_add_range(&ph, sp, lab->ps);
	lab_phase_add_range(&ph, sp + lab->ps, len - (SPLITAT + 1) * lab->ps);
	LAB_CAT(ph.did, "mprotect(one 4 KiB page, page %d, PROT_READ).",
	    SPLITAT);
	LAB_CAT(ph.expect, "The VMA split in three (measured: %zu VMAs), so "
	    "one PMD can no longer map the whole 2 MiB: the kernel now maps "
	    "it with %zu page table entries, and AnonHugePages drops to 0. "
	    "But the PFNs stay the same: the folio is still one THP (as root, "
	    "kpageflags THP on every page).", nv, npages);
	describe(lab, &s, (uintptr_t)m.p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "What did the split cost the TLB? Why doesn't "
	    "the kernel split the folio too?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (mprotect(sp, lab->ps, PROT_READ | PROT_WRITE) == -1) {
		rc = lab_error(lab, "mprotect");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "restored", m.p, len);
	LAB_CAT(ph.did, "mprotect(page %d, PROT_READ|PROT_WRITE).", SPLITAT);
	LAB_CAT(ph.expect, "One VMA again (measured: %zu), the same PFNs, but "
	    "still mapped by small entries: only khugepaged (later, maybe) "
	    "collapses it back under one PMD.", nv);
	describe(lab, &s, (uintptr_t)m.p, npages, ph.expect,
	    sizeof(ph.expect));
	LAB_CAT(ph.question, "How could you tell, from vmpeek alone, that this "
	    "page is PMD-mapped again?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
