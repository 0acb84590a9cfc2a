/* fuzz_hexline: bytes of a target's memory through memdump_format_line, read back as xxd would be. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>

#include "fuzz.h"
#include "memdump.h"

/*
 * Input: 8 bytes of address (little endian), one byte of buffer size,
 * then the line's bytes (at most 16 are formatted; the rest ignored).
 * The line must give every byte back from its hex column, show it in the
 * ASCII column as itself or '.', and hold nothing a terminal would act on.
 */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[MEMDUMP_LINE_LEN + 16], want[17];
	const uint8_t *p;
	uint64_t addr = 0;
	size_t n, len, got, o;

	if (size < 9)
		return 0;
	for (int i = 0; i < 8; i++)
		addr |= (uint64_t)data[i] << (8 * i);
	len = data[8] % sizeof(line) + 1;
	p = data + 9;
	n = size - 9 > MEMDUMP_LINE_BYTES ? MEMDUMP_LINE_BYTES : size - 9;
	got = memdump_format_line(addr, p, n, line, len);
	if (len < MEMDUMP_LINE_LEN) {
		FUZZ_CHECK(got == 0 && line[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(got == strlen(line) && got == 59 + n);
	snprintf(want, sizeof(want), "%016" PRIx64, addr);
	FUZZ_CHECK(memcmp(line, want, 16) == 0 && memcmp(line + 16, ": ",
	    2) == 0);
	for (size_t i = 0; i < got; i++)
		FUZZ_CHECK(line[i] >= 0x20 && line[i] < 0x7f);
	o = 18;
	for (size_t i = 0; i < MEMDUMP_LINE_BYTES; i++) {
		if (i < n) {
			int hi = hexval(line[o]), lo = hexval(line[o + 1]);

			FUZZ_CHECK(hi >= 0 && lo >= 0 && (hi << 4 | lo) == p[i]);
		} else
			FUZZ_CHECK(line[o] == ' ' && line[o + 1] == ' ');
		o += 2;
		if (i % 2 == 1)
			FUZZ_CHECK(line[o++] == ' ');
	}
	FUZZ_CHECK(line[o++] == ' ');
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(line[o + i] == (p[i] >= 0x20 && p[i] < 0x7f ?
		    (char)p[i] : '.'));
	return 0;
}
