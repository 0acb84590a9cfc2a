/* caps: what this machine can show (PFNs, kpageflags, PAGEMAP_SCAN, swap, THP, ...), and why not. */
#include "config.h"

#include <sys/mman.h>
#include <sys/utsname.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "caps_impl.h"
#include "kpage.h"
#include "pagemap_scan.h"
#include "parse.h"
#include "procfs.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* 6.13 */
#endif

/* Every category PAGEMAP_SCAN has had; the last two are optional. */
#define CAPS_SCAN_ALL	((uint64_t)PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | \
    PAGE_IS_FILE | PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | \
    PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)

/* Pages the zero-page probe read-faults. */
#define ZP_PAGES	4

static const struct {
	const char *key, *label;
} item_tab[CAPS_COUNT] = {
	[CAPS_PFN_VISIBLE] = { "pfn_visible", "PFNs (frame numbers)" },
	[CAPS_KPAGEFLAGS] = { "kpageflags", "kpageflags" },
	[CAPS_PAGEMAP_SCAN] = { "pagemap_scan", "PAGEMAP_SCAN" },
	[CAPS_SOFT_DIRTY] = { "soft_dirty", "soft-dirty" },
	[CAPS_UFFD_WP] = { "uffd_wp", "uffd-wp" },
	[CAPS_GUARD] = { "guard", "guard regions" },
	[CAPS_SWAP] = { "swap", "swap" },
	[CAPS_THP] = { "thp", "transparent huge pages" },
	[CAPS_HUGETLB] = { "hugetlb", "hugetlb pool" },
	[CAPS_PTRACE] = { "ptrace", "page bytes (/proc/PID/mem)" },
	[CAPS_ZERO_PAGE] = { "zero_page", "shared zero page" },
};

const char *
caps_key(enum caps_id id)
{
	return id < CAPS_COUNT ? item_tab[id].key : "?";
}

const char *
caps_label(enum caps_id id)
{
	return id < CAPS_COUNT ? item_tab[id].label : "?";
}

const char *
caps_scan_category_name(uint64_t bit)
{
	switch (bit) {
	case PAGE_IS_WPALLOWED:	return "wp-allowed";
	case PAGE_IS_WRITTEN:	return "written";
	case PAGE_IS_FILE:	return "file";
	case PAGE_IS_PRESENT:	return "present";
	case PAGE_IS_SWAPPED:	return "swapped";
	case PAGE_IS_PFNZERO:	return "pfn-zero";
	case PAGE_IS_HUGE:	return "huge";
	case PAGE_IS_SOFT_DIRTY: return "soft-dirty";
	case PAGE_IS_GUARD:	return "guard";
	default:		return NULL;
	}
}

void
caps_yes(struct caps_item *it)
{
	it->available = true;
	it->why[0] = '\0';
}

void
caps_no(struct caps_item *it, const char *fmt, ...)
{
	va_list ap;

	it->available = false;
	va_start(ap, fmt);
	vsnprintf(it->why, sizeof(it->why), fmt, ap);
	va_end(ap);
	if (it->why[0] == '\0')
		strlcpy(it->why, "unknown", sizeof(it->why));
}

/* Hex CapEff of <root>/self/status; -1 when unreadable. */
int
caps_self_capeff(int rootfd, uint64_t *cap)
{
	static const char key[] = "\nCapEff:";
	const char *p, *eol;
	char *buf;
	size_t len;
	int ret = -1;

	if (procfs_read_file(rootfd, PROCFS_SELF, "status", &buf, &len) == -1)
		return -1;
	if ((p = strstr(buf, key)) != NULL) {
		p += sizeof(key) - 1;
		while (*p == ' ' || *p == '\t')
			p++;
		eol = p + strcspn(p, "\n");
		if (parse_hex(&p, eol, cap) == 0 && p == eol)
			ret = 0;
	}
	free(buf);
	return ret;
}

/*
 * Are we in a user namespace other than the initial one? Its uid_map is
 * then anything but the identity of all 2^32 - 1 ids.
 */
static enum tri
self_in_userns(int rootfd)
{
	const char *p, *end;
	uint64_t v[3];
	enum tri ret;
	char *buf;
	size_t len;

	if (procfs_read_file(rootfd, PROCFS_SELF, "uid_map", &buf, &len) == -1)
		return TRI_UNKNOWN;
	p = buf;
	end = buf + len;
	for (int i = 0; i < 3; i++) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (parse_u64(&p, end, UINT64_MAX, &v[i]) == -1) {
			free(buf);
			/* no map yet: a new namespace */
			return len == 0 ? TRI_YES : TRI_UNKNOWN;
		}
	}
	while (*p == ' ' || *p == '\n')
		p++;
	ret = v[0] == 0 && v[1] == 0 && v[2] == 4294967295ULL && *p == '\0' ?
	    TRI_NO : TRI_YES;
	free(buf);
	return ret;
}

void
caps_pfn_from_probe(int rootfd, enum tri vis, struct caps_item *it)
{
	uint64_t cap = 0;
	pid_t self;

	if (vis == TRI_YES) {
		caps_yes(it);
		return;
	}
	if (vis == TRI_UNKNOWN) {
		caps_no(it, rootfd < 0 || procfs_self_pid(rootfd, &self) == -1 ?
		    "could not tell: the proc tree has no self to probe" :
		    "could not tell: a page of ours did not read back present");
		return;
	}
	if (self_in_userns(rootfd) == TRI_YES)
		caps_no(it,
		    "in a user namespace: the kernel shows frame numbers "
		    "only to CAP_SYS_ADMIN in the initial namespace (root in a "
		    "container or unshare -r is not enough)");
	else if (caps_self_capeff(rootfd, &cap) == 0 &&
	    !(cap & (1ULL << CAP_SYS_ADMIN_BIT)))
		caps_no(it, "not root: frame numbers need CAP_SYS_ADMIN (the "
		    "kernel zeroes them for everyone else)");
	else
		caps_no(it, "the kernel zeroes frame numbers for this process "
		    "(it wants CAP_SYS_ADMIN in the initial user namespace)");
}

static void
gather_kpageflags(int rootfd, struct vm_caps *c, bool *readable)
{
	struct caps_item *it = &c->item[CAPS_KPAGEFLAGS];
	struct kpage k = { -1, -1, EBADF, EBADF };
	uint64_t w;
	int e;

	*readable = false;
	if (rootfd >= 0)
		kpage_open(&k, rootfd);
	if (kpage_flags(&k, 0, &w) == 0) {
		*readable = true;
		if (c->item[CAPS_PFN_VISIBLE].available)
			caps_yes(it);
		else
			caps_no(it, "readable, but PFNs are not visible (see "
			    "pfn_visible): no frame number to look up");
	} else {
		e = errno;
		if (e == EACCES || e == EPERM)
			caps_no(it,
			    "needs root: /proc/kpageflags is readable by "
			    "root only");
		else if (e == ENOENT)
			caps_no(it, "this kernel has no /proc/kpageflags "
			    "(CONFIG_PROC_PAGE_MONITOR)");
		else
			caps_no(it, "could not read /proc/kpageflags: %s",
			    strerror(e));
	}
	kpage_close(&k);
}

void
caps_scan_from_reader(struct pm_reader *r, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_PAGEMAP_SCAN];
	struct pm_region reg;
	uint64_t we;
	ssize_t n;

	c->scan_categories = c->scan_refused = 0;
	c->guard_scan = false;
	r->force_pread = false;
	n = pagemap_scan(r, 0, r->pagesize, CAPS_SCAN_ALL, &reg, 1, &we);
	c->scan_refused = r->scan_bad & CAPS_SCAN_ALL;
	if (n >= 0 && r->scan == TRI_YES) {
		caps_yes(it);
		c->scan_categories = CAPS_SCAN_ALL & ~r->scan_bad;
		c->guard_scan = (c->scan_categories & PAGE_IS_GUARD) != 0;
		return;
	}
	c->scan_refused = 0;
	if (n == -1 && errno == ENOTTY)
		caps_no(it,
		    "this kernel has no PAGEMAP_SCAN ioctl (Linux 6.7+): "
		    "counts read every entry");
	else if (n == -1 && errno == EINVAL)
		caps_no(it, "the kernel refuses PAGEMAP_SCAN (EINVAL): counts "
		    "read every entry");
	else
		caps_no(it, "could not tell: %s", n == -1 ? strerror(errno) :
		    "the ioctl gave no answer");
}

static void
gather_soft_dirty(int rootfd, const struct pm_caps *pc, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_SOFT_DIRTY];
	enum tri sd;

	if (pc->kmajor != 0 && pc->old_layout) {
		caps_no(it, "pagemap before Linux 3.11 has no soft-dirty bit");
		return;
	}
	sd = pagemap_probe_soft_dirty(rootfd);
	if (sd == TRI_YES)
		caps_yes(it);
	else if (sd == TRI_NO)
		caps_no(it, "the kernel is built without CONFIG_MEM_SOFT_DIRTY "
		    "(a new mapping has no 'sd' VmFlag)");
	else
		caps_no(it,
		    "could not tell: the proc tree has no self to probe");
}

static void
gather_uffd_wp(const struct pm_caps *pc, struct vm_caps *c)
{
	if (pc->known & PMF_UFFD_WP)
		caps_yes(&c->item[CAPS_UFFD_WP]);
	else if (pc->kmajor == 0)
		caps_no(&c->item[CAPS_UFFD_WP], "unknown kernel release");
	else
		caps_no(&c->item[CAPS_UFFD_WP], "pagemap shows uffd-wp from "
		    "Linux 5.14; this is %u.%u", pc->kmajor, pc->kminor);
}

/*
 * Install a guard region on a scratch page of our own and read its entry
 * back: the kernel itself says whether it has guard regions (6.13) and
 * whether pagemap shows them (bit 58, 6.15). The page is ours, not a
 * target's: nothing inspected is touched.
 */
static void
gather_guard(struct pm_reader *r, const struct pm_caps *pc, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_GUARD];
	size_t ps = r != NULL ? r->pagesize : 4096;
	uint64_t raw;
	void *p;
	int e;

	c->guard_bit = false;
	if (r == NULL) {
		caps_no(it,
		    "could not tell: the proc tree has no self to probe");
		return;
	}
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		caps_no(it, "could not tell: %s", strerror(errno));
		return;
	}
	if (madvise(p, ps, MADV_GUARD_INSTALL) == -1) {
		e = errno;
		munmap(p, ps);
		if (e == EINVAL)
			caps_no(it, "this kernel has no guard regions "
			    "(MADV_GUARD_INSTALL, Linux 6.13+)");
		else
			caps_no(it, "could not tell: MADV_GUARD_INSTALL: %s",
			    strerror(e));
		return;
	}
	if (pagemap_read(r, (uintptr_t)p, 1, &raw) == 1 && (raw & PM_GUARD)) {
		c->guard_bit = true;
		caps_yes(it);
	} else {
		caps_no(it, "the kernel has guard regions but its pagemap does "
		    "not show them (bit 58 is Linux 6.15+; this is %u.%u)",
		    pc->kmajor, pc->kminor);
	}
	munmap(p, ps);
}

/* What ZP_PAGES read-faulted pages of ours showed. */
struct zp_probe {
	struct pm_entry e[ZP_PAGES];
	size_t npfn, nexcl, nfile, same;	/* pages with each */
};

/* The zero_page verdict from the probe: by kpageflags, PFNs or exclusive. */
static void
zero_page_verdict(const struct zp_probe *z, const struct pm_reader *r,
    bool kpf_ok, int rootfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_ZERO_PAGE];
	struct kpage k;
	uint64_t kf;

	if (z->npfn == ZP_PAGES && kpf_ok) {
		kpage_open(&k, rootfd);
		if (kpage_flags(&k, z->e[0].pfn, &kf) == 0) {
			kpage_close(&k);
			c->zero_page_by = "kpageflags";
			if (kf & (1ULL << KPF_ZERO_PAGE))
				caps_yes(it);
			else
				caps_no(it,
				    "a read fault gives each page a frame "
				    "of its own here (no ZERO_PAGE in "
				    "kpageflags): a page only read looks like "
				    "a written one");
			return;
		}
		kpage_close(&k);
	}
	if (z->npfn == ZP_PAGES) {
		c->zero_page_by = "pfn";
		if (z->same == ZP_PAGES)
			caps_yes(it);
		else if (z->same == 1)
			caps_no(it,
			    "a read fault gives each page a frame of its "
			    "own here (%d pages read, %d frames): a page only "
			    "read looks like a written one", ZP_PAGES,
			    ZP_PAGES);
		else
			caps_no(it, "could not tell: read-faulted pages share "
			    "some frames but not all");
		return;
	}
	if ((r->caps.known & PMF_EXCLUSIVE) && z->nfile == 0) {
		c->zero_page_by = "exclusive";
		if (z->nexcl == 0)
			caps_yes(it);
		else if (z->nexcl == ZP_PAGES)
			caps_no(it,
			    "a read fault gives each page a frame of its "
			    "own here (each read page is exclusive; PFNs are "
			    "hidden): a page only read looks like a written "
			    "one");
		else
			caps_no(it,
			    "could not tell: some read-faulted pages are "
			    "exclusive, some not");
		return;
	}
	caps_no(it, "could not tell: PFNs are hidden and this pagemap has no "
	    "exclusive bit (Linux 4.2+)");
}

/*
 * Does a read fault of untouched private anonymous memory map the shared
 * zero page? Read-fault a few pages of our own (no THP: that would be the
 * huge zero page) and look at their entries: with PFNs, kpageflags'
 * ZERO_PAGE bit or one frame for all; without, the exclusive bit (4.2+):
 * the zero page is never exclusive (vm_normal_page() skips it), a frame
 * of our own just faulted in always is.
 */
static void
gather_zero_page(struct pm_reader *r, bool kpf_ok, int rootfd,
    struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_ZERO_PAGE];
	struct zp_probe z;
	uint64_t raw[ZP_PAGES];
	volatile const char *p;
	char sink = 0;
	size_t ps;

	c->zero_page_by = NULL;
	if (r == NULL) {
		caps_no(it,
		    "could not tell: the proc tree has no self to probe");
		return;
	}
	ps = r->pagesize;
	p = mmap(NULL, ZP_PAGES * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		caps_no(it, "could not tell: %s", strerror(errno));
		return;
	}
	(void)madvise((void *)p, ZP_PAGES * ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < ZP_PAGES; i++)
		sink ^= p[i * ps];
	(void)sink;
	memset(&z, 0, sizeof(z));
	if (pagemap_read(r, (uintptr_t)p, ZP_PAGES, raw) != ZP_PAGES) {
		caps_no(it, "could not tell: pagemap gave no entries");
		goto out;
	}
	for (size_t i = 0; i < ZP_PAGES; i++) {
		pagemap_decode(raw[i], &r->caps, &z.e[i]);
		if (!(z.e[i].flags & PMF_PRESENT)) {
			caps_no(it,
			    "could not tell: a read-faulted page is not "
			    "present");
			goto out;
		}
		z.npfn += z.e[i].pfn_valid;
		z.nexcl += (z.e[i].flags & PMF_EXCLUSIVE) != 0;
		z.nfile += (z.e[i].flags & PMF_FILE_SHARED) != 0;
		z.same += z.e[i].pfn_valid && z.e[i].pfn == z.e[0].pfn;
	}
	zero_page_verdict(&z, r, kpf_ok, rootfd, c);
out:
	munmap((void *)p, ZP_PAGES * ps);
}

void
caps_gather(int rootfd, int sysfd, struct vm_caps *c)
{
	struct pm_reader r, *rp = NULL;
	struct pm_caps pc;
	struct utsname u;
	bool kpf_ok;
	pid_t self;

	memset(c, 0, sizeof(*c));
	if (uname(&u) == 0)
		strlcpy(c->release, u.release, sizeof(c->release));
	pagemap_caps_running(-1, &pc);
	caps_pfn_from_probe(rootfd, pagemap_probe_pfn_visible(rootfd),
	    &c->item[CAPS_PFN_VISIBLE]);
	gather_kpageflags(rootfd, c, &kpf_ok);
	c->kpageflags_readable = kpf_ok;
	if (rootfd >= 0 && procfs_self_pid(rootfd, &self) == 0 &&
	    pagemap_open(&r, rootfd, PROCFS_SELF) == 0)
		rp = &r;
	if (rp != NULL)
		caps_scan_from_reader(rp, c);
	else
		caps_no(&c->item[CAPS_PAGEMAP_SCAN], "could not tell: no "
		    "pagemap of our own in the proc tree");
	gather_soft_dirty(rootfd, &pc, c);
	gather_uffd_wp(&pc, c);
	gather_guard(rp, &pc, c);
	caps_gather_swap(rootfd, c);
	caps_gather_thp(sysfd, c);
	caps_gather_hugetlb(rootfd, sysfd, c);
	caps_gather_ptrace(rootfd, c);
	gather_zero_page(rp, kpf_ok, rootfd, c);
	if (rp != NULL)
		pagemap_close(rp);
}
