/* pagemap: decode pagemap entries (bit layout by kernel version, swap entry kinds, flag names). */
#include "config.h"

#include <string.h>

#include "pagemap.h"
#include "parse.h"

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
	caps->pfn_visible = TRI_UNKNOWN;
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
	enum tri pfn_visible = caps != NULL ? caps->pfn_visible :
	    TRI_UNKNOWN;
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
		e->pfn_valid = e->pfn != 0 || pfn_visible == TRI_YES;
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
