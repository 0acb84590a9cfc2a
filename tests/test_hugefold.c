/* test_hugefold: fold row maths, fold sets, and huge-block discovery on a fixture pagemap and kpageflags. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugefold.h"
#include "kpage.h"
#include "pagemap.h"
#include "pagemap_scan.h"
#include "smaps.h"

#define BIT(n)	((uint64_t)1 << (n))

/*
 * Folded rows (huge blocks as one row) against a brute-force model that
 * walks every item: row count, row of each item, item of each row.
 */
static void
test_rows_match_model(void **state)
{
	static const uint64_t blk = 8;
	static const uint64_t colls[][4] = {
		{ 0, 8, 16, 24 }, { 3, 11, 40, 48 }, { 92, 0, 0, 0 },
		{ 5, 20, 60, 0 },
	};
	static const size_t ns[] = { 4, 4, 1, 3 };
	uint64_t nitems = 100;
	bool f;

	(void)state;
	for (size_t c = 0; c < sizeof(ns) / sizeof(ns[0]); c++) {
		const uint64_t *coll = colls[c];
		size_t n = ns[c];
		uint64_t row = 0, first_of_row[100];
		bool fold_row[100];

		/* model: walk items; a folded block is one row */
		for (uint64_t it = 0; it < nitems;) {
			bool fo = false;

			for (size_t k = 0; k < n; k++)
				if (coll[k] == it)
					fo = true;
			first_of_row[row] = it;
			fold_row[row] = fo;
			for (uint64_t j = it; j < it + (fo ? blk : 1); j++) {
				assert_int_equal(hugefold_row_of_item(coll, n,
				    blk, j), row);
				assert_int_equal(hugefold_find(coll, n, blk,
				    j) >= 0, fo);
			}
			it += fo ? blk : 1;
			row++;
		}
		assert_int_equal(hugefold_rows_of(nitems, n, blk), row);
		for (uint64_t r = 0; r < row; r++) {
			assert_int_equal(hugefold_item_of_row(coll, n, blk, r,
			    &f), first_of_row[r]);
			assert_int_equal(f, fold_row[r]);
		}
	}
	/* no folding: identity, even at 2^34 rows */
	assert_int_equal(hugefold_row_of_item(NULL, 0, 512, 1ULL << 34),
	    1ULL << 34);
	assert_int_equal(hugefold_item_of_row(NULL, 0, 512, 77, &f), 77);
	assert_false(f);
	assert_int_equal(hugefold_rows_of(1ULL << 34, 0, 512), 1ULL << 34);
}

/* ------------------------------------------------------------ fixture */

/*
 * A VMA of LEAD loose pages, then NBLK whole PMD blocks of NB pages, its
 * pagemap and kpageflags written the way the kernel's stable_page_flags()
 * reports them (every page of a large folio KPF_THP or KPF_HUGE, a head,
 * tails):
 *   block 0: one PMD THP folio          -> huge
 *   block 1: 16-page (64K mTHP) folios  -> not huge (PFNs consecutive)
 *   block 2: one THP folio, page 7 gone -> not huge
 *   block 3: one PMD THP folio          -> huge
 *   block 4: a hugetlb folio (KPF_HUGE) -> huge only in a hugetlb VMA
 * Each block's frames start on an NB-aligned PFN, two blocks apart.
 */
#define NB	512
#define NBLK	5
#define LEAD	3
#define PS	4096ULL
#define PMD	(NB * PS)	/* the fixture's THP block */
#define VA	0x40000000ULL			/* 1 GiB: PMD aligned */
#define START	(VA - LEAD * PS)
#define END	(VA + NBLK * NB * PS)
#define NPAGES	(LEAD + NBLK * NB)
#define PFN0	0x12400ULL
#define HEAD	BIT(KPF_COMPOUND_HEAD)
#define TAIL	BIT(KPF_COMPOUND_TAIL)
#define ANONTHP	(BIT(KPF_ANON) | BIT(KPF_LRU) | BIT(KPF_THP))

/* First page (item) of block k. */
#define BLOCK(k)	((uint64_t)LEAD + (uint64_t)(k) * NB)

static char fixdir[] = "hffixtureXXXXXX";
static int rootfd = -1;

static void
put_words(const char *name, uint64_t off, const uint64_t *w, size_t n)
{
	int fd = openat(rootfd, name, O_WRONLY | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, w, n * 8, (off_t)(off * 8)),
	    (ssize_t)(n * 8));
	close(fd);
}

static void
put_block(int k, size_t folio, uint64_t kind, long absent)
{
	uint64_t pm[NB], kf[NB], after = 0, pfn = PFN0 + (uint64_t)k * 2 * NB;

	for (size_t i = 0; i < NB; i++) {
		pm[i] = (long)i == absent ? 0 : BIT(63) | BIT(56) | (pfn + i);
		kf[i] = kind | (i % folio == 0 ? HEAD : TAIL);
	}
	put_words("pagemap", VA / PS + (uint64_t)k * NB, pm, NB);
	put_words("kpageflags", pfn, kf, NB);
	put_words("kpageflags", pfn + NB, &after, 1);
}

static int
setup_fixture(void **state)
{
	uint64_t zero[LEAD] = { 0 };

	(void)state;
	if (sysconf(_SC_PAGESIZE) != (long)PS) {
		fprintf(stderr, "SKIP: the fixture is laid out for 4 KiB pages "
		    "(this machine: %ld)\n", sysconf(_SC_PAGESIZE));
		exit(77);
	}
	assert_non_null(mkdtemp(fixdir));
	rootfd = open(fixdir, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	put_words("pagemap", START / PS, zero, LEAD);
	put_block(0, NB, ANONTHP, -1);
	put_block(1, 16, ANONTHP, -1);
	put_block(2, NB, ANONTHP, 7);
	put_block(3, NB, ANONTHP, -1);
	put_block(4, NB, BIT(KPF_HUGE), -1);
	return 0;
}

static int
teardown_fixture(void **state)
{
	(void)state;
	unlinkat(rootfd, "pagemap", 0);
	unlinkat(rootfd, "kpageflags", 0);
	close(rootfd);
	rmdir(fixdir);
	return 0;
}

/* A list view as the pane keeps one: set_rows clamps sel and top. */
struct view {
	uint64_t sel, top, nrows;
	int height;
	unsigned int calls;
};

static void
view_rows(void *arg, uint64_t nrows)
{
	struct view *v = arg;

	v->nrows = nrows;
	v->calls++;
	if (v->sel >= nrows)
		v->sel = nrows - 1;
	if (v->top > v->sel)
		v->top = v->sel;
}

static struct hugefold_view
hview(struct view *v)
{
	struct hugefold_view hv = { &v->sel, &v->top, v->height, view_rows,
	    v };

	return hv;
}

/* What discovery reads, opened on the fixture. */
struct env {
	struct pm_reader pm;
	struct kpage kp;
	struct smaps_vma sm;
	struct hugefold_src src;
	struct hugefold hf;
	struct view v;
	struct hugefold_view hv;
};

/* thp: smaps says the VMA holds PMD-mapped THP (AnonHugePages). */
static void
env_open(struct env *e, bool kflags, uint64_t thp_bytes)
{
	int fd = openat(rootfd, "pagemap", O_RDONLY);

	memset(e, 0, sizeof(*e));
	assert_true(fd >= 0);
	pagemap_init_fd(&e->pm, fd, PS);
	e->pm.caps.pfn_visible = 1;
	e->pm.force_pread = true;	/* no PAGEMAP_SCAN on a file */
	if (kflags)
		kpage_open(&e->kp, rootfd);
	else
		e->kp.flags_fd = e->kp.count_fd = -1;
	e->sm.start = START;
	e->sm.end = END;
	e->sm.kernel_page_size = e->sm.mmu_page_size = PS;
	e->sm.anon_huge = thp_bytes;
	e->src.pm = &e->pm;
	e->src.kp = &e->kp;
	e->src.sm = &e->sm;
	e->v.height = NPAGES;		/* the whole VMA on screen */
	e->v.nrows = NPAGES;
	e->hv = hview(&e->v);
}

static void
env_close(struct env *e)
{
	hugefold_free(&e->hf);
	kpage_close(&e->kp);
	pagemap_close(&e->pm);
}

static bool
folded(const struct hugefold *hf, int k)
{
	return hugefold_find(hf->coll, hf->ncoll, hf->blk, BLOCK(k)) >= 0;
}

/* kpageflags: a THP block folds only when it is one PMD folio. */
static void
test_discover_kflags(void **state)
{
	struct env e;

	(void)state;
	env_open(&e, true, 2 * NB * PS);
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	assert_int_equal(e.hf.blk, NB);
	assert_int_equal(e.hf.blk_first, LEAD);
	assert_false(e.hf.hugetlb);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	assert_false(folded(&e.hf, 1));		/* mTHP */
	assert_false(folded(&e.hf, 2));		/* a page absent */
	assert_true(folded(&e.hf, 3));
	assert_false(folded(&e.hf, 4));		/* hugetlb in a THP VMA */
	assert_int_equal(e.hf.ncoll, 2);
	assert_int_equal(hugefold_rows(&e.hf), NPAGES - 2 * (NB - 1));
	assert_int_equal(e.v.nrows, hugefold_rows(&e.hf));
	env_close(&e);
}

/* Only the blocks on screen are read; the selection keeps its page. */
static void
test_discover_window_keeps_selection(void **state)
{
	struct env e;
	uint64_t page = BLOCK(3) + 5;
	bool f;

	(void)state;
	env_open(&e, true, 2 * NB * PS);
	e.v.height = 10;
	e.v.sel = page;
	e.v.top = 0;
	e.hv = hview(&e.v);
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	assert_false(folded(&e.hf, 3));		/* never on screen */
	assert_int_equal(e.hf.ncoll, 1);
	assert_int_equal(hugefold_item_of(&e.hf, e.v.sel, &f), page);
	assert_false(f);
	/* the same window again: nothing read (the cache), nothing moves */
	e.pm.preads = 0;
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_int_equal(e.pm.preads, 0);
	/* scrolled to the selection: block 3 folds, the selection in it */
	e.v.top = e.v.sel;
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 3));
	assert_int_equal(hugefold_item_of(&e.hf, e.v.sel, &f), BLOCK(3));
	assert_true(f);
	env_close(&e);
}

/* + keeps a block expanded across discoveries; - lets it fold again. */
static void
test_expand_collapse(void **state)
{
	struct env e;
	uint64_t rows;

	(void)state;
	env_open(&e, true, 2 * NB * PS);
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	rows = hugefold_rows(&e.hf);
	assert_false(hugefold_collapse(&e.hf, BLOCK(0)));  /* not expanded */
	e.v.sel = hugefold_row_of(&e.hf, BLOCK(3));
	assert_int_equal(hugefold_expand(&e.hf, BLOCK(0), &e.hv), 0);
	assert_true(hugefold_expanded(&e.hf, BLOCK(0)));
	assert_false(folded(&e.hf, 0));
	assert_int_equal(hugefold_rows(&e.hf), rows + NB - 1);
	assert_int_equal(e.v.nrows, rows + NB - 1);
	assert_int_equal(hugefold_item_of(&e.hf, e.v.sel, NULL), BLOCK(3));
	hugefold_invalidate(&e.hf);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_false(folded(&e.hf, 0));		/* stays expanded */
	assert_true(folded(&e.hf, 3));
	assert_int_equal(hugefold_block_of(&e.hf, BLOCK(0) + 100), BLOCK(0));
	assert_int_equal(hugefold_block_of(&e.hf, LEAD - 1), UINT64_MAX);
	assert_true(hugefold_collapse(&e.hf, BLOCK(0)));
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	assert_int_equal(hugefold_rows(&e.hf), rows);
	env_close(&e);
}

/* smaps still coming: nothing folds; an address asked for stays open. */
static void
test_wait_and_goto(void **state)
{
	struct env e;

	(void)state;
	env_open(&e, true, 2 * NB * PS);
	hugefold_setup(&e.hf, START, END, 12, PMD, NULL, true, UINT64_MAX);
	assert_true(e.hf.wait);
	assert_int_equal(e.hf.blk, 1);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_int_equal(e.hf.ncoll, 0);
	assert_int_equal(hugefold_rows(&e.hf), NPAGES);
	/* smaps came; the page asked for was in block 3 */
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, BLOCK(3) + 9);
	hugefold_invalidate(&e.hf);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	assert_false(folded(&e.hf, 3));
	assert_true(hugefold_expanded(&e.hf, BLOCK(3)));
	env_close(&e);
}

/* No kpageflags: aligned, consecutive PFNs in a VMA smaps says has THP. */
static void
test_discover_pfns(void **state)
{
	struct env e;

	(void)state;
	env_open(&e, false, 2 * NB * PS);
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	/* without kpageflags 64K folios can't be told from a PMD THP */
	assert_true(folded(&e.hf, 1));
	assert_false(folded(&e.hf, 2));
	assert_true(folded(&e.hf, 3));
	assert_true(folded(&e.hf, 4));
	env_close(&e);
	/* smaps: no THP mapped in this VMA: nothing folds */
	env_open(&e, false, 0);
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_int_equal(e.hf.ncoll, 0);
	env_close(&e);
}

/* smaps unreadable: kpageflags alone, a hugetlb folio names the VMA. */
static void
test_discover_kpf_hugetlb(void **state)
{
	struct env e;

	(void)state;
	env_open(&e, true, 0);
	hugefold_setup(&e.hf, START, END, 12, PMD, NULL, false, UINT64_MAX);
	assert_true(e.hf.kpf);
	e.src.sm = NULL;
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(folded(&e.hf, 0));
	assert_false(folded(&e.hf, 1));
	assert_false(folded(&e.hf, 2));
	assert_true(folded(&e.hf, 4));
	assert_true(e.hf.hugetlb);
	env_close(&e);
	/* ... and without kpageflags either: can't tell, nothing folds */
	env_open(&e, false, 0);
	hugefold_setup(&e.hf, START, END, 12, PMD, NULL, false, UINT64_MAX);
	e.src.sm = NULL;
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_int_equal(e.hf.ncoll, 0);
	env_close(&e);
}

/* A PAGEMAP_SCAN that reports PAGE_IS_HUGE for block 2 only. */
static unsigned int scan_calls;

static int
fake_scan(int fd, void *p)
{
	struct pm_scan_arg *a = p;
	struct page_region *vec = (struct page_region *)(uintptr_t)a->vec;
	uint64_t hs = VA + 2 * NB * PS, he = hs + NB * PS;

	(void)fd;
	scan_calls++;
	a->walk_end = a->end;
	if (a->vec_len == 0 || he <= a->start || hs >= a->end)
		return 0;
	vec[0].start = hs > a->start ? hs : a->start;
	vec[0].end = he < a->end ? he : a->end;
	vec[0].categories = PAGE_IS_HUGE;
	return 1;
}

/* PAGEMAP_SCAN's PAGE_IS_HUGE (PMD-mapped) wins over the frames. */
static void
test_discover_scan(void **state)
{
	struct env e;

	(void)state;
	env_open(&e, true, 2 * NB * PS);
	e.pm.force_pread = false;
	e.pm.scan_ioctl = fake_scan;
	scan_calls = 0;
	hugefold_setup(&e.hf, START, END, 12, PMD, &e.sm, false, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_true(scan_calls > 0);
	assert_int_equal(e.hf.ncoll, 1);
	assert_true(folded(&e.hf, 2));
	assert_true(hugefold_in_huge(&e.hf, VA + 2 * NB * PS + 7 * PS));
	assert_false(hugefold_in_huge(&e.hf, VA));
	env_close(&e);
	/* nothing to fold (smaps pending): the regions are read all the same */
	env_open(&e, true, 0);
	e.pm.force_pread = false;
	e.pm.scan_ioctl = fake_scan;
	hugefold_setup(&e.hf, START, END, 12, PMD, NULL, true, UINT64_MAX);
	hugefold_discover(&e.hf, &e.src, &e.hv);
	assert_int_equal(e.hf.ncoll, 0);
	assert_true(hugefold_in_huge(&e.hf, VA + 2 * NB * PS));
	assert_false(hugefold_in_huge(&e.hf, VA + 3 * NB * PS));
	env_close(&e);
}

/* The fold set is bounded: past HUGEFOLD_MAX blocks, folding stops. */
static void
test_fold_set_full(void **state)
{
	struct hugefold hf;
	struct view v = { 0, 0, 0, 10, 0 };
	struct hugefold_view hv = hview(&v);
	uint64_t n = (uint64_t)HUGEFOLD_MAX + 1;

	(void)state;
	memset(&hf, 0, sizeof(hf));
	hf.npages = 2 * n;
	hf.blk = 2;
	for (uint64_t b = 0; b < HUGEFOLD_MAX; b++)
		assert_int_equal(hugefold_set(&hf, 2 * b, true, &hv), 1);
	assert_int_equal(hugefold_set(&hf, 2 * HUGEFOLD_MAX, true, &hv), -1);
	assert_true(hf.full);
	assert_int_equal(hugefold_set(&hf, 0, true, &hv), 0);
	assert_int_equal(v.nrows, 2 * n - HUGEFOLD_MAX);
	assert_int_equal(hugefold_set(&hf, 0, false, &hv), 1);
	hugefold_free(&hf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_match_model),
		cmocka_unit_test(test_discover_kflags),
		cmocka_unit_test(test_discover_window_keeps_selection),
		cmocka_unit_test(test_expand_collapse),
		cmocka_unit_test(test_wait_and_goto),
		cmocka_unit_test(test_discover_pfns),
		cmocka_unit_test(test_discover_kpf_hugetlb),
		cmocka_unit_test(test_discover_scan),
		cmocka_unit_test(test_fold_set_full),
	};

	return cmocka_run_group_tests(tests, setup_fixture, teardown_fixture);
}
