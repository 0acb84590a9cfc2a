/* pagemap_scan: the PAGEMAP_SCAN ioctl: category probing, regions trimmed at walk_end. */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pagemap.h"
#include "pagemap_impl.h"
#include "pagemap_scan.h"

/* The kernel fills our struct pm_region array directly. */
_Static_assert(sizeof(struct pm_region) == sizeof(struct page_region),
    "pm_region must match the kernel's page_region");
_Static_assert(offsetof(struct pm_region, categories) ==
    offsetof(struct page_region, categories), "page_region layout");

int
pagemap_scan_ioctl_sys(int fd, void *arg)
{
	return ioctl(fd, PAGEMAP_SCAN, arg);
}

/* One PAGEMAP_SCAN call through the reader's seam; EINTR retried. */
static int
scan_call(struct pm_reader *r, struct pm_scan_arg *arg)
{
	int ret;

	do {
		ret = r->scan_ioctl != NULL ? r->scan_ioctl(r->fd, arg) :
		    pagemap_scan_ioctl_sys(r->fd, arg);
	} while (ret == -1 && errno == EINTR);
	r->ioctls++;
	return ret;
}

/*
 * Does the kernel take the optional category bit? A scan of one page
 * naming only that bit: the masks are checked before anything is walked,
 * so any aligned address does (0). Sets the bit in scan_ok or scan_bad;
 * -1 with errno when the ioctl itself is missing (r->scan becomes TRI_NO) or
 * fails for another reason (the bit stays untried).
 */
static int
scan_probe(struct pm_reader *r, uint64_t bit)
{
	struct pm_scan_arg arg;
	struct page_region reg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.start = 0;
	arg.end = r->pagesize;
	arg.vec = (uint64_t)(uintptr_t)&reg;
	arg.vec_len = 1;
	arg.category_anyof_mask = bit;
	arg.return_mask = bit;
	if ((ret = scan_call(r, &arg)) >= 0) {
		r->scan_ok |= bit;
		r->scan = TRI_YES;
		return 0;
	}
	if (errno == EINVAL) {
		r->scan_bad |= bit;
		return 0;
	}
	if (errno == ENOTTY || errno == EOPNOTSUPP) {
		r->scan = TRI_NO;
		errno = ENOTTY;
	}
	return -1;
}

/*
 * Keep the n regions one call stored at out[stored] only below the
 * walk_end it reported, joining one that continues the region before.
 * 6.18 returns regions past walk_end (a 4096-region vector over a 64 TiB
 * VMA with 5000 pages touched: 393 of 905 regions wholly past it) and the
 * next call, which starts at walk_end, reports them again. Returns the new
 * number of regions stored.
 */
static size_t
scan_trim(struct pm_region *out, size_t stored, size_t n, uint64_t walk_end)
{
	size_t k = stored;

	for (size_t i = stored; i < stored + n; i++) {
		struct pm_region g = out[i];

		if (g.start >= walk_end || g.end <= g.start)
			continue;
		if (g.end > walk_end)
			g.end = walk_end;
		if (k > 0 && out[k - 1].end == g.start &&
		    out[k - 1].categories == g.categories) {
			out[k - 1].end = g.end;
			continue;
		}
		out[k++] = g;
	}
	return k;
}

/*
 * The categories of want_any the kernel takes: each optional one is probed
 * alone the first time, and is named only once the kernel took it (its
 * version says too little: backports; SOFT_DIRTY came in 6.8, GUARD in
 * 6.16, while pagemap's own guard bit is 6.15). -1 with errno: ENOTTY no
 * ioctl (or force_pread), EINVAL nothing left to ask for.
 */
static int
scan_want(struct pm_reader *r, uint64_t *want_any)
{
	uint64_t untried = *want_any & PM_SCAN_OPTIONAL &
	    ~(r->scan_ok | r->scan_bad);

	if (r->force_pread || r->scan == TRI_NO) {
		errno = ENOTTY;
		return -1;
	}
	for (uint64_t bit = 1; untried != 0; bit <<= 1) {
		if (!(untried & bit))
			continue;
		untried &= ~bit;
		if (scan_probe(r, bit) == -1)
			return -1;
	}
	*want_any &= ~r->scan_bad;
	if (*want_any == 0) {
		/* Only refused categories: an empty anyof mask matches all. */
		errno = EINVAL;
		return -1;
	}
	return 0;
}

ssize_t
pagemap_scan(struct pm_reader *r, uint64_t start, uint64_t end,
    uint64_t want_any, struct pm_region *out, size_t max, uint64_t *walk_end)
{
	struct pm_scan_arg arg;
	/* An unaligned start is EINVAL, which would read as "no ioctl". */
	uint64_t cur = start & ~((uint64_t)r->pagesize - 1);
	size_t stored = 0;
	int ret;

	*walk_end = start;
	if (scan_want(r, &want_any) == -1)
		return -1;
	while (cur < end && stored < max) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.start = cur;
		arg.end = end;
		arg.vec = (uint64_t)(uintptr_t)(out + stored);
		arg.vec_len = max - stored;
		arg.category_anyof_mask = want_any;
		arg.return_mask = want_any;
		ret = scan_call(r, &arg);
		if (ret == -1 && errno == EINVAL &&
		    (want_any & PM_SCAN_OPTIONAL) != 0) {
			/*
			 * EINVAL at any call, not only the first: drop the
			 * optional categories for good and ask again.
			 */
			r->scan_bad |= want_any & PM_SCAN_OPTIONAL;
			r->scan_ok &= ~r->scan_bad;
			want_any &= ~(uint64_t)PM_SCAN_OPTIONAL;
			if (want_any == 0) {
				errno = EINVAL;
				return -1;
			}
			continue;
		}
		if (ret == -1) {
			/* No ioctl, or one that refuses even the base set. */
			if (errno == ENOTTY || errno == EINVAL ||
			    errno == EOPNOTSUPP) {
				r->scan = TRI_NO;
				errno = errno == EOPNOTSUPP ? ENOTTY : errno;
			}
			return -1;
		}
		if ((uint64_t)ret > arg.vec_len) {
			/* More than we gave room for: trust none of it. */
			errno = EIO;
			return -1;
		}
		r->scan = TRI_YES;
		stored = scan_trim(out, stored, (size_t)ret, arg.walk_end);
		if (arg.walk_end <= cur)
			break;	/* no progress: don't spin */
		cur = arg.walk_end;
	}
	*walk_end = cur < end ? cur : end;
	return (ssize_t)stored;
}
