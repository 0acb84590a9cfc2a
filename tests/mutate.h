/* mutate: exact-size copies and a tiny deterministic mutator for parser tests. */
#ifndef VMPEEK_TEST_MUTATE_H
#define VMPEEK_TEST_MUTATE_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * Apply 1-4 random edits to buf[0..len): set a byte to anything, set it to
 * one of the bytes that mean something to /proc parsers, or cut the text
 * short. Returns the new length (may be 0). Deterministic for a seed.
 */
static size_t
mutate(char *buf, size_t len, unsigned int *seed)
{
	static const char junk[] = "-: ()\\0123456789abcdefx\n\t\033[]rwxpskB";
	int muts = 1 + (int)(rand_r(seed) % 4);

	for (int m = 0; m < muts && len > 0; m++) {
		size_t at = (size_t)rand_r(seed) % len;

		switch (rand_r(seed) % 3) {
		case 0:
			buf[at] = (char)(rand_r(seed) & 0xff);
			break;
		case 1:
			buf[at] = junk[(size_t)rand_r(seed) % (sizeof(junk) - 1)];
			break;
		default:
			len = at;
			break;
		}
	}
	return len;
}

/*
 * A copy of s in a heap buffer of exactly n bytes (no NUL), so ASan flags
 * any read past the end. Needs cmocka.h included first.
 */
static char *
exact(const char *s, size_t n)
{
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	if (n > 0)
		memcpy(b, s, n);
	return b;
}

#endif
