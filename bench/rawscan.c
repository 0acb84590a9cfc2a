/* rawscan: bench baseline, a bare PAGEMAP_SCAN walk of a range of /proc/PID/pagemap. */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "pagemap_scan.h"	/* the kernel's ABI only, no vmpeek code */

/*
 * Usage: rawscan PID START END [VEC]
 * One thread walks [START, END) with PAGEMAP_SCAN, VEC regions per call
 * (default 4096), asking for present, swapped and file pages: the least
 * a scanning counter has to ask the kernel. Regions past the walk_end a
 * call reports are left to the next call (6.18 returns some). Prints the
 * calls, regions and pages found and the wall time: the yardstick for
 * "--maps no slower than 1.3x the raw scan".
 */

int
main(int argc, char **argv)
{
	uint64_t pid, start, end, vec_len = 4096, cur, calls = 0, regions = 0;
	uint64_t pages = 0, mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED |
	    PAGE_IS_FILE;
	long ps = sysconf(_SC_PAGESIZE);
	struct page_region *vec;
	struct timespec t0, t1;
	char path[64];
	int fd;

	if (argc < 4 || argc > 5 || parse_u64(argv[1], &pid) == -1 ||
	    parse_u64(argv[2], &start) == -1 ||
	    parse_u64(argv[3], &end) == -1 ||
	    (argc == 5 && (parse_u64(argv[4], &vec_len) == -1 ||
	    vec_len == 0 || vec_len > (1U << 24))) || end < start || ps <= 0) {
		fprintf(stderr, "usage: rawscan PID START END [VEC]\n");
		return 2;
	}
	if ((vec = calloc(vec_len, sizeof(*vec))) == NULL)
		return 1;
	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/pagemap", pid);
	if ((fd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "rawscan: %s: %s\n", path, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cur = start / (uint64_t)ps * (uint64_t)ps;
	while (cur < end) {
		struct pm_scan_arg a;
		int n;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = cur;
		a.end = end;
		a.vec = (uint64_t)(uintptr_t)vec;
		a.vec_len = vec_len;
		a.category_anyof_mask = mask;
		a.return_mask = mask;
		if ((n = ioctl(fd, PAGEMAP_SCAN, &a)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "rawscan: PAGEMAP_SCAN: %s\n",
			    strerror(errno));
			return 1;
		}
		calls++;
		for (int i = 0; i < n; i++) {
			uint64_t rs = vec[i].start, re = vec[i].end;

			if (rs < cur)
				rs = cur;
			if (re > a.walk_end)
				re = a.walk_end;
			if (rs >= re)
				continue;
			regions++;
			pages += (re - rs) / (uint64_t)ps;
		}
		if (a.walk_end <= cur)
			break;
		cur = a.walk_end;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("calls %" PRIu64 " regions %" PRIu64 " pages %" PRIu64
	    " ms %.1f\n", calls, regions, pages,
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	free(vec);
	close(fd);
	return 0;
}
