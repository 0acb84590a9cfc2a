/* pagemap_read: open and pread pagemap, and probe what it shows this process (PFNs, soft-dirty). */
#include "config.h"

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagemap_impl.h"
#include "procfs.h"
#include "smaps.h"

/*
 * The kernel decides at open time whether an opener sees frames
 * (file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN)): CAP_SYS_ADMIN in
 * a user namespace (root in a container, `unshare -r`) is not enough, so
 * CapEff can't tell. Ask the kernel: touch a page of our own and read its
 * entry through a pagemap we opened, as every target's pagemap is.
 */
/*
 * A fresh private anonymous page of ours (*ps bytes) and our pid in the
 * root, for a probe; NULL when the root has no self or mmap fails.
 */
static void *
scratch_page(int rootfd, size_t *ps, pid_t *self)
{
	long psl = sysconf(_SC_PAGESIZE);
	void *p;

	*ps = psl > 0 ? (size_t)psl : 4096;
	if (rootfd < 0 || procfs_self_pid(rootfd, self) == -1)
		return NULL;
	p = mmap(NULL, *ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static enum tri
probe_pfn_visible(int rootfd)
{
	enum tri ret = TRI_UNKNOWN;
	volatile char *p;
	uint64_t raw;
	pid_t self;
	ssize_t got;
	size_t ps;
	int fd;

	if ((p = scratch_page(rootfd, &ps, &self)) == NULL)
		return TRI_UNKNOWN;
	p[0] = 1;
	if ((fd = procfs_openat(rootfd, self, "pagemap", O_RDONLY | O_CLOEXEC))
	    != -1) {
		do {
			got = pread(fd, &raw, sizeof(raw),
			    (off_t)((uintptr_t)p / ps * sizeof(raw)));
		} while (got == -1 && errno == EINTR);
		/* Not present (reclaimed already?): no answer. */
		if (got == (ssize_t)sizeof(raw) && (raw & PM_PRESENT))
			ret = (raw & PM_PFN_MASK) != 0 ? TRI_YES : TRI_NO;
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
static enum tri
probe_soft_dirty(int rootfd)
{
	struct smaps_list sl = { NULL, 0, 0 };
	enum tri ret = TRI_UNKNOWN;
	uint64_t a;
	pid_t self;
	size_t ps;
	void *p;

	if ((p = scratch_page(rootfd, &ps, &self)) == NULL)
		return TRI_UNKNOWN;
	a = (uintptr_t)p;
	if (smaps_read(rootfd, self, &sl) == 0) {
		/* It may have merged with a neighbour: find the one holding it. */
		for (size_t i = 0; i < sl.n; i++) {
			if (sl.v[i].start <= a && a < sl.v[i].end) {
				if (sl.v[i].has_vmflags)
					ret = sl.v[i].vmflags &
					    SMF_BIT(SMF_SD) ? TRI_YES : TRI_NO;
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
static enum tri
probe_cached(enum tri *cached, enum tri (*probe)(int), int rootfd)
{
	if (*cached == TRI_UNKNOWN)
		*cached = probe(rootfd);
	return *cached;
}

enum tri
pagemap_probe_pfn_visible(int rootfd)
{
	static enum tri cached = TRI_UNKNOWN;

	return probe_cached(&cached, probe_pfn_visible, rootfd);
}

enum tri
pagemap_probe_soft_dirty(int rootfd)
{
	static enum tri cached = TRI_UNKNOWN;

	return probe_cached(&cached, probe_soft_dirty, rootfd);
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
	if (pagemap_probe_soft_dirty(rootfd) != TRI_YES)
		caps->known &= ~(uint32_t)PMF_SOFT_DIRTY;
}

static unsigned int
log2_size(size_t v)
{
	unsigned int s = 0;

	while (((size_t)1 << s) < v)
		s++;
	return s;
}

void
pagemap_init_fd(struct pm_reader *r, int fd, size_t pagesize)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->pagesize = pagesize;
	r->pageshift = log2_size(pagesize);
	pagemap_caps_running(-1, &r->caps);
	r->scan = TRI_UNKNOWN;
	r->scan_ioctl = pagemap_scan_ioctl_sys;
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

uint64_t *
pagemap_buf_alloc(size_t n, size_t pagesize)
{
	void *p;
	int e;

	if (n == 0 || n > SIZE_MAX / sizeof(uint64_t)) {
		errno = n == 0 ? EINVAL : ENOMEM;
		return NULL;
	}
	if ((e = posix_memalign(&p, pagesize, n * sizeof(uint64_t))) != 0) {
		errno = e;
		return NULL;
	}
	memset(p, 0, n * sizeof(uint64_t));
	return p;
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
int
pagemap_readable_limit(struct pm_reader *r, uint64_t lo, uint64_t hi,
    uint64_t *lim)
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
