/* test_parse: the parser kit's numbers and escapes: overflow, empty, bad digits, never a byte past end. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

/* Parse all of s with fn's rule: 0 and the value, or -1 and errno. */
static int
hex_of(const char *s, uint64_t *v, size_t *used)
{
	const char *p = s;
	int r = parse_hex(&p, s + strlen(s), v);

	*used = (size_t)(p - s);
	return r;
}

static int
u64_of(const char *s, uint64_t max, uint64_t *v, size_t *used)
{
	const char *p = s;
	int r = parse_u64(&p, s + strlen(s), max, v);

	*used = (size_t)(p - s);
	return r;
}

static int
i64_of(const char *s, int64_t min, int64_t max, int64_t *v, size_t *used)
{
	const char *p = s;
	int r = parse_i64(&p, s + strlen(s), min, max, v);

	*used = (size_t)(p - s);
	return r;
}

static void
test_parse_hex(void **state)
{
	uint64_t v = 42;
	size_t used;

	(void)state;
	assert_int_equal(hex_of("7fFf-", &v, &used), 0);
	assert_true(v == 0x7fff && used == 4);
	assert_int_equal(hex_of("ffffffffffffffff", &v, &used), 0);
	assert_true(v == UINT64_MAX && used == 16);
	/* leading zeros are free */
	assert_int_equal(hex_of("000000000000000000000001", &v, &used), 0);
	assert_true(v == 1 && used == 24);
	/* 17 significant digits overflow; nothing moves */
	v = 42;
	errno = 0;
	assert_int_equal(hex_of("10000000000000000", &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	assert_true(v == 42 && used == 0);
	/* empty, bad first digit, a prefix the kit does not take */
	errno = 0;
	assert_int_equal(hex_of("", &v, &used), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(hex_of("g1", &v, &used), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(hex_of("0x10", &v, &used), 0);
	assert_true(v == 0 && used == 1);
	assert_true(v == 0);
}

static void
test_parse_u64(void **state)
{
	uint64_t v = 42;
	size_t used;

	(void)state;
	assert_int_equal(u64_of("1234 kB", UINT64_MAX, &v, &used), 0);
	assert_true(v == 1234 && used == 4);
	assert_int_equal(u64_of("18446744073709551615", UINT64_MAX, &v,
	    &used), 0);
	assert_true(v == UINT64_MAX);
	errno = 0;
	assert_int_equal(u64_of("18446744073709551616", UINT64_MAX, &v,
	    &used), -1);
	assert_int_equal(errno, ERANGE);
	assert_true(v == UINT64_MAX && used == 0);
	/* the bound is inclusive, and a single digit over it fails */
	assert_int_equal(u64_of("4194304", 4194304, &v, &used), 0);
	errno = 0;
	assert_int_equal(u64_of("4194305", 4194304, &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(u64_of("4", 3, &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(u64_of("0", 0, &v, &used), 0);
	assert_true(v == 0);
	/* no blanks, no sign */
	static const char *const bad[] = { "", " 1", "+1", "-1", "x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(u64_of(bad[i], UINT64_MAX, &v, &used), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(used, 0);
	}
}

static void
test_parse_i64(void **state)
{
	int64_t v = 42;
	size_t used;

	(void)state;
	assert_int_equal(i64_of("-2\t", INT_MIN, INT_MAX, &v, &used), 0);
	assert_true(v == -2 && used == 2);
	assert_int_equal(i64_of("-9223372036854775808", INT64_MIN, INT64_MAX,
	    &v, &used), 0);
	assert_true(v == INT64_MIN && used == 20);
	assert_int_equal(i64_of("9223372036854775807", INT64_MIN, INT64_MAX,
	    &v, &used), 0);
	assert_true(v == INT64_MAX);
	errno = 0;
	assert_int_equal(i64_of("-9223372036854775809", INT64_MIN, INT64_MAX,
	    &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(i64_of("9223372036854775808", INT64_MIN, INT64_MAX,
	    &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	/* an int's range */
	errno = 0;
	assert_int_equal(i64_of("-2147483649", INT_MIN, INT_MAX, &v, &used),
	    -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(i64_of("2147483648", INT_MIN, INT_MAX, &v, &used),
	    -1);
	assert_int_equal(errno, ERANGE);
	/* a range wholly below zero */
	assert_int_equal(i64_of("-5", -10, -2, &v, &used), 0);
	assert_true(v == -5);
	errno = 0;
	assert_int_equal(i64_of("-1", -10, -2, &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(i64_of("3", -10, -2, &v, &used), -1);
	assert_int_equal(errno, ERANGE);
	/* a field without a sign refuses '-'; a lone sign is no number */
	errno = 0;
	assert_int_equal(i64_of("-0", 0, 10, &v, &used), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(i64_of("-", INT64_MIN, INT64_MAX, &v, &used), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(i64_of("", INT64_MIN, INT64_MAX, &v, &used), -1);
	assert_int_equal(errno, EINVAL);
	assert_true(v == -5 && used == 0);
}

static void
test_parse_u64_line(void **state)
{
	static const char ok1[] = "2097152\n", ok2[] = "3", ok3[] = "12\njunk";
	static const char *const bad[] = { "", "\n", "12 \n", "0x10\n",
	    " 12\n", "12kB" };
	uint64_t v = 42;

	(void)state;
	assert_int_equal(parse_u64_line(ok1, ok1 + strlen(ok1), 1ULL << 40,
	    &v), 0);
	assert_true(v == 2097152);
	assert_int_equal(parse_u64_line(ok2, ok2 + 1, 3, &v), 0);
	assert_true(v == 3);
	assert_int_equal(parse_u64_line(ok3, ok3 + strlen(ok3), 99, &v), 0);
	assert_true(v == 12);
	errno = 0;
	assert_int_equal(parse_u64_line(ok2, ok2 + 1, 2, &v), -1);
	assert_int_equal(errno, ERANGE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(parse_u64_line(bad[i], bad[i] +
		    strlen(bad[i]), UINT64_MAX, &v), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_true(v == 12);
}

static void
test_parse_unescape(void **state)
{
	char out[64];
	const char *s;

	(void)state;
	/* maps: only "\012" is the kernel's */
	s = "/tmp/a\\012b\\101\\134";
	assert_int_equal(parse_unescape(s, strlen(s), "\n", out, sizeof(out)),
	    strlen("/tmp/a\nb\\101\\134"));
	assert_string_equal(out, "/tmp/a\nb\\101\\134");
	/* /proc/swaps: " \t\n\\" */
	s = "/var/swap\\040file\\011\\012\\134x\\101";
	parse_unescape(s, strlen(s), " \t\n\\", out, sizeof(out));
	assert_string_equal(out, "/var/swap file\t\n\\x\\101");
	/* a NUL is never decoded, nor a cut escape, nor \4xx (no byte) */
	s = "a\\000b\\400c\\01";
	parse_unescape(s, strlen(s), " \t\n\\", out, sizeof(out));
	assert_string_equal(out, s);
	/* out is cut to fit, always terminated */
	s = "abc\\040def";
	assert_int_equal(parse_unescape(s, strlen(s), " ", out, 5), 4);
	assert_string_equal(out, "abc ");
	assert_int_equal(parse_unescape(s, strlen(s), " ", out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'x';
	assert_int_equal(parse_unescape(s, strlen(s), " ", out, 0), 0);
	assert_true(out[0] == 'x');
	/* n bounds the input: the escape past n is not looked at */
	assert_int_equal(parse_unescape(s, 4, " ", out, sizeof(out)), 4);
	assert_string_equal(out, "abc\\");
}

/*
 * Every entry point over text that ends exactly where a PROT_NONE page
 * begins: reading a byte at or past end faults (SIGSEGV fails the test).
 */
static void
test_parse_never_reads_past_end(void **state)
{
	static const char *const texts[] = { "", "7", "123", "fff", "-12", "-",
	    "\\", "\\0", "\\01", "a\\04", "18446744073709551615" };
	long psl = sysconf(_SC_PAGESIZE);
	size_t ps = psl > 0 ? (size_t)psl : 4096;
	char *page, out[64];

	(void)state;
	page = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	assert_int_equal(mprotect(page + ps, ps, PROT_NONE), 0);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]);
		char *s = page + ps - n, *end = page + ps;
		const char *p;
		uint64_t u;
		int64_t v;

		memcpy(s, texts[i], n);
		p = s;
		(void)parse_hex(&p, end, &u);
		assert_true(p >= s && p <= end);
		p = s;
		(void)parse_u64(&p, end, UINT64_MAX, &u);
		assert_true(p >= s && p <= end);
		p = s;
		(void)parse_i64(&p, end, INT64_MIN, INT64_MAX, &v);
		assert_true(p >= s && p <= end);
		(void)parse_u64_line(s, end, UINT64_MAX, &u);
		assert_true(parse_unescape(s, n, " \t\n\\", out, sizeof(out)) <=
		    n);
	}
	/* the whole number is at the very end: all of it is taken */
	{
		const char *p = page + ps - 3;
		uint64_t u;

		memcpy(page + ps - 3, "123", 3);
		assert_int_equal(parse_u64(&p, page + ps, UINT64_MAX, &u), 0);
		assert_true(u == 123 && p == page + ps);
	}
	munmap(page, 2 * ps);
}

/* Random digit strings against strtoull/strtoll, an independent reader. */
static void
test_parse_against_libc(void **state)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	unsigned int seed = 9;
	char s[40], *end;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 1 + (size_t)rand_r(&seed) % 24, used;
		int base = rand_r(&seed) % 2 ? 16 : 10;
		unsigned long long want;
		long long swant;
		uint64_t got;
		int64_t sgot;
		int r;

		for (size_t i = 0; i < n; i++)
			s[i] = digits[rand_r(&seed) % (base == 16 ? 22 : 10)];
		s[n] = '\0';
		errno = 0;
		want = strtoull(s, &end, base);
		r = base == 16 ? hex_of(s, &got, &used) :
		    u64_of(s, UINT64_MAX, &got, &used);
		if (errno == ERANGE) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_true(got == want && used == n);
		}
		if (base == 16)
			continue;
		s[0] = '-';
		errno = 0;
		swant = strtoll(s, &end, 10);
		r = i64_of(s, INT64_MIN, INT64_MAX, &sgot, &used);
		if (n == 1) {
			assert_int_equal(r, -1);	/* a lone '-' */
		} else if (errno == ERANGE) {
			assert_int_equal(r, -1);
		} else {
			assert_int_equal(r, 0);
			assert_true(sgot == swant && used == n);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_parse_u64_line),
		cmocka_unit_test(test_parse_unescape),
		cmocka_unit_test(test_parse_never_reads_past_end),
		cmocka_unit_test(test_parse_against_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
