/* caps: what this machine can show (PFNs, kpageflags, PAGEMAP_SCAN, swap, THP, ...), and why not. */
#ifndef VMPEEK_CAPS_H
#define VMPEEK_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "pagemap.h"
#include "tri.h"
#include "swaps.h"

/* One capability: can vmpeek show it here, and if not, why (one clause). */
struct caps_item {
	bool available;
	char why[200];		/* "" when available */
};

/* The items, in the order --caps prints them. */
enum caps_id {
	CAPS_PFN_VISIBLE,
	CAPS_KPAGEFLAGS,
	CAPS_PAGEMAP_SCAN,
	CAPS_SOFT_DIRTY,
	CAPS_UFFD_WP,
	CAPS_GUARD,
	CAPS_SWAP,
	CAPS_THP,
	CAPS_HUGETLB,
	CAPS_PTRACE,		/* /proc/PID/mem under Yama (hex view) */
	CAPS_ZERO_PAGE,
	CAPS_COUNT
};

#define CAPS_MAX_SWAP		8
#define CAPS_MAX_HUGE_POOLS	4

struct caps_hugepool {
	uint64_t size_kb;
	uint64_t total, free;
};

struct vm_caps {
	char release[65];		/* uname -r; "" unknown */
	struct caps_item item[CAPS_COUNT];

	bool kpageflags_readable;	/* opens and reads (PFNs may be hidden) */
	/* PAGEMAP_SCAN: the PAGE_IS_* categories taken / refused */
	uint64_t scan_categories;
	uint64_t scan_refused;
	/* guard: pagemap bit 58 shows markers; PAGE_IS_GUARD taken */
	bool guard_bit, guard_scan;
	/* swap: the active areas (/proc/swaps) */
	struct swap_dev swap[CAPS_MAX_SWAP];
	size_t nswap;
	/* THP: the bracketed words of transparent_hugepage/{enabled,defrag} */
	char thp_mode[16], thp_defrag[16];
	enum tri huge_zero_page;	/* use_zero_page */
	uint64_t thp_pmd_size;		/* bytes; 0 unknown */
	/* hugetlb pools (sysfs per size, else meminfo's default size) */
	struct caps_hugepool pool[CAPS_MAX_HUGE_POOLS];
	size_t npools;
	int ptrace_scope;		/* Yama; -1 when there is no Yama */
	/* zero_page: how it was told ("pfn", "kpageflags", "exclusive") */
	const char *zero_page_by;
};

/*
 * Everything, probed now: rootfd is the /proc tree, sysfd the /sys tree
 * (either -1: its items say they could not be read). The probes that ask
 * the kernel about a mapping of our own (PFNs, soft-dirty, PAGEMAP_SCAN,
 * guard, zero page) need <root>/self; in a fixture tree without it they
 * say "could not tell". Never fails.
 */
void caps_gather(int rootfd, int sysfd, struct vm_caps *c);

/*
 * The PAGEMAP_SCAN item from a reader (its scan_ioctl seam lets tests
 * fake a kernel): every category is probed on one page. Also sets the
 * scan part of guard (c->guard_scan).
 */
void caps_scan_from_reader(struct pm_reader *r, struct vm_caps *c);

/*
 * The pfn_visible item from pagemap_probe_pfn_visible's answer:
 * why hidden is told from <root>/self: a user namespace (uid_map not the
 * identity), else no CAP_SYS_ADMIN in CapEff.
 */
void caps_pfn_from_probe(int rootfd, enum tri visible, struct caps_item *it);

/* Pure parsers (text in, 0/-1 out). */
/* The [bracketed] word of a sysfs choice file ("always [madvise] never"). */
int caps_parse_choice(const char *text, char *word, size_t len);
/* Yama's ptrace_scope file: 0..3. */
int caps_parse_scope(const char *text, int *scope);
/*
 * HugePages_Total, HugePages_Free and Hugepagesize (kB) from /proc/meminfo;
 * -1 when HugePages_Total is absent (no hugetlbfs).
 */
int caps_parse_meminfo_huge(const char *text, struct caps_hugepool *p);

/* JSON key of an item ("pfn_visible", ...) and a short label for text. */
const char *caps_key(enum caps_id id);
const char *caps_label(enum caps_id id);
/* Names of PAGE_IS_* bits ("present", "soft-dirty", ...); NULL unknown. */
const char *caps_scan_category_name(uint64_t bit);

#endif
