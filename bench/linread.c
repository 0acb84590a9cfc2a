/* linread: bench baseline, a plain linear pread of /proc/PID/pagemap over a range. */
#include "config.h"

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

/*
 * Usage: linread PID START END [BATCH]
 * START and END are addresses (hex with 0x, or decimal); BATCH is entries
 * per pread (default 65536, 512 KiB, what a sensible reader uses). Counts
 * present / swapped / file-shared / exclusive pages the way any linear
 * reader has to, so the work is the same as a real tool's fallback, and
 * prints them with the bytes read and the wall time. Independent of the
 * vmpeek core on purpose: it is the yardstick.
 */

#define E_PRESENT	(1ULL << 63)
#define E_SWAPPED	(1ULL << 62)
#define E_FILE		(1ULL << 61)
#define E_EXCL		(1ULL << 56)

int
main(int argc, char **argv)
{
	uint64_t start, end, batch = 65536, pid, off, stop;
	uint64_t present = 0, swapped = 0, file = 0, excl = 0, bytes = 0;
	uint64_t preads = 0, *buf;
	long ps = sysconf(_SC_PAGESIZE);
	struct timespec t0, t1;
	char path[64];
	int fd;

	if (argc < 4 || argc > 5 || parse_u64(argv[1], &pid) == -1 ||
	    parse_u64(argv[2], &start) == -1 ||
	    parse_u64(argv[3], &end) == -1 ||
	    (argc == 5 && (parse_u64(argv[4], &batch) == -1 || batch == 0)) ||
	    end < start || ps <= 0) {
		fprintf(stderr, "usage: linread PID START END [BATCH]\n");
		return 2;
	}
	buf = calloc(batch, sizeof(*buf));
	if (buf == NULL)
		return 1;
	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd == -1) {
		fprintf(stderr, "linread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	off = start / (uint64_t)ps * 8;
	stop = (end + (uint64_t)ps - 1) / (uint64_t)ps * 8;
	while (off < stop) {
		size_t want = stop - off < batch * 8 ? stop - off : batch * 8;
		ssize_t got = pread(fd, buf, want, (off_t)off);

		if (got == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "linread: pread: %s\n",
			    strerror(errno));
			return 1;
		}
		if (got == 0)
			break;
		preads++;
		bytes += (uint64_t)got;
		for (size_t i = 0; i < (size_t)got / 8; i += 8) {
			size_t n = (size_t)got / 8 - i < 8 ?
			    (size_t)got / 8 - i : 8;
			uint64_t any = 0;

			/* A sparse range is mostly zero entries: skip them
			 * eight at a time, as any sensible reader would. */
			for (size_t j = 0; j < n; j++)
				any |= buf[i + j];
			if (any == 0)
				continue;
			for (size_t j = 0; j < n; j++) {
				uint64_t e = buf[i + j];

				present += (e & E_PRESENT) != 0;
				swapped += (e & E_SWAPPED) != 0;
				file += (e & E_FILE) != 0;
				excl += (e & E_EXCL) != 0;
			}
		}
		off += (uint64_t)got;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("pages %" PRIu64 " present %" PRIu64 " swapped %" PRIu64
	    " file %" PRIu64 " exclusive %" PRIu64 " bytes %" PRIu64
	    " preads %" PRIu64 " ms %.1f\n", bytes / 8, present, swapped,
	    file, excl, bytes, preads,
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	close(fd);
	free(buf);
	return 0;
}
