/* layouts: bench fixture holding one of three memory layouts for the --maps vs pmap -X table. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Usage: layouts dense|asan|wide
 *   dense  4 GiB private anonymous, every page written
 *   asan   a 16 TiB MAP_NORESERVE reservation (an ASan shadow), one page
 *          written every MiB over its first 8 GiB (8192 pages)
 *   wide   a 64 TiB MAP_NORESERVE mapping, one page written every GiB
 *          (65,536 pages, each in a page table of its own)
 * THP is turned off on the mapping (MADV_NOHUGEPAGE), so a dense layout
 * is 4 KiB pages under any THP setting. Prints size, start, end, pages
 * (written) and "ready", then blocks until killed. When the kernel refuses
 * the size (overcommit 2, a smaller address space, ulimit -v) it says so
 * and exits 1: a smaller layout would not be the one the table names.
 */

int
main(int argc, char **argv)
{
	uint64_t size, step, span, pages = 0;
	long ps = sysconf(_SC_PAGESIZE);
	char *p;

	if (argc != 2 || ps <= 0) {
		fprintf(stderr, "usage: layouts dense|asan|wide\n");
		return 2;
	}
	if (strcmp(argv[1], "dense") == 0) {
		size = span = 4ULL << 30;
		step = (uint64_t)ps;
	} else if (strcmp(argv[1], "asan") == 0) {
		size = 16ULL << 40;
		span = 8ULL << 30;
		step = 1ULL << 20;
	} else if (strcmp(argv[1], "wide") == 0) {
		size = span = 64ULL << 40;
		step = 1ULL << 30;
	} else {
		fprintf(stderr, "usage: layouts dense|asan|wide\n");
		return 2;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "layouts: mmap of %" PRIu64 " bytes: %s\n",
		    size, strerror(errno));
		return 1;
	}
	(void)madvise(p, size, MADV_NOHUGEPAGE);
	for (uint64_t off = 0; off < span; off += step) {
		p[off] = 1;
		pages++;
	}
	printf("size %" PRIu64 "\n", size);
	printf("start 0x%" PRIxPTR "\n", (uintptr_t)p);
	printf("end 0x%" PRIxPTR "\n", (uintptr_t)(p + size));
	printf("pages %" PRIu64 "\n", pages);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
