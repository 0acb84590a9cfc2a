/* pagemap_impl: what the pagemap_*.c files share and no other module uses. */
#ifndef VMPEEK_PAGEMAP_IMPL_H
#define VMPEEK_PAGEMAP_IMPL_H

#include <stdint.h>

#include "pagemap.h"
#include "pagemap_scan.h"

/* Entries per pread: 512 KiB of buffer, the same order as page-types. */
#define PM_BATCH	65536
/*
 * Categories newer than the ioctl (6.7): PAGE_IS_SOFT_DIRTY is taken from
 * 6.8, PAGE_IS_GUARD from 6.16. A kernel without one fails every call
 * that names it with EINVAL.
 */
#define PM_SCAN_OPTIONAL	((uint64_t)PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)
/* What a count scans for: every kind of page pread would count. */
#define PM_SCAN_COUNT_WANT	((uint64_t)PAGE_IS_PRESENT | \
    PAGE_IS_SWAPPED | PAGE_IS_FILE | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)

/*
 * First page index in [lo, hi) with no pagemap entry, hi if all have one
 * (pagemap_read.c). 0 or -1 with errno.
 */
int pagemap_readable_limit(struct pm_reader *r, uint64_t lo, uint64_t hi,
    uint64_t *lim);

/* ioctl(fd, PAGEMAP_SCAN, arg): the default of pm_reader.scan_ioctl. */
int pagemap_scan_ioctl_sys(int fd, void *arg);

#endif
