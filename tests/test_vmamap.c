/* test_vmamap: the address-space minimap's scale on hand-made layouts (holes, a 64 TiB VMA, many VMAs). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "vmamap.h"
#include "vmalayout.h"

static void
parse(const char *text, struct vma_list *l)
{
	assert_int_equal(maps_parse(text, strlen(text), l), 0);
}

/* Lines rise in address and every line shows something. */
static void
check_order(const struct vmamap *m)
{
	for (int L = 0; L < m->n; L++) {
		assert_true(m->line[L].start < m->line[L].end);
		if (L > 0) {
			assert_true(m->line[L].start >= m->line[L - 1].start);
			assert_true(m->line[L].end >= m->line[L - 1].end);
		}
	}
}

/* Lines whose only VMA is i. */
static int
own_lines(const struct vmamap *m, size_t i)
{
	int n = 0;

	for (int L = 0; L < m->n; L++)
		if (m->line[L].first == i && m->line[L].last == i)
			n++;
	return n;
}

static void
test_vmamap_weight(void **state)
{
	(void)state;
	/* by hand: pages 1 -> 16; 3 = 0b11 -> 32 + 8; 2^34 -> 16 * 35 */
	assert_int_equal(vmamap_weight(4096, 12), 16);
	assert_int_equal(vmamap_weight(3 * 4096, 12), 40);
	assert_int_equal(vmamap_weight(64ULL << 40, 12), 560);
	assert_int_equal(vmamap_weight(0, 12), 16);
	/* the largest user space fits: no overflow, still a weight */
	assert_int_equal(vmamap_weight(UINT64_MAX, 12), 16 * 52 + 15);
}

/* Fewer VMAs than lines: each VMA has a line of its own, in order. */
static void
test_vmamap_every_vma_visible(void **state)
{
	struct vma_list l;
	struct vmamap m;

	(void)state;
	parse(LAYOUT_MAPS, &l);
	for (int h = 7; h <= 60; h++) {
		assert_int_equal(vmamap_build(&m, &l, 12, h), 0);
		assert_int_equal(m.n, h);
		check_order(&m);
		for (size_t i = 0; i < l.n; i++)
			assert_true(own_lines(&m, i) >= 1);
		/* the 64 TiB VMA gets more, but never crowds out the rest */
		if (h >= 20)
			assert_true(own_lines(&m, 0) > own_lines(&m, 4));
		assert_true(own_lines(&m, 0) <= h / 2);
		vmamap_free(&m);
	}
	/* exactly as many lines as VMAs: one each, holes get none */
	assert_int_equal(vmamap_build(&m, &l, 12, 7), 0);
	for (int L = 0; L < 7; L++) {
		assert_int_equal(m.line[L].first, (size_t)L);
		assert_int_equal(m.line[L].last, (size_t)L);
	}
	vmamap_free(&m);
	maps_free(&l);
}

/* The big hole between [heap] and the mmap area shows as blank lines. */
static void
test_vmamap_holes(void **state)
{
	struct vma_list l;
	struct vmamap m;
	int holes = 0, lo, hi;

	(void)state;
	parse(LAYOUT_MAPS, &l);
	assert_int_equal(vmamap_build(&m, &l, 12, 40), 0);
	for (int L = 0; L < m.n; L++) {
		if (m.line[L].first != VMAMAP_NONE)
			continue;
		holes++;
		/* a hole line lies between two mappings, in none */
		for (size_t i = 0; i < l.n; i++)
			assert_false(m.line[L].start < l.v[i].end &&
			    l.v[i].start < m.line[L].end);
	}
	assert_true(holes > 0);
	/* the lines of the one-page VMA hold its address */
	assert_true(vmamap_lines_in(&m, 0x7f0000000000, 0x7f0000001000, &lo,
	    &hi));
	assert_int_equal(m.line[lo].first, 4);
	assert_int_equal(m.line[hi].last, 4);
	/* the hole before [vsyscall] is no part of the map */
	assert_true(vmamap_lines_in(&m, 0xffffffffff600000,
	    0xffffffffff601000, &lo, &hi));
	assert_int_equal(hi, m.n - 1);
	assert_int_equal(m.line[lo].first, 6);
	assert_int_equal(m.line[lo].start, 0xffffffffff600000);
	assert_int_equal(m.line[lo - 1].last, 5);
	vmamap_free(&m);
	maps_free(&l);
}

/* More VMAs than lines: neighbours share lines; none is lost. */
static void
test_vmamap_many_vmas(void **state)
{
	size_t n = 1000, len = n * 80 + 1, off = 0;
	char *text = malloc(len);
	struct vma_list l;
	struct vmamap m;
	size_t next = 0;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, len - off, "%" PRIx64 "-%"
		    PRIx64 " rw-p 00000000 00:00 0 \n",
		    (uint64_t)0x10000000 + i * 0x3000 + (i % 7 == 0 ? 0x1000 : 0),
		    (uint64_t)0x10000000 + i * 0x3000 + 0x2000);
	parse(text, &l);
	free(text);
	assert_int_equal(vmamap_build(&m, &l, 12, 40), 0);
	check_order(&m);
	for (int L = 0; L < m.n; L++) {
		const struct vmamap_line *ln = &m.line[L];

		if (ln->first == VMAMAP_NONE)
			continue;
		/* every VMA appears, in order, on consecutive lines */
		assert_true(ln->first <= next);
		assert_true(ln->last >= ln->first);
		next = ln->last + 1;
	}
	assert_int_equal(next, n);
	vmamap_free(&m);
	maps_free(&l);
}

static void
test_vmamap_empty(void **state)
{
	struct vma_list l = { NULL, 0, 0 };
	struct vmamap m;
	int lo, hi;

	(void)state;
	assert_int_equal(vmamap_build(&m, &l, 12, 30), 0);
	assert_int_equal(m.n, 0);
	assert_false(vmamap_lines_in(&m, 0, UINT64_MAX, &lo, &hi));
	vmamap_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmamap_weight),
		cmocka_unit_test(test_vmamap_every_vma_visible),
		cmocka_unit_test(test_vmamap_holes),
		cmocka_unit_test(test_vmamap_many_vmas),
		cmocka_unit_test(test_vmamap_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
