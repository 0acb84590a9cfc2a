/* pagemap: decode pagemap entries, batched reads, PAGEMAP_SCAN counts. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagemap_scan.h"
#include "parse.h"
#include "procfs.h"
#include "smaps.h"

/* The kernel fills our struct pm_region array directly. */
_Static_assert(sizeof(struct pm_region) == sizeof(struct page_region),
    "pm_region must match the kernel's page_region");
_Static_assert(offsetof(struct pm_region, categories) ==
    offsetof(struct page_region, categories), "page_region layout");

/* Entries per pread: 512 KiB of buffer, the same order as page-types. */
#define PM_BATCH	65536
/* Regions per PAGEMAP_SCAN call. */
#define PM_SCAN_VEC	256
/*
 * Categories newer than the ioctl (6.7): PAGE_IS_SOFT_DIRTY is taken from
 * 6.8, PAGE_IS_GUARD from 6.16. A kernel without one fails every call
 * that names it with EINVAL.
 */
#define PM_SCAN_OPTIONAL	((uint64_t)PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)
/* What a count scans for: every kind of page pread would count. */
#define PM_SCAN_COUNT_WANT	((uint64_t)PAGE_IS_PRESENT | \
    PAGE_IS_SWAPPED | PAGE_IS_FILE | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)

#define PMF_ALL (PMF_PRESENT | PMF_SWAPPED | PMF_FILE_SHARED | \
    PMF_EXCLUSIVE | PMF_SOFT_DIRTY | PMF_UFFD_WP | PMF_GUARD)

static bool
version_ge(unsigned int maj, unsigned int min, unsigned int wmaj,
    unsigned int wmin)
{
	return maj > wmaj || (maj == wmaj && min >= wmin);
}

/* A leading decimal number of a release string; NULL if there is none. */
static const char *
parse_uint(const char *s, unsigned int *v)
{
	uint64_t x;

	if (parse_u64(&s, s + strlen(s), 100000, &x) == -1)
		return NULL;
	*v = (unsigned int)x;
	return s;
}

void
pagemap_caps_from_release(const char *release, struct pm_caps *caps)
{
	unsigned int maj = 0, min = 0;
	const char *p;

	memset(caps, 0, sizeof(*caps));
	caps->pfn_visible = -1;
	p = release != NULL ? parse_uint(release, &maj) : NULL;
	if (p == NULL || *p != '.' || parse_uint(p + 1, &min) == NULL) {
		/* Unknown kernel: trust only the bits pagemap always had. */
		caps->known = PMF_PRESENT | PMF_SWAPPED;
		return;
	}
	caps->kmajor = maj;
	caps->kminor = min;
	caps->known = PMF_PRESENT | PMF_SWAPPED;
	if (version_ge(maj, min, 3, 5))
		caps->known |= PMF_FILE_SHARED;
	if (!version_ge(maj, min, 3, 11)) {
		caps->old_layout = true;
		return;
	}
	/* CONFIG_MEM_SOFT_DIRTY is a build option: caps_running probes it. */
	caps->known |= PMF_SOFT_DIRTY;
	if (version_ge(maj, min, 4, 2))
		caps->known |= PMF_EXCLUSIVE;
	/* fb8e37f35a2f "mm/pagemap: export uffd-wp protection information" */
	if (version_ge(maj, min, 5, 14))
		caps->known |= PMF_UFFD_WP;
	if (version_ge(maj, min, 6, 15))
		caps->known |= PMF_GUARD;
}

/*
 * The kernel decides at open time whether an opener sees frames
 * (file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN)): CAP_SYS_ADMIN in
 * a user namespace (root in a container, `unshare -r`) is not enough, so
 * CapEff can't tell. Ask the kernel: touch a page of our own and read its
 * entry through a pagemap we opened, as every target's pagemap is.
 */
static int
probe_pfn_visible(int rootfd)
{
	long psl = sysconf(_SC_PAGESIZE);
	size_t ps = psl > 0 ? (size_t)psl : 4096;
	volatile char *p;
	uint64_t raw;
	pid_t self;
	ssize_t got;
	int fd, ret = -1;

	if (rootfd < 0 || procfs_self_pid(rootfd, &self) == -1)
		return -1;
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return -1;
	p[0] = 1;
	if ((fd = procfs_openat(rootfd, self, "pagemap", O_RDONLY | O_CLOEXEC))
	    != -1) {
		do {
			got = pread(fd, &raw, sizeof(raw),
			    (off_t)((uintptr_t)p / ps * sizeof(raw)));
		} while (got == -1 && errno == EINTR);
		/* Not present (reclaimed already?): no answer. */
		if (got == (ssize_t)sizeof(raw) && (raw & PM_PRESENT))
			ret = (raw & PM_PFN_MASK) != 0;
		close(fd);
	}
	munmap((void *)p, ps);
	return ret;
}

/*
 * show_smap_vma_flags() names VM_SOFTDIRTY "sd" only under
 * CONFIG_MEM_SOFT_DIRTY (since 3.13), and every new mapping starts with
 * VM_SOFTDIRTY set: so a fresh mapping of ours shows "sd" exactly when the
 * kernel tracks soft-dirty. Not the target's VMAs: clear_refs clears it.
 */
static int
probe_soft_dirty(int rootfd)
{
	long psl = sysconf(_SC_PAGESIZE);
	size_t ps = psl > 0 ? (size_t)psl : 4096;
	struct smaps_list sl = { NULL, 0, 0 };
	uint64_t a;
	pid_t self;
	void *p;
	int ret = -1;

	if (rootfd < 0 || procfs_self_pid(rootfd, &self) == -1)
		return -1;
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return -1;
	a = (uintptr_t)p;
	if (smaps_read(rootfd, self, &sl) == 0) {
		/* It may have merged with a neighbour: find the one holding it. */
		for (size_t i = 0; i < sl.n; i++) {
			if (sl.v[i].start <= a && a < sl.v[i].end) {
				if (sl.v[i].has_vmflags)
					ret = (sl.v[i].vmflags &
					    SMF_BIT(SMF_SD)) != 0;
				break;
			}
		}
	}
	smaps_free(&sl);
	munmap(p, ps);
	return ret;
}

/*
 * Cached once answered: the kernel and our credentials don't change under
 * us. "Could not tell" (a fixture tree without "self") is asked again, so
 * it never outlives the root that could not answer.
 */
int
pagemap_probe_pfn_visible(int rootfd)
{
	static int cached = -1;

	if (cached == -1)
		cached = probe_pfn_visible(rootfd);
	return cached;
}

int
pagemap_probe_soft_dirty(int rootfd)
{
	static int cached = -1;

	if (cached == -1)
		cached = probe_soft_dirty(rootfd);
	return cached;
}

void
pagemap_caps_running(int rootfd, struct pm_caps *caps)
{
	struct utsname u;

	if (uname(&u) == 0)
		pagemap_caps_from_release(u.release, caps);
	else
		pagemap_caps_from_release(NULL, caps);
	if (rootfd < 0)
		return;	/* fixtures: what the release says */
	caps->pfn_visible = pagemap_probe_pfn_visible(rootfd);
	/* Without CONFIG_MEM_SOFT_DIRTY bit 55 always reads 0: unknown. */
	if (pagemap_probe_soft_dirty(rootfd) != 1)
		caps->known &= ~(uint32_t)PMF_SOFT_DIRTY;
}

/*
 * Swap types from MAX_SWAPFILES up to 31 are not swap areas
 * (include/linux/swap.h). From MAX_SWAPFILES upwards: SWP_HWPOISON (1,
 * CONFIG_MEMORY_FAILURE), SWP_MIGRATION_* (2; 3 from 5.19, READ_EXCLUSIVE),
 * SWP_DEVICE_* (CONFIG_DEVICE_PRIVATE: 2 from 4.14, 4 from 5.14 with the
 * device-exclusive pair, 3 from 6.15 when that pair became one type),
 * SWP_PTE_MARKER (1 from 5.19; always built from 6.2) and, 5.19 to 6.1,
 * SWP_SWAPIN_ERROR at the very top. MAX_SWAPFILES is 32 minus all of them.
 * The counts depend on the config: this table assumes the options above
 * are on, as in Debian's and Ubuntu's kernels. A config without them
 * moves the boundaries, but only for types above 21, which no real swap
 * area gets unless 22 of them are active. Kernels newer than the last one
 * checked (6.18) name only the marker (always the top type from 6.2 on);
 * types 21-30 there are "special".
 */
struct swap_layout {
	unsigned int max;	/* MAX_SWAPFILES: first special type */
	unsigned int mig, dev, marker, swapin_err;
};

static void
swap_layout(const struct pm_caps *caps, struct swap_layout *l)
{
	unsigned int maj = caps->kmajor, min = caps->kminor;

	l->mig = version_ge(maj, min, 5, 19) ? 3 : 2;
	l->dev = !version_ge(maj, min, 4, 14) ? 0 :
	    !version_ge(maj, min, 5, 14) ? 2 :
	    !version_ge(maj, min, 6, 15) ? 4 : 3;
	l->marker = version_ge(maj, min, 5, 19) ? 1 : 0;
	l->swapin_err = version_ge(maj, min, 5, 19) &&
	    !version_ge(maj, min, 6, 2) ? 1 : 0;
	l->max = 32 - 1 - l->mig - l->dev - l->marker - l->swapin_err;
}

/* Marker bits in a PTE marker's offset (include/linux/swapops.h). */
#define PTE_MARKER_GUARD_BIT	4ULL	/* BIT(2), 6.13+ */

enum pm_swap_kind
pagemap_swap_kind_of(const struct pm_caps *caps, unsigned int type,
    uint64_t offset)
{
	struct swap_layout l;
	unsigned int t;

	if (caps == NULL || caps->kmajor == 0)
		return PMS_SWAP;	/* unknown kernel: bits at face value */
	if (version_ge(caps->kmajor, caps->kminor, 6, 19)) {
		/*
		 * Unchecked: device-private migration types were proposed
		 * (3 more); keep the widest reservation seen, 21-31.
		 */
		if (type < 21)
			return PMS_SWAP;
		if (type == 31)
			return offset & PTE_MARKER_GUARD_BIT ? PMS_GUARD :
			    PMS_MARKER;
		return PMS_SPECIAL;
	}
	swap_layout(caps, &l);
	if (type < l.max)
		return PMS_SWAP;
	t = type - l.max;
	if (t == 0)
		return PMS_HWPOISON;
	t--;
	if (t < l.mig)
		return PMS_MIGRATION;
	t -= l.mig;
	if (t < l.dev)
		return PMS_DEVICE;
	t -= l.dev;
	if (t < l.marker)
		return offset & PTE_MARKER_GUARD_BIT ? PMS_GUARD : PMS_MARKER;
	return PMS_SWAPIN_ERROR;
}

const char *
pagemap_swap_kind_name(enum pm_swap_kind kind)
{
	switch (kind) {
	case PMS_NONE:
		return NULL;
	case PMS_SWAP:
		return "swap";
	case PMS_HIDDEN:
		return "hidden";
	case PMS_MIGRATION:
		return "migration";
	case PMS_DEVICE:
		return "device";
	case PMS_HWPOISON:
		return "hwpoison";
	case PMS_MARKER:
		return "marker";
	case PMS_GUARD:
		return "guard";
	case PMS_SWAPIN_ERROR:
		return "swapin-error";
	case PMS_SPECIAL:
		return "special";
	}
	return NULL;
}

void
pagemap_decode(uint64_t raw, const struct pm_caps *caps, struct pm_entry *e)
{
	uint32_t known = caps != NULL ? caps->known : PMF_ALL;
	int pfn_visible = caps != NULL ? caps->pfn_visible : -1;
	bool old = caps != NULL && caps->old_layout;

	memset(e, 0, sizeof(*e));
	e->raw = raw;
	if (old) {
		known &= ~(uint32_t)(PMF_SOFT_DIRTY | PMF_EXCLUSIVE |
		    PMF_UFFD_WP | PMF_GUARD);
		e->page_shift = (unsigned int)((raw >> PM_OLD_SHIFT_SHIFT) &
		    PM_OLD_SHIFT_MASK);
	}
	e->known = known;

	/* A guard marker is a swap-format PTE marker: bit 62 is set too. */
	if ((known & PMF_GUARD) && (raw & PM_GUARD))
		e->flags |= PMF_GUARD;
	if (raw & PM_PRESENT) {
		e->flags |= PMF_PRESENT;
		e->pfn = raw & PM_PFN_MASK;
		e->pfn_valid = e->pfn != 0 || pfn_visible == 1;
	} else if (raw & PM_SWAPPED) {
		uint64_t frame = raw & PM_PFN_MASK;

		if (e->flags & PMF_GUARD) {
			e->swap_kind = PMS_GUARD;
		} else if (frame == 0) {
			/*
			 * Zeroed for openers without CAP_SYS_ADMIN (4.2+ for
			 * the PFN, swap frames later). Never a real entry:
			 * offset 0 of a swap area is its header, a marker has
			 * marker bits, a migration entry a PFN.
			 */
			e->swap_kind = PMS_HIDDEN;
			e->flags |= PMF_SWAPPED;
		} else {
			e->swap_type = (unsigned int)(frame &
			    PM_SWAP_TYPE_MASK);
			e->swap_offset = (raw >> PM_SWAP_OFFSET_SHIFT) &
			    PM_SWAP_OFFSET_MASK;
			e->swap_kind = pagemap_swap_kind_of(caps, e->swap_type,
			    e->swap_offset);
			if (e->swap_kind == PMS_SWAP) {
				e->flags |= PMF_SWAPPED;
				e->swap_valid = true;
			} else if (e->swap_kind == PMS_GUARD) {
				/*
				 * 6.13/6.14: a guard marker without bit 58.
				 * Known for this entry, though not for others.
				 */
				e->flags |= PMF_GUARD;
				e->known |= PMF_GUARD;
			}
		}
	}
	if ((known & PMF_FILE_SHARED) && (raw & PM_FILE_SHARED))
		e->flags |= PMF_FILE_SHARED;
	if ((known & PMF_EXCLUSIVE) && (raw & PM_EXCLUSIVE))
		e->flags |= PMF_EXCLUSIVE;
	if ((known & PMF_SOFT_DIRTY) && (raw & PM_SOFT_DIRTY))
		e->flags |= PMF_SOFT_DIRTY;
	if ((known & PMF_UFFD_WP) && (raw & PM_UFFD_WP))
		e->flags |= PMF_UFFD_WP;
}

bool
pagemap_phys(const struct pm_entry *e, uint64_t vaddr, size_t pagesize,
    uint64_t *phys)
{
	uint64_t base;

	if (!e->pfn_valid || pagesize == 0)
		return false;
	if (__builtin_mul_overflow(e->pfn, (uint64_t)pagesize, &base))
		return false;
	*phys = base + vaddr % pagesize;
	return true;
}

static unsigned int
log2_size(size_t v)
{
	unsigned int s = 0;

	while (((size_t)1 << s) < v)
		s++;
	return s;
}

static int
scan_ioctl_sys(int fd, void *arg)
{
	return ioctl(fd, PAGEMAP_SCAN, arg);
}

void
pagemap_init_fd(struct pm_reader *r, int fd, size_t pagesize)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->pagesize = pagesize;
	r->pageshift = log2_size(pagesize);
	pagemap_caps_running(-1, &r->caps);
	r->scan = -1;
	r->scan_ioctl = scan_ioctl_sys;
}

int
pagemap_open(struct pm_reader *r, int rootfd, pid_t pid)
{
	long ps = sysconf(_SC_PAGESIZE);
	int fd;

	if ((fd = procfs_openat(rootfd, pid, "pagemap", O_RDONLY | O_CLOEXEC))
	    == -1)
		return -1;
	pagemap_init_fd(r, fd, ps > 0 ? (size_t)ps : 4096);
	pagemap_caps_running(rootfd, &r->caps);
	return 0;
}

void
pagemap_close(struct pm_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

ssize_t
pagemap_read(struct pm_reader *r, uint64_t vaddr, size_t n, uint64_t *out)
{
	uint64_t idx = vaddr >> r->pageshift;
	size_t done = 0;	/* bytes */
	size_t want = n > SIZE_MAX / 8 ? SIZE_MAX / 8 * 8 : n * 8;
	char *buf = (char *)out;

	/* Offsets must stay below 2^63 (off_t); nothing lives up there. */
	if (n == 0 || idx > (uint64_t)INT64_MAX / 8)
		return 0;
	while (done < want) {
		size_t chunk = want - done;
		uint64_t off = idx * 8 + done;
		ssize_t got;

		if (chunk > PM_BATCH * 8)
			chunk = PM_BATCH * 8;
		if (off > (uint64_t)INT64_MAX - chunk)
			break;
		got = pread(r->fd, buf + done, chunk, (off_t)off);
		if (got == -1) {
			if (errno == EINTR)
				continue;
			/* Past the address space some kernels say EINVAL. */
			if (errno == EINVAL)
				break;
			return -1;
		}
		r->preads++;
		if (got == 0)
			break;
		r->bytes_read += (uint64_t)got;
		done += (size_t)got;
	}
	return (ssize_t)(done / 8);
}

/* One PAGEMAP_SCAN call through the reader's seam; EINTR retried. */
static int
scan_call(struct pm_reader *r, struct pm_scan_arg *arg)
{
	int ret;

	do {
		ret = r->scan_ioctl != NULL ? r->scan_ioctl(r->fd, arg) :
		    scan_ioctl_sys(r->fd, arg);
	} while (ret == -1 && errno == EINTR);
	r->ioctls++;
	return ret;
}

/*
 * Does the kernel take the optional category bit? A scan of one page
 * naming only that bit: the masks are checked before anything is walked,
 * so any aligned address does (0). Sets the bit in scan_ok or scan_bad;
 * -1 with errno when the ioctl itself is missing (r->scan becomes 0) or
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
		r->scan = 1;
		return 0;
	}
	if (errno == EINVAL) {
		r->scan_bad |= bit;
		return 0;
	}
	if (errno == ENOTTY || errno == EOPNOTSUPP) {
		r->scan = 0;
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

ssize_t
pagemap_scan(struct pm_reader *r, uint64_t start, uint64_t end,
    uint64_t want_any, struct pm_region *out, size_t max, uint64_t *walk_end)
{
	struct pm_scan_arg arg;
	/* An unaligned start is EINVAL, which would read as "no ioctl". */
	uint64_t cur = start & ~((uint64_t)r->pagesize - 1);
	uint64_t untried = want_any & PM_SCAN_OPTIONAL &
	    ~(r->scan_ok | r->scan_bad);
	size_t stored = 0;
	int ret;

	*walk_end = start;
	if (r->force_pread || r->scan == 0) {
		errno = ENOTTY;
		return -1;
	}
	/*
	 * Name an optional category only once the kernel took it alone:
	 * its version says too little (backports; SOFT_DIRTY came in 6.8,
	 * GUARD in 6.16, while pagemap's own guard bit is 6.15).
	 */
	for (uint64_t bit = 1; untried != 0; bit <<= 1) {
		if (!(untried & bit))
			continue;
		untried &= ~bit;
		if (scan_probe(r, bit) == -1)
			return -1;
	}
	want_any &= ~r->scan_bad;
	if (want_any == 0) {
		/* Only refused categories: an empty anyof mask matches all. */
		errno = EINVAL;
		return -1;
	}
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
				r->scan = 0;
				errno = errno == EOPNOTSUPP ? ENOTTY : errno;
			}
			return -1;
		}
		if ((uint64_t)ret > arg.vec_len) {
			/* More than we gave room for: trust none of it. */
			errno = EIO;
			return -1;
		}
		r->scan = 1;
		stored = scan_trim(out, stored, (size_t)ret, arg.walk_end);
		if (arg.walk_end <= cur)
			break;	/* no progress: don't spin */
		cur = arg.walk_end;
	}
	*walk_end = cur < end ? cur : end;
	return (ssize_t)stored;
}

static void
count_entry(struct pm_counts *c, const struct pm_entry *e)
{
	if (e->flags & PMF_PRESENT)
		c->present++;
	if (e->flags & PMF_SWAPPED)
		c->swapped++;
	if (e->flags & PMF_FILE_SHARED)
		c->file_shared++;
	if (e->flags & PMF_EXCLUSIVE)
		c->exclusive++;
	if (e->flags & PMF_SOFT_DIRTY)
		c->soft_dirty++;
	if (e->flags & PMF_UFFD_WP)
		c->uffd_wp++;
	if (e->flags & PMF_GUARD)
		c->guard++;
}

/*
 * Count n raw entries; returns how many were non-zero. A sparse range is
 * almost all zero entries (no page, no flag under any layout), and
 * decoding each one made a 1 TB mapping's count 3x slower than the pread
 * alone: skip zero runs eight entries at a time with one OR, and decode
 * only the non-zero entries.
 */
static uint64_t
count_raw(const uint64_t *buf, size_t n, const struct pm_caps *caps,
    struct pm_counts *c)
{
	uint64_t nonzero = 0;
	size_t i = 0;

	for (;;) {
		/* Find the next block of 8 holding a non-zero entry. */
		while (i + 8 <= n && (buf[i] | buf[i + 1] | buf[i + 2] |
		    buf[i + 3] | buf[i + 4] | buf[i + 5] | buf[i + 6] |
		    buf[i + 7]) == 0)
			i += 8;
		if (i >= n)
			break;
		for (size_t end = i + 8 < n ? i + 8 : n; i < end; i++) {
			struct pm_entry e;

			if (buf[i] == 0)
				continue;
			nonzero++;
			pagemap_decode(buf[i], caps, &e);
			count_entry(c, &e);
		}
	}
	return nonzero;
}

/*
 * Read and count every entry of [start, start + npages pages) into c.
 * Sets *got_pages to the entries read: fewer when pagemap ended early
 * (the rest has no entry); adds the non-zero ones to *nonzero (if set).
 */
static int
count_pread(struct pm_reader *r, uint64_t start, uint64_t npages,
    uint64_t *buf, size_t bufn, struct pm_counts *c, uint64_t *got_pages,
    uint64_t *nonzero)
{
	uint64_t done = 0, nz = 0;

	while (done < npages) {
		size_t n = npages - done > bufn ? bufn : (size_t)(npages - done);
		ssize_t got;

		got = pagemap_read(r, start + (done << r->pageshift), n, buf);
		if (got == -1)
			return -1;
		nz += count_raw(buf, (size_t)got, &r->caps, c);
		done += (uint64_t)got;
		if ((size_t)got < n)
			break;
	}
	*got_pages = done;
	if (nonzero != NULL)
		*nonzero += nz;
	return 0;
}

/* Is there a pagemap entry for page index idx? 1/0/-1 */
static int
page_readable(struct pm_reader *r, uint64_t idx)
{
	uint64_t raw;
	ssize_t got = pagemap_read(r, idx << r->pageshift, 1, &raw);

	return got < 0 ? -1 : got == 1;
}

/*
 * First page index in [lo, hi) with no pagemap entry, hi if all have one.
 * Entries exist for a prefix of the address space, so bisect (~50 preads).
 */
static int
readable_limit(struct pm_reader *r, uint64_t lo, uint64_t hi, uint64_t *lim)
{
	int ok;

	if ((ok = page_readable(r, hi - 1)) != 0) {
		*lim = hi;
		return ok < 0 ? -1 : 0;
	}
	hi--;			/* hi is known unreadable from here on */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if ((ok = page_readable(r, mid)) < 0)
			return -1;
		if (ok)
			lo = mid + 1;
		else
			hi = mid;
	}
	*lim = lo;
	return 0;
}

/*
 * Optional categories a count cannot do without: a page pread counts
 * must be in some region. A VM_SOFTDIRTY VMA's holes read as soft-dirty
 * and are neither present nor swapped, so where soft-dirty is counted the
 * scan must ask for it (6.8+). Guard markers are also PAGE_IS_SWAPPED.
 */
static uint64_t
count_scan_needs(const struct pm_reader *r)
{
	return (r->caps.known & PMF_SOFT_DIRTY) ? PAGE_IS_SOFT_DIRTY : 0;
}

int
pagemap_count_scans(struct pm_reader *r)
{
	struct pm_region reg;
	uint64_t we, need = count_scan_needs(r);

	if (r->force_pread || r->scan == 0)
		return 0;
	if (r->scan == -1 || (need & ~(r->scan_ok | r->scan_bad)) != 0)
		(void)pagemap_scan(r, 0, r->pagesize, PM_SCAN_COUNT_WANT,
		    &reg, 1, &we);
	return r->scan == 1 && (r->scan_bad & need) == 0;
}

/*
 * The count engine. A range is cut into steps, each claimed by one worker
 * thread and counted from pread entries only, so every page is counted
 * once, from what pagemap itself says (the pread path's meaning exactly).
 * PAGEMAP_SCAN only says where to read: its categories cannot tell
 * exclusive (nor a uffd-wp or device entry's flags), and smaps cannot
 * stand in for it (doc/design.md, "Counting").
 * What a step does depends on what the last one found:
 *  - a scan step asks PAGEMAP_SCAN where something is in its span and
 *    preads only there, regions under PM_COALESCE pages apart in one
 *    pread; a span that held few regions doubles, up to 1/PM_SPAN_MAX_DIV
 *    of the worker's range;
 *  - a pread step reads PM_PREAD_STEP entries straight away: on dense
 *    memory the scan only walks every PTE once more.
 * The switch is by the kernel's cost (count_costs): a scan step switches to
 * pread steps when reading all of its span would have cost less; a pread
 * step switches back when scanning would have cost under half.
 * Workers start on equal parts of the range, and one that runs out takes
 * the upper half of the largest unclaimed rest (an ASan reservation has
 * all its pages in the first 8 GiB of 16 TiB). The kernel walks one mm
 * from several threads under mmap_read_lock, which they share.
 */
/* Tuning (each can be overridden with -D to measure another value). */
#ifndef PM_COUNT_VEC
#define PM_COUNT_VEC	1024	/* regions per scan call of a count */
#endif
#ifndef PM_COALESCE
#define PM_COALESCE	64	/* pages: closer regions share a pread */
#endif
#ifndef PM_SPAN_MIN
#define PM_SPAN_MIN	512	/* pages: the first scan step (2 MiB) */
#endif
#ifndef PM_SPAN_MAX_DIV
#define PM_SPAN_MAX_DIV	8	/* a step spans at most 1/8 of a range */
#endif
/*
 * What the kernel spends, roughly (ns, 6.18 on this project's 2-CPU VM;
 * only the ratios matter): per empty PTE, a PAGEMAP_SCAN and a pread; per
 * page present, what the scan adds (the pread's own cost for it is paid
 * either way); a pread call of its own. Holes above the PTE level cost
 * the scan next to nothing and a pread ~3 ns an entry.
 */
#define PM_COST_SCAN_PTE	10
#define PM_COST_PREAD_PTE	33
#define PM_COST_SCAN_PRESENT	150
#define PM_COST_PREAD_CALL	2500
#ifndef PM_PREAD_STEP
#define PM_PREAD_STEP	4096	/* pages per pread step (32 KiB of entries) */
#endif
#ifndef PM_STEAL_MIN
#define PM_STEAL_MIN	1024	/* pages: never split less than this */
#endif
#ifndef PM_THREAD_MIN
#define PM_THREAD_MIN	(1ULL << 18) /* pages: below, one worker */
#endif
#define PM_MAX_THREADS	4

struct count_job;

struct count_worker {
	struct count_job *job;
	struct pm_reader r;	/* own copy: stats and scan state */
	uint64_t cur, end;	/* unclaimed pages [cur, end); job->mu */
	uint64_t span_max;	/* pages */
	uint64_t span;		/* pages of the next scan step */
	bool scan;		/* next step scans (else preads a batch) */
	struct pm_counts c;
	uint64_t *buf;
	size_t bufn;
	struct pm_region *vec;
	size_t vecn;
	int err;		/* errno of a failed step, 0 */
	bool err_scan;		/* ...and it was the ioctl's */
	pthread_t tid;
	bool started;
};

struct count_job {
	pthread_mutex_t mu;
	struct count_worker *w;
	size_t nw;
	bool use_scan;
	bool stop;		/* a worker failed: everyone stops */
};

/*
 * Claim the next step for w (a scan step of w->span pages, or a pread step
 * of PM_PREAD_STEP, by the kind it goes on with): *at and the number of
 * pages, 0 when nothing is left (or a worker failed). An idle worker takes
 * the upper half of the largest unclaimed range; what a worker has claimed
 * is never taken from it, so no page is counted twice or missed.
 */
static uint64_t
count_claim(struct count_worker *w, uint64_t *at)
{
	struct count_job *job = w->job;
	uint64_t n = 0, want;

	pthread_mutex_lock(&job->mu);
	if (job->stop)
		goto out;
	if (w->cur >= w->end) {
		struct count_worker *v = NULL;
		uint64_t best = 0;

		for (size_t i = 0; i < job->nw; i++) {
			struct count_worker *o = &job->w[i];

			if (o != w && o->end > o->cur && o->end - o->cur > best) {
				best = o->end - o->cur;
				v = o;
			}
		}
		if (v == NULL || best < PM_STEAL_MIN)
			goto out;
		w->cur = v->cur + best / 2;
		w->end = v->end;
		v->end = w->cur;
		/* Go on as the victim went: no relearning from 2 MiB up. */
		w->scan = v->scan;
		w->span_max = best / 2 / PM_SPAN_MAX_DIV;
		if (w->span_max < PM_SPAN_MIN)
			w->span_max = PM_SPAN_MIN;
		w->span = v->span < w->span_max ? v->span : w->span_max;
	}
	/*
	 * The step kind is known only now: a steal takes the victim's, and
	 * a pread step must fit the worker's buffer whatever span a scan
	 * step had.
	 */
	want = w->scan ? w->span : PM_PREAD_STEP;
	n = w->end - w->cur < want ? w->end - w->cur : want;
	*at = w->cur;
	w->cur += n;
out:
	pthread_mutex_unlock(&job->mu);
	return n;
}

/*
 * What scan steps and pread steps would cost (PM_COST_* units, less what
 * both pay) over n pages holding nreg regions (runs of pages with entries)
 * that cover `covered` pages: a scan walks every PTE, then preads each
 * region; pread steps read every entry.
 */
static void
count_costs(uint64_t n, uint64_t nreg, uint64_t covered, uint64_t *scan,
    uint64_t *pread)
{
	*scan = (n - covered) * PM_COST_SCAN_PTE +
	    covered * PM_COST_SCAN_PRESENT + nreg * PM_COST_PREAD_CALL;
	*pread = (n - covered) * PM_COST_PREAD_PTE;
}

/* pread the joined regions [*ps, *pe) (bytes), if any. */
static int
count_flush(struct count_worker *w, uint64_t *ps, uint64_t *pe)
{
	struct pm_reader *r = &w->r;
	uint64_t got;

	if (*pe <= *ps)
		return 0;
	if (count_pread(r, *ps, (*pe - *ps) >> r->pageshift, w->buf, w->bufn,
	    &w->c, &got, NULL) == -1)
		return -1;
	*ps = *pe = 0;
	return 0;
}

/*
 * Count [s, e) (pages) from preads of where PAGEMAP_SCAN finds something.
 * pagemap_scan() leaves out what a call reports past its walk_end; still,
 * each page is read once: never below `done` again, never past walk_end
 * before the next call reports it. -1 with errno; w->err_scan when the
 * ioctl failed (EINVAL also when it refused a category the count needs).
 */
static int
count_step_scan(struct count_worker *w, uint64_t s, uint64_t e)
{
	struct pm_reader *r = &w->r;
	uint64_t need = count_scan_needs(r);
	uint64_t cur = s << r->pageshift, end = e << r->pageshift;
	uint64_t done = cur, ps = 0, pe = 0, nreg = 0, covered = 0, got;
	uint64_t cs, cp;
	uint64_t gap = (uint64_t)PM_COALESCE << r->pageshift;

	while (cur < end) {
		uint64_t walk_end;
		ssize_t n = pagemap_scan(r, cur, end, PM_SCAN_COUNT_WANT, w->vec,
		    w->vecn, &walk_end);

		if (n == -1 || (r->scan_bad & need)) {
			if (n != -1)
				errno = EINVAL;
			w->err_scan = true;
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			uint64_t rs = w->vec[i].start, re = w->vec[i].end;

			if (rs < done)
				rs = done;
			if (re > walk_end)
				re = walk_end;
			if (rs >= re)
				continue;
			nreg++;
			covered += (re - rs) >> r->pageshift;
			if (pe > ps && rs - pe <= gap)
				pe = re;
			else {
				if (count_flush(w, &ps, &pe) == -1)
					return -1;
				ps = rs;
				pe = re;
			}
			done = re;
		}
		if (walk_end <= cur) {
			/* No progress (never seen): pread what is left. */
			if (count_flush(w, &ps, &pe) == -1)
				return -1;
			if (done < end && count_pread(r, done, (end - done) >>
			    r->pageshift, w->buf, w->bufn, &w->c, &got,
			    NULL) == -1)
				return -1;
			break;
		}
		cur = walk_end;
	}
	if (count_flush(w, &ps, &pe) == -1)
		return -1;
	count_costs(e - s, nreg, covered, &cs, &cp);
	if (!r->scan_dense && cp < cs)
		w->scan = false;
	else if (nreg < w->vecn / 2 && w->span < w->span_max) {
		/* Nothing at all: a reservation's empty rest, go fast. */
		uint64_t grow = nreg == 0 ? 16 : 2;

		w->span = w->span <= w->span_max / grow ? w->span * grow :
		    w->span_max;
	}
	return 0;
}

/*
 * Count [s, e) (pages, at most w->bufn) from one pread, and go back to
 * scan steps when they would have cost less than half as much. -1 with
 * errno.
 */
static int
count_step_pread(struct count_worker *w, uint64_t s, uint64_t e)
{
	struct pm_reader *r = &w->r;
	uint64_t nonzero, runs = 0, cs, cp;
	ssize_t got;

	if ((got = pagemap_read(r, s << r->pageshift, (size_t)(e - s),
	    w->buf)) == -1)
		return -1;
	nonzero = count_raw(w->buf, (size_t)got, &r->caps, &w->c);
	if (!w->job->use_scan || got == 0)
		return 0;
	for (ssize_t i = 0; i < got; i++)
		runs += w->buf[i] != 0 && (i == 0 || w->buf[i - 1] == 0);
	/* Back only when scanning costs under half: no flapping. */
	count_costs((uint64_t)got, runs, nonzero, &cs, &cp);
	if (cs * 2 < cp) {
		w->scan = true;
		w->span = e - s;
	}
	return 0;
}

static void *
count_worker_run(void *arg)
{
	struct count_worker *w = arg;
	uint64_t at, n;

	while ((n = count_claim(w, &at)) > 0) {
		int ret = w->scan ? count_step_scan(w, at, at + n) :
		    count_step_pread(w, at, at + n);

		if (ret == -1) {
			w->err = errno != 0 ? errno : EIO;
			pthread_mutex_lock(&w->job->mu);
			w->job->stop = true;
			pthread_mutex_unlock(&w->job->mu);
			break;
		}
	}
	return NULL;
}

/* Workers for a range of npages: the online CPUs, at most PM_MAX_THREADS. */
static size_t
count_nthreads(const struct pm_reader *r, uint64_t npages)
{
	long ncpu;

	if (r->threads > 0)
		return r->threads < PM_MAX_THREADS ? r->threads :
		    PM_MAX_THREADS;
	if (npages < PM_THREAD_MIN)
		return 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu <= 1)
		return 1;
	return ncpu < PM_MAX_THREADS ? (size_t)ncpu : PM_MAX_THREADS;
}

/*
 * Count the readable pages [sidx, eidx) into c (c->pages and unreadable
 * are the caller's), scanning when use_scan. The reader's stats and scan
 * state get what the workers learnt. -1 with errno; *scan_failed says
 * whether the ioctl was what failed (then pread is worth a try).
 */
static int
count_run(struct pm_reader *r, uint64_t sidx, uint64_t eidx, bool use_scan,
    struct pm_counts *c, bool *scan_failed)
{
	struct count_worker w[PM_MAX_THREADS];
	struct count_job job;
	uint64_t npages = eidx - sidx;
	size_t nw = count_nthreads(r, npages), i;
	uint64_t bytes = 0, preads = 0, ioctls = 0;
	sigset_t all, old;
	int err = 0;

	*scan_failed = false;
	if (nw > npages / PM_STEAL_MIN)
		nw = npages / PM_STEAL_MIN > 0 ? (size_t)(npages /
		    PM_STEAL_MIN) : 1;
	memset(&job, 0, sizeof(job));
	memset(w, 0, sizeof(w));
	if ((err = pthread_mutex_init(&job.mu, NULL)) != 0) {
		errno = err;
		return -1;
	}
	job.w = w;
	job.nw = nw;
	job.use_scan = use_scan;
	for (i = 0; i < nw; i++) {
		uint64_t part = npages / nw;

		w[i].job = &job;
		w[i].r = *r;
		w[i].cur = sidx + part * i;
		w[i].end = i + 1 == nw ? eidx : sidx + part * (i + 1);
		w[i].span_max = (w[i].end - w[i].cur) / PM_SPAN_MAX_DIV;
		if (w[i].span_max < PM_SPAN_MIN)
			w[i].span_max = PM_SPAN_MIN;
		w[i].span = PM_SPAN_MIN;
		w[i].scan = use_scan;
		w[i].bufn = npages < PM_BATCH ? (size_t)npages : PM_BATCH;
		w[i].buf = malloc(w[i].bufn * sizeof(*w[i].buf));
		w[i].vecn = r->scan_vec > 0 ? r->scan_vec : PM_COUNT_VEC;
		w[i].vec = use_scan ? malloc(w[i].vecn * sizeof(*w[i].vec)) :
		    NULL;
		if (w[i].buf == NULL || (use_scan && w[i].vec == NULL)) {
			err = ENOMEM;
			nw = i + 1;
			goto out;
		}
	}
	/* Helpers take no signal: the TUI's handlers stay on its thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 1; i < nw; i++) {
		if (pthread_create(&w[i].tid, NULL, count_worker_run,
		    &w[i]) != 0)
			break;	/* fewer helpers: the others take its part */
		w[i].started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	count_worker_run(&w[0]);
	for (i = 1; i < nw; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	/* A helper that never started: its part is counted here. */
	for (i = 1; i < nw; i++) {
		if (w[i].started || w[i].cur >= w[i].end || job.stop)
			continue;
		w[0].cur = w[i].cur;
		w[0].end = w[i].end;
		w[i].cur = w[i].end;
		count_worker_run(&w[0]);
	}
	memset(c, 0, sizeof(*c));
	for (i = 0; i < nw; i++) {
		pagemap_counts_add(c, &w[i].c);
		/* Each copy started from the reader's totals. */
		bytes += w[i].r.bytes_read - r->bytes_read;
		preads += w[i].r.preads - r->preads;
		ioctls += w[i].r.ioctls - r->ioctls;
		if (w[i].r.scan == 0)
			r->scan = 0;
		else if (w[i].r.scan == 1 && r->scan != 0)
			r->scan = 1;
		r->scan_bad |= w[i].r.scan_bad;
		r->scan_ok |= w[i].r.scan_ok;
		if (w[i].err != 0 && (err == 0 || !w[i].err_scan)) {
			err = w[i].err;
			*scan_failed = w[i].err_scan;
		}
	}
	r->scan_ok &= ~r->scan_bad;
	r->bytes_read += bytes;
	r->preads += preads;
	r->ioctls += ioctls;
out:
	for (i = 0; i < nw; i++) {
		free(w[i].buf);
		free(w[i].vec);
	}
	pthread_mutex_destroy(&job.mu);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
pagemap_counts_add(struct pm_counts *a, const struct pm_counts *b)
{
	a->pages += b->pages;
	a->present += b->present;
	a->swapped += b->swapped;
	a->file_shared += b->file_shared;
	a->exclusive += b->exclusive;
	a->soft_dirty += b->soft_dirty;
	a->uffd_wp += b->uffd_wp;
	a->guard += b->guard;
	a->unreadable += b->unreadable;
}

int
pagemap_count(struct pm_reader *r, uint64_t start, uint64_t end,
    struct pm_counts *c)
{
	uint64_t sidx = start >> r->pageshift;
	uint64_t eidx = (end >> r->pageshift) +
	    ((end & (r->pagesize - 1)) != 0);
	uint64_t pages, lim;
	bool scan_failed;

	memset(c, 0, sizeof(*c));
	if (end == 0 && start != 0)	/* [x, 2^64): end wrapped */
		eidx = UINT64_MAX >> r->pageshift;
	if (eidx <= sidx)
		return 0;
	pages = eidx - sidx;
	lim = eidx;
	if (pagemap_count_scans(r)) {
		/* Scan cannot see where pagemap ends: find that first. */
		if (readable_limit(r, sidx, eidx, &lim) == -1)
			return -1;
		if (lim > sidx &&
		    count_run(r, sidx, lim, true, c, &scan_failed) == -1) {
			/*
			 * No ioctl after all, EINVAL at a later call (a
			 * category refused, or the ioctl refused outright),
			 * or the range is beyond what the ioctl accepts
			 * (EFAULT): pread the readable part. pread errors
			 * are not retried.
			 */
			if (!scan_failed || (errno != ENOTTY &&
			    errno != EINVAL && errno != EFAULT))
				return -1;
			if (count_run(r, sidx, lim, false, c,
			    &scan_failed) == -1)
				return -1;
		}
		c->pages = pages;
		c->unreadable = pages - (lim - sidx);
		return 0;
	}
	/*
	 * pread alone: entries exist for a prefix of the address space, so
	 * find where they end when the last page has none (1 pread when it
	 * has one, as for every VMA but [vsyscall]).
	 */
	if (readable_limit(r, sidx, eidx, &lim) == -1)
		return -1;
	if (lim > sidx && count_run(r, sidx, lim, false, c,
	    &scan_failed) == -1)
		return -1;
	c->pages = pages;
	c->unreadable = pages - (lim - sidx);
	return 0;
}

static const struct {
	uint32_t flag;
	const char *name;
	const char *help;
} flag_tab[] = {
	{ PMF_PRESENT, "present",
	  "The page is in RAM; its frame number (PFN) needs CAP_SYS_ADMIN." },
	{ PMF_SWAPPED, "swapped",
	  "The page is in a swap area; shown as swap type, offset and device." },
	{ PMF_FILE_SHARED, "file-shared",
	  "A page of a file mapping, or anonymous memory shared between "
	  "processes." },
	{ PMF_EXCLUSIVE, "exclusive",
	  "Mapped by this process only (Linux 4.2+)." },
	{ PMF_SOFT_DIRTY, "soft-dirty",
	  "Written since soft-dirty bits were last cleared (needs "
	  "CONFIG_MEM_SOFT_DIRTY)." },
	{ PMF_UFFD_WP, "uffd-wp",
	  "Write-protected by userfaultfd (Linux 5.14+)." },
	{ PMF_GUARD, "guard",
	  "A guard region installed by MADV_GUARD_INSTALL: access faults "
	  "(Linux 6.15+)." },
};

const char *
pagemap_flag_name(uint32_t flag)
{
	for (size_t i = 0; i < sizeof(flag_tab) / sizeof(flag_tab[0]); i++)
		if (flag_tab[i].flag == flag)
			return flag_tab[i].name;
	return "?";
}

const char *
pagemap_flag_help(uint32_t flag)
{
	for (size_t i = 0; i < sizeof(flag_tab) / sizeof(flag_tab[0]); i++)
		if (flag_tab[i].flag == flag)
			return flag_tab[i].help;
	return "Unknown flag.";
}
