/* test_ui: UI logic without a terminal — key table, pane scrolling, layout maths. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "keys.h"
#include "pane.h"
#include "text.h"

/* Invariants every operation must keep. */
static void
check_view(const struct pane_view *v)
{
	if (v->nrows == 0) {
		assert_int_equal(v->sel, 0);
		assert_int_equal(v->top, 0);
		return;
	}
	assert_true(v->sel < v->nrows);
	assert_true(v->top <= v->sel);
	assert_true(v->sel - v->top < (uint64_t)v->height);
	/* no blank space under the last row when the list is long enough */
	if (v->nrows >= (uint64_t)v->height)
		assert_true(v->top + (uint64_t)v->height <= v->nrows);
}

static void
test_keys_issue_bindings(void **state)
{
	/* Exactly the keys the issue names (later checks drive these). */
	static const struct {
		int key;
		enum key_action act;
	} want[] = {
		{ KEY_UP, KA_UP }, { 'k', KA_UP },
		{ KEY_DOWN, KA_DOWN }, { 'j', KA_DOWN },
		{ KEY_PPAGE, KA_PGUP }, { KEY_NPAGE, KA_PGDN },
		{ ' ', KA_PGDN },
		{ KEY_HOME, KA_HOME }, { 'g', KA_HOME },
		{ KEY_END, KA_END }, { 'G', KA_END },
		{ '/', KA_SEARCH }, { 'n', KA_NEXT }, { ':', KA_GOTO },
		{ '\n', KA_OPEN }, { '\r', KA_OPEN }, { KEY_ENTER, KA_OPEN },
		{ 27, KA_BACK }, { KEY_BACKSPACE, KA_BACK }, { 127, KA_BACK },
		{ 'q', KA_QUIT_BACK }, { 'Q', KA_QUIT },
		{ '?', KA_HELP }, { KEY_F(1), KA_HELP },
		{ 's', KA_SORT }, { 't', KA_TREE },
		{ KEY_MOUSE, KA_MOUSE }, { KEY_RESIZE, KA_RESIZE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(keys_action(want[i].key), want[i].act);
	assert_int_equal(keys_action('z'), KA_NONE);
	assert_int_equal(keys_action(-1), KA_NONE);
}

static void
test_keys_table_unique_and_documented(void **state)
{
	size_t n;
	const struct key_bind *t = keys_table(&n);
	bool has_key[KA_COUNT] = { false };

	(void)state;
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		/* one key, one action: a duplicate would be ambiguous */
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(t[i].key, t[j].key);
		assert_true(t[i].act > KA_NONE && t[i].act < KA_COUNT);
		if (t[i].label != NULL)
			has_key[t[i].act] = true;
	}
	/* Every user-facing action has a labelled key and a description. */
	for (int a = KA_NONE + 1; a < KA_COUNT; a++) {
		if (a == KA_RESIZE)
			continue;
		assert_true(has_key[a]);
		assert_true(keys_action_help((enum key_action)a)[0] != '\0');
	}
}

static void
test_keys_help_line_lists_every_key(void **state)
{
	char buf[256];
	size_t len;

	(void)state;
	len = keys_help_line(KA_UP, buf, sizeof(buf));
	assert_int_equal(len, strlen(buf));
	assert_non_null(strstr(buf, "Up"));
	assert_non_null(strstr(buf, "k"));
	assert_non_null(strstr(buf, keys_action_help(KA_UP)));
	keys_help_line(KA_BACK, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Esc"));
	assert_non_null(strstr(buf, "Backspace"));
	keys_help_line(KA_HELP, buf, sizeof(buf));
	assert_non_null(strstr(buf, "F1"));
	/* internal actions produce no line */
	assert_int_equal(keys_help_line(KA_RESIZE, buf, sizeof(buf)), 0);
	/* truncation is safe */
	len = keys_help_line(KA_SEARCH, buf, 10);
	assert_int_equal(len, 9);
	assert_int_equal(strlen(buf), 9);
}

static void
test_pane_move_saturates(void **state)
{
	struct pane_view v;

	(void)state;
	pane_view_init(&v, 100, 10);
	check_view(&v);
	pane_move(&v, -5);
	assert_int_equal(v.sel, 0);
	pane_move(&v, 12);
	assert_int_equal(v.sel, 12);
	assert_int_equal(v.top, 3);	/* scrolled just enough */
	check_view(&v);
	pane_move(&v, INT64_MAX);
	assert_int_equal(v.sel, 99);
	assert_int_equal(v.top, 90);
	pane_move(&v, INT64_MIN);
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	check_view(&v);
}

static void
test_pane_page_like_less(void **state)
{
	struct pane_view v;

	(void)state;
	pane_view_init(&v, 35, 10);
	pane_move(&v, 2);
	pane_page(&v, 1);
	assert_int_equal(v.top, 10);
	assert_int_equal(v.sel, 12);
	pane_page(&v, 1);
	pane_page(&v, 1);	/* clamps at the end */
	assert_int_equal(v.top, 25);
	assert_int_equal(v.sel, 32);
	check_view(&v);
	pane_page(&v, 1);
	assert_int_equal(v.sel, 34);
	pane_page(&v, 1);	/* at the last row: nothing moves */
	assert_int_equal(v.sel, 34);
	pane_page(&v, -1);
	assert_int_equal(v.sel, 24);
	assert_int_equal(v.top, 15);
	for (int i = 0; i < 5; i++)
		pane_page(&v, -1);
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	check_view(&v);
}

static void
test_pane_home_end_huge(void **state)
{
	struct pane_view v;
	/* 64 TB of 4 KiB pages: 2^34 rows */
	const uint64_t n = 1ULL << 34;

	(void)state;
	pane_view_init(&v, n, 30);
	pane_end(&v);
	assert_int_equal(v.sel, n - 1);
	assert_int_equal(v.top, n - 30);
	check_view(&v);
	pane_page(&v, -1);
	assert_int_equal(v.sel, n - 31);
	pane_home(&v);
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	pane_select_center(&v, n / 2);
	assert_int_equal(v.sel, n / 2);
	assert_int_equal(v.top, n / 2 - 15);
	check_view(&v);
}

static void
test_pane_empty_and_tiny(void **state)
{
	struct pane_view v;
	uint64_t idx;

	(void)state;
	pane_view_init(&v, 0, 10);
	pane_move(&v, 1);
	pane_page(&v, 1);
	pane_end(&v);
	pane_scroll(&v, 5);
	check_view(&v);
	assert_false(pane_row_at(&v, 0, &idx));
	/* a height of 0 or less behaves as 1 */
	pane_view_init(&v, 5, 0);
	pane_move(&v, 3);
	check_view(&v);
	assert_int_equal(v.top, 3);
	pane_set_height(&v, -4);
	check_view(&v);
}

static void
test_pane_shrink_rows_and_height(void **state)
{
	struct pane_view v;

	(void)state;
	pane_view_init(&v, 100, 20);
	pane_select(&v, 90);
	pane_set_rows(&v, 50);	/* list shrank under the selection */
	assert_int_equal(v.sel, 49);
	check_view(&v);
	pane_set_height(&v, 5);	/* terminal got smaller */
	check_view(&v);
	assert_int_equal(v.sel, 49);
	pane_set_height(&v, 80);	/* bigger than the list */
	assert_int_equal(v.top, 0);
	check_view(&v);
}

static void
test_pane_scroll_drags_selection(void **state)
{
	struct pane_view v;
	uint64_t idx;

	(void)state;
	pane_view_init(&v, 100, 10);
	pane_scroll(&v, 3);
	assert_int_equal(v.top, 3);
	assert_int_equal(v.sel, 3);
	pane_scroll(&v, 1000);
	assert_int_equal(v.top, 90);
	check_view(&v);
	assert_int_equal(v.sel, 90);	/* dragged down to stay visible */
	pane_end(&v);
	pane_scroll(&v, -2);
	assert_int_equal(v.top, 88);
	assert_int_equal(v.sel, 97);	/* dragged up to stay visible */
	assert_true(pane_row_at(&v, 4, &idx));
	assert_int_equal(idx, 92);
	assert_false(pane_row_at(&v, 10, &idx));
	assert_false(pane_row_at(&v, -1, &idx));
	pane_view_init(&v, 3, 10);
	assert_true(pane_row_at(&v, 2, &idx));
	assert_false(pane_row_at(&v, 3, &idx));	/* below the last row */
}

static void
test_layout_80x24(void **state)
{
	struct pane_layout l;

	(void)state;
	assert_int_equal(pane_layout(24, 80, 2, 2, true, true, &l), 0);
	assert_false(l.too_small);
	assert_int_equal(l.title_y, 0);
	assert_int_equal(l.header_y, 1);
	assert_int_equal(l.header_h, 2);
	assert_int_equal(l.colhdr_y, 3);
	assert_int_equal(l.list_y, 4);
	assert_int_equal(l.status_y, 23);
	assert_int_equal(l.legend_y, 22);
	assert_int_equal(l.detail_h, 2);
	assert_int_equal(l.detail_y, 20);
	assert_int_equal(l.list_h, 16);
	assert_int_equal(l.map_w, 1);
	assert_int_equal(l.map_x, 79);
	assert_int_equal(l.list_w, 78);
}

static void
test_layout_every_size_fits(void **state)
{
	struct pane_layout l;

	(void)state;
	/* No region overlaps another or leaves the screen, at any size. */
	for (int lines = 0; lines <= 60; lines++) {
		for (int cols = 0; cols <= 200; cols += 7) {
			int r = pane_layout(lines, cols, 3, 2, true, true, &l);

			if (lines < PANE_MIN_LINES || cols < PANE_MIN_COLS) {
				assert_int_equal(r, -1);
				assert_true(l.too_small);
				continue;
			}
			assert_int_equal(r, 0);
			assert_true(l.list_h >= 3);
			assert_int_equal(l.colhdr_y, l.header_y + l.header_h);
			assert_int_equal(l.list_y, l.colhdr_y + 1);
			assert_int_equal(l.detail_y, l.list_y + l.list_h);
			if (l.legend_y >= 0)
				assert_int_equal(l.legend_y,
				    l.detail_y + l.detail_h);
			assert_int_equal(l.status_y, lines - 1);
			assert_true(l.list_w <= cols);
			if (l.map_w)
				assert_true(l.map_x < cols &&
				    l.map_x >= l.list_w);
		}
	}
}

static void
test_layout_40x10_degrades(void **state)
{
	struct pane_layout l;

	(void)state;
	assert_int_equal(pane_layout(10, 40, 3, 2, true, true, &l), 0);
	assert_int_equal(l.header_h, 1);
	assert_int_equal(l.detail_h, 0);
	assert_int_equal(l.legend_y, -1);
	assert_int_equal(l.map_w, 0);	/* too narrow for the minimap */
	assert_int_equal(l.list_h, 6);
	assert_int_equal(pane_layout(9, 40, 1, 0, false, false, &l), -1);
	assert_int_equal(pane_layout(10, 39, 1, 0, false, false, &l), -1);
}

static void
test_cols_fit_drops_by_priority(void **state)
{
	/* addr(0) size(0) perms(0) offset(5) res(1) bar(4) path(0) */
	const int w[] = { 25, 6, 4, 8, 7, 10, 12 };
	const int prio[] = { 0, 0, 0, 5, 1, 4, 0 };
	bool shown[7];
	int used;

	(void)state;
	used = pane_cols_fit(w, prio, 7, 200, shown);
	assert_int_equal(used, 25 + 6 + 4 + 8 + 7 + 10 + 12 + 6);
	for (int i = 0; i < 7; i++)
		assert_true(shown[i]);
	used = pane_cols_fit(w, prio, 7, 70, shown);
	assert_false(shown[3]);	/* offset goes first */
	assert_true(shown[5]);
	assert_true(used <= 70);
	used = pane_cols_fit(w, prio, 7, 60, shown);
	assert_false(shown[3]);
	assert_false(shown[5]);	/* then the bar */
	assert_true(shown[4]);
	assert_true(used <= 60);
	/* mandatory columns stay even when they don't fit */
	used = pane_cols_fit(w, prio, 7, 10, shown);
	assert_true(shown[0] && shown[1] && shown[2] && shown[6]);
	assert_false(shown[4]);
	assert_int_equal(used, 25 + 6 + 4 + 12 + 3);
}

static void
test_text_match(void **state)
{
	(void)state;
	assert_true(pane_text_match("7ffd1234a000-7ffd1234c000 rw-p [stack]",
	    "STACK"));
	assert_true(pane_text_match("7ffd1234a000-7ffd1234c000", "0x7ffd1234"));
	assert_true(pane_text_match("7ffd1234a000-7ffd1234c000", "0X7FFD"));
	assert_true(pane_text_match("anything", ""));
	assert_false(pane_text_match("7ffd1234a000", "0x"));
	assert_false(pane_text_match("libc.so.6", "libm"));
	assert_false(pane_text_match("abc", "abcd"));
}

static void
test_minimap_slices(void **state)
{
	uint64_t f, e, covered = 0, prev_end = 0;

	(void)state;
	/* slices tile the rows exactly, and slice_of inverts them */
	for (int n = 1; n <= 37; n += 6) {
		const uint64_t sizes[] = { 1, 5, 36, 1000, 1ULL << 34 };

		for (size_t s = 0; s < 5; s++) {
			uint64_t rows = sizes[s];

			covered = prev_end = 0;
			for (int i = 0; i < n; i++) {
				pane_slice(rows, n, i, &f, &e);
				assert_int_equal(f, prev_end);
				assert_true(e >= f);
				covered += e - f;
				prev_end = e;
				if (e > f) {
					assert_int_equal(pane_slice_of(rows, n,
					    f), i);
					assert_int_equal(pane_slice_of(rows, n,
					    e - 1), i);
				}
			}
			assert_int_equal(covered, rows);
		}
	}
	assert_int_equal(pane_slice_of(100, 10, 1000), 9);
	pane_slice(100, 0, 0, &f, &e);
	assert_int_equal(e - f, 0);
}

/* The prompt edits text: q, / and Space are typed there, not actions. */
static void
test_keys_edit_prompt(void **state)
{
	(void)state;
	assert_int_equal(keys_edit(27), KE_CANCEL);
	assert_int_equal(keys_edit('\n'), KE_ACCEPT);
	assert_int_equal(keys_edit('\r'), KE_ACCEPT);
	assert_int_equal(keys_edit(KEY_ENTER), KE_ACCEPT);
	assert_int_equal(keys_edit(KEY_BACKSPACE), KE_ERASE);
	assert_int_equal(keys_edit(127), KE_ERASE);
	assert_int_equal(keys_edit(8), KE_ERASE);
	assert_int_equal(keys_edit('q'), KE_TYPE);
	assert_int_equal(keys_edit('/'), KE_TYPE);
	assert_int_equal(keys_edit(' '), KE_TYPE);
	assert_int_equal(keys_edit('~'), KE_TYPE);
	assert_int_equal(keys_edit(KEY_UP), KE_NONE);
	assert_int_equal(keys_edit(KEY_RESIZE), KE_NONE);
	assert_int_equal(keys_edit(0x1f), KE_NONE);
	assert_int_equal(keys_edit(0x80), KE_NONE);
}

/* Lines cut at the last blank that fits; a long word is cut hard. */
static void
test_text_wrap(void **state)
{
	const char *p = "one two three  fourfivesix";
	size_t n;

	(void)state;
	n = text_wrap_len(p, 9);
	assert_int_equal(n, 7);			/* "one two" */
	p = text_wrap_skip(p + n);
	assert_string_equal(p, "three  fourfivesix");
	n = text_wrap_len(p, 9);
	assert_int_equal(n, 6);			/* "three " (the last blank) */
	p = text_wrap_skip(p + n);
	n = text_wrap_len(p, 9);
	assert_int_equal(n, 9);			/* no blank: hard cut */
	p = text_wrap_skip(p + n);
	assert_string_equal(p, "ix");		/* after "fourfives" */
	assert_int_equal(text_wrap_len(p, 9), 2);
}

static void
test_text_hex_digits(void **state)
{
	(void)state;
	assert_int_equal(text_hex_digits(0), 1);
	assert_int_equal(text_hex_digits(0xf), 1);
	assert_int_equal(text_hex_digits(0x10), 2);
	assert_int_equal(text_hex_digits(0x7ffd12345fff), 12);
	assert_int_equal(text_hex_digits(UINT64_MAX), 16);
}

static void
test_text_page_size(void **state)
{
	char b[16];

	(void)state;
	text_page_size(2ULL << 20, b, sizeof(b));
	assert_string_equal(b, "2M");
	text_page_size(1ULL << 30, b, sizeof(b));
	assert_string_equal(b, "1G");
	text_page_size(64ULL << 10, b, sizeof(b));
	assert_string_equal(b, "64K");
	text_page_size(512, b, sizeof(b));
	assert_string_equal(b, "512B");
	text_page_size(3ULL << 20 | 512, b, sizeof(b));
	assert_string_equal(b, "3146240B");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_issue_bindings),
		cmocka_unit_test(test_keys_table_unique_and_documented),
		cmocka_unit_test(test_keys_help_line_lists_every_key),
		cmocka_unit_test(test_pane_move_saturates),
		cmocka_unit_test(test_pane_page_like_less),
		cmocka_unit_test(test_pane_home_end_huge),
		cmocka_unit_test(test_pane_empty_and_tiny),
		cmocka_unit_test(test_pane_shrink_rows_and_height),
		cmocka_unit_test(test_pane_scroll_drags_selection),
		cmocka_unit_test(test_layout_80x24),
		cmocka_unit_test(test_layout_every_size_fits),
		cmocka_unit_test(test_layout_40x10_degrades),
		cmocka_unit_test(test_cols_fit_drops_by_priority),
		cmocka_unit_test(test_text_match),
		cmocka_unit_test(test_minimap_slices),
		cmocka_unit_test(test_keys_edit_prompt),
		cmocka_unit_test(test_text_wrap),
		cmocka_unit_test(test_text_hex_digits),
		cmocka_unit_test(test_text_page_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
