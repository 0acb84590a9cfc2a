/* fuzz_parse: the parser kit (parse_hex, parse_u64, parse_i64, parse_unescape) on raw bytes, checked against strtoull/strtoll. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "fuzz.h"
#include "parse.h"

/* Leading bytes of s[0..n) in set. */
static size_t
span(const uint8_t *s, size_t n, const char *set)
{
	size_t k = 0;

	while (k < n && s[k] != '\0' && strchr(set, s[k]) != NULL)
		k++;
	return k;
}

/* strtoull/strtoll of the k digits at s: 0, or -1 on ERANGE. */
static int
oracle_u(const uint8_t *s, size_t k, int base, uint64_t *v)
{
	char *t = fuzz_cstr(s, k), *end;
	int r;

	errno = 0;
	*v = strtoull(t, &end, base);
	r = errno == ERANGE ? -1 : 0;
	FUZZ_CHECK(r == -1 || (size_t)(end - t) == k);
	free(t);
	return r;
}

static void
check_hex(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *p = s;
	size_t k = span(data, size, "0123456789abcdefABCDEF");
	uint64_t v = 7, want;
	int r = parse_hex(&p, s + size, &v);

	if (k == 0) {
		FUZZ_CHECK(r == -1 && errno == EINVAL && p == s && v == 7);
		return;
	}
	if (oracle_u(data, k, 16, &want) == -1) {
		FUZZ_CHECK(r == -1 && errno == ERANGE && p == s);
		return;
	}
	FUZZ_CHECK(r == 0 && v == want && p == s + k);
}

static void
check_dec(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *p = s;
	size_t k = span(data, size, "0123456789");
	uint64_t v = 7, want, max;
	int64_t sv;
	int r = parse_u64(&p, s + size, UINT64_MAX, &v);

	if (k == 0) {
		FUZZ_CHECK(r == -1 && errno == EINVAL && p == s && v == 7);
	} else if (oracle_u(data, k, 10, &want) == -1) {
		FUZZ_CHECK(r == -1 && errno == ERANGE && p == s);
	} else {
		FUZZ_CHECK(r == 0 && v == want && p == s + k);
		/* a bound just below the value refuses it */
		if (want > 0) {
			max = want - 1;
			p = s;
			FUZZ_CHECK(parse_u64(&p, s + size, max, &v) == -1 &&
			    errno == ERANGE && p == s);
		}
	}
	/* signed: '-' then digits, as strtoll reads them */
	p = s;
	r = parse_i64(&p, s + size, INT64_MIN, INT64_MAX, &sv);
	if (size > 0 && s[0] == '-') {
		size_t kk = span(data + 1, size - 1, "0123456789");
		char *t, *end;
		long long w;

		if (kk == 0) {
			FUZZ_CHECK(r == -1 && errno == EINVAL);
			return;
		}
		t = fuzz_cstr(data, kk + 1);
		errno = 0;
		w = strtoll(t, &end, 10);
		if (errno == ERANGE)
			FUZZ_CHECK(r == -1 && p == s);
		else
			FUZZ_CHECK(r == 0 && sv == w && p == s + kk + 1);
		free(t);
	} else if (k > 0 && r == 0) {
		FUZZ_CHECK(v == (uint64_t)sv && p == s + k);
	}
}

static size_t
zeros(const uint8_t *s, size_t n)
{
	size_t z = 0;

	for (size_t i = 0; i < n; i++)
		z += s[i] == '\0';
	return z;
}

static void
check_unescape(const uint8_t *data, size_t size)
{
	char *out = malloc(size + 1);
	size_t n;

	FUZZ_CHECK(out != NULL);
	/* nothing escaped: a plain copy */
	n = parse_unescape((const char *)data, size, "", out, size + 1);
	FUZZ_CHECK(n == size && memcmp(out, data, size) == 0);
	/* decoding only shrinks, and never makes a NUL */
	n = parse_unescape((const char *)data, size, " \t\n\\", out,
	    size + 1);
	FUZZ_CHECK(n <= size && out[n] == '\0');
	FUZZ_CHECK(zeros((const uint8_t *)out, n) <= zeros(data, size));
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_hex(data, size);
	check_dec(data, size);
	check_unescape(data, size);
	return 0;
}
