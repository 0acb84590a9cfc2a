/* pmtool: independent probes, reader and target for the check-kernel guest checks. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/userfaultfd.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Nothing here uses libvmcore: the guest checks compare vmpeek with what
 * this program reads and does on its own.
 *
 *   pmtool scan
 *	Issue PAGEMAP_SCAN on /proc/self/pagemap; prints "scan present" or
 *	"scan absent ERRNO-NAME" (ENOTTY: the kernel has no such ioctl).
 *   pmtool read PID START NPAGES
 *	pread NPAGES pagemap entries of PID from address START and print them
 *	as a JSON array, one object per page, with vmpeek's --translate key
 *	names: present swapped file_shared exclusive soft_dirty uffd_wp pfn.
 *   pmtool target NPAGES
 *	Map two private anonymous regions of NPAGES written pages, each a
 *	VMA of its own, and print
 *	    pid PID
 *	    sd START END NPAGES
 *	    uffd START END NPAGES FIRST COUNT   (or "uffd unsupported WHY")
 *	    ready
 *	uffd has pages [FIRST, FIRST+COUNT) write-protected by userfaultfd.
 *	On SIGUSR1 it writes page 1 of sd and prints "written 1".
 */

/* The ABI of Linux 6.7; defined here because 6.1's headers lack it. */
struct pmtool_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};
#define PMTOOL_PAGEMAP_SCAN	_IOWR('f', 16, struct pmtool_scan_arg)
#define PMTOOL_PAGE_IS_PRESENT	(1 << 3)

static size_t ps;

static void
die(const char *what)
{
	fprintf(stderr, "pmtool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char *
errname(int e)
{
	switch (e) {
	case ENOTTY:
		return "ENOTTY";
	case EINVAL:
		return "EINVAL";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	default:
		return strerror(e);
	}
}

static int
scan_mode(void)
{
	struct pmtool_scan_arg a;
	uint64_t vec[3];
	volatile char *p;
	int fd;

	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	p[0] = 1;
	if ((fd = open("/proc/self/pagemap", O_RDONLY)) == -1)
		die("/proc/self/pagemap");
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.start = (uintptr_t)p;
	a.end = (uintptr_t)p + ps;
	a.vec = (uintptr_t)vec;
	a.vec_len = 1;
	a.category_anyof_mask = PMTOOL_PAGE_IS_PRESENT;
	a.return_mask = PMTOOL_PAGE_IS_PRESENT;
	if (ioctl(fd, PMTOOL_PAGEMAP_SCAN, &a) == -1)
		printf("scan absent %s\n", errname(errno));
	else
		printf("scan present\n");
	close(fd);
	return 0;
}

static const char *
jbool(uint64_t e, int bit)
{
	return (e >> bit) & 1 ? "true" : "false";
}

static int
read_mode(const char *pid, const char *start, const char *npages)
{
	char path[64], *end;
	uint64_t addr, n, e;
	int fd;

	errno = 0;
	addr = strtoull(start, &end, 0);
	if (errno != 0 || *end != '\0')
		die("bad START");
	n = strtoull(npages, &end, 0);
	if (errno != 0 || *end != '\0' || n == 0 || n > 1 << 20)
		die("bad NPAGES");
	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		die(path);
	putchar('[');
	for (uint64_t i = 0; i < n; i++) {
		off_t off = (off_t)((addr / ps + i) * 8);

		if (pread(fd, &e, 8, off) != 8)
			die("pread");
		printf("%s{\"present\":%s,\"swapped\":%s,\"file_shared\":%s,"
		    "\"exclusive\":%s,\"soft_dirty\":%s,\"uffd_wp\":%s,"
		    "\"pfn\":", i ? "," : "", jbool(e, 63),
		    (e >> 63) & 1 ? "false" : jbool(e, 62), jbool(e, 61),
		    jbool(e, 56), jbool(e, 55), jbool(e, 57));
		if ((e >> 63) & 1)
			printf("%" PRIu64 "}", e & ((UINT64_C(1) << 55) - 1));
		else
			printf("null}");
	}
	printf("]\n");
	close(fd);
	return 0;
}

/* n written pages between two PROT_NONE pages: a VMA of its own. */
static char *
region(size_t n)
{
	char *res, *p;

	res = mmap(NULL, (n + 2) * ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		die("mmap");
	p = mmap(res + ps, n * ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (size_t i = 0; i < n; i++)
		p[i * ps] = (char)(i + 1);
	return p;
}

static void
show(const char *name, const char *p, size_t n)
{
	printf("%s 0x%" PRIxPTR " 0x%" PRIxPTR " %zu", name, (uintptr_t)p,
	    (uintptr_t)(p + n * ps), n);
}

/* Write-protect pages [first, first+count) of p with userfaultfd. */
static int
uffd_protect(char *p, size_t n, size_t first, size_t count, char *why,
    size_t len)
{
	struct uffdio_api api = { .api = UFFD_API,
	    .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	long fd;

	/* Kept open for good: closing it would drop the protection. */
	if ((fd = syscall(SYS_userfaultfd, O_CLOEXEC)) == -1) {
		snprintf(why, len, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (ioctl((int)fd, UFFDIO_API, &api) == -1) {
		snprintf(why, len, "UFFDIO_API with FLAG_WP: %s",
		    strerror(errno));
		return -1;
	}
	reg.range.start = (uintptr_t)p;
	reg.range.len = n * ps;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl((int)fd, UFFDIO_REGISTER, &reg) == -1) {
		snprintf(why, len, "UFFDIO_REGISTER_MODE_WP: %s",
		    strerror(errno));
		return -1;
	}
	wp.range.start = (uintptr_t)(p + first * ps);
	wp.range.len = count * ps;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl((int)fd, UFFDIO_WRITEPROTECT, &wp) == -1) {
		snprintf(why, len, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static volatile sig_atomic_t poke;

static void
on_usr1(int sig)
{
	(void)sig;
	poke = 1;
}

static int
target_mode(const char *npages)
{
	struct sigaction sa;
	sigset_t block, old;
	char *sd, *uf, why[256];
	size_t n;

	n = (size_t)strtoul(npages, NULL, 0);
	if (n < 8 || n > 4096) {
		fprintf(stderr, "pmtool: NPAGES must be 8..4096\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		die("sigaction");
	/* No lost wake-up: SIGUSR1 only arrives inside sigsuspend. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);

	printf("pid %d\n", (int)getpid());
	sd = region(n);
	show("sd", sd, n);
	putchar('\n');
	uf = region(n);
	if (uffd_protect(uf, n, 2, 3, why, sizeof(why)) == -1)
		printf("uffd unsupported %s\n", why);
	else {
		show("uffd", uf, n);
		printf(" 2 3\n");
	}
	printf("ready\n");
	for (;;) {
		sigsuspend(&old);
		if (poke) {
			poke = 0;
			((volatile char *)sd)[1 * ps] = 'w';
			printf("written 1\n");
		}
	}
}

int
main(int argc, char *argv[])
{
	ps = (size_t)sysconf(_SC_PAGESIZE);
	if (argc == 2 && strcmp(argv[1], "scan") == 0)
		return scan_mode();
	if (argc == 5 && strcmp(argv[1], "read") == 0)
		return read_mode(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "target") == 0)
		return target_mode(argv[2]);
	fprintf(stderr, "usage: pmtool scan | read PID START NPAGES | "
	    "target NPAGES\n");
	return 2;
}
