/* fuzz_escape: name escaping for the terminal (fmt_visn), for JSON (fmt_json_string) and for /proc/swaps names. */
#include "config.h"

#include <stdbool.h>

#define LIBBSD_NETBSD_VIS 1
#include <vis.h>

#include "fmt.h"
#include "fuzz.h"
#include "jsoncheck.h"
#include "swaps.h"

/* Terminal: printable ASCII only, decodes (strnunvis) to the input or,
 * when cut to fit, to a prefix of it that fills the buffer. */
static void
check_vis(const char *s, size_t n, size_t len)
{
	char *full, *buf, *dec;
	size_t flen, blen;
	int d;

	flen = 4 * n + 1;
	full = malloc(flen);
	buf = malloc(len);
	dec = malloc(n + 1);
	FUZZ_CHECK(full != NULL && buf != NULL && dec != NULL);
	fmt_visn(s, n, full, flen);
	d = strnunvis(dec, n + 1, full);
	FUZZ_CHECK(d >= 0 && (size_t)d == n && memcmp(dec, s, n) == 0);

	fmt_visn(s, n, buf, len);
	blen = strnlen(buf, len);
	FUZZ_CHECK(blen < len);
	for (size_t i = 0; i < blen; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);
	FUZZ_CHECK(strncmp(buf, full, blen) == 0);
	d = strnunvis(dec, n + 1, buf);
	FUZZ_CHECK(d >= 0 && (size_t)d <= n && memcmp(dec, s, (size_t)d) == 0);
	/* Cut only when the next escape (at most 4 bytes) did not fit. */
	if (blen < strlen(full))
		FUZZ_CHECK(blen + 4 >= len);
	free(full);
	free(buf);
	free(dec);
}

/* Strict UTF-8 sequence length at s (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (len == 0 || s[0] > 0xf4 || n < len)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < (len == 2 ? 0x80u : len == 3 ? 0x800u : 0x10000u) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* JSON: one valid string literal with no raw control byte (C0, DEL,
 * C1); valid UTF-8 decodes to itself, any other byte to U+FFFD. */
static void
check_json(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), olen = 0, dlen, wlen = 0, l;
	char *out = NULL, *dec, *want;
	const char *why = NULL;
	FILE *f;

	f = open_memstream(&out, &olen);
	FUZZ_CHECK(f != NULL);
	fmt_json_string(f, s);
	FUZZ_CHECK(fclose(f) == 0);
	if (jsoncheck(out, olen, &why) != 0) {
		fprintf(stderr, "not JSON (%s): %s\n", why, out);
		FUZZ_CHECK(!"fmt_json_string wrote valid JSON");
	}
	for (size_t i = 0; i < olen; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		if (c == 0xc2 && i + 1 < olen)
			FUZZ_CHECK((unsigned char)out[i + 1] >= 0xa0);
	}
	dec = malloc(olen + 1);
	want = malloc(3 * n + 1);
	FUZZ_CHECK(dec != NULL && want != NULL);
	for (size_t i = 0; i < n; i += l) {
		if ((l = utf8_seq(u + i, n - i)) != 0) {
			memcpy(want + wlen, u + i, l);
			wlen += l;
		} else {
			/* U+FFFD, EF BF BD (the bytes go in path_hex) */
			memcpy(want + wlen, "\xef\xbf\xbd", 3);
			wlen += 3;
			l = 1;
		}
	}
	FUZZ_CHECK(jsoncheck_string(out, olen, dec, olen + 1, &dlen, &why) ==
	    0);
	FUZZ_CHECK(dlen == wlen && memcmp(dec, want, wlen) == 0);
	free(dec);
	free(want);
	free(out);
}

/* /proc/swaps spelling: " \t\n\\" as \ooo, the rest raw; cut whole. */
static void
check_swapname(const char *s, size_t len)
{
	size_t flen = 4 * strlen(s) + 1, blen;
	char *full = malloc(flen), *buf = malloc(len);

	FUZZ_CHECK(full != NULL && buf != NULL);
	swaps_escape_name(s, full, flen);
	swaps_escape_name(s, buf, len);
	blen = strnlen(buf, len);
	FUZZ_CHECK(blen < len && strncmp(buf, full, blen) == 0);
	if (blen < strlen(full))
		FUZZ_CHECK(blen + 4 >= len);
	for (size_t i = 0; full[i] != '\0'; i++) {
		FUZZ_CHECK(strchr(" \t\n", full[i]) == NULL);
		if (full[i] == '\\') {
			FUZZ_CHECK(strspn(full + i + 1, "01234567") >= 3);
			i += 3;
		}
	}
	free(full);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *s;

	/* First byte: the output buffer size (1..256); the rest: a name. */
	if (size < 1)
		return 0;
	len = (size_t)data[0] + 1;
	data++;
	size--;
	s = fuzz_cstr(data, size);
	check_vis((const char *)data, size, len);
	check_json(s);
	check_swapname(s, len);
	free(s);
	return 0;
}
