/* fuzz_range: the --translate ADDR[-END] argument through fmt_parse_range, checked against strtoull. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>

#include "fmt.h"
#include "fuzz.h"

/*
 * An address as the README promises it: hex, optional 0x/0X, at least one
 * digit, nothing else, fits 64 bits. Decided with strtoull, not fmt.
 */
static bool
oracle_addr(const char *s, size_t n, uint64_t *v)
{
	char tmp[128], *end;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || strspn(s, "0123456789abcdefABCDEF") < n)
		return false;
	/* Leading zeros are free, however many. */
	while (n > 1 && s[0] == '0') {
		s++;
		n--;
	}
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtoull(tmp, &end, 16);
	return errno == 0 && *end == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), buf[64];
	uint64_t start = 0, end = 0, ostart = 0, oend = 0, a2, e2;
	enum fmt_range_err r, want;
	const char *dash;
	bool single, s2;
	size_t head;

	r = fmt_parse_range(s, &start, &end, &single);
	/* What the grammar says, part by part. */
	head = strcspn(s, "-");
	dash = s[head] == '-' ? s + head : NULL;
	if (!oracle_addr(s, head, &ostart))
		want = FMT_RANGE_BAD_START;
	else if (dash == NULL)
		want = FMT_RANGE_OK;
	else if (dash[1] == '\0')
		want = FMT_RANGE_NO_END;
	else if (!oracle_addr(dash + 1, strlen(dash + 1), &oend))
		want = FMT_RANGE_BAD_END;
	else if (oend == ostart)
		want = FMT_RANGE_EMPTY;
	else if (oend < ostart)
		want = FMT_RANGE_REVERSED;
	else
		want = FMT_RANGE_OK;
	FUZZ_CHECK(r == want);
	if (r != FMT_RANGE_BAD_START)
		FUZZ_CHECK(start == ostart);
	if (r == FMT_RANGE_OK) {
		FUZZ_CHECK(single == (dash == NULL));
		if (single)
			FUZZ_CHECK(end == (start == UINT64_MAX ? start :
			    start + 1));
		else
			FUZZ_CHECK(end == oend && start < end);
		/* Printed back the way --translate prints it, it reads
		 * back the same. */
		if (single)
			snprintf(buf, sizeof(buf), "0x%" PRIx64, start);
		else
			snprintf(buf, sizeof(buf), "%" PRIX64 "-0X%" PRIx64,
			    start, end);
		FUZZ_CHECK(fmt_parse_range(buf, &a2, &e2, &s2) ==
		    FMT_RANGE_OK);
		FUZZ_CHECK(a2 == start && e2 == end && s2 == single);
	}
	free(s);
	return 0;
}
