/* test_vmarows: the VMA pane's rows — VMAs, holes, the guard gap — on hand-made layouts. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "maps.h"
#include "vmarows.h"
#include "vmalayout.h"

static void
parse(const char *text, struct vma_list *l)
{
	assert_int_equal(maps_parse(text, strlen(text), l), 0);
}

/* Expected rows, written out from LAYOUT_MAPS by hand. */
struct want {
	enum vmarow_kind kind;
	uint64_t start, end;
	size_t vma;
};

static const struct want with_holes[] = {
	{ VMAROW_VMA, 0x100000000000, 0x500000000000, 0 },
	{ VMAROW_HOLE, 0x500000000000, 0x555555554000, 1 },
	{ VMAROW_VMA, 0x555555554000, 0x555555556000, 1 },
	{ VMAROW_VMA, 0x555555556000, 0x555555558000, 2 },
	{ VMAROW_HOLE, 0x555555558000, 0x555555559000, 3 },
	{ VMAROW_VMA, 0x555555559000, 0x55555557a000, 3 },
	{ VMAROW_HOLE, 0x55555557a000, 0x7f0000000000, 4 },
	{ VMAROW_VMA, 0x7f0000000000, 0x7f0000001000, 4 },
	/* the hole stops where the guard gap starts */
	{ VMAROW_HOLE, 0x7f0000001000, 0x7ffbfff00000, 5 },
	{ VMAROW_GAP, 0x7ffbfff00000, 0x7ffc00000000, 5 },
	{ VMAROW_VMA, 0x7ffc00000000, 0x7ffc00021000, 5 },
	/* no hole before [vsyscall]: that is not user space */
	{ VMAROW_VMA, 0xffffffffff600000, 0xffffffffff601000, 6 },
};

static void
check(const struct vmarows *rs, const struct want *w, size_t n)
{
	assert_int_equal(rs->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct vmarow *r = vmarows_get(rs, i);

		assert_non_null(r);
		assert_int_equal(r->kind, w[i].kind);
		assert_int_equal(r->start, w[i].start);
		assert_int_equal(r->end, w[i].end);
		assert_int_equal(r->vma, w[i].vma);
		if (r->kind == VMAROW_VMA)
			assert_int_equal(vmarows_row_of(rs, r->vma), i);
	}
	assert_null(vmarows_get(rs, n));
}

static void
test_vmarows_holes_and_gap(void **state)
{
	struct vma_list l;
	struct vmarows rs;

	(void)state;
	parse(LAYOUT_MAPS, &l);
	assert_int_equal(vmarows_build(&rs, &l, LAYOUT_STACK, LAYOUT_GAP,
	    true), 0);
	check(&rs, with_holes, sizeof(with_holes) / sizeof(with_holes[0]));
	vmarows_free(&rs);
	maps_free(&l);
}

/* Holes hidden: the VMAs and the gap row only, as before holes. */
static void
test_vmarows_holes_hidden(void **state)
{
	struct want w[8];
	struct vma_list l;
	struct vmarows rs;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(with_holes) / sizeof(with_holes[0]); i++)
		if (with_holes[i].kind != VMAROW_HOLE)
			w[n++] = with_holes[i];
	assert_int_equal(n, 8);
	parse(LAYOUT_MAPS, &l);
	assert_int_equal(vmarows_build(&rs, &l, LAYOUT_STACK, LAYOUT_GAP,
	    false), 0);
	check(&rs, w, n);
	vmarows_free(&rs);
	/* no gap (stack_guard_gap 0, or no [stack]): no gap row either */
	assert_int_equal(vmarows_build(&rs, &l, -1, LAYOUT_GAP, false), 0);
	assert_int_equal(rs.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(vmarows_get(&rs, i)->kind, VMAROW_VMA);
	vmarows_free(&rs);
	maps_free(&l);
}

/* A VMA inside the gap: no hole row under [stack], the gap overlaps it. */
static void
test_vmarows_gap_violated(void **state)
{
	static const char text[] =
	    "7ffbfff80000-7ffbfffff000 rw-p 00000000 00:00 0 \n"
	    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n";
	struct vma_list l;
	struct vmarows rs;
	uint64_t row;

	(void)state;
	parse(text, &l);
	assert_int_equal(vmarows_build(&rs, &l, 1, LAYOUT_GAP, true), 0);
	assert_int_equal(rs.n, 3);
	assert_int_equal(vmarows_get(&rs, 1)->kind, VMAROW_GAP);
	assert_int_equal(vmarows_get(&rs, 1)->start, 0x7ffbfff00000);
	/* an address of the VMA inside the gap is the VMA's row */
	assert_true(vmarows_find(&rs, 0x7ffbfff90000, &row));
	assert_int_equal(row, 0);
	/* the page between it and [stack]: in the gap */
	assert_true(vmarows_find(&rs, 0x7ffbfffff000, &row));
	assert_int_equal(row, 1);
	vmarows_free(&rs);
	maps_free(&l);
}

static void
test_vmarows_find(void **state)
{
	struct vma_list l;
	struct vmarows rs;
	uint64_t row;

	(void)state;
	parse(LAYOUT_MAPS, &l);
	assert_int_equal(vmarows_build(&rs, &l, LAYOUT_STACK, LAYOUT_GAP,
	    true), 0);
	assert_true(vmarows_find(&rs, 0x300000000000, &row));
	assert_int_equal(row, 0);
	assert_true(vmarows_find(&rs, 0x555555558800, &row));
	assert_int_equal(row, 4);		/* the one-page hole */
	assert_true(vmarows_find(&rs, 0x7ffbfff00000, &row));
	assert_int_equal(row, 9);		/* the gap's first byte */
	assert_true(vmarows_find(&rs, 0x7ffc00020fff, &row));
	assert_int_equal(row, 10);
	/* below the first VMA: none; the next row is the first */
	assert_false(vmarows_find(&rs, 0x1000, &row));
	assert_int_equal(row, 0);
	/* between [stack] and [vsyscall] (not a hole row) */
	assert_false(vmarows_find(&rs, 0x800000000000, &row));
	assert_int_equal(row, 11);
	vmarows_free(&rs);
	/* holes hidden: an address in one finds the VMA above it */
	assert_int_equal(vmarows_build(&rs, &l, LAYOUT_STACK, LAYOUT_GAP,
	    false), 0);
	assert_false(vmarows_find(&rs, 0x555555558800, &row));
	assert_int_equal(vmarows_get(&rs, row)->start, 0x555555559000);
	vmarows_free(&rs);
	maps_free(&l);
}

static void
test_vmarows_empty(void **state)
{
	struct vma_list l = { NULL, 0, 0 };
	struct vmarows rs;
	uint64_t row;

	(void)state;
	assert_int_equal(vmarows_build(&rs, &l, -1, 0, true), 0);
	assert_int_equal(rs.n, 0);
	assert_null(vmarows_get(&rs, 0));
	assert_false(vmarows_find(&rs, 0x1000, &row));
	vmarows_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmarows_holes_and_gap),
		cmocka_unit_test(test_vmarows_holes_hidden),
		cmocka_unit_test(test_vmarows_gap_violated),
		cmocka_unit_test(test_vmarows_find),
		cmocka_unit_test(test_vmarows_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
