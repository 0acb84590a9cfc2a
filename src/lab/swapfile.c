/* swapfile: a temporary swap file for the swap step (root, --make-swap), removed afterwards. */
#include "config.h"

#include <sys/swap.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"

#define SWAP_PAGES	4096	/* 16 MiB of 4 KiB pages */
#define SWAP_PRIO	32767	/* ours first: the step's pages go here */

static char *swap_path;
static int swap_on;

const char *
lab_swapfile_path(void)
{
	return swap_on ? swap_path : NULL;
}

/*
 * mkswap by hand (include/linux/swap.h, union swap_header): version 1,
 * last_page, no bad pages, "SWAPSPACE2" in the last 10 bytes of page 0.
 */
static int
write_swap(int fd, size_t ps)
{
	char *page = calloc(1, ps);
	uint32_t v[3] = { 1, SWAP_PAGES - 1, 0 };

	if (page == NULL)
		return -1;
	for (size_t i = 1; i < SWAP_PAGES; i++)
		if (write(fd, page, ps) != (ssize_t)ps)
			goto fail;
	memcpy(page + 1024, v, sizeof(v));
	memcpy(page + ps - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, ps, 0) != (ssize_t)ps || fsync(fd) == -1)
		goto fail;
	free(page);
	return 0;
fail:
	free(page);
	return -1;
}

int
lab_swapfile_make(struct lab *lab, char *why, size_t len)
{
	int fd;

	if (geteuid() != 0) {
		snprintf(why, len, "--make-swap needs root (swapon)");
		return -1;
	}
	if (asprintf(&swap_path, "%s/vmpeek-lab-swap.XXXXXX", lab->dir) == -1) {
		swap_path = NULL;
		snprintf(why, len, "out of memory");
		return -1;
	}
	if ((fd = mkstemp(swap_path)) == -1) {
		snprintf(why, len, "cannot create a swap file in %s: %s",
		    lab->dir, strerror(errno));
		free(swap_path);
		swap_path = NULL;
		return -1;
	}
	/* seek past page 0 first: write_swap fills it last */
	if (lseek(fd, (off_t)lab->ps, SEEK_SET) == -1 ||
	    write_swap(fd, lab->ps) == -1) {
		snprintf(why, len, "cannot write the swap file %s: %s",
		    swap_path, strerror(errno));
		close(fd);
		lab_swapfile_remove();
		return -1;
	}
	close(fd);
	if (swapon(swap_path, SWAP_FLAG_PREFER |
	    ((SWAP_PRIO << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK)) == -1) {
		snprintf(why, len, "swapon(%s): %s (can this filesystem hold a "
		    "swap file? try --dir)", swap_path, strerror(errno));
		lab_swapfile_remove();
		return -1;
	}
	swap_on = 1;
	return 0;
}

void
lab_swapfile_remove(void)
{
	if (swap_path == NULL)
		return;
	if (swap_on && swapoff(swap_path) == -1)
		fprintf(stderr, "vmpeek-lab: swapoff(%s): %s (remove it by "
		    "hand)\n", swap_path, strerror(errno));
	else
		unlink(swap_path);
	swap_on = 0;
	free(swap_path);
	swap_path = NULL;
}
