/* fuzz: what every libFuzzer target in tests/fuzz shares (entry point, checks). */
#ifndef VMPEEK_FUZZ_H
#define VMPEEK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The entry point: libFuzzer's main calls it under --enable-fuzzing;
 * replay.c's main calls it on every stored input in make check.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property the code under test must keep. Not assert(): it must hold
 * with NDEBUG too, and abort() is what libFuzzer reports as a crash.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

/* data as a NUL-terminated string (stops at its first NUL); free it. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
