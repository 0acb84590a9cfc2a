/* text: small string helpers the UI files share (wrap, short sizes); no curses. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

size_t
text_wrap_len(const char *p, size_t room)
{
	size_t n = strlen(p);

	if (n <= room)
		return n;
	n = room;
	while (n > 0 && p[n] != ' ')
		n--;
	return n == 0 ? room : n;
}

const char *
text_wrap_skip(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

int
text_hex_digits(uint64_t v)
{
	int n = 1;

	while (v >>= 4)
		n++;
	return n;
}

void
text_page_size(uint64_t b, char *buf, size_t len)
{
	static const char u[] = "KMGT";
	int k = -1;

	while (b >= 1024 && b % 1024 == 0 && k < 3) {
		b /= 1024;
		k++;
	}
	if (k < 0)
		snprintf(buf, len, "%" PRIu64 "B", b);
	else
		snprintf(buf, len, "%" PRIu64 "%c", b, u[k]);
}
