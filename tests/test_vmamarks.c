/* test_vmamarks: VMA change marks across refreshes — which VMAs, which token, fading after 3. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "maps.h"
#include "vmamarks.h"

static void
parse(const char *text, struct vma_list *l)
{
	assert_int_equal(maps_parse(text, strlen(text), l), 0);
}

/* Read text as the next refresh. */
static void
refresh(struct vmamarks *m, const char *text, struct vma_list *l)
{
	maps_free(l);
	parse(text, l);
	assert_int_equal(vmamarks_update(m, l), 0);
}

static const char *
tok(const struct vmamarks *m, size_t i)
{
	return vmadiff_token(vmamarks_get(m, i));
}

#define A "10000-14000 rw-p 00000000 00:00 0 \n"
#define B "20000-30000 rw-p 00000000 00:00 0 \n"
#define B_SPLIT "20000-21000 rw-p 00000000 00:00 0 \n" \
	"21000-22000 r--p 00000000 00:00 0 \n" \
	"22000-30000 rw-p 00000000 00:00 0 \n"
#define C "40000-41000 rw-p 00000000 00:00 0 \n"
#define C_GREW "40000-48000 rw-p 00000000 00:00 0 \n"
#define D "50000-51000 rw-p 00000000 00:00 0 \n"

/* The first read marks nothing: there is no before. */
static void
test_vmamarks_first_read(void **state)
{
	struct vmamarks m;
	struct vma_list l = { NULL, 0, 0 };

	(void)state;
	memset(&m, 0, sizeof(m));
	refresh(&m, A B C, &l);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(vmamarks_get(&m, i), 0);
	assert_int_equal(m.gone, 0);
	vmamarks_free(&m);
	maps_free(&l);
}

/* mprotect of B's middle page, a new VMA, C unmapped: then 3 still reads. */
static void
test_vmamarks_split_appear_fade(void **state)
{
	struct vmamarks m;
	struct vma_list l = { NULL, 0, 0 };

	(void)state;
	memset(&m, 0, sizeof(m));
	refresh(&m, A B C, &l);
	/* before the update: which VMA was B, by range */
	maps_free(&l);
	parse(A B_SPLIT D, &l);
	assert_int_equal(vmamarks_prev_same(&m, &l.v[0]), 0);
	assert_int_equal(vmamarks_prev_same(&m, &l.v[1]), -1);
	refresh(&m, A B_SPLIT D, &l);
	assert_string_equal(tok(&m, 0), "");
	for (size_t i = 1; i <= 3; i++)
		assert_int_equal(vmamarks_get(&m, i), VMD_SPLIT);
	assert_string_equal(tok(&m, 2), "/");
	assert_string_equal(tok(&m, 4), "+");
	assert_int_equal(m.gone, 1);		/* C */
	/* unchanged reads: the marks stay for 3 refreshes in all */
	refresh(&m, A B_SPLIT D, &l);
	assert_string_equal(tok(&m, 2), "/");
	assert_int_equal(m.gone, 0);
	refresh(&m, A B_SPLIT D, &l);
	assert_string_equal(tok(&m, 4), "+");
	refresh(&m, A B_SPLIT D, &l);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(vmamarks_get(&m, i), 0);
	/* merged back: one VMA over three */
	refresh(&m, A B D, &l);
	assert_string_equal(tok(&m, 1), "=");
	vmamarks_free(&m);
	maps_free(&l);
}

/* A mark follows its VMA when a new VMA below shifts the indexes. */
static void
test_vmamarks_follow_index(void **state)
{
	struct vmamarks m;
	struct vma_list l = { NULL, 0, 0 };

	(void)state;
	memset(&m, 0, sizeof(m));
	refresh(&m, B C, &l);
	refresh(&m, B C_GREW, &l);
	assert_string_equal(tok(&m, 1), ">");
	refresh(&m, A B C_GREW, &l);
	assert_string_equal(tok(&m, 0), "+");
	assert_string_equal(tok(&m, 1), "");
	assert_string_equal(tok(&m, 2), ">");		/* 2nd refresh */
	refresh(&m, A B C_GREW, &l);
	assert_string_equal(tok(&m, 2), ">");		/* 3rd */
	assert_string_equal(tok(&m, 0), "+");
	refresh(&m, A B C_GREW, &l);
	assert_string_equal(tok(&m, 2), "");		/* faded */
	assert_string_equal(tok(&m, 0), "+");
	/* shrank back */
	refresh(&m, A B C, &l);
	assert_string_equal(tok(&m, 2), "<");
	assert_int_equal(vmamarks_get(&m, 99), 0);	/* out of range */
	vmamarks_free(&m);
	maps_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmamarks_first_read),
		cmocka_unit_test(test_vmamarks_split_appear_fade),
		cmocka_unit_test(test_vmamarks_follow_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
