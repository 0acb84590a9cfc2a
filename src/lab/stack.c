/* step stack: recursion grows [stack]; pages never touched; the guard gap below it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

#define DEPTH	16
#define FRAME	(32 * 1024)	/* each frame's array; only its lowest byte written */

struct deep {
	struct lab *lab;
	uint64_t vma[2];	/* [stack] when the step began */
	uint64_t frames[2];	/* [page above the deepest SP, old VMA start) */
	int rc;
};

/* stack_guard_gap= on the command line, else the default 256 pages. */
static uint64_t
guard_gap(struct lab *lab)
{
	char text[4096], *p;
	uint64_t pages = 256;
	const char *err = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f == NULL)
		return pages * lab->ps;
	if (fgets(text, sizeof(text), f) != NULL &&
	    (p = strstr(text, "stack_guard_gap=")) != NULL) {
		long long v;

		p += strlen("stack_guard_gap=");
		p[strspn(p, "0123456789")] = '\0';
		v = strtonum(p, 0, 1LL << 30, &err);
		if (err == NULL)
			pages = (uint64_t)v;
	}
	fclose(f);
	return pages * lab->ps;
}

static int
stack_vma(struct lab *lab, const void *sp, uint64_t vma[2])
{
	uint64_t v[1][2];
	size_t n;

	if (lab_vmas(lab, sp, 1, v, 1, &n) == -1 || n != 1)
		return -1;
	vma[0] = v[0][0];
	vma[1] = v[0][1];
	return 0;
}

/*
 * Touch RESERVE bytes below the caller's frame, so that the printing and
 * waiting done at the bottom of the recursion run in stack the VMA already
 * covers: [stack] then stays exactly as measured while the class looks.
 */
#define RESERVE	(64 * 1024)
static __attribute__((noinline)) char
reserve(size_t ps)
{
	volatile char pad[RESERVE];

	for (size_t i = 0; i < RESERVE; i += ps)
		pad[i] = 0;
	return pad[0];
}

static int
at_bottom(struct deep *d, uintptr_t sp)
{
	struct lab *lab = d->lab;
	struct lab_phase ph;
	struct lab_pm s;
	uint64_t vma[2], gap = guard_gap(lab);

	(void)reserve(lab->ps);
	if (stack_vma(lab, (void *)sp, vma) == -1)
		return d->rc = lab_error(lab, "finding [stack]");
	d->frames[0] = (sp + lab->ps) & ~(uint64_t)(lab->ps - 1);
	d->frames[1] = d->vma[0];
	if (lab_pm_sum(lab, (void *)d->frames[0], d->frames[1] - d->frames[0],
	    &s) == -1)
		return d->rc = lab_error(lab, "pagemap");
	lab_phase_init(&ph, "deep", (void *)vma[0], vma[1] - vma[0]);
	lab_phase_add_range(&ph, (void *)d->frames[0],
	    d->frames[1] - d->frames[0]);
	lab_phase_add_range(&ph, (void *)(vma[0] - gap), gap);
	LAB_CAT(ph.did, "Recursed %d calls deep; each frame holds a %d KiB "
	    "array of which only the lowest byte was written. SP is near "
	    "0x%lx.", DEPTH, FRAME / 1024, (unsigned long)sp);
	LAB_CAT(ph.expect, "[stack] grew from %llu to %llu KiB (first range): "
	    "a fault just below the stack extends the VMA (the lowest %d KiB the "
	    "lab touched itself, room for its own printing). The second range is "
	    "the new part above SP: %zu of its %zu pages present (the ones "
	    "written), %zu never faulted in although inside the VMA. The third "
	    "range is the guard gap (%llu KiB) that no other mapping may "
	    "enter.", (unsigned long long)(d->vma[1] - d->vma[0]) / 1024,
	    (unsigned long long)(vma[1] - vma[0]) / 1024, RESERVE / 1024,
	    s.present, s.n,
	    s.n - s.present, (unsigned long long)gap / 1024);
	LAB_CAT(ph.question, "Why are most pages of each frame absent? What "
	    "stops the stack from growing into the heap or a library?");
	return lab_phase_show(lab, &ph);
}

static __attribute__((noinline)) int
recurse(struct deep *d, int depth)
{
	volatile char buf[FRAME];
	int r;

	buf[0] = (char)depth;
	if (depth == DEPTH)
		r = at_bottom(d, (uintptr_t)buf);
	else
		r = recurse(d, depth + 1);
	/* reading buf after the call keeps the frame (no tail call) */
	return r + (buf[0] != (char)depth);
}

int
step_stack(struct lab *lab)
{
	struct deep d = { .lab = lab };
	struct lab_phase ph;
	struct lab_pm s;
	uint64_t vma[2];
	volatile char here = 0;

	if (stack_vma(lab, (const void *)&here, d.vma) == -1)
		return lab_error(lab, "finding [stack]");
	lab_phase_init(&ph, "start", (void *)d.vma[0], d.vma[1] - d.vma[0]);
	LAB_CAT(ph.did, "Found this thread's stack: SP is near 0x%lx.",
	    (unsigned long)(uintptr_t)&here);
	LAB_CAT(ph.expect, "[stack] is %llu KiB: the pages above SP present "
	    "(in use), a few below it.",
	    (unsigned long long)(d.vma[1] - d.vma[0]) / 1024);
	LAB_CAT(ph.question, "The stack limit (ulimit -s) is usually 8 MiB. "
	    "Why is [stack] so much smaller? What will %d nested calls with "
	    "%d KiB of locals each do to it?", DEPTH, FRAME / 1024);
	if (lab_phase_show(lab, &ph) == -1)
		return -1;

	if (recurse(&d, 1) != 0 || d.rc == -1)
		return -1;

	if (stack_vma(lab, (const void *)&here, vma) == -1 ||
	    lab_pm_sum(lab, (void *)d.frames[0], d.frames[1] - d.frames[0],
	    &s) == -1)
		return lab_error(lab, "reading our own maps or pagemap");
	lab_phase_init(&ph, "returned", (void *)vma[0], vma[1] - vma[0]);
	lab_phase_add_range(&ph, (void *)d.frames[0],
	    d.frames[1] - d.frames[0]);
	LAB_CAT(ph.did, "Returned from all %d calls: SP is back near 0x%lx.",
	    DEPTH, (unsigned long)(uintptr_t)&here);
	LAB_CAT(ph.expect, "[stack] is still %llu KiB: the kernel never "
	    "shrinks it. The second range is now below SP: its %zu present "
	    "pages stay present (still charged to the process), the other %zu "
	    "were never faulted in.", (unsigned long long)(vma[1] - vma[0]) /
	    1024, s.present, s.n - s.present);
	LAB_CAT(ph.question, "Is memory below SP garbage or data? What would "
	    "a second recursion of the same depth cost?");
	return lab_phase_show(lab, &ph);
}
