/* manyvma: bench fixture with tens of thousands of VMAs (alternating protections). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Usage: manyvma [COUNT]   (default 65000)
 * One anonymous mapping of COUNT pages whose odd pages are made read-only,
 * so no two neighbours can merge: COUNT VMAs. The count is capped below
 * vm.max_map_count minus the VMAs the process already has, minus a margin
 * for the libc's own later mappings. Every 8th writable page is touched so
 * the per-VMA counts are not all zero. Prints "vmas N", "first 0x..",
 * "last 0x.." (start of the last fixture VMA), "total N" (lines of
 * /proc/self/maps) and "ready", then blocks until killed.
 */

#define MARGIN 64

static long
read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static long
count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (f == NULL)
		return -1;
	while ((c = getc(f)) != EOF)
		if (c == '\n')
			n++;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	long want = 65000, maxc, have, ps = sysconf(_SC_PAGESIZE);
	char *p, *end;

	if (argc > 2) {
		fprintf(stderr, "usage: manyvma [COUNT]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		want = strtol(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || want < 2) {
			fprintf(stderr, "manyvma: bad count %s\n", argv[1]);
			return 2;
		}
	}
	maxc = read_long_file("/proc/sys/vm/max_map_count");
	have = count_maps();
	if (maxc > 0 && have >= 0 && want > maxc - have - MARGIN) {
		fprintf(stderr, "manyvma: vm.max_map_count %ld, %ld VMAs "
		    "already: capping %ld to %ld\n", maxc, have, want,
		    maxc - have - MARGIN);
		want = maxc - have - MARGIN;
	}
	if (want < 2 || ps <= 0)
		return 1;
	p = mmap(NULL, (size_t)want * (size_t)ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "manyvma: mmap: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < want; i++) {
		char *pg = p + i * ps;

		if (i % 2 == 1) {
			if (mprotect(pg, (size_t)ps, PROT_READ) == -1) {
				fprintf(stderr, "manyvma: mprotect #%ld: %s\n",
				    i, strerror(errno));
				want = i;	/* keep what we have */
				break;
			}
		} else if (i % 16 == 0)
			*(volatile char *)pg = 1;
	}
	printf("vmas %ld\n", want);
	printf("first 0x%" PRIxPTR "\n", (uintptr_t)p);
	printf("last 0x%" PRIxPTR "\n", (uintptr_t)(p + (want - 1) * ps));
	printf("total %ld\n", count_maps());
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
