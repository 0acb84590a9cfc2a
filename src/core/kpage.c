/* kpage: /proc/kpageflags and /proc/kpagecount (root only), decoded by name. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"

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
