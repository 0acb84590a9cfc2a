/* pagemap: decode /proc/PID/pagemap entries, batched reads, PAGEMAP_SCAN counts. */
#ifndef VMPEEK_PAGEMAP_H
#define VMPEEK_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tri.h"

/* Bits of a pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PFN_MASK		((1ULL << 55) - 1)	/* bits 0-54 */
#define PM_SWAP_TYPE_MASK	0x1fULL			/* bits 0-4 */
#define PM_SWAP_OFFSET_SHIFT	5			/* bits 5-54 */
#define PM_SWAP_OFFSET_MASK	((1ULL << 50) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_EXCLUSIVE		(1ULL << 56)	/* 4.2+ */
#define PM_UFFD_WP		(1ULL << 57)	/* 5.14+ */
#define PM_GUARD		(1ULL << 58)	/* 6.15+ */
#define PM_FILE_SHARED		(1ULL << 61)
#define PM_SWAPPED		(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)
/* Before 3.11, bits 55-60 held the page shift. */
#define PM_OLD_SHIFT_SHIFT	55
#define PM_OLD_SHIFT_MASK	0x3fULL

/* Decoded flags, as a bitmask (struct pm_entry.flags and .known). */
enum pm_flag {
	PMF_PRESENT	= 1u << 0,
	PMF_SWAPPED	= 1u << 1,
	PMF_FILE_SHARED	= 1u << 2,
	PMF_EXCLUSIVE	= 1u << 3,
	PMF_SOFT_DIRTY	= 1u << 4,
	PMF_UFFD_WP	= 1u << 5,
	PMF_GUARD	= 1u << 6,
};
#define PMF_COUNT 7

/* What the running kernel's pagemap can tell us. */
struct pm_caps {
	unsigned int kmajor, kminor;
	bool old_layout;	/* < 3.11: bits 55-60 are the page shift */
	uint32_t known;		/* PMF_* bits that are meaningful */
	enum tri pfn_visible;	/* TRI_NO: hidden (no CAP_SYS_ADMIN) */
};

/*
 * What a swap-format entry (bit 62 set, not present) stands for. The kernel
 * puts more than swapped pages there: migration, device-private/exclusive
 * and hwpoison entries and PTE markers use the top swap types (see
 * pagemap_swap_kind_of). None of those is in a swap area.
 */
enum pm_swap_kind {
	PMS_NONE = 0,		/* not a swap-format entry */
	PMS_SWAP,		/* a page in a swap area: type, offset, device */
	PMS_HIDDEN,		/* frame zeroed (no CAP_SYS_ADMIN): can't tell */
	PMS_MIGRATION,		/* page under migration (offset = PFN) */
	PMS_DEVICE,		/* device-private/-exclusive (offset = PFN) */
	PMS_HWPOISON,		/* hardware-poisoned page */
	PMS_MARKER,		/* PTE marker: uffd-wp, poisoned */
	PMS_GUARD,		/* guard marker (MADV_GUARD_INSTALL) */
	PMS_SWAPIN_ERROR,	/* 5.19-6.1: reading it back from swap failed */
	PMS_SPECIAL,		/* a non-swap type this kernel's table can't name */
};

/* Fill caps from a uname release string like "6.18.44-foo". */
void pagemap_caps_from_release(const char *release, struct pm_caps *caps);
/*
 * Same, for the running kernel (uname), then corrected by what it actually
 * shows this process, probed through rootfd (once per process, cached):
 * pfn_visible from a touched page of our own (PFN 0 = hidden, as for root
 * in a user namespace), soft-dirty known only if a fresh mapping of ours
 * carries the "sd" VmFlag (CONFIG_MEM_SOFT_DIRTY). rootfd -1: no probes,
 * the release's caps only (pagemap_init_fd: fixtures).
 */
void pagemap_caps_running(int rootfd, struct pm_caps *caps);

/*
 * The probes behind pagemap_caps_running, each answered once per process
 * (an answer is cached; "could not tell" is not): TRI_UNKNOWN when they
 * could not tell (e.g. a fixture tree without "self").
 */
enum tri pagemap_probe_pfn_visible(int rootfd);
enum tri pagemap_probe_soft_dirty(int rootfd);

/*
 * Kind of a swap entry of type `type` (bits 0-4) and offset `offset` on
 * the kernel caps describes. Pure: a table by version, for kernels built
 * with CONFIG_MIGRATION, CONFIG_MEMORY_FAILURE and CONFIG_DEVICE_PRIVATE
 * (Debian's and Ubuntu's), as pagemap.c documents.
 */
enum pm_swap_kind pagemap_swap_kind_of(const struct pm_caps *caps,
    unsigned int type, uint64_t offset);
/* "swap", "hidden", "migration", ...; NULL for PMS_NONE. */
const char *pagemap_swap_kind_name(enum pm_swap_kind kind);

struct pm_entry {
	uint64_t raw;
	uint32_t flags;		/* PMF_* set in the entry */
	uint32_t known;		/* PMF_* whose value is meaningful (else "unknown") */
	bool pfn_valid;		/* present and PFN not hidden (non-zero) */
	uint64_t pfn;
	enum pm_swap_kind swap_kind;	/* PMS_NONE unless bit 62 is set */
	bool swap_valid;	/* a page in a swap area, type/offset shown */
	unsigned int swap_type;	/* set for every kind but NONE/HIDDEN */
	uint64_t swap_offset;
	unsigned int page_shift; /* old layout only, else 0 */
};

/*
 * Decode one raw entry. Guard is decoded first: a guard marker also has
 * bit 62 set but is not a swapped page. A present entry with PFN 0 when
 * caps->pfn_visible != TRI_YES is "hidden": pfn_valid = false. A swap-format
 * entry gets a swap_kind; only PMS_SWAP and PMS_HIDDEN (bit 62, frame
 * zeroed: most likely swap, but a special entry can't be told apart) set
 * PMF_SWAPPED, and only PMS_SWAP sets swap_valid.
 */
void pagemap_decode(uint64_t raw, const struct pm_caps *caps,
    struct pm_entry *e);

/* Physical address of vaddr given its entry: pfn * pagesize + offset. */
bool pagemap_phys(const struct pm_entry *e, uint64_t vaddr, size_t pagesize,
    uint64_t *phys);

/* Per-range counts (in base pages). */
struct pm_counts {
	uint64_t pages;
	uint64_t present;
	uint64_t swapped;
	uint64_t file_shared;
	uint64_t exclusive;
	uint64_t soft_dirty;
	uint64_t uffd_wp;
	uint64_t guard;
	uint64_t unreadable;	/* pages past the end of pagemap (no entry) */
};

/* An open pagemap file plus what we know about reading it. */
struct pm_reader {
	int fd;
	size_t pagesize;
	unsigned int pageshift;
	struct pm_caps caps;
	enum tri scan;		/* PAGEMAP_SCAN works; TRI_UNKNOWN: untried */
	uint64_t scan_ok;	/* optional PAGE_IS_* bits the kernel took */
	uint64_t scan_bad;	/* optional PAGE_IS_* bits it refused */
	bool force_pread;	/* never try PAGEMAP_SCAN (tests, benchmarks) */
	/*
	 * Worker threads of a count: 0 = one per online CPU (at most 4) for
	 * ranges of 1 GiB of pages or more, else exactly this many (tests).
	 */
	unsigned int threads;
	/* Regions per PAGEMAP_SCAN call of a count: 0 = 1024 (tests: less). */
	unsigned int scan_vec;
	/* Counts scan dense memory too, never pread it directly (tests). */
	bool scan_dense;
	uint64_t bytes_read;	/* bytes of pagemap read so far (stats) */
	uint64_t preads;	/* pread calls so far (stats) */
	uint64_t ioctls;	/* PAGEMAP_SCAN calls so far (stats) */
	/*
	 * Every PAGEMAP_SCAN call goes through this: ioctl(2) by default
	 * (pagemap_init_fd); unit tests put a fake here to inject faults.
	 */
	int (*scan_ioctl)(int fd, void *arg);
};

/* Open <root>/<pid>/pagemap. -1 with errno (EACCES: ptrace denied). */
int pagemap_open(struct pm_reader *r, int rootfd, pid_t pid);
/* Wrap an already-open fd (tests feed binary fixtures this way). */
void pagemap_init_fd(struct pm_reader *r, int fd, size_t pagesize);
void pagemap_close(struct pm_reader *r);

/*
 * Read n raw entries starting at the page containing vaddr, in batches.
 * Returns the number of entries read (< n only at the end of the address
 * space; 0 = "no such address"), or -1 with errno.
 */
ssize_t pagemap_read(struct pm_reader *r, uint64_t vaddr, size_t n,
    uint64_t *out);

/*
 * A buffer of n entries for pagemap_read, zeroed, on a page boundary (free
 * it with free), or NULL with errno. The kernel copies entries to us from a
 * page-aligned buffer; on AMD Zen a destination 8 or 16 bytes past a page
 * boundary (a large malloc block) doubled a 4096-entry pread's cost: 12 ns
 * an entry, 6.6 page-aligned (bench/RESULTS.txt).
 */
uint64_t *pagemap_buf_alloc(size_t n, size_t pagesize);

/*
 * Count pages in [start, end) by category, always from decoded pread
 * entries: PAGEMAP_SCAN (when the kernel has it) only says where to read,
 * and dense stretches are read without it; the counts are the same either
 * way. Ranges of 1 GiB of pages or more are counted by one thread per
 * online CPU (r->threads); the calling thread is one of them, the others
 * block every signal and are joined before return. 0 or -1 with errno.
 */
int pagemap_count(struct pm_reader *r, uint64_t start, uint64_t end,
    struct pm_counts *c);

/*
 * Will pagemap_count use PAGEMAP_SCAN on this reader? Probes the ioctl and
 * the categories a count needs the first time (a few one-page calls).
 * 1 yes, 0 no (no ioctl, force_pread, or a needed category refused).
 */
int pagemap_count_scans(struct pm_reader *r);

/* Add every field of b to a (totals over several ranges). */
void pagemap_counts_add(struct pm_counts *a, const struct pm_counts *b);

/* One contiguous run of pages sharing the same PAGEMAP_SCAN categories. */
struct pm_region {
	uint64_t start, end;
	uint64_t categories;	/* PAGE_IS_* bits */
};

/*
 * Regions of [start, end) with any of want_any categories (PAGE_IS_*),
 * via PAGEMAP_SCAN. Returns the number of regions stored (at most max), sets
 * *walk_end to where the kernel stopped; no region reaches past it (the
 * kernel can return some that do: they are left to the next call from
 * walk_end, which reports them again), and adjacent regions with the same
 * categories are joined across the kernel's calls; -1 with errno
 * ENOTTY/EINVAL when the kernel lacks the ioctl or refuses it at any call
 * (r->scan becomes 0). Optional categories (PAGE_IS_SOFT_DIRTY, 6.8;
 * PAGE_IS_GUARD, 6.16) are probed once each and dropped from want_any when
 * the kernel refuses them, now or at a later call (r->scan_bad says which).
 */
ssize_t pagemap_scan(struct pm_reader *r, uint64_t start, uint64_t end,
    uint64_t want_any, struct pm_region *out, size_t max, uint64_t *walk_end);

/* Name of a PMF_* flag ("present", "swapped", "file-shared", ...). */
const char *pagemap_flag_name(uint32_t flag);
/* One-sentence explanation of a flag, for the help screen and legend. */
const char *pagemap_flag_help(uint32_t flag);

#endif
