/* test_pagewin: the lazy page window reads only what the screen needs. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagewin.h"

/*
 * Fixture: FIX_N entries, entry i given by fix_raw(i) — present with PFN
 * i * 7 + 3 unless i % 10 == 9 (not present), and i % 4 == 0 exclusive.
 * Written at test time to an unlinked temp file in the build directory.
 */
#define FIX_N 1000000ULL
#define BIT(n) ((uint64_t)1 << (n))

static uint64_t
fix_raw(uint64_t i)
{
	if (i % 10 == 9)
		return 0;
	return BIT(63) + i * 7 + 3 + (i % 4 == 0 ? BIT(56) : 0);
}

static size_t pagesize;
static int fixfd = -1;

static int
setup(void **state)
{
	char name[] = "pwfixtureXXXXXX";
	uint64_t *buf;
	ssize_t w;

	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	if ((fixfd = mkstemp(name)) == -1)
		return -1;
	unlink(name);
	if ((buf = malloc(FIX_N * 8)) == NULL)
		return -1;
	for (uint64_t i = 0; i < FIX_N; i++)
		buf[i] = fix_raw(i);
	w = write(fixfd, buf, FIX_N * 8);
	free(buf);
	return w == (ssize_t)(FIX_N * 8) ? 0 : -1;
}

static int
teardown(void **state)
{
	close(fixfd);
	return 0;
}

static void
reader(struct pm_reader *r)
{
	pagemap_init_fd(r, fixfd, pagesize);
	pagemap_caps_from_release("6.18.0", &r->caps);
	r->caps.pfn_visible = 1;
	r->force_pread = true;
}

/* Row idx (from page `base`) must decode to the formula's entry. */
static void
check_row(struct pagewin *w, uint64_t base, uint64_t idx)
{
	struct pm_entry e;
	uint64_t i = base + idx;

	if (pagewin_get(w, idx, &e) != 0)
		fail_msg("row %" PRIu64 " unreadable", idx);
	if (e.raw != fix_raw(i))
		fail_msg("row %" PRIu64 ": raw %" PRIx64 " want %" PRIx64,
		    idx, e.raw, fix_raw(i));
	if (i % 10 == 9) {
		assert_int_equal(e.flags, 0);
	} else {
		assert_true(e.flags & PMF_PRESENT);
		assert_int_equal(e.pfn, i * 7 + 3);
		assert_int_equal(!!(e.flags & PMF_EXCLUSIVE), i % 4 == 0);
	}
}

static void
check_screen(struct pagewin *w, uint64_t base, uint64_t top, size_t rows)
{
	assert_int_equal(pagewin_ensure(w, top, rows), 0);
	for (size_t k = 0; k < rows; k++)
		check_row(w, base, top + k);
}

static void
test_pagewin_scroll_reads_each_row_about_once(void **state)
{
	const size_t cap = 256, rows = 40;
	const uint64_t steps = 5000;
	struct pm_reader r;
	struct pagewin w;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, 0, FIX_N * pagesize, cap), 0);
	assert_int_equal(w.npages, FIX_N);
	for (uint64_t top = 0; top < steps; top++)
		check_screen(&w, 0, top, rows);
	/* Rows scrolled over, plus at most one window of read-ahead. */
	assert_true(r.bytes_read <= (steps + rows + cap) * 8);
	assert_true(r.bytes_read >= (steps + rows) * 8);

	/* And back up one row at a time. */
	r.bytes_read = 0;
	for (uint64_t top = steps; top-- > steps - 2000;)
		check_screen(&w, 0, top, rows);
	assert_true(r.bytes_read <= (2000 + rows + cap) * 8);
	pagewin_free(&w);
}

static void
test_pagewin_jumps_bounded_by_window(void **state)
{
	static const uint64_t tops[] = { 999960, 500000, 0, 123457, 123400,
	    123500, 999999, 777777, 777700, 1 };
	const size_t cap = 128, rows = 50;
	struct pm_reader r;
	struct pagewin w;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, 0, FIX_N * pagesize, cap), 0);
	for (size_t j = 0; j < sizeof(tops) / sizeof(tops[0]); j++) {
		uint64_t before = r.bytes_read;
		size_t n = FIX_N - tops[j] < rows ? FIX_N - tops[j] : rows;

		check_screen(&w, 0, tops[j], n);
		assert_true(r.bytes_read - before <= cap * 8);
		assert_true(w.count <= cap);
	}
	/* A request wider than the window is clamped to it, not overrun. */
	assert_int_equal(pagewin_ensure(&w, 10, cap * 3), 0);
	assert_true(w.count <= cap);
	check_row(&w, 0, 10 + cap - 1);
	pagewin_free(&w);
}

static void
test_pagewin_subrange_offsets(void **state)
{
	/* Browsing pages [300000, 300500): row 0 is page 300000. */
	const uint64_t base = 300000;
	struct pm_reader r;
	struct pagewin w;
	struct pm_entry e;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, base * pagesize,
	    (base + 500) * pagesize, 64), 0);
	assert_int_equal(w.npages, 500);
	assert_int_equal(pagewin_vaddr(&w, 7), (base + 7) * pagesize);
	check_screen(&w, base, 0, 20);
	check_screen(&w, base, 480, 20);
	check_row(&w, base, 499);
	/* Past the browsed range: no entry, and nothing read. */
	r.bytes_read = 0;
	assert_int_equal(pagewin_get(&w, 500, &e), 1);
	assert_int_equal(r.bytes_read, 0);
	pagewin_free(&w);
}

static void
test_pagewin_end_of_pagemap(void **state)
{
	struct pm_reader r;
	struct pagewin w;
	struct pm_entry e;

	reader(&r);
	/* The range runs 100 pages past the end of the fixture. */
	assert_int_equal(pagewin_init(&w, &r, (FIX_N - 50) * pagesize,
	    (FIX_N + 100) * pagesize, 64), 0);
	assert_int_equal(w.npages, 150);
	for (uint64_t k = 0; k < 50; k++)
		check_row(&w, FIX_N - 50, k);
	for (uint64_t k = 50; k < 150; k++)
		assert_int_equal(pagewin_get(&w, k, &e), 1);
	assert_int_equal(pagewin_get(&w, 150, &e), 1);
	assert_int_equal(w.err, 0);
	/* Readable rows still come back after visiting the dead zone. */
	check_row(&w, FIX_N - 50, 49);
	check_row(&w, FIX_N - 50, 0);
	pagewin_free(&w);
}

static void
test_pagewin_huge_range_costs_only_cap(void **state)
{
	const uint64_t tb = 1ULL << 40;
	struct pm_reader r;
	struct pagewin w;
	struct pm_entry e;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, 0, tb, 100), 0);
	assert_int_equal(w.npages, tb / pagesize);
	assert_int_equal(w.cap, 100);
	/* Deep inside the 1 TB range but past the fixture: no entry. */
	assert_int_equal(pagewin_get(&w, w.npages / 2, &e), 1);
	assert_int_equal(pagewin_get(&w, w.npages - 1, &e), 1);
	r.bytes_read = 0;
	check_screen(&w, 0, 654321, 30);
	assert_true(r.bytes_read <= 100 * 8);
	pagewin_free(&w);
}

static void
test_pagewin_invalidate_rereads(void **state)
{
	struct pm_reader r;
	struct pagewin w;
	uint64_t before;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, 0, FIX_N * pagesize, 64), 0);
	check_screen(&w, 0, 1000, 20);
	before = r.bytes_read;
	check_screen(&w, 0, 1000, 20);
	assert_int_equal(r.bytes_read, before);	/* cached */
	pagewin_invalidate(&w);
	assert_int_equal(w.count, 0);
	check_screen(&w, 0, 1000, 20);
	assert_true(r.bytes_read > before);
	pagewin_free(&w);
}

static void
test_pagewin_read_error(void **state)
{
	struct pm_reader r;
	struct pagewin w;
	struct pm_entry e;

	reader(&r);
	assert_int_equal(pagewin_init(&w, &r, 0, FIX_N * pagesize, 64), 0);
	r.fd = -1;
	assert_int_equal(pagewin_get(&w, 5, &e), -1);
	assert_int_equal(w.err, EBADF);
	r.fd = fixfd;
	check_row(&w, 0, 5);
	assert_int_equal(w.err, 0);
	pagewin_free(&w);

	assert_int_equal(pagewin_init(&w, &r, 0, pagesize, 0), -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagewin_scroll_reads_each_row_about_once),
		cmocka_unit_test(test_pagewin_jumps_bounded_by_window),
		cmocka_unit_test(test_pagewin_subrange_offsets),
		cmocka_unit_test(test_pagewin_end_of_pagemap),
		cmocka_unit_test(test_pagewin_huge_range_costs_only_cap),
		cmocka_unit_test(test_pagewin_invalidate_rereads),
		cmocka_unit_test(test_pagewin_read_error),
	};

	return cmocka_run_group_tests_name("pagewin", tests, setup, teardown);
}
