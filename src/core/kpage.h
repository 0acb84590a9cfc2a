/* kpage: /proc/kpageflags and /proc/kpagecount (root only), decoded by name. */
#ifndef VMPEEK_KPAGE_H
#define VMPEEK_KPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"

/* Bit numbers from include/uapi/linux/kernel-page-flags.h */
#define KPF_LOCKED		0
#define KPF_ERROR		1
#define KPF_REFERENCED		2
#define KPF_UPTODATE		3
#define KPF_DIRTY		4
#define KPF_LRU			5
#define KPF_ACTIVE		6
#define KPF_SLAB		7
#define KPF_WRITEBACK		8
#define KPF_RECLAIM		9
#define KPF_BUDDY		10
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPCACHE		13
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_UNEVICTABLE		18
#define KPF_HWPOISON		19
#define KPF_NOPAGE		20
#define KPF_KSM			21
#define KPF_THP			22
#define KPF_OFFLINE		23
#define KPF_ZERO_PAGE		24
#define KPF_IDLE		25
#define KPF_PGTABLE		26
/* Kernel-hacking bits (include/linux/kernel-page-flags.h): "subject to
 * change", but the kernel reports them, so name them. On an anonymous page
 * bit 34 is PG_anon_exclusive (it aliases PG_mappedtodisk). */
#define KPF_RESERVED		32
#define KPF_MLOCKED		33
#define KPF_MAPPEDTODISK	34
#define KPF_PRIVATE		35
#define KPF_PRIVATE_2		36
#define KPF_OWNER_PRIVATE	37
#define KPF_ARCH		38
#define KPF_UNCACHED		39
#define KPF_SOFTDIRTY		40
#define KPF_ARCH_2		41
#define KPF_ARCH_3		42

struct kpage {
	int flags_fd;		/* /proc/kpageflags or -1 */
	int count_fd;		/* /proc/kpagecount or -1 */
	int flags_errno;	/* why flags_fd is -1 */
	int count_errno;
};

/* Open both files under root (absent/denied files leave fd -1). */
void kpage_open(struct kpage *k, int rootfd);
void kpage_close(struct kpage *k);

/* Read flags/count for one PFN. 0, or -1 with errno. */
int kpage_flags(struct kpage *k, uint64_t pfn, uint64_t *flags);
int kpage_count(struct kpage *k, uint64_t pfn, uint64_t *count);

/*
 * Large folios smaller than a PMD (mTHP, 64K page cache) carry KPF_THP as
 * well: a block of n base pages is one huge page only when it is exactly
 * one folio. pfn[i] and kflags[i] describe page i of an n-aligned block
 * whose n pages are all present (n > 1); after is the kpageflags word of
 * frame pfn[0] + n, or NULL when unknown (past the last frame). Returns
 * KPF_THP or KPF_HUGE when the block is one folio of exactly n pages (a
 * head on an n-aligned PFN, n - 1 tails of the same kind, consecutive
 * PFNs, and no tail after it), else 0.
 */
int kpage_folio_kind(const uint64_t *pfn, const uint64_t *kflags, size_t n,
    const uint64_t *after);

/*
 * The same rule read live: the n pagemap entries from vaddr (n-aligned)
 * and the kpageflags of their frames (one pread each). KPF_THP, KPF_HUGE,
 * 0 (not one folio, or a page not present), or -1 with errno when it
 * cannot be told (no kpageflags, PFNs hidden: EPERM).
 */
int kpage_block_kind(struct kpage *k, struct pm_reader *r, uint64_t vaddr,
    size_t n);

/*
 * The PMD size a THP takes: <sys>/kernel/mm/transparent_hugepage/
 * hpage_pmd_size, sysfd the /sys tree (-1, unreadable or junk: 2 MiB).
 * Read each call: keep the answer (pageinfo_ctx.pmd_size).
 */
uint64_t kpage_pmd_size(int sysfd);

/* Name of bit b ("LOCKED", ...), or NULL for an unknown bit. */
const char *kpage_flag_name(unsigned int bit);

/*
 * Names of every set bit, separated by sep, into buf (always terminated).
 * Returns the number of names written.
 */
int kpage_flags_str(uint64_t flags, const char *sep, char *buf, size_t len);

#endif
