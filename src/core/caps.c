/* caps: what this machine can show (PFNs, kpageflags, PAGEMAP_SCAN, swap, THP, ...), and why not. */
#include "config.h"

#include <sys/mman.h>
#include <sys/utsname.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "kpage.h"
#include "pagemap_scan.h"
#include "parse.h"
#include "procfs.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102	/* 6.13 */
#endif

#define CAP_SYS_PTRACE_BIT	19
#define CAP_SYS_ADMIN_BIT	21

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

static void
set_yes(struct caps_item *it)
{
	it->available = true;
	it->why[0] = '\0';
}

static void
set_no(struct caps_item *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_no(struct caps_item *it, const char *fmt, ...)
{
	va_list ap;

	it->available = false;
	va_start(ap, fmt);
	vsnprintf(it->why, sizeof(it->why), fmt, ap);
	va_end(ap);
	if (it->why[0] == '\0')
		strlcpy(it->why, "unknown", sizeof(it->why));
}

/* Read dir/path into buf (NUL-terminated, truncated); 0 or -1 + errno. */
static int
read_at(int dirfd, const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t got;
	int fd, e;

	if (dirfd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (have < len - 1) {
		got = read(fd, buf + have, len - 1 - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	close(fd);
	buf[have] = '\0';
	return 0;
}

/* A decimal number alone on the first line ("12\n"); 0 or -1. */
static int
parse_u64_text(const char *text, uint64_t *v)
{
	return parse_u64_line(text, text + strlen(text), 1ULL << 62, v);
}

int
caps_parse_choice(const char *text, char *word, size_t len)
{
	const char *o = strchr(text, '['), *c;

	if (o == NULL || (c = strchr(o, ']')) == NULL || c == o + 1 ||
	    (size_t)(c - o - 1) >= len || memchr(o, '\n', (size_t)(c - o)))
		return -1;
	memcpy(word, o + 1, (size_t)(c - o - 1));
	word[c - o - 1] = '\0';
	return 0;
}

int
caps_parse_scope(const char *text, int *scope)
{
	uint64_t v;

	if (parse_u64_text(text, &v) == -1 || v > 3)
		return -1;
	*scope = (int)v;
	return 0;
}

/* "Key:   123 kB" -> 123 for the line starting with key; -1 absent. */
static int
meminfo_field(const char *text, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			const char *s = p + kl + 1;

			while (*s == ' ' || *s == '\t')
				s++;
			return parse_u64(&s, s + strcspn(s, "\n"), UINT64_MAX,
			    v);
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

int
caps_parse_meminfo_huge(const char *text, struct caps_hugepool *p)
{
	memset(p, 0, sizeof(*p));
	if (meminfo_field(text, "HugePages_Total", &p->total) == -1)
		return -1;
	(void)meminfo_field(text, "HugePages_Free", &p->free);
	(void)meminfo_field(text, "Hugepagesize", &p->size_kb);
	return 0;
}

/* Hex CapEff of <root>/self/status; -1 when unreadable. */
static int
self_capeff(int rootfd, uint64_t *cap)
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
 * then anything but the identity of all 2^32 - 1 ids. 1, 0, -1 unknown.
 */
static int
self_in_userns(int rootfd)
{
	const char *p, *end;
	uint64_t v[3];
	char *buf;
	size_t len;
	int ret = -1;

	if (procfs_read_file(rootfd, PROCFS_SELF, "uid_map", &buf, &len) == -1)
		return -1;
	p = buf;
	end = buf + len;
	for (int i = 0; i < 3; i++) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (parse_u64(&p, end, UINT64_MAX, &v[i]) == -1) {
			free(buf);
			return len == 0 ? 1 : -1;	/* no map yet */
		}
	}
	while (*p == ' ' || *p == '\n')
		p++;
	ret = !(v[0] == 0 && v[1] == 0 && v[2] == 4294967295ULL && *p == '\0');
	free(buf);
	return ret;
}

void
caps_pfn_from_probe(int rootfd, int vis, struct caps_item *it)
{
	uint64_t cap = 0;
	pid_t self;
	int ns;

	if (vis == 1) {
		set_yes(it);
		return;
	}
	if (vis == -1) {
		set_no(it, rootfd < 0 || procfs_self_pid(rootfd, &self) == -1 ?
		    "could not tell: the proc tree has no self to probe" :
		    "could not tell: a page of ours did not read back present");
		return;
	}
	ns = self_in_userns(rootfd);
	if (ns == 1)
		set_no(it, "in a user namespace: the kernel shows frame numbers "
		    "only to CAP_SYS_ADMIN in the initial namespace (root in a "
		    "container or unshare -r is not enough)");
	else if (self_capeff(rootfd, &cap) == 0 &&
	    !(cap & (1ULL << CAP_SYS_ADMIN_BIT)))
		set_no(it, "not root: frame numbers need CAP_SYS_ADMIN (the "
		    "kernel zeroes them for everyone else)");
	else
		set_no(it, "the kernel zeroes frame numbers for this process "
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
			set_yes(it);
		else
			set_no(it, "readable, but PFNs are not visible (see "
			    "pfn_visible): no frame number to look up");
	} else {
		e = errno;
		if (e == EACCES || e == EPERM)
			set_no(it, "needs root: /proc/kpageflags is readable by "
			    "root only");
		else if (e == ENOENT)
			set_no(it, "this kernel has no /proc/kpageflags "
			    "(CONFIG_PROC_PAGE_MONITOR)");
		else
			set_no(it, "could not read /proc/kpageflags: %s",
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
	if (n >= 0 && r->scan == 1) {
		set_yes(it);
		c->scan_categories = CAPS_SCAN_ALL & ~r->scan_bad;
		c->guard_scan = (c->scan_categories & PAGE_IS_GUARD) != 0;
		return;
	}
	c->scan_refused = 0;
	if (n == -1 && errno == ENOTTY)
		set_no(it, "this kernel has no PAGEMAP_SCAN ioctl (Linux 6.7+): "
		    "counts read every entry");
	else if (n == -1 && errno == EINVAL)
		set_no(it, "the kernel refuses PAGEMAP_SCAN (EINVAL): counts "
		    "read every entry");
	else
		set_no(it, "could not tell: %s", n == -1 ? strerror(errno) :
		    "the ioctl gave no answer");
}

static void
gather_soft_dirty(int rootfd, const struct pm_caps *pc, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_SOFT_DIRTY];
	int sd;

	if (pc->kmajor != 0 && pc->old_layout) {
		set_no(it, "pagemap before Linux 3.11 has no soft-dirty bit");
		return;
	}
	sd = pagemap_probe_soft_dirty(rootfd);
	if (sd == 1)
		set_yes(it);
	else if (sd == 0)
		set_no(it, "the kernel is built without CONFIG_MEM_SOFT_DIRTY "
		    "(a new mapping has no 'sd' VmFlag)");
	else
		set_no(it, "could not tell: the proc tree has no self to probe");
}

static void
gather_uffd_wp(const struct pm_caps *pc, struct vm_caps *c)
{
	if (pc->known & PMF_UFFD_WP)
		set_yes(&c->item[CAPS_UFFD_WP]);
	else if (pc->kmajor == 0)
		set_no(&c->item[CAPS_UFFD_WP], "unknown kernel release");
	else
		set_no(&c->item[CAPS_UFFD_WP], "pagemap shows uffd-wp from "
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
		set_no(it, "could not tell: the proc tree has no self to probe");
		return;
	}
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		set_no(it, "could not tell: %s", strerror(errno));
		return;
	}
	if (madvise(p, ps, MADV_GUARD_INSTALL) == -1) {
		e = errno;
		munmap(p, ps);
		if (e == EINVAL)
			set_no(it, "this kernel has no guard regions "
			    "(MADV_GUARD_INSTALL, Linux 6.13+)");
		else
			set_no(it, "could not tell: MADV_GUARD_INSTALL: %s",
			    strerror(e));
		return;
	}
	if (pagemap_read(r, (uintptr_t)p, 1, &raw) == 1 && (raw & PM_GUARD)) {
		c->guard_bit = true;
		set_yes(it);
	} else {
		set_no(it, "the kernel has guard regions but its pagemap does "
		    "not show them (bit 58 is Linux 6.15+; this is %u.%u)",
		    pc->kmajor, pc->kminor);
	}
	munmap(p, ps);
}

static void
gather_swap(int rootfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_SWAP];

	c->nswap = 0;
	if (rootfd < 0 || swaps_read(rootfd, c->swap, CAPS_MAX_SWAP,
	    &c->nswap) == -1) {
		c->nswap = 0;
		if (errno == ENOENT)
			set_no(it, "this kernel has no swap (no /proc/swaps)");
		else
			set_no(it, "could not read /proc/swaps: %s",
			    strerror(errno));
		return;
	}
	if (c->nswap > 0)
		set_yes(it);
	else
		set_no(it, "no swap area is active (/proc/swaps lists none): "
		    "nothing is ever swapped out");
}

static void
gather_thp(int sysfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_THP];
	char buf[256];
	uint64_t v;

	c->thp_mode[0] = c->thp_defrag[0] = '\0';
	c->huge_zero_page = -1;
	c->thp_pmd_size = 0;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/defrag", buf,
	    sizeof(buf)) == 0)
		(void)caps_parse_choice(buf, c->thp_defrag,
		    sizeof(c->thp_defrag));
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/use_zero_page", buf,
	    sizeof(buf)) == 0 && parse_u64_text(buf, &v) == 0)
		c->huge_zero_page = v != 0;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/hpage_pmd_size",
	    buf, sizeof(buf)) == 0 && parse_u64_text(buf, &v) == 0)
		c->thp_pmd_size = v;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/enabled", buf,
	    sizeof(buf)) == -1) {
		if (sysfd < 0)
			set_no(it, "could not tell: no /sys");
		else if (errno == ENOENT)
			set_no(it, "this kernel has no transparent huge pages "
			    "(no transparent_hugepage/enabled)");
		else
			set_no(it, "could not read transparent_hugepage/"
			    "enabled: %s", strerror(errno));
		return;
	}
	if (caps_parse_choice(buf, c->thp_mode, sizeof(c->thp_mode)) == -1) {
		set_no(it, "could not tell: transparent_hugepage/enabled "
		    "names no [mode]");
		return;
	}
	if (strcmp(c->thp_mode, "never") == 0)
		set_no(it, "THP is off (transparent_hugepage/enabled is "
		    "[never])");
	else
		set_yes(it);
}

/* hugepages-2048kB -> 2048; 0 on junk. */
static uint64_t
pool_dir_kb(const char *name)
{
	const char *p = name + 10;
	uint64_t v;

	if (strncmp(name, "hugepages-", 10) != 0 ||
	    parse_u64(&p, p + strlen(p), 1ULL << 40, &v) == -1 ||
	    strcmp(p, "kB") != 0)
		return 0;
	return v;
}

static void
gather_hugetlb(int rootfd, int sysfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_HUGETLB];
	char buf[8192], path[300];
	struct dirent *de;
	uint64_t total = 0;
	DIR *d = NULL;
	int fd;

	c->npools = 0;
	if (sysfd >= 0 && (fd = openat(sysfd, "kernel/mm/hugepages",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    (d = fdopendir(fd)) == NULL)
		close(fd);
	while (d != NULL && (de = readdir(d)) != NULL &&
	    c->npools < CAPS_MAX_HUGE_POOLS) {
		struct caps_hugepool *p = &c->pool[c->npools];

		if ((p->size_kb = pool_dir_kb(de->d_name)) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/nr_hugepages", de->d_name);
		if (read_at(dirfd(d), path, buf, sizeof(buf)) == -1 ||
		    parse_u64_text(buf, &p->total) == -1)
			continue;
		snprintf(path, sizeof(path), "%s/free_hugepages", de->d_name);
		if (read_at(dirfd(d), path, buf, sizeof(buf)) == -1 ||
		    parse_u64_text(buf, &p->free) == -1)
			p->free = 0;
		c->npools++;
	}
	if (d != NULL)
		closedir(d);
	if (c->npools > 1) {
		/* readdir's order is the file system's: smallest first. */
		for (size_t i = 1; i < c->npools; i++)
			for (size_t j = i; j > 0 && c->pool[j - 1].size_kb >
			    c->pool[j].size_kb; j--) {
				struct caps_hugepool t = c->pool[j];

				c->pool[j] = c->pool[j - 1];
				c->pool[j - 1] = t;
			}
	}
	if (c->npools == 0 && read_at(rootfd, "meminfo", buf,
	    sizeof(buf)) == 0 && caps_parse_meminfo_huge(buf, &c->pool[0]) == 0)
		c->npools = 1;
	for (size_t i = 0; i < c->npools; i++)
		total += c->pool[i].total;
	if (total > 0)
		set_yes(it);
	else if (c->npools > 0)
		set_no(it, "the hugetlb pool is empty (vm.nr_hugepages is 0): "
		    "MAP_HUGETLB mappings fail");
	else
		set_no(it, "this kernel has no hugetlbfs (no hugepages in /sys "
		    "or HugePages_Total in meminfo)");
}

static void
gather_ptrace(int rootfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_PTRACE];
	char buf[64];
	uint64_t cap = 0;
	bool sys_ptrace;

	c->ptrace_scope = -1;
	if (read_at(rootfd, "sys/kernel/yama/ptrace_scope", buf,
	    sizeof(buf)) == -1) {
		/* No Yama: the plain ptrace rules (same user, or root). */
		set_yes(it);
		return;
	}
	if (caps_parse_scope(buf, &c->ptrace_scope) == -1) {
		set_no(it, "could not tell: ptrace_scope reads '%.20s'", buf);
		return;
	}
	sys_ptrace = self_capeff(rootfd, &cap) == 0 &&
	    (cap & (1ULL << CAP_SYS_PTRACE_BIT));
	switch (c->ptrace_scope) {
	case 0:
		set_yes(it);
		break;
	case 1:
		if (sys_ptrace)
			set_yes(it);
		else
			set_no(it, "Yama ptrace_scope is 1: /proc/PID/mem (the "
			    "hex view) opens only for descendants and processes "
			    "that allow it (PR_SET_PTRACER); pagemap is not "
			    "affected");
		break;
	case 2:
		if (sys_ptrace)
			set_yes(it);
		else
			set_no(it, "Yama ptrace_scope is 2: /proc/PID/mem (the "
			    "hex view) needs CAP_SYS_PTRACE");
		break;
	default:
		set_no(it, "Yama ptrace_scope is 3: no process may open "
		    "another's /proc/PID/mem (the hex view)");
		break;
	}
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
	uint64_t raw[ZP_PAGES], kf;
	struct pm_entry e[ZP_PAGES];
	size_t ps, npfn = 0, nexcl = 0, nfile = 0, same = 0;
	volatile const char *p;
	struct kpage k;
	char sink = 0;

	c->zero_page_by = NULL;
	if (r == NULL) {
		set_no(it, "could not tell: the proc tree has no self to probe");
		return;
	}
	ps = r->pagesize;
	p = mmap(NULL, ZP_PAGES * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		set_no(it, "could not tell: %s", strerror(errno));
		return;
	}
	(void)madvise((void *)p, ZP_PAGES * ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < ZP_PAGES; i++)
		sink ^= p[i * ps];
	(void)sink;
	if (pagemap_read(r, (uintptr_t)p, ZP_PAGES, raw) != ZP_PAGES) {
		set_no(it, "could not tell: pagemap gave no entries");
		goto out;
	}
	for (size_t i = 0; i < ZP_PAGES; i++) {
		pagemap_decode(raw[i], &r->caps, &e[i]);
		if (!(e[i].flags & PMF_PRESENT)) {
			set_no(it, "could not tell: a read-faulted page is not "
			    "present");
			goto out;
		}
		npfn += e[i].pfn_valid;
		nexcl += (e[i].flags & PMF_EXCLUSIVE) != 0;
		nfile += (e[i].flags & PMF_FILE_SHARED) != 0;
		same += e[i].pfn_valid && e[i].pfn == e[0].pfn;
	}
	if (npfn == ZP_PAGES && kpf_ok) {
		kpage_open(&k, rootfd);
		if (kpage_flags(&k, e[0].pfn, &kf) == 0) {
			kpage_close(&k);
			c->zero_page_by = "kpageflags";
			if (kf & (1ULL << KPF_ZERO_PAGE))
				set_yes(it);
			else
				set_no(it, "a read fault gives each page a frame "
				    "of its own here (no ZERO_PAGE in "
				    "kpageflags): a page only read looks like "
				    "a written one");
			goto out;
		}
		kpage_close(&k);
	}
	if (npfn == ZP_PAGES) {
		c->zero_page_by = "pfn";
		if (same == ZP_PAGES)
			set_yes(it);
		else if (same == 1)
			set_no(it, "a read fault gives each page a frame of its "
			    "own here (%d pages read, %d frames): a page only "
			    "read looks like a written one", ZP_PAGES,
			    ZP_PAGES);
		else
			set_no(it, "could not tell: read-faulted pages share "
			    "some frames but not all");
		goto out;
	}
	if ((r->caps.known & PMF_EXCLUSIVE) && nfile == 0) {
		c->zero_page_by = "exclusive";
		if (nexcl == 0)
			set_yes(it);
		else if (nexcl == ZP_PAGES)
			set_no(it, "a read fault gives each page a frame of its "
			    "own here (each read page is exclusive; PFNs are "
			    "hidden): a page only read looks like a written "
			    "one");
		else
			set_no(it, "could not tell: some read-faulted pages are "
			    "exclusive, some not");
		goto out;
	}
	set_no(it, "could not tell: PFNs are hidden and this pagemap has no "
	    "exclusive bit (Linux 4.2+)");
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
		set_no(&c->item[CAPS_PAGEMAP_SCAN], "could not tell: no "
		    "pagemap of our own in the proc tree");
	gather_soft_dirty(rootfd, &pc, c);
	gather_uffd_wp(&pc, c);
	gather_guard(rp, &pc, c);
	gather_swap(rootfd, c);
	gather_thp(sysfd, c);
	gather_hugetlb(rootfd, sysfd, c);
	gather_ptrace(rootfd, c);
	gather_zero_page(rp, kpf_ok, rootfd, c);
	if (rp != NULL)
		pagemap_close(rp);
}
