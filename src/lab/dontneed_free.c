/* step dontneed-free: MADV_DONTNEED drops pages at once; MADV_FREE only when memory is short. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "lab.h"

#define NPAGES 16

/*
 * MADV_FREE queues the pages on a per-CPU batch; smaps counts them as
 * LazyFree only once that batch is drained, which happens when this CPU
 * next drains its LRU batches (another process's munmap, for one; on a
 * busy machine that can take seconds). MADV_COLD drains the batches of the
 * CPU it runs on first thing: ask it of drain_at, a range with no page in
 * it (so nothing else changes), and wait a little (5 s at most) so the
 * figure we report is the settled one.
 */
static long long
lazyfree_kb(struct lab *lab, uintptr_t start, long long want, void *drain_at)
{
	struct timespec ts = { 0, 50 * 1000000L };
	long long kb = -1;

	for (int i = 0; i < 100 && !lab_signalled; i++) {
#ifdef MADV_COLD
		(void)madvise(drain_at, lab->ps, MADV_COLD);
#endif
		if ((kb = lab_smaps_kb(lab, start, "LazyFree")) >= want)
			break;
		nanosleep(&ts, NULL);
	}
	return kb;
}

/* The phases below: 0 go on, 1 the lab quits, -1 an error (printed). */
static int
df_written(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;

	lab_touch(a->p, a->len, lab->ps, 'A');
	lab_touch(b->p, b->len, lab->ps, 'B');
	lab_phase_init(&ph, "written", a->p, a->len);
	lab_phase_add_range(&ph, b->p, b->len);
	LAB_CAT(ph.did, "Mapped two regions of %d anonymous pages, A and B "
	    "(the two ranges), and wrote every page.", NPAGES);
	LAB_CAT(ph.expect, "Both regions fully present and exclusive.");
	LAB_CAT(ph.question, "A program is done with both buffers but keeps "
	    "the address space. How can it give the memory back?");
	return lab_phase_next(lab, &ph);
}

static int
df_advised(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;
	struct lab_pm sa, sb;
	long long lazy;
	int free_err = 0;

	if (madvise(a->p, a->len, MADV_DONTNEED) == -1)
		return lab_error(lab, "madvise(MADV_DONTNEED)");
	if (madvise(b->p, b->len, MADV_FREE) == -1)
		free_err = errno;
	if (lab_pm_sum(lab, a->p, a->len, &sa) == -1 ||
	    lab_pm_sum(lab, b->p, b->len, &sb) == -1)
		return lab_error(lab, "pagemap");
	/* A: emptied by MADV_DONTNEED above, so MADV_COLD changes nothing */
	lazy = lazyfree_kb(lab, (uintptr_t)b->p, sb.present * lab->ps / 1024,
	    a->p);
	lab_phase_init(&ph, "advised", a->p, a->len);
	lab_phase_add_range(&ph, b->p, b->len);
	LAB_CAT(ph.did, "madvise(A, MADV_DONTNEED); madvise(B, MADV_FREE).");
	LAB_CAT(ph.expect, "A: no page present: MADV_DONTNEED freed the "
	    "frames at once (measured: %zu of %d present). ", sa.present,
	    NPAGES);
	if (free_err != 0)
		LAB_CAT(ph.expect, "B: this kernel refused MADV_FREE (%s; it "
		    "came in Linux 4.5), so B is unchanged.",
		    strerror(free_err));
	else
		LAB_CAT(ph.expect, "B: still present (measured: %zu of %d), "
		    "but smaps shows LazyFree: %lld kB for B's VMA: the kernel "
		    "may discard these pages when it needs memory, and not "
		    "before.", sb.present, NPAGES, lazy);
	LAB_CAT(ph.question, "What will a read of A's first page return? "
	    "And of B's?");
	return lab_phase_next(lab, &ph);
}

static int
df_read_back(struct lab *lab, struct lab_map *a, struct lab_map *b)
{
	struct lab_phase ph;
	struct lab_pm sa;
	char a0 = a->p[0], b0 = b->p[0];

	if (lab_pm_sum(lab, a->p, a->len, &sa) == -1)
		return lab_error(lab, "pagemap");
	lab_phase_init(&ph, "read-back", a->p, a->len);
	lab_phase_add_range(&ph, b->p, b->len);
	LAB_CAT(ph.did, "Read the first byte of A and of B.");
	LAB_CAT(ph.expect, "A's first page is present again (a fresh "
	    "demand-zero page; measured: %zu of %d present in A); it read %s. "
	    "B's first page read %s.", sa.present, NPAGES,
	    a0 == 0 ? "0: the data is gone" : "old data (unexpected)",
	    b0 == 'B' ? "'B': the data is still there, the kernel has not "
	    "needed the memory" : "0: the kernel has already reclaimed it");
	LAB_CAT(ph.question, "Why would an allocator (jemalloc, glibc) "
	    "prefer MADV_FREE? What is the risk of reading freed memory?");
	return lab_phase_next(lab, &ph);
}

int
step_dontneed_free(struct lab *lab)
{
	static lab_two_phase *const phases[] = {
		df_written, df_advised, df_read_back,
	};

	return lab_run_two(lab, NPAGES * lab->ps, "dontneed", "free", phases,
	    sizeof(phases) / sizeof(phases[0]));
}
