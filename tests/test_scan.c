/* test_scan: PAGEMAP_SCAN counts with faults injected through the reader's ioctl seam. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagemap_scan.h"
#include "procfs.h"
#include "pmfixture.h"

/*
 * A binary pagemap fixture is described page by page by kind_at() and
 * written to an unlinked temp file; the reader preads that file. A fake
 * PAGEMAP_SCAN answers from the same entries the way fs/proc/task_mmu.c
 * does (categories from the documented bits, runs of equal categories
 * merged into regions, the vector filled up to vec_len), and can inject
 * the faults kernels show: ENOTTY, EINVAL on some call, EINVAL for a
 * category bit the kernel predates, a full vector, regions reaching past
 * walk_end. Every count is checked against the kind table and against
 * the pread path on the same file.
 */
#define FIX_N 50021		/* pages; no round number */
#define GAP_LO 20000		/* [GAP_LO, GAP_HI) empty but GAP_LONE */
#define GAP_HI 31000
#define GAP_LONE 25007

enum kind {
	K_ZERO,
	K_ANON,		/* present, exclusive */
	K_FILE,		/* present, file-backed */
	K_ANON_SD,	/* present, exclusive, soft-dirty */
	K_SWAP,		/* swapped (type 1-4, an offset) */
	K_GUARD,	/* guard marker (58 and 62) */
	K_SD_HOLE,	/* no page; soft-dirty (a VM_SOFTDIRTY VMA's hole) */
	K_NKINDS
};

static size_t pagesize;
static enum kind *kinds;
static uint64_t *ents;
static int fixfd = -1;

static uint32_t
mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/*
 * Runs of 16 pages share a kind (so regions merge across pages), a third
 * of the runs are empty, one page in 11 is a hole inside a run, and a
 * long gap holds one lone page: thousands of regions in all, far more
 * than one 256-region vector.
 */
static enum kind
kind_at(uint64_t i)
{
	uint32_t h = mix((uint32_t)(i / 16) + 1);

	if (i == 0 || i == FIX_N - 1)
		return K_ANON;
	if (i >= GAP_LO && i < GAP_HI)
		return i == GAP_LONE ? K_SWAP : K_ZERO;
	if (h % 3 == 0 || mix((uint32_t)i) % 11 == 0)
		return K_ZERO;
	return (enum kind)(1 + (h / 3) % (K_NKINDS - 1));
}

/* Raw entries from the bit numbers of pagemap.rst, not pagemap.h. */
static uint64_t
entry_of(enum kind k, uint64_t i)
{
	switch (k) {
	case K_ANON:
		return BIT(63) + BIT(56) + 1000 + i;
	case K_FILE:
		return BIT(63) + BIT(61) + 900000 + i;
	case K_ANON_SD:
		return BIT(63) + BIT(56) + BIT(55) + 2000000 + i;
	case K_SWAP:
		return BIT(62) + ((i + 1) << 5) + 1 + i % 4;
	case K_GUARD:
		return BIT(62) + BIT(58);
	case K_SD_HOLE:
		return BIT(55);
	default:
		return 0;
	}
}

/*
 * Expected counts of pages [from, to) from the kind table alone. Before
 * 6.15 bit 58 means nothing and a guard entry reads as swapped (bit 62).
 */
static void
expect(uint64_t from, uint64_t to, bool sd_known, bool guard_known,
    struct pm_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (uint64_t i = from; i < to; i++) {
		if (!pmfix_counted(c, i, FIX_N))
			continue;
		switch (kinds[i]) {
		case K_ANON:
			c->present++;
			c->exclusive++;
			break;
		case K_FILE:
			c->present++;
			c->file_shared++;
			break;
		case K_ANON_SD:
			c->present++;
			c->exclusive++;
			c->soft_dirty += sd_known;
			break;
		case K_SWAP:
			c->swapped++;
			break;
		case K_GUARD:
			if (guard_known)
				c->guard++;
			else
				c->swapped++;
			break;
		case K_SD_HOLE:
			c->soft_dirty += sd_known;
			break;
		default:
			break;
		}
	}
}

/* ---------------------------------------------------------------- fake */

/* Category bits of each kernel generation. */
#define CATS_6_7 ((uint64_t)PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | \
    PAGE_IS_FILE | PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | \
    PAGE_IS_HUGE)
#define CATS_6_8 (CATS_6_7 | PAGE_IS_SOFT_DIRTY)
#define CATS_6_16 (CATS_6_8 | PAGE_IS_GUARD)

/*
 * OV_BACK: walk_end inside the last region when the vector fills.
 * OV_FWD: the last region runs on 2 MiB past walk_end.
 * OV_STALE: what 6.18 does past 512 regions: walk_end at the start of a
 * region in the middle, the regions after it returned all the same.
 */
enum overlap { OV_NONE, OV_BACK, OV_FWD, OV_STALE };

static struct fake {
	/* the kernel */
	uint64_t cats;		/* category bits it takes */
	/* injected faults */
	int err;		/* errno of injected failures (0: none) */
	unsigned int err_from;	/* calls from this (1-based) fail... */
	unsigned int err_count;	/* ...this many of them (0: all) */
	size_t cap;		/* regions per call at most (0: vec_len) */
	enum overlap overlap;	/* regions past walk_end when stopping */
	/* what happened */
	unsigned int calls;
	unsigned int refused;	/* EINVAL for an unknown category */
	unsigned int asked_sd, asked_guard;
	unsigned int full;	/* returns with walk_end short of end */
	unsigned int overlaps;	/* regions reported past walk_end */
	uint64_t walked;	/* pages the calls walked */
	uint64_t last_end;	/* walk_end of the last call */
	unsigned int jumps;	/* calls starting past the last walk_end */
} fk;

/* Counts run on several threads: one call at a time through the fake. */
static pthread_mutex_t fk_mu = PTHREAD_MUTEX_INITIALIZER;

static void
fake_reset(uint64_t cats)
{
	memset(&fk, 0, sizeof(fk));
	fk.cats = cats;
}

/* The kernel's categories for one page (task_mmu.c, PTE level). */
static uint64_t
page_cats(uint64_t idx)
{
	uint64_t e = idx < FIX_N ? ents[idx] : 0, c = 0;

	if (e & BIT(63))
		c |= PAGE_IS_PRESENT;
	if (e & BIT(62))
		c |= PAGE_IS_SWAPPED;	/* guard markers are swap PTEs */
	if (e & BIT(61))
		c |= PAGE_IS_FILE;
	if (e & BIT(55))
		c |= PAGE_IS_SOFT_DIRTY;
	if (e & BIT(58))
		c |= PAGE_IS_GUARD;
	return c;
}

static int fake_scan_locked(int fd, void *p);

static int
fake_scan(int fd, void *p)
{
	int ret, err;

	pthread_mutex_lock(&fk_mu);
	ret = fake_scan_locked(fd, p);
	err = errno;
	pthread_mutex_unlock(&fk_mu);
	errno = err;
	return ret;
}

static int
fake_scan_locked(int fd, void *p)
{
	struct pm_scan_arg *a = p;
	struct page_region *vec = (struct page_region *)(uintptr_t)a->vec;
	uint64_t masks = a->category_inverted | a->category_mask |
	    a->category_anyof_mask | a->return_mask;
	uint64_t end, addr, walk_end, n = 0, room;
	bool stopped = false;

	(void)fd;
	fk.calls++;
	fk.asked_sd += (masks & PAGE_IS_SOFT_DIRTY) != 0;
	fk.asked_guard += (masks & PAGE_IS_GUARD) != 0;
	if (fk.err != 0 && fk.calls >= fk.err_from && (fk.err_count == 0 ||
	    fk.calls < fk.err_from + fk.err_count)) {
		errno = fk.err;
		return -1;
	}
	/* pagemap_scan_get_args() */
	if (a->size != sizeof(*a) || a->flags != 0) {
		errno = EINVAL;
		return -1;
	}
	if (masks & ~fk.cats) {
		fk.refused++;
		errno = EINVAL;
		return -1;
	}
	if (a->start % pagesize != 0 || (a->vec == 0 && a->vec_len != 0) ||
	    a->end < a->start) {
		errno = EINVAL;
		return -1;
	}
	end = (a->end + pagesize - 1) / pagesize * pagesize;
	room = fk.cap != 0 && fk.cap < a->vec_len ? fk.cap : a->vec_len;
	walk_end = end;
	for (addr = a->start; addr < end; addr += pagesize) {
		uint64_t c = page_cats(addr / pagesize), t = c ^
		    a->category_inverted;

		if ((t & a->category_mask) != a->category_mask)
			continue;
		if (a->category_anyof_mask && !(t & a->category_anyof_mask))
			continue;
		c &= a->return_mask;
		if (n > 0 && vec[n - 1].end == addr &&
		    vec[n - 1].categories == c) {
			vec[n - 1].end += pagesize;
			continue;
		}
		if (n == room) {
			walk_end = addr;
			stopped = true;
			break;
		}
		vec[n].start = addr;
		vec[n].end = addr + pagesize;
		vec[n].categories = c;
		n++;
	}
	if (stopped && n > 0) {
		struct page_region *last = &vec[n - 1];
		uint64_t half = last->start + (last->end - last->start) /
		    pagesize / 2 * pagesize;

		fk.full++;
		/* walk_end inside the last region: it is reported again. */
		if (fk.overlap == OV_BACK && half > a->start &&
		    half < last->end) {
			walk_end = half;
			fk.overlaps++;
		}
		/* The last region runs on past walk_end (2 MiB of it). */
		if (fk.overlap == OV_FWD && last->end == walk_end) {
			last->end += 512 * pagesize;
			if (last->end > end)
				last->end = end;
			fk.overlaps += last->end > walk_end;
		}
	}
	if (fk.overlap == OV_STALE && n >= 2) {
		walk_end = vec[n / 2].start;
		fk.overlaps++;
	}
	if (a->start > fk.last_end && fk.last_end != 0)
		fk.jumps++;
	fk.walked += (walk_end - a->start) / pagesize;
	fk.last_end = walk_end;
	a->walk_end = walk_end;
	return (int)n;
}

/* ---------------------------------------------------------------- setup */

static int
setup(void **state)
{
	size_t seen[K_NKINDS] = { 0 };

	(void)state;
	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	kinds = calloc(FIX_N, sizeof(*kinds));
	ents = calloc(FIX_N, sizeof(*ents));
	if (kinds == NULL || ents == NULL)
		return -1;
	for (uint64_t i = 0; i < FIX_N; i++) {
		kinds[i] = kind_at(i);
		ents[i] = entry_of(kinds[i], i);
		seen[kinds[i]]++;
	}
	/* The fixture is what it claims: every kind, many times. */
	for (int k = 0; k < K_NKINDS; k++)
		if (seen[k] < 100)
			return -1;
	return (fixfd = pmfix_file(ents, FIX_N, 0)) == -1 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (fixfd >= 0)
		close(fixfd);
	free(kinds);
	free(ents);
	return 0;
}

/*
 * A reader on the fixture for a kernel of `release` (pagemap bits), with
 * soft-dirty meaningful or not, PAGEMAP_SCAN through the fake.
 */
static void
reader(struct pm_reader *r, const char *release, bool sd_known)
{
	pagemap_init_fd(r, fixfd, pagesize);
	pagemap_caps_from_release(release, &r->caps);
	r->caps.pfn_visible = 1;
	if (sd_known)
		r->caps.known |= PMF_SOFT_DIRTY;
	else
		r->caps.known &= ~(uint32_t)PMF_SOFT_DIRTY;
	r->scan_ioctl = fake_scan;
	/*
	 * One worker, a small vector, scan steps only: the fault tests count
	 * calls and need the vector to fill, on a fixture dense enough that
	 * a count would read most of it directly (the tests of the count
	 * engine set their own).
	 */
	r->threads = 1;
	r->scan_vec = 64;
	r->scan_dense = true;
}

/* Ranges (in pages) every check counts. */
static const uint64_t ranges[][2] = {
	{ 0, FIX_N }, { 0, FIX_N + 300 }, { 1, FIX_N - 1 }, { 17, 18 },
	{ 15, 33 }, { GAP_LO - 5, GAP_HI + 5 }, { 4097, 9000 },
	{ FIX_N - 40, FIX_N + 40 }, { FIX_N, FIX_N + 9 }, { 333, 333 },
};
#define NRANGES (sizeof(ranges) / sizeof(ranges[0]))

/*
 * Count every range through r and check it against the kind table and
 * against a pread-only reader of the same file.
 */
static void
check_counts(struct pm_reader *r, const char *release, bool sd_known)
{
	struct pm_reader rp;
	struct pm_counts c, cp, want;

	reader(&rp, release, sd_known);
	rp.force_pread = true;
	for (size_t i = 0; i < NRANGES; i++) {
		uint64_t s = ranges[i][0] * pagesize, e = ranges[i][1] *
		    pagesize;

		expect(ranges[i][0], ranges[i][1], sd_known,
		    (rp.caps.known & PMF_GUARD) != 0, &want);
		if (pagemap_count(r, s, e, &c) != 0)
			fail_msg("range %zu: pagemap_count: %s (after %u "
			    "calls)", i, strerror(errno), fk.calls);
		assert_int_equal(pagemap_count(&rp, s, e, &cp), 0);
		assert_counts_equal(&cp, &want);
		assert_counts_equal(&c, &want);
	}
	assert_int_equal(rp.ioctls, 0);
}

/* ---------------------------------------------------------------- tests */

/* The fake itself: a full scan finds every non-empty page, in order. */
static void
test_scan_fake_matches_fixture(void **state)
{
	static struct pm_region reg[FIX_N];
	struct pm_reader r;
	uint64_t we, pages = 0, nonzero = 0, last = 0;
	ssize_t n;

	(void)state;
	fake_reset(CATS_6_16);
	reader(&r, "6.18.0", true);
	n = pagemap_scan(&r, 0, (uint64_t)FIX_N * pagesize, PAGE_IS_PRESENT |
	    PAGE_IS_SWAPPED | PAGE_IS_FILE | PAGE_IS_SOFT_DIRTY, reg, FIX_N,
	    &we);
	assert_true(n > 1000);
	assert_int_equal(we, (uint64_t)FIX_N * pagesize);
	for (ssize_t i = 0; i < n; i++) {
		assert_true(reg[i].start >= last && reg[i].end > reg[i].start);
		pages += (reg[i].end - reg[i].start) / pagesize;
		last = reg[i].end;
	}
	for (uint64_t i = 0; i < FIX_N; i++)
		nonzero += ents[i] != 0;
	assert_int_equal(pages, nonzero);
}

/* Each kernel generation, soft-dirty counted or not: same counts. */
static void
test_scan_counts_every_kernel(void **state)
{
	static const struct {
		uint64_t cats;
		const char *release;
	} k[] = {
		{ CATS_6_7, "6.7.12" }, { CATS_6_8, "6.8.0" },
		{ CATS_6_8, "6.15.11" }, { CATS_6_16, "6.16.0" },
		{ CATS_6_16, "6.18.0" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		for (int sd = 0; sd <= 1; sd++) {
			struct pm_reader r;
			bool can = sd == 0 || (k[i].cats & PAGE_IS_SOFT_DIRTY);

			fake_reset(k[i].cats);
			reader(&r, k[i].release, sd);
			check_counts(&r, k[i].release, sd);
			/* Scanned where it can be exact, else pread. */
			assert_int_equal(pagemap_count_scans(&r), can);
			assert_int_equal(r.scan, 1);
			/* Each refused bit costs one probe, once. */
			assert_true(fk.refused <= 2);
			if (!(k[i].cats & PAGE_IS_GUARD))
				assert_int_equal(fk.asked_guard, 1);
			if (!(k[i].cats & PAGE_IS_SOFT_DIRTY))
				assert_int_equal(fk.asked_sd, 1);
			if (can)
				assert_true(fk.full > 0);
		}
	}
}

/*
 * What the TUI does: a probe naming only PAGE_IS_PRESENT succeeds, then
 * the counts (VMA list, minimap) go on. On 6.7 (no SOFT_DIRTY) and 6.15
 * (no GUARD, though pagemap has bit 58) every count failed with EINVAL.
 */
static void
test_scan_probe_then_count(void **state)
{
	static const struct {
		uint64_t cats;
		const char *release;
	} k[] = {
		{ CATS_6_7, "6.7.12" }, { CATS_6_8, "6.15.11" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct pm_reader r;
		struct pm_region reg;
		uint64_t we;

		fake_reset(k[i].cats);
		reader(&r, k[i].release, true);
		assert_true(pagemap_scan(&r, 0, pagesize, PAGE_IS_PRESENT, &reg,
		    1, &we) >= 0);
		assert_int_equal(r.scan, 1);
		check_counts(&r, k[i].release, true);
		/* 6.15 has SOFT_DIRTY: the count still scans. */
		if (k[i].cats & PAGE_IS_SOFT_DIRTY) {
			assert_int_equal(r.scan, 1);
			assert_true(fk.full > 0);
		}
	}
}

/* No ioctl (before 6.7): ENOTTY at the first call, pread from then on. */
static void
test_scan_enotty(void **state)
{
	struct pm_reader r;
	unsigned int calls;

	(void)state;
	fake_reset(CATS_6_16);
	fk.err = ENOTTY;
	fk.err_from = 1;
	reader(&r, "6.1.0", true);
	check_counts(&r, "6.1.0", true);
	assert_int_equal(r.scan, 0);
	assert_int_equal(pagemap_count_scans(&r), 0);
	/* Learnt once: no call after the first refusal. */
	calls = fk.calls;
	check_counts(&r, "6.1.0", true);
	assert_int_equal(fk.calls, calls);
	assert_true(calls <= 1);
}

/*
 * EINVAL at the first call, at a later one, once or for good, and also
 * ENOTTY late: the counts never fail and never change.
 */
static void
test_scan_einval_any_call(void **state)
{
	static const unsigned int from[] = { 1, 2, 3, 4, 5, 8, 20, 40 };
	static const int errs[] = { EINVAL, ENOTTY };

	(void)state;
	for (size_t e = 0; e < sizeof(errs) / sizeof(errs[0]); e++) {
		for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
			for (unsigned int cnt = 0; cnt <= 1; cnt++) {
				struct pm_reader r;

				fake_reset(CATS_6_16);
				fk.err = errs[e];
				fk.err_from = from[i];
				fk.err_count = cnt;
				reader(&r, "6.18.0", true);
				check_counts(&r, "6.18.0", true);
				/* The fault did strike, inside the counts. */
				assert_true(fk.calls >= from[i]);
			}
		}
	}
}

/* A full vector (ret == vec_len, walk_end short of end), or a short one. */
static void
test_scan_full_vector(void **state)
{
	static const size_t caps[] = { 0, 1, 2, 7, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct pm_reader r;

		fake_reset(CATS_6_16);
		fk.cap = caps[i];
		reader(&r, "6.18.0", true);
		check_counts(&r, "6.18.0", true);
		assert_true(fk.full > 0);
		assert_int_equal(r.scan, 1);
	}
}

/*
 * Regions reaching past the walk_end their call reports (6.18: 512 pages
 * counted twice over a 64 TiB VMA): walk_end inside the last region, the
 * last region running 2 MiB past walk_end into the next call's, or half
 * the regions wholly past walk_end.
 */
static void
test_scan_regions_past_walk_end(void **state)
{
	static const enum overlap ov[] = { OV_BACK, OV_FWD, OV_STALE };
	static const size_t caps[] = { 0, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(ov) / sizeof(ov[0]); i++) {
		for (size_t j = 0; j < sizeof(caps) / sizeof(caps[0]); j++) {
			struct pm_reader r;

			fake_reset(CATS_6_16);
			fk.overlap = ov[i];
			fk.cap = caps[j];
			reader(&r, "6.18.0", true);
			check_counts(&r, "6.18.0", true);
			assert_true(fk.overlaps > 0);
			assert_int_equal(r.scan, 1);
		}
	}
}

/*
 * pagemap_scan() itself on a kernel without SOFT_DIRTY and GUARD: the
 * refused bits are dropped (once), the rest is answered.
 */
static void
test_scan_optional_bits_dropped(void **state)
{
	static struct pm_region reg[FIX_N];
	struct pm_reader r;
	uint64_t we, present = 0;
	ssize_t n;

	(void)state;
	fake_reset(CATS_6_7);
	reader(&r, "6.7.12", true);
	for (int pass = 0; pass < 2; pass++) {
		n = pagemap_scan(&r, 0, (uint64_t)FIX_N * pagesize,
		    PAGE_IS_PRESENT | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD, reg,
		    FIX_N, &we);
		assert_true(n > 0);
		assert_int_equal(we, (uint64_t)FIX_N * pagesize);
	}
	assert_int_equal(fk.refused, 2);
	assert_int_equal(fk.asked_sd, 1);
	assert_int_equal(fk.asked_guard, 1);
	for (ssize_t i = 0; i < n; i++) {
		assert_int_equal(reg[i].categories, PAGE_IS_PRESENT);
		present += (reg[i].end - reg[i].start) / pagesize;
	}
	for (uint64_t i = 0; i < FIX_N; i++)
		present -= (ents[i] & BIT(63)) != 0;
	assert_int_equal(present, 0);
	/* Nothing left to ask for: an error, not "every page". */
	assert_int_equal(pagemap_scan(&r, 0, pagesize, PAGE_IS_GUARD, reg, 1,
	    &we), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(r.scan, 1);
}

/* ---------------------------------------------------------------- engine */

/*
 * The count engine with 1-4 workers, any vector, regions past walk_end,
 * dense stretches read directly or scanned: the same counts as the kind
 * table and the pread path, which itself runs on as many workers.
 */
static void
test_scan_workers_same_counts(void **state)
{
	static const enum overlap ov[] = { OV_NONE, OV_FWD, OV_STALE };
	static const unsigned int vecs[] = { 0, 5 };

	(void)state;
	for (unsigned int nt = 1; nt <= 4; nt++)
	for (size_t v = 0; v < sizeof(vecs) / sizeof(vecs[0]); v++)
	for (size_t o = 0; o < sizeof(ov) / sizeof(ov[0]); o++)
	for (int dense = 0; dense <= 1; dense++) {
		struct pm_reader r, rp;
		struct pm_counts c, want;

		fake_reset(CATS_6_16);
		fk.overlap = ov[o];
		reader(&r, "6.18.0", true);
		r.threads = nt;
		r.scan_vec = vecs[v];
		r.scan_dense = dense;
		check_counts(&r, "6.18.0", true);
		assert_int_equal(r.scan, 1);
		assert_true(r.ioctls > 0);
		/* The pread path on nt workers too. */
		reader(&rp, "6.18.0", true);
		rp.force_pread = true;
		rp.threads = nt;
		for (size_t i = 0; i < NRANGES; i++) {
			expect(ranges[i][0], ranges[i][1], true, true, &want);
			assert_int_equal(pagemap_count(&rp, ranges[i][0] *
			    pagesize, ranges[i][1] * pagesize, &c), 0);
			assert_counts_equal(&c, &want);
		}
		assert_int_equal(rp.ioctls, 0);
	}
}

/*
 * A dense stretch is read without asking the scan about it, and the scan
 * comes back where pread batches turn up (almost) nothing: the fixture's
 * 11,000-page gap with its one lone page.
 */
static void
test_scan_dense_read_directly(void **state)
{
	struct pm_reader r;
	struct pm_counts c, want;

	(void)state;
	fake_reset(CATS_6_16);
	reader(&r, "6.18.0", true);
	r.scan_vec = 0;
	r.scan_dense = false;
	expect(0, FIX_N, true, true, &want);
	assert_int_equal(pagemap_count(&r, 0, (uint64_t)FIX_N * pagesize, &c),
	    0);
	assert_counts_equal(&c, &want);
	/* Most of the fixture was never scanned... */
	assert_true(fk.walked < FIX_N / 2);
	/* ...and scanning resumed after direct reads. */
	assert_true(fk.jumps > 0);
	fprintf(stderr, "dense fixture: %" PRIu64 " of %d pages scanned, "
	    "%u calls, %u resumed after direct reads\n", fk.walked, FIX_N,
	    fk.calls, fk.jumps);
}

/* ---------------------------------------------------------------- live */

#define LIVE_LEN	(1ULL << 30)
#define LIVE_TOUCH	5000	/* > 512 regions (the kernel's buffer) */
#define LIVE_VEC	4096

/*
 * Regions of [s, e) straight from the kernel, one call (no vmpeek code):
 * -1 with errno when the machine has no PAGEMAP_SCAN.
 */
static long
raw_scan(int fd, uint64_t s, uint64_t e, struct page_region *vec,
    uint64_t *walk_end)
{
	struct pm_scan_arg a;
	long n;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.start = s;
	a.end = e;
	a.vec = (uint64_t)(uintptr_t)vec;
	a.vec_len = LIVE_VEC;
	a.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	a.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
	n = ioctl(fd, PAGEMAP_SCAN, &a);
	*walk_end = a.walk_end;
	return n;
}

/*
 * The real kernel: 5000 lone pages in a 1 GiB mapping, scanned with a
 * 4096-region vector. 6.18 returns 905 regions of which the last 393 lie
 * past the walk_end it reports, and the next call reports them again.
 * pagemap_scan() must hand out each page once, the count must equal the
 * pages we touched and the pread path.
 */
static void
test_scan_live_regions_past_walk_end(void **state)
{
	static struct page_region raw[LIVE_VEC];
	static struct pm_region reg[LIVE_VEC];
	struct pm_reader r, rp;
	struct pm_counts c, cp;
	uint64_t s, e, cur, we, done, pages = 0, past = 0;
	int fd, rootfd;
	long n;
	char *p;

	(void)state;
	/* Independent probe: the ioctl itself on our own pagemap. */
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		fprintf(stderr, "SKIP: /proc/self/pagemap: %s\n",
		    strerror(errno));
		skip();
	}
	if (raw_scan(fd, 0, pagesize, raw, &we) == -1) {
		fprintf(stderr, "SKIP: no PAGEMAP_SCAN on this kernel (%s)\n",
		    strerror(errno));
		close(fd);
		skip();
	}
	p = mmap(NULL, LIVE_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(p != MAP_FAILED);
	/* Lone small pages even where THP is "always". */
	(void)madvise(p, LIVE_LEN, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < LIVE_TOUCH; i++)
		p[(LIVE_LEN / LIVE_TOUCH * i) & ~((uint64_t)pagesize - 1)] = 1;
	s = (uintptr_t)p;
	e = s + LIVE_LEN;

	/* What the kernel does (information: the checks below hold anyway). */
	for (cur = s; cur < e && (n = raw_scan(fd, cur, e, raw, &we)) >= 0;
	    cur = we) {
		for (long i = 0; i < n; i++)
			past += raw[i].end > we;
		if (we <= cur)
			break;
	}
	fprintf(stderr, "kernel: %" PRIu64 " regions reported past walk_end\n",
	    past);
	close(fd);

	assert_true((rootfd = procfs_open_root("/proc")) >= 0);
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	for (cur = done = s; cur < e; cur = we) {
		ssize_t k = pagemap_scan(&r, cur, e, PAGE_IS_PRESENT |
		    PAGE_IS_SWAPPED, reg, LIVE_VEC, &we);

		assert_true(k >= 0);
		assert_true(we > cur && we <= e);
		for (ssize_t i = 0; i < k; i++) {
			if (reg[i].start < done || reg[i].end > we)
				fail_msg("region %" PRIx64 "-%" PRIx64 " again "
				    "(counted to %" PRIx64 ", walk_end %" PRIx64
				    ")", reg[i].start, reg[i].end, done, we);
			pages += (reg[i].end - reg[i].start) / pagesize;
			done = reg[i].end;
		}
	}
	assert_int_equal(pages, LIVE_TOUCH);

	assert_int_equal(pagemap_count(&r, s, e, &c), 0);
	assert_int_equal(r.scan, 1);
	assert_int_equal(c.present, LIVE_TOUCH);
	assert_int_equal(c.exclusive, LIVE_TOUCH);
	assert_int_equal(pagemap_open(&rp, rootfd, getpid()), 0);
	rp.force_pread = true;
	assert_int_equal(pagemap_count(&rp, s, e, &cp), 0);
	assert_counts_equal(&c, &cp);
	/* Several workers on the real kernel, dense parts read or scanned. */
	for (unsigned int nt = 2; nt <= 4; nt += 2) {
		for (int dense = 0; dense <= 1; dense++) {
			r.threads = nt;
			r.scan_dense = dense;
			assert_int_equal(pagemap_count(&r, s, e, &c), 0);
			assert_counts_equal(&c, &cp);
		}
		rp.threads = nt;
		assert_int_equal(pagemap_count(&rp, s, e, &c), 0);
		assert_counts_equal(&c, &cp);
	}
	pagemap_close(&r);
	pagemap_close(&rp);
	close(rootfd);
	munmap(p, LIVE_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_fake_matches_fixture),
		cmocka_unit_test(test_scan_counts_every_kernel),
		cmocka_unit_test(test_scan_probe_then_count),
		cmocka_unit_test(test_scan_enotty),
		cmocka_unit_test(test_scan_einval_any_call),
		cmocka_unit_test(test_scan_full_vector),
		cmocka_unit_test(test_scan_regions_past_walk_end),
		cmocka_unit_test(test_scan_optional_bits_dropped),
		cmocka_unit_test(test_scan_workers_same_counts),
		cmocka_unit_test(test_scan_dense_read_directly),
		cmocka_unit_test(test_scan_live_regions_past_walk_end),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
