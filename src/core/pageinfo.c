/* pageinfo: one record per page, built once for every face, and its diff. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pageinfo.h"

const char *
pageinfo_kpage_why(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "/proc/kpageflags is readable by root only "
		    "(needs CAP_SYS_ADMIN)";
	case ENOENT:
		return "this kernel has no /proc/kpageflags "
		    "(CONFIG_PROC_PAGE_MONITOR)";
	default:
		return "/proc/kpageflags could not be read";
	}
}

enum tri
pageinfo_huge(const struct pageinfo *p, struct pageinfo_ctx *c)
{
	const struct smaps_vma *si = p->vma != NULL && c->sm != NULL ?
	    smaps_find(c->sm, p->vma->start, p->vma->end) : NULL;
	uint64_t pmd = c->pmd_size, bs;

	if (si != NULL && smaps_is_hugetlb(si, c->pagesize))
		return TRI_YES;	/* hugetlb VMA */
	if (p->vma == NULL)
		return TRI_NO;
	if (p->have_kflags) {
		if (p->kflags & (1ULL << KPF_HUGE))
			return TRI_YES;
		if (!(p->kflags & (1ULL << KPF_THP)) || pmd <= c->pagesize)
			return TRI_NO;
		bs = p->vaddr & ~(pmd - 1);
		if (bs < p->vma->start || p->vma->end - bs < pmd)
			return TRI_NO;	/* no whole PMD block in the VMA */
		if (c->pmd.start != bs && c->no_block_walk)
			return TRI_UNKNOWN;
		if (c->pmd.start != bs) {
			c->pmd.start = bs;
			c->pmd.kind = kpage_block_kind(c->kp, c->pm, bs,
			    (size_t)(pmd / c->pagesize));
		}
		if (c->pmd.kind == -1)
			return TRI_UNKNOWN;
		return c->pmd.kind == KPF_THP ? TRI_YES : TRI_NO;
	}
	if (!p->have_entry || !(p->e.flags & PMF_PRESENT))
		return TRI_NO;
	if (si != NULL && smaps_thp_bytes(si) == 0)
		return TRI_NO;	/* nothing in this VMA is mapped huge */
	return TRI_UNKNOWN;
}

/* The large folio kflags name. */
static enum pageinfo_folio
folio_of(uint64_t kf)
{
	if (kf & (1ULL << KPF_THP))
		return kf & (1ULL << KPF_COMPOUND_HEAD) ? PIF_THP_HEAD :
		    PIF_THP;
	return kf & (1ULL << KPF_HUGE) ? PIF_HUGETLB : PIF_NONE;
}

static bool
in_regions(const struct pm_region *r, size_t n, uint64_t va)
{
	for (size_t i = 0; i < n; i++)
		if (va >= r[i].start && va < r[i].end)
			return true;
	return false;
}

/* SP's page and never-faulted pages below it, from the stack view. */
static void
stack_marks(struct pageinfo *p, const struct pageinfo_ctx *c)
{
	const struct stack_info *si = c->stack;
	uint64_t mask = ~((uint64_t)c->pagesize - 1);

	p->is_sp = p->never_faulted = false;
	p->stack_why = NULL;
	if (si == NULL) {
		p->stack_why = c->stack_why != NULL ? c->stack_why :
		    "not a stack view";
		return;
	}
	if (!si->sp_known)
		p->stack_why = si->sp_why != NULL ? si->sp_why :
		    "stack pointer unknown";
	else
		p->is_sp = p->vma != NULL && si->sp >= p->vma->start &&
		    si->sp < p->vma->end && (si->sp & mask) ==
		    (p->vaddr & mask);
	p->never_faulted = p->have_entry && stack_never_faulted(si,
	    p->vaddr & mask, c->pagesize, &p->e);
}

void
pageinfo_fill(struct pageinfo *p, struct pageinfo_ctx *c)
{
	p->have_phys = false;
	p->swapdev = NULL;
	p->have_kflags = p->have_mapcount = false;
	p->kwhy = NULL;
	p->folio = PIF_NONE;
	p->pmd_mapped = in_regions(c->huge, c->nhuge, p->vaddr);
	stack_marks(p, c);
	if (!p->have_entry) {
		p->kwhy = "no pagemap entry";
		p->huge = pageinfo_huge(p, c);
		return;
	}
	p->have_phys = pagemap_phys(&p->e, p->vaddr, c->pagesize, &p->phys);
	if (p->e.swap_valid && p->e.swap_type < c->nsw)
		p->swapdev = &c->sw[p->e.swap_type];
	if (!(p->e.flags & PMF_PRESENT))
		p->kwhy = "page not present";
	else if (c->kp == NULL || c->kp->flags_fd < 0)
		p->kwhy = pageinfo_kpage_why(c->kp != NULL ?
		    c->kp->flags_errno : ENOENT);
	else if (!p->e.pfn_valid)
		p->kwhy = "PFN hidden by the kernel (needs "
		    "CAP_SYS_ADMIN in the initial user namespace)";
	else if (kpage_flags(c->kp, p->e.pfn, &p->kflags) == 0) {
		p->have_kflags = true;
		p->folio = folio_of(p->kflags);
		p->have_mapcount = kpage_count(c->kp, p->e.pfn,
		    &p->mapcount) == 0;
	} else
		p->kwhy = "/proc/kpageflags has no entry for this PFN";
	p->huge = pageinfo_huge(p, c);
}

enum pageinfo_state
pageinfo_state(const struct pageinfo *p)
{
	if (!p->have_entry)
		return PIS_NO_ENTRY;
	if (p->e.flags & PMF_GUARD)
		return PIS_GUARD;
	if (p->e.flags & PMF_PRESENT)
		return PIS_PRESENT;
	if (p->e.flags & PMF_SWAPPED)
		return PIS_SWAPPED;
	return p->e.swap_kind != PMS_NONE ? PIS_SPECIAL : PIS_ABSENT;
}

const char *
pageinfo_state_word(const struct pageinfo *p)
{
	static const char *const words[] = {
		[PIS_NO_ENTRY] = "no entry", [PIS_GUARD] = "guard",
		[PIS_PRESENT] = "present", [PIS_SWAPPED] = "swapped",
		[PIS_ABSENT] = "absent",
	};
	enum pageinfo_state st = pageinfo_state(p);

	/* Bit 62 without a swap area: name it (migration, marker, ...). */
	if (st == PIS_SPECIAL)
		return p->e.swap_kind == PMS_MIGRATION ? "migrate" :
		    pagemap_swap_kind_name(p->e.swap_kind);
	return words[st];
}

int
pageinfo_flag_bit(uint32_t flag)
{
	static const struct {
		uint32_t flag;
		uint64_t bit;
	} t[] = {
		{ PMF_PRESENT, PM_PRESENT }, { PMF_SWAPPED, PM_SWAPPED },
		{ PMF_FILE_SHARED, PM_FILE_SHARED },
		{ PMF_EXCLUSIVE, PM_EXCLUSIVE },
		{ PMF_SOFT_DIRTY, PM_SOFT_DIRTY }, { PMF_UFFD_WP, PM_UFFD_WP },
		{ PMF_GUARD, PM_GUARD },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].flag == flag)
			return __builtin_ctzll(t[i].bit);
	return -1;
}

/* A flag's JSON value: -1 null, 0 false, 1 true. */
static int
flag_val(const struct pageinfo *p, uint32_t flag)
{
	if (!p->have_entry || !(p->e.known & flag))
		return -1;
	return (p->e.flags & flag) != 0;
}

/* The diff of two reads, each with or without an entry. */
static uint32_t
diff_entries(bool ha, const struct pm_entry *ea, bool hb,
    const struct pm_entry *eb)
{
	struct pageinfo a, b;
	bool pa, pb, sa, sb;
	uint32_t m = 0;
	unsigned int i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.have_entry = ha;
	b.have_entry = hb;
	if (ha)
		a.e = *ea;
	if (hb)
		b.e = *eb;
	pa = ha && a.e.pfn_valid;
	pb = hb && b.e.pfn_valid;
	sa = ha && a.e.swap_valid;
	sb = hb && b.e.swap_valid;
	for (i = 0; i < PMF_COUNT; i++)
		if (flag_val(&a, 1u << i) != flag_val(&b, 1u << i))
			m |= 1u << i;
	if (pa != pb || (pa && a.e.pfn != b.e.pfn))
		m |= PID_PFN;
	if (sa != sb || (sa && a.e.swap_type != b.e.swap_type))
		m |= PID_SWAP_TYPE;
	if (sa != sb || (sa && a.e.swap_offset != b.e.swap_offset))
		m |= PID_SWAP_OFFSET;
	return m;
}

uint32_t
pageinfo_diff(const struct pageinfo *a, const struct pageinfo *b)
{
	return diff_entries(a->have_entry, &a->e, b->have_entry, &b->e);
}

uint32_t
pageinfo_entry_diff(const struct pm_entry *a, const struct pm_entry *b)
{
	return diff_entries(true, a, true, b);
}

const char *
pageinfo_field_name(unsigned int i)
{
	static const char *const names[PID_COUNT] = {
		"present", "swapped", "file_shared", "exclusive",
		"soft_dirty", "uffd_wp", "guard", "pfn", "swap_type",
		"swap_offset",
	};

	return i < PID_COUNT ? names[i] : NULL;
}

char *
pageinfo_diff_names(uint32_t mask, const char *sep, char *buf, size_t len)
{
	unsigned int i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < PID_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, sep, len);
		strlcat(buf, pageinfo_field_name(i), len);
	}
	return buf;
}
