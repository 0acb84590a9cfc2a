/* sparse: bench fixture holding a huge MAP_NORESERVE mapping with a few pages touched. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Usage: sparse [SIZE]   SIZE in bytes with an optional K/M/G/T suffix
 * (powers of 1024); default 1T. Prints, one per line:
 *   size <bytes> / start 0x.. / end 0x.. / pagesize N /
 *   touched 0x.. (start, middle, last page) / ready
 * then blocks until killed. When the kernel refuses the size (overcommit
 * policy 2 ignores MAP_NORESERVE, a smaller address space, a ulimit -v)
 * it halves the size, says so on stderr and prints the size it got.
 */

static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static void
touch(volatile char *p, const char *what)
{
	*p = 1;
	printf("touched 0x%" PRIxPTR " %s\n", (uintptr_t)p, what);
}

int
main(int argc, char **argv)
{
	uint64_t size = 1ULL << 40, want;
	long ps = sysconf(_SC_PAGESIZE);
	char *p = MAP_FAILED;

	if (argc > 2 || (argc == 2 && parse_size(argv[1], &size) == -1)) {
		fprintf(stderr, "usage: sparse [SIZE[K|M|G|T]]\n");
		return 2;
	}
	if (ps <= 0)
		return 1;
	size -= size % (uint64_t)ps;
	if (size < 3 * (uint64_t)ps)
		size = 3 * (uint64_t)ps;
	want = size;
	while (size >= 3 * (uint64_t)ps) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED)
			break;
		fprintf(stderr, "sparse: mmap of %" PRIu64 " bytes: %s; "
		    "trying half\n", size, strerror(errno));
		size /= 2;
		size -= size % (uint64_t)ps;
	}
	if (p == MAP_FAILED) {
		fprintf(stderr, "sparse: no mapping possible\n");
		return 1;
	}
	if (size != want)
		fprintf(stderr, "sparse: got %" PRIu64 " of %" PRIu64
		    " bytes asked\n", size, want);
	printf("size %" PRIu64 "\n", size);
	printf("start 0x%" PRIxPTR "\n", (uintptr_t)p);
	printf("end 0x%" PRIxPTR "\n", (uintptr_t)(p + size));
	printf("pagesize %ld\n", ps);
	touch(p, "start");
	/* the middle, rounded down to a page */
	touch(p + (size / 2 / (uint64_t)ps) * (uint64_t)ps, "middle");
	touch(p + size - (uint64_t)ps, "last");
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
