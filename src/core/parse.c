/* parse: bounded hex, decimal and octal-escape parsing over [p, end) spans (no NUL needed). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "parse.h"

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
fail(int err)
{
	errno = err;
	return -1;
}

int
parse_hex(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int d;

	if (p >= end || hex_digit(*p) == -1)
		return fail(EINVAL);
	for (; p < end && (d = hex_digit(*p)) != -1; p++) {
		if (v >> 60)
			return fail(ERANGE);
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	*pp = p;
	return 0;
}

int
parse_u64(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return fail(EINVAL);
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (d > max || v > (max - d) / 10)
			return fail(ERANGE);
		v = v * 10 + d;
	}
	*out = v;
	*pp = p;
	return 0;
}

int
parse_i64(const char **pp, const char *end, int64_t min, int64_t max,
    int64_t *out)
{
	const char *p = *pp;
	uint64_t mag, lim;
	int64_t v;

	if (min > max)
		return fail(EINVAL);
	if (p < end && *p == '-') {
		p++;
		if (min >= 0)
			return fail(EINVAL);	/* no sign in this field */
		/* |min| without overflow, INT64_MIN included */
		lim = (uint64_t)(-(min + 1)) + 1;
		if (parse_u64(&p, end, lim, &mag) == -1)
			return -1;
		v = mag == 0 ? 0 : (int64_t)(-(int64_t)(mag - 1) - 1);
		if (v > max)
			return fail(ERANGE);
	} else {
		if (max < 0) {
			return p < end && *p >= '0' && *p <= '9' ?
			    fail(ERANGE) : fail(EINVAL);
		}
		if (parse_u64(&p, end, (uint64_t)max, &mag) == -1)
			return -1;
		v = (int64_t)mag;
		if (v < min)
			return fail(ERANGE);
	}
	*out = v;
	*pp = p;
	return 0;
}

int
parse_u64_line(const char *s, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = s;
	uint64_t v;

	if (parse_u64(&p, end, max, &v) == -1)
		return -1;
	if (p < end && *p != '\n')
		return fail(EINVAL);
	*out = v;
	return 0;
}

/* The byte a "\ooo" at s (n bytes left, s[0] == '\\') stands for, or -1. */
static int
octal_at(const char *s, size_t n)
{
	if (n < 4 || s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
	    s[3] < '0' || s[3] > '7')
		return -1;
	return ((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0');
}

size_t
parse_unescape(const char *s, size_t n, const char *escaped, char *out,
    size_t outlen)
{
	size_t i, o = 0;
	int c;

	if (outlen == 0)
		return 0;
	for (i = 0; i < n && o + 1 < outlen; i++) {
		if (s[i] == '\\' && (c = octal_at(s + i, n - i)) > 0 &&
		    strchr(escaped, c) != NULL) {
			out[o++] = (char)c;
			i += 3;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return o;
}
