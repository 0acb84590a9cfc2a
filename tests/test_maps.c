/* test_maps: maps line parser, VMA list, lookup, fixture and live reads. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "mutate.h"

#include "maps.h"
#include "procfs.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN 1
#endif

static int fixfd = -1;

/* Parse s (given without NUL) and return the result code. */
static int
parse(const char *s, struct vma *v)
{
	size_t n = strlen(s);
	char *b = exact(s, n);
	int r = maps_parse_line(b, n, v);

	free(b);
	return r;
}

/* The line as the kernel pads it: fields, pad to column 72, space, path. */
static void
kline(char *buf, size_t len, const char *fields, const char *path)
{
	snprintf(buf, len, "%-72s %s", fields, path);
}

static void
test_maps_parse_file_line_all_fields(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "55d0c8a2e000-55d0c8b0d000 r-xp 0002e000 "
	    "fe:01 1835023 ", "/usr/lib/systemd/systemd");
	assert_int_equal(parse(line, &v), 0);
	assert_true(v.start == 0x55d0c8a2e000ULL);
	assert_true(v.end == 0x55d0c8b0d000ULL);
	assert_string_equal(v.perms, "r-xp");
	assert_true(v.offset == 0x2e000ULL);
	assert_int_equal(v.dev_major, 0xfe);
	assert_int_equal(v.dev_minor, 0x01);
	assert_true(v.inode == 1835023ULL);
	assert_string_equal(v.path, "/usr/lib/systemd/systemd");
	assert_false(v.deleted);
	assert_int_equal(v.kind, VMA_FILE);
	maps_vma_free(&v);
}

static void
test_maps_parse_full_64bit_addresses(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "ffffffffff600000-ffffffffff601000 --xp "
	    "00000000 00:00 0 ", "[vsyscall]");
	assert_int_equal(parse(line, &v), 0);
	assert_true(v.start == 0xffffffffff600000ULL);
	assert_true(v.end == 0xffffffffff601000ULL);
	assert_int_equal(v.kind, VMA_VSYSCALL);
	assert_string_equal(v.path, "[vsyscall]");
	maps_vma_free(&v);

	/* Offsets and inodes are 64-bit too; dev numbers wider than 2 digits. */
	assert_int_equal(parse("fffffffffffff000-ffffffffffffffff rw-s "
	    "fedcba9876543210 103:1f 18446744073709551615 /x", &v), 0);
	assert_true(v.start == 0xfffffffffffff000ULL);
	assert_true(v.end == UINT64_MAX);
	assert_true(v.offset == 0xfedcba9876543210ULL);
	assert_int_equal(v.dev_major, 0x103);
	assert_int_equal(v.dev_minor, 0x1f);
	assert_true(v.inode == UINT64_MAX);
	assert_string_equal(v.perms, "rw-s");
	assert_string_equal(v.path, "/x");
	maps_vma_free(&v);
}

static void
test_maps_parse_anon_without_path(void **state)
{
	struct vma v;

	/* The kernel leaves one trailing space when there is no name. */
	assert_int_equal(parse("7f1c2a000000-7f1c2a021000 rw-p 00000000 "
	    "00:00 0 ", &v), 0);
	assert_string_equal(v.path, "");
	assert_int_equal(v.kind, VMA_ANON);
	assert_false(v.deleted);
	maps_vma_free(&v);
	assert_int_equal(parse("1000-2000 ---p 00000000 00:00 0", &v), 0);
	assert_string_equal(v.path, "");
	assert_int_equal(v.kind, VMA_ANON);
	assert_string_equal(v.perms, "---p");
	maps_vma_free(&v);
}

static void
test_maps_parse_special_names_kinds(void **state)
{
	static const struct {
		const char *path;
		enum vma_kind kind;
	} cases[] = {
		{ "[heap]", VMA_HEAP },
		{ "[stack]", VMA_STACK },
		{ "[stack:1234]", VMA_STACK },
		{ "[vdso]", VMA_VDSO },
		{ "[vvar]", VMA_VDSO },
		{ "[vvar_vclock]", VMA_VDSO },
		{ "[uprobes]", VMA_VDSO },
		{ "[vsyscall]", VMA_VSYSCALL },
		{ "[anon:glibc.malloc]", VMA_SPECIAL },
		{ "[anon:name with spaces]", VMA_SPECIAL },
		{ "anon_inode:[io_uring]", VMA_SPECIAL },
		{ "anon_inode:i915.gem", VMA_SPECIAL },
		{ "/dev/zero (deleted)", VMA_FILE },
	};
	struct vma v;
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kline(line, sizeof(line), "7ffd5c6d0000-7ffd5c6f1000 rw-p "
		    "00000000 00:00 0 ", cases[i].path);
		assert_int_equal(parse(line, &v), 0);
		assert_string_equal(v.path, cases[i].path);
		assert_int_equal(v.kind, cases[i].kind);
		maps_vma_free(&v);
	}
}

/* Only [stack:TID] names a thread; [stack] and anything malformed: 0. */
static void
test_maps_stack_tid_only_from_thread_labels(void **state)
{
	static const struct {
		const char *path;
		int tid;
	} cases[] = {
		{ "[stack:1234]", 1234 }, { "[stack:1]", 1 },
		{ "[stack:2147483647]", 2147483647 }, { "[stack]", 0 },
		{ "[stack:]", 0 }, { "[stack:0]", 0 }, { "[stack:012]", 0 },
		{ "[stack:12", 0 }, { "[stack:12]x", 0 }, { "[stack:-5]", 0 },
		{ "[stack:2147483648]", 0 }, { "[stack:99999999999999999999]", 0 },
		{ "[stack:1 ]", 0 }, { "[heap]", 0 }, { "", 0 },
	};
	char line[200];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vma v;

		snprintf(line, sizeof(line), "7f0000001000-7f0000021000 rw-p "
		    "00000000 00:00 0          %s", cases[i].path);
		assert_int_equal(maps_parse_line(line, strlen(line), &v), 0);
		if (maps_stack_tid(&v) != cases[i].tid)
			fail_msg("\"%s\": tid %d, want %d", cases[i].path,
			    maps_stack_tid(&v), cases[i].tid);
		maps_vma_free(&v);
	}
}

/* tests/fixtures/proc44: two [stack:TID] lines before the real [stack]. */
static void
test_maps_read_fixture_old_thread_stacks(void **state)
{
	static const struct {
		uint64_t start;
		enum vma_kind kind;
		int tid;
	} want[] = {
		{ 0x400000, VMA_FILE, 0 },
		{ 0x7f0000000000, VMA_ANON, 0 },
		{ 0x7f0000001000, VMA_STACK, 4401 },
		{ 0x7f0000100000, VMA_STACK, 4400 },
		{ 0x7ffcfff00000, VMA_ANON, 0 },
		{ 0x7ffd00000000, VMA_STACK, 0 },
	};
	struct vma_list l = { 0 };
	char dir[4096];
	const char *fx = getenv("FIXTURES");
	int root;

	(void)state;
	assert_non_null(fx);
	snprintf(dir, sizeof(dir), "%s/proc44", fx);
	root = procfs_open_root(dir);
	assert_true(root >= 0);
	assert_int_equal(maps_read(root, 4400, &l), 0);
	assert_int_equal(l.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.v[i].start, want[i].start);
		assert_int_equal(l.v[i].kind, want[i].kind);
		assert_int_equal(maps_stack_tid(&l.v[i]), want[i].tid);
	}
	maps_free(&l);
	close(root);
}

static void
test_maps_parse_path_with_spaces(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "400000-401000 r-xp 00000000 08:01 42 ",
	    "/tmp/dir with spaces/prog  name ");
	assert_int_equal(parse(line, &v), 0);
	assert_string_equal(v.path, "/tmp/dir with spaces/prog  name ");
	assert_int_equal(v.kind, VMA_FILE);
	maps_vma_free(&v);
}

static void
test_maps_parse_path_leading_spaces_after_padding(void **state)
{
	struct vma v;
	char line[256];

	/* Only the kernel's column padding is stripped, not the name's own. */
	kline(line, sizeof(line), "400000-401000 r--p 00000000 08:01 42 ",
	    "  two leading");
	assert_int_equal(parse(line, &v), 0);
	assert_string_equal(v.path, "  two leading");
	maps_vma_free(&v);
	/* A long prefix gets no padding: the path follows two spaces. */
	assert_int_equal(parse("ffffffffff600000-ffffffffff601000 r--p "
	    "ffffffffff600000 fff:fffff 18446744073709551615  /long", &v), 0);
	assert_string_equal(v.path, "/long");
	maps_vma_free(&v);
}

static void
test_maps_parse_handwritten_single_space(void **state)
{
	struct vma v;

	assert_int_equal(parse("1000-2000 rw-p 00000000 00:00 0 [heap]", &v),
	    0);
	assert_string_equal(v.path, "[heap]");
	assert_int_equal(v.kind, VMA_HEAP);
	maps_vma_free(&v);
}

static void
test_maps_parse_deleted_file(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "600000-601000 rw-p 00001000 08:01 43 ",
	    "/tmp/gone.so (deleted)");
	assert_int_equal(parse(line, &v), 0);
	assert_true(v.deleted);
	assert_string_equal(v.path, "/tmp/gone.so (deleted)");
	assert_int_equal(v.kind, VMA_FILE);
	maps_vma_free(&v);
	/* The suffix must be at the very end. */
	kline(line, sizeof(line), "600000-601000 rw-p 00001000 08:01 43 ",
	    "/tmp/x (deleted).so");
	assert_int_equal(parse(line, &v), 0);
	assert_false(v.deleted);
	maps_vma_free(&v);
	kline(line, sizeof(line), "600000-601000 rw-p 00001000 08:01 43 ",
	    "(deleted)");
	assert_int_equal(parse(line, &v), 0);
	assert_false(v.deleted);
	maps_vma_free(&v);
}

static void
test_maps_parse_newline_escape_decoded(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "601000-602000 r--p 00000000 08:01 44 ",
	    "/tmp/new\\012line\\012");
	assert_int_equal(parse(line, &v), 0);
	assert_string_equal(v.path, "/tmp/new\nline\n");
	maps_vma_free(&v);
	/* Other backslashes are the file's own: left alone. */
	kline(line, sizeof(line), "601000-602000 r--p 00000000 08:01 44 ",
	    "/a\\b\\01\\0123\\");
	assert_int_equal(parse(line, &v), 0);
	assert_string_equal(v.path, "/a\\b\\01\n3\\");
	maps_vma_free(&v);
}

static void
test_maps_parse_escape_bytes_kept_raw(void **state)
{
	struct vma v;
	char line[256];

	kline(line, sizeof(line), "602000-603000 r--p 00000000 08:01 45 ",
	    "/tmp/\033[31mred\033]0;title\007\x9b\xff");
	assert_int_equal(parse(line, &v), 0);
	assert_string_equal(v.path, "/tmp/\033[31mred\033]0;title\007\x9b\xff");
	maps_vma_free(&v);
}

static void
test_maps_parse_no_nul_terminator(void **state)
{
	static const char text[] = "1000-2000 rw-p 00000000 00:00 0 "
	    "[heap]JUNK";
	struct vma v;
	size_t n = sizeof(text) - 1 - 4;
	char *b = exact(text, n);

	/* Exactly n bytes, no terminator: must stop at n. */
	assert_int_equal(maps_parse_line(b, n, &v), 0);
	assert_string_equal(v.path, "[heap]");
	maps_vma_free(&v);
	free(b);
	/* And a longer buffer whose len stops early. */
	assert_int_equal(maps_parse_line(text, n - 2, &v), 0);
	assert_string_equal(v.path, "[hea");
	maps_vma_free(&v);
}

static void
test_maps_parse_malformed_lines_rejected(void **state)
{
	static const char *bad[] = {
		"",
		" ",
		"zz00-2000 rw-p 00000000 00:00 0",		/* bad hex */
		"1000-2g00 rw-p 00000000 00:00 0",
		"1000 2000 rw-p 00000000 00:00 0",		/* no '-' */
		"-2000 rw-p 00000000 00:00 0",
		"1000- rw-p 00000000 00:00 0",
		"1000-2000 rwxq 00000000 00:00 0",		/* bad perms */
		"1000-2000 rw 00000000 00:00 0",
		"1000-2000 rw-p 0000g000 00:00 0",
		"1000-2000 rw-p 00000000 0000 0",		/* no ':' */
		"1000-2000 rw-p 00000000 00:zz 0",
		"1000-2000 rw-p 00000000 00:00 x",		/* bad inode */
		"1000-2000 rw-p 00000000 00:00 12x /p",	/* junk after inode */
		"1000-2000 rw-p 00000000 00:00",		/* missing inode */
		"1000-2000 rw-p 00000000",
		"1000-2000 rw-p",
		"1000-2000",
		"2000-1000 rw-p 00000000 00:00 0",		/* end < start */
		"1000-1000 rw-p 00000000 00:00 0",		/* empty */
		"10000000000000000-10000000000000001 rw-p 0 00:00 0", /* 65 bit */
		"1000-2000 rw-p 00000000 00:00 99999999999999999999",
		"1000-2000  rw-p 00000000 00:00 0",		/* extra space */
		"\t1000-2000 rw-p 00000000 00:00 0",
	};
	struct vma v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (parse(bad[i], &v) != -1 || errno != EINVAL)
			fail_msg("accepted malformed line %zu: \"%s\"", i,
			    bad[i]);
	}
}

static void
test_maps_parse_every_truncation_before_inode_rejected(void **state)
{
	static const char text[] = "7f1c2a000000-7f1c2a021000 rw-p 0000a000 "
	    "fe:01 31337 /lib/x.so";
	/* Up to the inode's first digit every cut leaves a field missing. */
	size_t stop = (size_t)(strstr(text, "31337") - text), n;
	struct vma v;

	for (n = 0; n <= stop; n++) {
		char *b = exact(text, n);

		errno = 0;
		assert_int_equal(maps_parse_line(b, n, &v), -1);
		assert_int_equal(errno, EINVAL);
		free(b);
	}
	for (n = stop + 1; n <= sizeof(text) - 1; n++) {
		char *b = exact(text, n);

		assert_int_equal(maps_parse_line(b, n, &v), 0);
		maps_vma_free(&v);
		free(b);
	}
}

static void
test_maps_parse_rejects_nul_in_path(void **state)
{
	static const char text[] = "1000-2000 r--p 00000000 00:00 0 /a\0b";
	struct vma v;

	errno = 0;
	assert_int_equal(maps_parse_line(text, sizeof(text) - 1, &v), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_maps_parse_whole_file(void **state)
{
	static const char text[] =
	    "1000-2000 r--p 00000000 08:01 1 /a\n"
	    "2000-3000 rw-p 00000000 00:00 0 \n"
	    "5000-6000 rw-p 00000000 00:00 0 [heap]\n";
	struct vma_list l;
	char *b = exact(text, sizeof(text) - 1);

	assert_int_equal(maps_parse(b, sizeof(text) - 1, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].path, "/a");
	assert_int_equal(l.v[1].kind, VMA_ANON);
	assert_int_equal(l.v[2].kind, VMA_HEAP);
	maps_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	/* Without the final newline the last line still counts. */
	assert_int_equal(maps_parse(b, sizeof(text) - 2, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2].path, "[heap]");
	maps_free(&l);
	free(b);
	/* Empty text: an empty list. */
	assert_int_equal(maps_parse("", 0, &l), 0);
	assert_int_equal(l.n, 0);
	maps_free(&l);
}

static void
test_maps_parse_bad_line_fails_whole_parse(void **state)
{
	static const char text[] =
	    "1000-2000 r--p 00000000 08:01 1 /a\n"
	    "2000-3000 rw-p 0000000 00:00\n"
	    "5000-6000 rw-p 00000000 00:00 0 [heap]\n";
	static const char blank[] = "1000-2000 r--p 00000000 08:01 1 /a\n\n";
	struct vma_list l = { (struct vma *)&l, 99, 99 };

	errno = 0;
	assert_int_equal(maps_parse(text, sizeof(text) - 1, &l), -1);
	assert_int_equal(errno, EINVAL);
	/* Untouched on failure. */
	assert_int_equal(l.n, 99);
	errno = 0;
	assert_int_equal(maps_parse(blank, sizeof(blank) - 1, &l), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_maps_parse_unsorted_input_is_sorted(void **state)
{
	static const char text[] =
	    "5000-6000 rw-p 00000000 00:00 0 /c\n"
	    "1000-2000 r--p 00000000 08:01 1 /a\n"
	    "3000-4000 rw-p 00000000 00:00 0 /b\n";
	struct vma_list l;

	assert_int_equal(maps_parse(text, sizeof(text) - 1, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].path, "/a");
	assert_string_equal(l.v[1].path, "/b");
	assert_string_equal(l.v[2].path, "/c");
	assert_int_equal(maps_find(&l, 0x3800), 1);
	maps_free(&l);
}

/* Reference answer by linear scan. */
static long
find_linear(const struct vma_list *l, uint64_t a)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (a >= l->v[i].start && a < l->v[i].end)
			return (long)i;
	return -1;
}

static void
test_maps_find_binary_search_matches_linear(void **state)
{
	struct vma_list l = { NULL, 0, 0 };
	uint64_t a, probes[] = { 0, 1, UINT64_MAX, UINT64_MAX - 1 };
	size_t i, j, n = 257;
	char *text, *p;
	unsigned seed = 12345;

	/* Random-sized VMAs with random gaps (some adjacent), to the top. */
	text = malloc(n * 80);
	assert_non_null(text);
	p = text;
	a = 0x1000;
	for (i = 0; i < n; i++) {
		uint64_t len, gap;

		seed = seed * 1103515245 + 12345;
		len = ((seed >> 8) % 16 + 1) * 0x1000;
		gap = (seed >> 16) % 3 == 0 ? 0 : ((seed >> 20) % 8) * 0x1000;
		a += gap;
		if (i == n - 1) {
			a = 0xffffffffff600000ULL;
			len = 0x1000;
		}
		p += sprintf(p, "%llx-%llx rw-p 00000000 00:00 0 \n",
		    (unsigned long long)a, (unsigned long long)(a + len));
		a += len;
	}
	assert_int_equal(maps_parse(text, (size_t)(p - text), &l), 0);
	assert_int_equal(l.n, n);
	for (i = 0; i < l.n; i++) {
		uint64_t edge[] = { l.v[i].start, l.v[i].end - 1, l.v[i].end,
			l.v[i].start - 1, l.v[i].start + 0x800 };

		for (j = 0; j < sizeof(edge) / sizeof(edge[0]); j++)
			assert_int_equal(maps_find(&l, edge[j]),
			    find_linear(&l, edge[j]));
		assert_int_equal(maps_find(&l, l.v[i].start), (long)i);
	}
	for (j = 0; j < sizeof(probes) / sizeof(probes[0]); j++)
		assert_int_equal(maps_find(&l, probes[j]),
		    find_linear(&l, probes[j]));
	maps_free(&l);
	free(text);
	/* Empty list. */
	assert_int_equal(maps_find(&l, 0x1000), -1);
}

static void
test_maps_read_fixture_every_kind(void **state)
{
	static const enum vma_kind want[] = { VMA_FILE, VMA_FILE, VMA_HEAP,
		VMA_ANON, VMA_SPECIAL, VMA_SPECIAL, VMA_STACK, VMA_VDSO,
		VMA_VDSO, VMA_VSYSCALL };
	struct vma_list l;
	size_t i;

	assert_int_equal(maps_read(fixfd, 1, &l), 0);
	assert_int_equal(l.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < l.n; i++)
		assert_int_equal(l.v[i].kind, want[i]);
	assert_string_equal(l.v[0].path, "/usr/lib/systemd/systemd");
	assert_true(l.v[1].offset == 0x2e000ULL);
	assert_string_equal(l.v[4].path, "[anon:glibc.malloc]");
	assert_string_equal(l.v[5].path, "anon_inode:[io_uring]");
	assert_string_equal(l.v[5].perms, "rw-s");
	assert_true(l.v[9].start == 0xffffffffff600000ULL);
	assert_int_equal(maps_find(&l, 0xffffffffff600123ULL), 9);
	assert_int_equal(maps_find(&l, 0x55d0c8b0d000ULL), -1);
	maps_free(&l);
}

static void
test_maps_read_fixture_hostile_names(void **state)
{
	struct vma_list l;

	assert_int_equal(maps_read(fixfd, PROCFS_SELF, &l), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].path, "/tmp/dir with spaces/prog name");
	assert_true(l.v[1].deleted);
	assert_string_equal(l.v[2].path, "/tmp/new\nline");
	assert_string_equal(l.v[3].path, "/tmp/\033[31mred");
	assert_true(l.v[4].deleted);
	assert_int_equal(l.v[4].kind, VMA_FILE);
	maps_free(&l);
}

static void
test_maps_read_kernel_thread_is_empty(void **state)
{
	struct vma_list l;

	assert_int_equal(maps_read(fixfd, 2, &l), 0);
	assert_int_equal(l.n, 0);
	maps_free(&l);
	errno = 0;
	assert_int_equal(maps_read(fixfd, 999, &l), -1);
	assert_int_equal(errno, ESRCH);
}

static int
some_function(int x)
{
	return x * 3 + 1;
}

static void
test_maps_read_live_self_contains_stack_and_code(void **state)
{
	volatile int local = some_function(2);
	uint64_t la = (uint64_t)(uintptr_t)&local;
	uint64_t fa = (uint64_t)(uintptr_t)&some_function;
	struct vma_list l;
	long i;
	int rootfd = procfs_open_root("/proc");

	assert_true(rootfd >= 0);
	assert_int_equal(local, 7);
	assert_int_equal(maps_read(rootfd, PROCFS_SELF, &l), 0);
	assert_true(l.n > 5);
	for (i = 1; i < (long)l.n; i++)
		assert_true(l.v[i - 1].end <= l.v[i].start);
	/*
	 * cmocka runs tests on the main thread, but ASan may move locals to
	 * a fake stack: only insist on [stack] without it.
	 */
	i = maps_find(&l, la);
	assert_true(i >= 0);
	assert_true(l.v[i].perms[0] == 'r' && l.v[i].perms[1] == 'w');
#ifndef UNDER_ASAN
	assert_int_equal(l.v[i].kind, VMA_STACK);
#endif
	i = maps_find(&l, fa);
	assert_true(i >= 0);
	assert_int_equal(l.v[i].perms[2], 'x');
	assert_int_equal(l.v[i].kind, VMA_FILE);
	maps_free(&l);
	close(rootfd);
}

/*
 * Mutated real lines (bytes flipped, cut short, junk spliced in) must give
 * 0 or -1/EINVAL, never a crash or a read past len (ASan runs this too).
 * When a mutant parses, its fields must still be sane.
 */
static void
test_maps_parse_line_survives_mutations(void **state)
{
	static const char *const seeds[] = {
		"7f1234560000-7f1234580000 r-xp 00001000 fe:00 1234567"
		"                   /usr/lib/x86_64-linux-gnu/libc.so.6",
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
		"                  [vsyscall]",
		"55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0 [heap]",
		"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 ",
		"7f0000000000-7f0000001000 rw-s 00000000 00:01 42 /memfd:x (deleted)",
	};
	char buf[256];
	unsigned int seed = 12345;

	for (int iter = 0; iter < 200000; iter++) {
		const char *src = seeds[iter % 5];
		size_t n = strlen(src);
		struct vma v;
		char *line;

		memcpy(buf, src, n);
		n = mutate(buf, n, &seed);
		line = exact(buf, n);
		errno = 0;
		if (maps_parse_line(line, n, &v) == 0) {
			assert_true(v.start < v.end);
			assert_non_null(v.path);
			assert_int_equal(strlen(v.perms), 4);
			maps_vma_free(&v);
		} else
			assert_true(errno == EINVAL || errno == ENOMEM);
		free(line);
	}
}

static void
test_maps_kind_names(void **state)
{
	assert_string_equal(maps_kind_name(VMA_ANON), "anon");
	assert_string_equal(maps_kind_name(VMA_FILE), "file");
	assert_string_equal(maps_kind_name(VMA_HEAP), "heap");
	assert_string_equal(maps_kind_name(VMA_STACK), "stack");
	assert_string_equal(maps_kind_name(VMA_VDSO), "vdso");
	assert_string_equal(maps_kind_name(VMA_VSYSCALL), "vsyscall");
	assert_string_equal(maps_kind_name(VMA_SPECIAL), "special");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_parse_file_line_all_fields),
		cmocka_unit_test(test_maps_parse_full_64bit_addresses),
		cmocka_unit_test(test_maps_parse_anon_without_path),
		cmocka_unit_test(test_maps_parse_special_names_kinds),
		cmocka_unit_test(test_maps_stack_tid_only_from_thread_labels),
		cmocka_unit_test(test_maps_read_fixture_old_thread_stacks),
		cmocka_unit_test(test_maps_parse_path_with_spaces),
		cmocka_unit_test(
		    test_maps_parse_path_leading_spaces_after_padding),
		cmocka_unit_test(test_maps_parse_handwritten_single_space),
		cmocka_unit_test(test_maps_parse_deleted_file),
		cmocka_unit_test(test_maps_parse_newline_escape_decoded),
		cmocka_unit_test(test_maps_parse_escape_bytes_kept_raw),
		cmocka_unit_test(test_maps_parse_no_nul_terminator),
		cmocka_unit_test(test_maps_parse_malformed_lines_rejected),
		cmocka_unit_test(
		    test_maps_parse_every_truncation_before_inode_rejected),
		cmocka_unit_test(test_maps_parse_rejects_nul_in_path),
		cmocka_unit_test(test_maps_parse_whole_file),
		cmocka_unit_test(test_maps_parse_bad_line_fails_whole_parse),
		cmocka_unit_test(test_maps_parse_unsorted_input_is_sorted),
		cmocka_unit_test(test_maps_find_binary_search_matches_linear),
		cmocka_unit_test(test_maps_read_fixture_every_kind),
		cmocka_unit_test(test_maps_read_fixture_hostile_names),
		cmocka_unit_test(test_maps_read_kernel_thread_is_empty),
		cmocka_unit_test(
		    test_maps_read_live_self_contains_stack_and_code),
		cmocka_unit_test(test_maps_parse_line_survives_mutations),
		cmocka_unit_test(test_maps_kind_names),
	};
	int r;

	if ((r = fixture_start(&fixfd)) != 0)
		return r;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	close(fixfd);
	return r;
}
