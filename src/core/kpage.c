/* kpage: /proc/kpageflags and /proc/kpagecount (root only), decoded by name. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"
#include "parse.h"
#include "procfs.h"

static const char *const kpf_names[] = {
	[KPF_LOCKED] = "LOCKED",
	[KPF_ERROR] = "ERROR",
	[KPF_REFERENCED] = "REFERENCED",
	[KPF_UPTODATE] = "UPTODATE",
	[KPF_DIRTY] = "DIRTY",
	[KPF_LRU] = "LRU",
	[KPF_ACTIVE] = "ACTIVE",
	[KPF_SLAB] = "SLAB",
	[KPF_WRITEBACK] = "WRITEBACK",
	[KPF_RECLAIM] = "RECLAIM",
	[KPF_BUDDY] = "BUDDY",
	[KPF_MMAP] = "MMAP",
	[KPF_ANON] = "ANON",
	[KPF_SWAPCACHE] = "SWAPCACHE",
	[KPF_SWAPBACKED] = "SWAPBACKED",
	[KPF_COMPOUND_HEAD] = "COMPOUND_HEAD",
	[KPF_COMPOUND_TAIL] = "COMPOUND_TAIL",
	[KPF_HUGE] = "HUGE",
	[KPF_UNEVICTABLE] = "UNEVICTABLE",
	[KPF_HWPOISON] = "HWPOISON",
	[KPF_NOPAGE] = "NOPAGE",
	[KPF_KSM] = "KSM",
	[KPF_THP] = "THP",
	[KPF_OFFLINE] = "OFFLINE",
	[KPF_ZERO_PAGE] = "ZERO_PAGE",
	[KPF_IDLE] = "IDLE",
	[KPF_PGTABLE] = "PGTABLE",
	[KPF_RESERVED] = "RESERVED",
	[KPF_MLOCKED] = "MLOCKED",
	[KPF_MAPPEDTODISK] = "MAPPEDTODISK",
	[KPF_PRIVATE] = "PRIVATE",
	[KPF_PRIVATE_2] = "PRIVATE_2",
	[KPF_OWNER_PRIVATE] = "OWNER_PRIVATE",
	[KPF_ARCH] = "ARCH",
	[KPF_UNCACHED] = "UNCACHED",
	[KPF_SOFTDIRTY] = "SOFTDIRTY",
	[KPF_ARCH_2] = "ARCH_2",
	[KPF_ARCH_3] = "ARCH_3",
};

#define KPF_NNAMES (sizeof(kpf_names) / sizeof(kpf_names[0]))

void
kpage_open(struct kpage *k, int rootfd)
{
	k->flags_fd = openat(rootfd, "kpageflags", O_RDONLY | O_CLOEXEC);
	k->flags_errno = k->flags_fd == -1 ? errno : 0;
	k->count_fd = openat(rootfd, "kpagecount", O_RDONLY | O_CLOEXEC);
	k->count_errno = k->count_fd == -1 ? errno : 0;
}

void
kpage_close(struct kpage *k)
{
	if (k->flags_fd >= 0)
		close(k->flags_fd);
	if (k->count_fd >= 0)
		close(k->count_fd);
	k->flags_fd = k->count_fd = -1;
}

/* One 64-bit word at pfn * 8; ENXIO past the last PFN. */
static int
read_word(int fd, int open_errno, uint64_t pfn, uint64_t *out)
{
	ssize_t got;

	if (fd < 0) {
		errno = open_errno != 0 ? open_errno : EBADF;
		return -1;
	}
	if (pfn > (uint64_t)INT64_MAX / 8) {
		errno = ENXIO;
		return -1;
	}
	do {
		got = pread(fd, out, sizeof(*out), (off_t)(pfn * 8));
	} while (got == -1 && errno == EINTR);
	if (got == -1)
		return -1;
	if (got != (ssize_t)sizeof(*out)) {
		errno = ENXIO;
		return -1;
	}
	return 0;
}

int
kpage_flags(struct kpage *k, uint64_t pfn, uint64_t *flags)
{
	return read_word(k->flags_fd, k->flags_errno, pfn, flags);
}

int
kpage_count(struct kpage *k, uint64_t pfn, uint64_t *count)
{
	return read_word(k->count_fd, k->count_errno, pfn, count);
}

#define KPF_BIT(b)	(1ULL << (b))

int
kpage_folio_kind(const uint64_t *pfn, const uint64_t *kflags, size_t n,
    const uint64_t *after)
{
	uint64_t kind;

	if (n < 2 || (n & (n - 1)) != 0 || pfn[0] % n != 0 ||
	    !(kflags[0] & KPF_BIT(KPF_COMPOUND_HEAD)))
		return 0;
	if (kflags[0] & KPF_BIT(KPF_HUGE))
		kind = KPF_HUGE;
	else if (kflags[0] & KPF_BIT(KPF_THP))
		kind = KPF_THP;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		/* a new head inside the block: a smaller folio (mTHP) */
		if (pfn[i] != pfn[0] + i ||
		    (kflags[i] & KPF_BIT(KPF_COMPOUND_HEAD)) ||
		    !(kflags[i] & KPF_BIT(KPF_COMPOUND_TAIL)) ||
		    !(kflags[i] & KPF_BIT(kind)))
			return 0;
	}
	/* a tail just after it: the folio is bigger than the block */
	if (after != NULL && (*after & KPF_BIT(KPF_COMPOUND_TAIL)) &&
	    !(*after & KPF_BIT(KPF_COMPOUND_HEAD)))
		return 0;
	return (int)kind;
}

int
kpage_block_kind(struct kpage *k, struct pm_reader *r, uint64_t vaddr,
    size_t n)
{
	uint64_t *raw = NULL, *pfn = NULL, *kf = NULL;
	struct pm_entry e;
	size_t want, done = 0;
	ssize_t got;
	int ret = -1, saved;

	if (k->flags_fd < 0) {
		errno = k->flags_errno != 0 ? k->flags_errno : EBADF;
		return -1;
	}
	if (n < 2 || n > SIZE_MAX / 8 - 1) {
		errno = EINVAL;
		return -1;
	}
	if ((raw = reallocarray(NULL, n, sizeof(*raw))) == NULL ||
	    (pfn = reallocarray(NULL, n, sizeof(*pfn))) == NULL ||
	    (kf = reallocarray(NULL, n + 1, sizeof(*kf))) == NULL)
		goto out;
	if ((got = pagemap_read(r, vaddr, n, raw)) == -1)
		goto out;
	ret = 0;
	if ((size_t)got != n)
		goto out;
	for (size_t i = 0; i < n; i++) {
		pagemap_decode(raw[i], &r->caps, &e);
		if (!(e.flags & PMF_PRESENT))
			goto out;
		if (!e.pfn_valid) {
			errno = EPERM;
			ret = -1;
			goto out;
		}
		pfn[i] = e.pfn;
		/* only consecutive frames can be one folio: read them at once */
		if (e.pfn != pfn[0] + i || pfn[0] > (uint64_t)INT64_MAX / 8 -
		    n - 1)
			goto out;
	}
	want = (n + 1) * sizeof(*kf);
	while (done < want) {
		got = pread(k->flags_fd, (char *)kf + done, want - done,
		    (off_t)(pfn[0] * 8 + done));
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			ret = -1;
			goto out;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	if (done < n * sizeof(*kf)) {
		errno = ENXIO;
		ret = -1;
		goto out;
	}
	ret = kpage_folio_kind(pfn, kf, n, done == want ? &kf[n] : NULL);
out:
	saved = errno;
	free(raw);
	free(pfn);
	free(kf);
	errno = saved;
	return ret;
}

uint64_t
kpage_pmd_size(int sysfd)
{
	uint64_t v, pmd = 2ULL << 20;
	char buf[32];
	ssize_t n;

	n = procfs_read_at(sysfd, "kernel/mm/transparent_hugepage/"
	    "hpage_pmd_size", buf, sizeof(buf));
	if (n > 0 && parse_u64_line(buf, buf + n, 1ULL << 40, &v) == 0 &&
	    v != 0 && (v & (v - 1)) == 0)
		pmd = v;
	return pmd;
}

const char *
kpage_flag_name(unsigned int bit)
{
	return bit < KPF_NNAMES ? kpf_names[bit] : NULL;
}

int
kpage_flags_str(uint64_t flags, const char *sep, char *buf, size_t len)
{
	size_t used = 0;
	int names = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (unsigned int b = 0; b < 64; b++) {
		const char *name;
		char tmp[16];
		int w;

		if (!(flags & (1ULL << b)))
			continue;
		/* Kernel-internal bits (32+) only show on debug kernels. */
		if ((name = kpage_flag_name(b)) == NULL) {
			snprintf(tmp, sizeof(tmp), "bit%u", b);
			name = tmp;
		}
		w = snprintf(buf + used, len - used, "%s%s",
		    names > 0 ? sep : "", name);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';	/* drop the partial name */
			break;
		}
		used += (size_t)w;
		names++;
	}
	return names;
}
