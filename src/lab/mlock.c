/* step mlock: locking part of a VMA faults its pages in, pins them and splits the VMA. */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"
#include "lab.h"

#define NPAGES	16
#define LFIRST	4	/* pages [LFIRST, LFIRST + NLOCK) are locked */
#define NLOCK	4

/*
 * The system calls themselves: sanitizer runtimes (ASan) intercept mlock
 * and munlock and turn them into no-ops, and the lab is about what the
 * kernel does.
 */
static int
sys_mlock(const void *p, size_t len)
{
	return (int)syscall(SYS_mlock, p, len);
}

static int
sys_munlock(const void *p, size_t len)
{
	return (int)syscall(SYS_munlock, p, len);
}

int
probe_mlock(struct lab *lab, char *why, size_t len)
{
	struct lab_map m;
	struct rlimit rl;
	int err;

	if (lab_map(lab, &m, NLOCK * lab->ps, 0, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, -1, NULL) == -1) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return 0;
	}
	err = sys_mlock(m.p, m.len) == 0 ? 0 : errno;
	lab_unmap(&m);
	if (err == 0)
		return 1;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(why, len, "mlock of %d pages failed: %s "
		    "(RLIMIT_MEMLOCK is %llu kB; ulimit -l raises it)", NLOCK,
		    strerror(err), (unsigned long long)rl.rlim_cur / 1024);
	else
		snprintf(why, len, "mlock of %d pages failed: %s", NLOCK,
		    strerror(err));
	return 0;
}

/* How many of the locked pages kpageflags shows MLOCKED and UNEVICTABLE. */
static void
kflags(struct lab *lab, const char *p, char *buf, size_t len)
{
	struct pm_entry e[NLOCK];
	uint64_t f;
	size_t ml = 0, ue = 0;

	if (lab_pm_entries(lab, p, NLOCK, e) == -1)
		return;
	for (size_t i = 0; i < NLOCK; i++) {
		if (!e[i].pfn_valid || lab_kpageflags(lab, e[i].pfn, &f) == -1)
			return;
		ml += (f >> KPF_MLOCKED) & 1;
		ue += (f >> KPF_UNEVICTABLE) & 1;
	}
	fmt_append(buf, len, " kpageflags: %zu of %d MLOCKED, %zu UNEVICTABLE.",
	    ml, NLOCK, ue);
}

int
step_mlock(struct lab *lab)
{
	struct lab_map m;
	struct lab_phase ph;
	struct lab_pm s, sl;
	size_t len = NPAGES * lab->ps;
	uint64_t v[4][2];
	size_t nv;
	char *lp;
	int rc = 0;

	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    lab->name) == -1)
		return lab_error(lab, "mmap");
	lp = m.p + LFIRST * lab->ps;
	lab_phase_init(&ph, "mapped", m.p, len);
	LAB_CAT(ph.did, "Mapped %d anonymous pages; nothing touched.", NPAGES);
	LAB_CAT(ph.expect, "One rw-p VMA, no page present.");
	LAB_CAT(ph.question, "mlock() promises the pages stay in RAM. Can "
	    "it lock pages that do not exist yet?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (sys_mlock(lp, NLOCK * lab->ps) == -1) {
		rc = lab_error(lab, "mlock");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_pm_sum(lab, lp, NLOCK * lab->ps, &sl) == -1 ||
	    lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "locked", m.p, LFIRST * lab->ps);
	lab_phase_add_range(&ph, lp, NLOCK * lab->ps);
	lab_phase_add_range(&ph, lp + NLOCK * lab->ps,
	    (NPAGES - LFIRST - NLOCK) * lab->ps);
	LAB_CAT(ph.did, "mlock() of pages %d-%d only.", LFIRST,
	    LFIRST + NLOCK - 1);
	LAB_CAT(ph.expect, "Three VMAs now (the three ranges): a VMA has one "
	    "set of flags, and only the middle one is VM_LOCKED (smaps: "
	    "Locked: %lld kB, VmFlags lo). mlock faulted the %d locked pages "
	    "in; the others are still absent. Measured: %zu VMAs, %zu of %d "
	    "locked pages present, %zu of %d in all.",
	    lab_smaps_kb(lab, (uintptr_t)lp, "Locked"), NLOCK, nv,
	    sl.present, NLOCK, s.present, NPAGES);
	if (s.pfn_visible)
		kflags(lab, lp, ph.expect, sizeof(ph.expect));
	else
		LAB_CAT(ph.expect, " (As root, vmpeek's kpageflags column "
		    "shows MLOCKED and UNEVICTABLE.)");
	LAB_CAT(ph.question, "Why must the kernel split the VMA? What does "
	    "UNEVICTABLE tell reclaim?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (sys_munlock(lp, NLOCK * lab->ps) == -1) {
		rc = lab_error(lab, "munlock");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1 ||
	    lab_vmas(lab, m.p, len, v, 4, &nv) == -1) {
		rc = lab_error(lab, "reading our own pagemap or maps");
		goto out;
	}
	lab_phase_init(&ph, "unlocked", m.p, len);
	LAB_CAT(ph.did, "munlock() of the same pages.");
	LAB_CAT(ph.expect, "One VMA again: with equal flags the three merged. "
	    "The %d pages stay present (munlock does not free them; they are "
	    "evictable again). Measured: %zu VMA(s), %zu of %d present.",
	    NLOCK, nv, s.present, NPAGES);
	LAB_CAT(ph.question, "Who may call mlock, and how much: what limits "
	    "it (ulimit -l)?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
