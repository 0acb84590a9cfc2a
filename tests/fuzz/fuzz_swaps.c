/* fuzz_swaps: /proc/swaps text through swaps_parse; names escaped back (swaps_escape_name) and reparsed. */
#include "config.h"

#include <inttypes.h>

#include "fuzz.h"
#include "swaps.h"

#define MAXDEV	8

/* Field by field: bytes after a name's NUL are left as they were. */
static int
same_dev(const struct swap_dev *a, const struct swap_dev *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->type, b->type) == 0 && a->size_kb == b->size_kb &&
	    a->used_kb == b->used_kb && a->prio == b->prio;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct swap_dev dev[MAXDEV], one[1], again[1];
	char esc[SWAP_NAME_ESC_LEN], buf[SWAP_NAME_ESC_LEN + 256];
	size_t n, n1, n2;
	int r, w;

	r = swaps_parse((const char *)data, size, dev, MAXDEV, &n);
	/* Room for fewer devices changes how many are kept, nothing else. */
	FUZZ_CHECK(swaps_parse((const char *)data, size, one, 1, &n1) == r);
	if (r == -1)
		return 0;
	FUZZ_CHECK(n <= MAXDEV && n1 == (n > 0 ? 1 : 0));
	if (n1 == 1)
		FUZZ_CHECK(same_dev(&dev[0], &one[0]));
	for (size_t i = 0; i < n; i++) {
		const struct swap_dev *d = &dev[i];

		FUZZ_CHECK(memchr(d->name, '\0', sizeof(d->name)) != NULL);
		FUZZ_CHECK(memchr(d->type, '\0', sizeof(d->type)) != NULL);
		FUZZ_CHECK(d->type[0] != '\0');
		/* The kernel's line (mm/swapfile.c swap_show), reparsed. */
		swaps_escape_name(d->name, esc, sizeof(esc));
		FUZZ_CHECK(strpbrk(esc, " \t\n") == NULL);
		/* Padded to 40 columns, at least one blank. */
		w = snprintf(buf, sizeof(buf), "Filename\t\t\t\tType\t\tSize"
		    "\t\tUsed\t\tPriority\n%s%*s%s\t%" PRIu64 "\t%" PRIu64
		    "\t%d\n", esc, strlen(esc) < 40 ? 40 - (int)strlen(esc) :
		    1, "", d->type, d->size_kb, d->used_kb, d->prio);
		FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
		if (d->name[0] == '\0')
			continue;	/* an empty name leaves no token */
		FUZZ_CHECK(swaps_parse(buf, (size_t)w, again, 1, &n2) == 0);
		FUZZ_CHECK(n2 == 1);
		FUZZ_CHECK(same_dev(d, &again[0]));
	}
	return 0;
}
