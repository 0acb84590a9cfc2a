/* args: the yardsticks' one argument parser (no vmpeek code: they stay independent of the core). */
#ifndef VMPEEK_BENCH_ARGS_H
#define VMPEEK_BENCH_ARGS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* A whole decimal or 0x number; -1 on anything else. */
static inline int
parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno != 0 || end == s || *end != '\0' ? -1 : 0;
}

#endif
