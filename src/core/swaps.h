/* swaps: /proc/swaps, the active swap areas (a swap entry's type indexes them). */
#ifndef VMPEEK_SWAPS_H
#define VMPEEK_SWAPS_H

#include <stddef.h>
#include <stdint.h>

/* One line of /proc/swaps. The swap type in a pagemap entry is the index
 * of the device in the kernel's swap_info[], which /proc/swaps lists in
 * order, skipping free slots: line k is type k unless a swapoff of an
 * earlier device left a hole. */
struct swap_dev {
	char name[256];		/* raw bytes, the kernel's \ooo decoded */
	char type[16];		/* "partition", "file" */
	uint64_t size_kb, used_kb;
	int prio;
};

/*
 * Pure parser of /proc/swaps text (header line first). Stores at most max
 * devices, sets *n to how many. 0, or -1 with errno EINVAL (also for a NUL
 * byte anywhere in the text).
 */
int swaps_parse(const char *text, size_t len, struct swap_dev *out,
    size_t max, size_t *n);
/* Read <root>/swaps. 0 or -1 with errno. */
int swaps_read(int rootfd, struct swap_dev *out, size_t max, size_t *n);

/* Room for any swap_dev name escaped by swaps_escape_name. */
#define SWAP_NAME_ESC_LEN	(4 * sizeof(((struct swap_dev *)0)->name))
/*
 * A name as /proc/swaps spells it: " \t\n\\" as \ooo again, the inverse of
 * what swaps_parse decodes (the --translate JSON contract keeps the
 * kernel's spelling). Truncated at a whole character to fit len; buf is
 * always terminated (len > 0). Returns buf.
 */
char *swaps_escape_name(const char *name, char *buf, size_t len);

#endif
