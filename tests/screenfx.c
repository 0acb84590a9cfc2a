/* screenfx: writes the /proc-like tree that tests/screens.sh shows in the TUI. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Usage: screenfx DIR
 *
 * Writes two made-up processes into DIR, each as the kernel would show it:
 *   4242 vmhelper      a program, its heap, a 2 MiB THP, a never-touched
 *                      region, a hostile file name, a mix of present,
 *                      swapped and guard-marker pages, shared memory,
 *                      libc and ld.so, [stack] with a blocked SP, [vsyscall]
 *   4300 threadhelper  a main thread and thread 4302 blocked on its own
 *                      8 MiB stack with a PROT_NONE guard page below
 * and per process: stat status cmdline maps smaps syscall limits
 * task/TID/syscall and a binary pagemap; for the tree: kpageflags,
 * kpagecount and swaps. Every file is derived from the tables below, so
 * maps, smaps (Rss, Pss, Swap, AnonHugePages), status (VmRSS, VmSwap) and
 * the binary files agree with each other.
 *
 * The binary files have the kernel's layout (Documentation/admin-guide/mm/
 * pagemap.rst): pagemap is one little-endian u64 per virtual page at offset
 * vaddr / 4096 * 8, the file as long as the user address space (2^47
 * bytes / 4096 * 8 = 256 GiB, sparse: only the pages below are written);
 * kpageflags and kpagecount one u64 per PFN at offset PFN * 8. PFNs are
 * made up: page k of the tree gets 0x100000 + (k * 0x9e3b mod 2^20), a
 * THP 512 consecutive frames from 0x240000. Reading a regular file with
 * PAGEMAP_SCAN gives ENOTTY, so vmpeek reads it with pread as it does on
 * kernels before 6.7.
 */

#define PAGE		((uint64_t)4096)
#define TASK_SIZE	((uint64_t)1 << 47)

/* pagemap bits (fs/proc/task_mmu.c) */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FILE		(1ULL << 61)
#define PM_GUARD	(1ULL << 58)
#define PM_EXCL		(1ULL << 56)

/* kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KF(b)		(1ULL << (b))
#define KF_ANON_PAGE	(KF(3) | KF(5) | KF(11) | KF(12) | KF(14) | KF(34))
#define KF_FILE_PAGE	(KF(2) | KF(3) | KF(5) | KF(6) | KF(11) | KF(34))
#define KF_SHMEM_PAGE	(KF(3) | KF(4) | KF(5) | KF(11) | KF(14))
#define KF_HEAD		KF(15)
#define KF_TAIL		KF(16)
#define KF_THP		KF(22)
#define KF_RESERVED	KF(32)

#define THP_PFN		0x240000ULL

/*
 * One VMA. pat gives pages from the start (head) or, for a stack, from
 * the end (tail); the rest are never touched. Page codes:
 *   .  none     a  anonymous, private, mapped once
 *   f  file page, mapcount from the VMA (exclusive when 1)
 *   m  shared memory (shmem) page, mapped once
 *   s  swapped out (swap type 0)     g  guard marker (MADV_GUARD_INSTALL)
 *   v  a vDSO page (kernel memory, reserved)
 *   h  the whole VMA is one 2 MiB THP
 */
struct vma {
	uint64_t start, end;
	const char *perms;
	uint64_t off;
	const char *dev;
	unsigned long inode;
	const char *path;	/* NULL: anonymous */
	const char *head, *tail;
	int mapcount;		/* of its file pages */
	const char *vmflags;	/* extra VmFlags beyond perms */
};

struct task {
	int tid;
	uint64_t sp, pc;
	int nr;			/* syscall it blocks in */
};

struct proc {
	int pid, ppid;
	const char *comm, *cmdline;	/* cmdline: NULs as \0 in a literal */
	size_t cmdline_len;
	unsigned long long start;
	const struct vma *v;
	size_t nv;
	const struct task *t;
	size_t nt;
};

#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"
#define LD "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define ROOTDEV "fe:01"

static const struct vma vm_vmhelper[] = {
	{ 0x55d4a6c00000, 0x55d4a6c01000, "r--p", 0x0000, ROOTDEV, 393231,
	  "/usr/local/bin/vmhelper", "f", NULL, 2, "" },
	{ 0x55d4a6c01000, 0x55d4a6c03000, "r-xp", 0x1000, ROOTDEV, 393231,
	  "/usr/local/bin/vmhelper", "ff", NULL, 2, "" },
	{ 0x55d4a6c03000, 0x55d4a6c04000, "r--p", 0x3000, ROOTDEV, 393231,
	  "/usr/local/bin/vmhelper", "f", NULL, 2, "" },
	{ 0x55d4a6c04000, 0x55d4a6c05000, "r--p", 0x3000, ROOTDEV, 393231,
	  "/usr/local/bin/vmhelper", "a", NULL, 1, "ac" },
	{ 0x55d4a6c05000, 0x55d4a6c06000, "rw-p", 0x4000, ROOTDEV, 393231,
	  "/usr/local/bin/vmhelper", "a", NULL, 1, "ac" },
	{ 0x55d4a7e2b000, 0x55d4a7e4c000, "rw-p", 0, "00:00", 0, "[heap]",
	  "aaa", NULL, 0, "ac" },
	{ 0x7f3e5c000000, 0x7f3e5c200000, "rw-p", 0, "00:00", 0, NULL,
	  "h", NULL, 0, "ac hg" },
	{ 0x7f3e5c200000, 0x7f3e5c600000, "rw-p", 0, "00:00", 0, NULL,
	  "", NULL, 0, "ac" },
	{ 0x7f3e5c7ef000, 0x7f3e5c7f0000, "---p", 0, "00:00", 0, NULL,
	  "", NULL, 0, "" },
	/* the kernel prints '\n' in a path as \012; ESC goes through raw */
	{ 0x7f3e5c7f0000, 0x7f3e5c800000, "r--s", 0, ROOTDEV, 393310,
	  "/tmp/demo/evil\033[31m\\012name", "ffffffffffffffff", NULL, 1,
	  "" },
	{ 0x7f3e5c800000, 0x7f3e5c802000, "---p", 0, "00:00", 0, NULL,
	  "", NULL, 0, "" },
	{ 0x7f3e5c802000, 0x7f3e5c812000, "rw-p", 0, "00:00", 0, NULL,
	  "a..a.ss.aaa.a.gg", NULL, 0, "ac" },
	{ 0x7f3e5c812000, 0x7f3e5c814000, "---p", 0, "00:00", 0, NULL,
	  "", NULL, 0, "" },
	{ 0x7f3e5c814000, 0x7f3e5c824000, "rw-s", 0, "00:01", 2063,
	  "/dev/zero (deleted)", "mmmmmmmm", NULL, 0, "" },
	{ 0x7f3e5c824000, 0x7f3e5c827000, "rw-p", 0, "00:00", 0, NULL,
	  "aa", NULL, 0, "ac" },
	{ 0x7f3e5c827000, 0x7f3e5c84d000, "r--p", 0x000000, ROOTDEV, 2359389,
	  LIBC, "ffffffffffffffffffffffffffffff", NULL, 40, "" },
	{ 0x7f3e5c84d000, 0x7f3e5c9a3000, "r-xp", 0x026000, ROOTDEV, 2359389,
	  LIBC, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffff..ffffffffffffffff....ffffffff..ffff", NULL, 40, "" },
	{ 0x7f3e5c9a3000, 0x7f3e5c9f6000, "r--p", 0x17c000, ROOTDEV, 2359389,
	  LIBC, "ffffffff....ffff........ffff", NULL, 40, "" },
	{ 0x7f3e5c9f6000, 0x7f3e5c9fa000, "r--p", 0x1cf000, ROOTDEV, 2359389,
	  LIBC, "aaaa", NULL, 1, "ac" },
	{ 0x7f3e5c9fa000, 0x7f3e5c9fc000, "rw-p", 0x1d3000, ROOTDEV, 2359389,
	  LIBC, "aa", NULL, 1, "ac" },
	{ 0x7f3e5c9fc000, 0x7f3e5ca09000, "rw-p", 0, "00:00", 0, NULL,
	  "aaaaa", NULL, 0, "ac" },
	{ 0x7f3e5ca14000, 0x7f3e5ca18000, "r--p", 0, "00:00", 0, "[vvar]",
	  "", NULL, 0, "pf io de dd" },
	{ 0x7f3e5ca18000, 0x7f3e5ca1a000, "r-xp", 0, "00:00", 0, "[vdso]",
	  "v", NULL, 0, "de" },
	{ 0x7f3e5ca1a000, 0x7f3e5ca1b000, "r--p", 0x000000, ROOTDEV, 2359371,
	  LD, "f", NULL, 40, "" },
	{ 0x7f3e5ca1b000, 0x7f3e5ca41000, "r-xp", 0x001000, ROOTDEV, 2359371,
	  LD, "ffffffffffffffffffffffffffffffffffffff", NULL, 40, "" },
	{ 0x7f3e5ca41000, 0x7f3e5ca4b000, "r--p", 0x027000, ROOTDEV, 2359371,
	  LD, "ffffffffff", NULL, 40, "" },
	{ 0x7f3e5ca4b000, 0x7f3e5ca4d000, "r--p", 0x031000, ROOTDEV, 2359371,
	  LD, "aa", NULL, 1, "ac" },
	{ 0x7f3e5ca4d000, 0x7f3e5ca4f000, "rw-p", 0x033000, ROOTDEV, 2359371,
	  LD, "aa", NULL, 1, "ac" },
	{ 0x7ffc8a9c3000, 0x7ffc8a9e4000, "rw-p", 0, "00:00", 0, "[stack]",
	  NULL, "aaa", 0, "gd ac" },
	{ 0xffffffffff600000, 0xffffffffff601000, "--xp", 0, "00:00", 0,
	  "[vsyscall]", "", NULL, 0, "" },
};

static const struct task tk_vmhelper[] = {
	/* blocked in pause(): nr 34 */
	{ 4242, 0x7ffc8a9e1d08, 0x7f3e5c8e5a37, 34 },
};

static const struct vma vm_threadhelper[] = {
	{ 0x5603f1a2c000, 0x5603f1a2d000, "r--p", 0x0000, ROOTDEV, 393240,
	  "/usr/local/bin/threadhelper", "f", NULL, 1, "" },
	{ 0x5603f1a2d000, 0x5603f1a2e000, "r-xp", 0x1000, ROOTDEV, 393240,
	  "/usr/local/bin/threadhelper", "f", NULL, 1, "" },
	{ 0x5603f1a2e000, 0x5603f1a2f000, "r--p", 0x2000, ROOTDEV, 393240,
	  "/usr/local/bin/threadhelper", "f", NULL, 1, "" },
	{ 0x5603f1a2f000, 0x5603f1a30000, "r--p", 0x2000, ROOTDEV, 393240,
	  "/usr/local/bin/threadhelper", "a", NULL, 1, "ac" },
	{ 0x5603f1a30000, 0x5603f1a31000, "rw-p", 0x3000, ROOTDEV, 393240,
	  "/usr/local/bin/threadhelper", "a", NULL, 1, "ac" },
	{ 0x5603f2b5e000, 0x5603f2b7f000, "rw-p", 0, "00:00", 0, "[heap]",
	  "aa", NULL, 0, "ac" },
	/* glibc's thread stack: a PROT_NONE guard page, then the stack */
	{ 0x7f5a2b3ff000, 0x7f5a2b400000, "---p", 0, "00:00", 0, NULL,
	  "", NULL, 0, "nh" },
	{ 0x7f5a2b400000, 0x7f5a2bc00000, "rw-p", 0, "00:00", 0, NULL,
	  NULL, "aaa", 0, "ac nh" },
	{ 0x7f5a2bc00000, 0x7f5a2bc03000, "rw-p", 0, "00:00", 0, NULL,
	  "aa", NULL, 0, "ac" },
	{ 0x7f5a2bc03000, 0x7f5a2bc29000, "r--p", 0x000000, ROOTDEV, 2359389,
	  LIBC, "ffffffffffffffffffffffffffffff", NULL, 40, "" },
	{ 0x7f5a2bc29000, 0x7f5a2bd7f000, "r-xp", 0x026000, ROOTDEV, 2359389,
	  LIBC, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffff..ffffffffffff", NULL, 40, "" },
	{ 0x7f5a2bd7f000, 0x7f5a2bdd2000, "r--p", 0x17c000, ROOTDEV, 2359389,
	  LIBC, "ffffffff....ffff........ffff", NULL, 40, "" },
	{ 0x7f5a2bdd2000, 0x7f5a2bdd6000, "r--p", 0x1cf000, ROOTDEV, 2359389,
	  LIBC, "aaaa", NULL, 1, "ac" },
	{ 0x7f5a2bdd6000, 0x7f5a2bdd8000, "rw-p", 0x1d3000, ROOTDEV, 2359389,
	  LIBC, "aa", NULL, 1, "ac" },
	{ 0x7f5a2bdd8000, 0x7f5a2bde5000, "rw-p", 0, "00:00", 0, NULL,
	  "aaaaa", NULL, 0, "ac" },
	{ 0x7f5a2bdf0000, 0x7f5a2bdf4000, "r--p", 0, "00:00", 0, "[vvar]",
	  "", NULL, 0, "pf io de dd" },
	{ 0x7f5a2bdf4000, 0x7f5a2bdf6000, "r-xp", 0, "00:00", 0, "[vdso]",
	  "v", NULL, 0, "de" },
	{ 0x7f5a2bdf6000, 0x7f5a2bdf7000, "r--p", 0x000000, ROOTDEV, 2359371,
	  LD, "f", NULL, 40, "" },
	{ 0x7f5a2bdf7000, 0x7f5a2be1d000, "r-xp", 0x001000, ROOTDEV, 2359371,
	  LD, "ffffffffffffffffffffffffffffffffffffff", NULL, 40, "" },
	{ 0x7f5a2be1d000, 0x7f5a2be27000, "r--p", 0x027000, ROOTDEV, 2359371,
	  LD, "ffffffffff", NULL, 40, "" },
	{ 0x7f5a2be27000, 0x7f5a2be29000, "r--p", 0x031000, ROOTDEV, 2359371,
	  LD, "aa", NULL, 1, "ac" },
	{ 0x7f5a2be29000, 0x7f5a2be2b000, "rw-p", 0x033000, ROOTDEV, 2359371,
	  LD, "aa", NULL, 1, "ac" },
	{ 0x7ffd13b50000, 0x7ffd13b71000, "rw-p", 0, "00:00", 0, "[stack]",
	  NULL, "aa", 0, "gd ac" },
	{ 0xffffffffff600000, 0xffffffffff601000, "--xp", 0, "00:00", 0,
	  "[vsyscall]", "", NULL, 0, "" },
};

static const struct task tk_threadhelper[] = {
	/* main thread in pthread_join (futex, nr 202) */
	{ 4300, 0x7ffd13b6f9a0, 0x7f5a2bcb2d61, 202 },
	/* the second thread blocked on a pipe read (nr 0), SP in its stack */
	{ 4302, 0x7f5a2bbfdea0, 0x7f5a2bd3c7e2, 0 },
};

static const struct proc procs[] = {
	{ 4242, 4200, "vmhelper", "/usr/local/bin/vmhelper\0-H\0", 27,
	  2424242, vm_vmhelper, sizeof(vm_vmhelper) / sizeof(vm_vmhelper[0]),
	  tk_vmhelper, sizeof(tk_vmhelper) / sizeof(tk_vmhelper[0]) },
	{ 4300, 4200, "threadhelper", "/usr/local/bin/threadhelper\0", 28,
	  2430000, vm_threadhelper,
	  sizeof(vm_threadhelper) / sizeof(vm_threadhelper[0]),
	  tk_threadhelper, sizeof(tk_threadhelper) / sizeof(tk_threadhelper[0]) },
};

/* ---------------------------------------------------------------- output */

static const char *outdir;
static int kflags_fd = -1, kcount_fd = -1;
static uint64_t page_seq;	/* pages given a frame so far */
static uint64_t swap_seq;	/* swap slots used so far */

static void
die(const char *what)
{
	fprintf(stderr, "screenfx: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
put64(int fd, uint64_t idx, uint64_t v, const char *what)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));	/* little-endian */
	if (pwrite(fd, b, 8, (off_t)(idx * 8)) != 8)
		die(what);
}

static FILE *create(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void mkdirf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static FILE *
create(const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	FILE *f;
	int n;

	n = snprintf(path, sizeof(path), "%s/", outdir);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - (size_t)n, fmt, ap);
	va_end(ap);
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	return f;
}

static void
mkdirf(const char *fmt, ...)
{
	char path[4096];
	va_list ap;
	int n;

	n = snprintf(path, sizeof(path), "%s/", outdir);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - (size_t)n, fmt, ap);
	va_end(ap);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		die(path);
}

static void
done(FILE *f, const char *what)
{
	if (ferror(f) || fclose(f) != 0)
		die(what);
}

/* The maps line: fields, then (with a path) pad to column 73, the path. */
static void
maps_line(FILE *f, const struct vma *v)
{
	char pre[128];
	int n;

	n = snprintf(pre, sizeof(pre), "%08" PRIx64 "-%08" PRIx64 " %s %08"
	    PRIx64 " %s %lu ", v->start, v->end, v->perms, v->off, v->dev,
	    v->inode);
	if (v->path != NULL)
		fprintf(f, "%-72s %s\n", pre, v->path);
	else
		fprintf(f, "%.*s\n", n, pre);
}

/* Page code of page i of v. */
static char
page_code(const struct vma *v, uint64_t i)
{
	uint64_t n = (v->end - v->start) / PAGE;
	size_t len;

	if (v->head != NULL && strcmp(v->head, "h") == 0)
		return 'h';
	if (v->head != NULL) {
		len = strlen(v->head);
		return i < len ? v->head[i] : '.';
	}
	if (v->tail != NULL) {
		len = strlen(v->tail);
		return i >= n - len ? v->tail[i - (n - len)] : '.';
	}
	return '.';
}

struct sums {
	uint64_t rss, pss_b, swap, anon, thp, shared_c, private_d;
	uint64_t referenced;
};

/* One page: its pagemap entry, its frame's kpageflags and kpagecount. */
static void
page(int pm, const struct vma *v, uint64_t i, struct sums *s)
{
	uint64_t va = v->start + i * PAGE, pfn, raw, kf;
	int count = 1;
	char c = page_code(v, i);

	if (c == '.')
		return;
	if (c == 'g') {
		put64(pm, va / PAGE, PM_GUARD | PM_SWAP, "pagemap");
		return;
	}
	if (c == 's') {
		/* type 0, offset in bits 5-54 */
		swap_seq++;
		put64(pm, va / PAGE, PM_SWAP | (0x1c0 + swap_seq) << 5,
		    "pagemap");
		s->swap += PAGE;
		return;
	}
	if (c == 'h') {
		pfn = THP_PFN + i;
		kf = KF_ANON_PAGE | KF_THP | (i == 0 ? KF_HEAD : KF_TAIL);
	} else {
		pfn = 0x100000 + ((page_seq++ * 0x9e3b) & 0xfffff);
		kf = KF_ANON_PAGE;
	}
	raw = PM_PRESENT | pfn;
	switch (c) {
	case 'f':
		count = v->mapcount;
		kf = KF_FILE_PAGE;
		raw |= PM_FILE;
		break;
	case 'm':
		kf = KF_SHMEM_PAGE;
		raw |= PM_FILE;
		break;
	case 'v':
		count = 0;
		kf = KF_RESERVED;
		break;
	default:
		s->anon += PAGE;
		break;
	}
	/* the kernel: PM_MMAP_EXCLUSIVE when the page is mapped once */
	if (count == 1)
		raw |= PM_EXCL;
	put64(pm, va / PAGE, raw, "pagemap");
	put64(kflags_fd, pfn, kf, "kpageflags");
	put64(kcount_fd, pfn, (uint64_t)count, "kpagecount");
	s->rss += PAGE;
	s->referenced += PAGE;
	s->pss_b += count > 1 ? PAGE / (uint64_t)count : PAGE;
	if (c == 'h')
		s->thp += PAGE;
	if (count > 1 || c == 'v')
		s->shared_c += PAGE;
	else
		s->private_d += PAGE;
}

/* The VmFlags the kernel prints for v (show_smap_vma_flags order). */
static void
vmflags(const struct vma *v, char *buf, size_t len)
{
	bool shared = v->perms[3] == 's';

	snprintf(buf, len, "%s%s%s%smr mw me %s%s",
	    v->perms[0] == 'r' ? "rd " : "", v->perms[1] == 'w' ? "wr " : "",
	    v->perms[2] == 'x' ? "ex " : "", shared ? "sh " : "",
	    shared ? "ms " : "", v->vmflags);
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
}

static void
write_proc(const struct proc *p)
{
	char flags[128];
	uint64_t vsz = 0, rss = 0, swap = 0;
	FILE *maps, *smaps, *f;
	int pm;

	mkdirf("%d", p->pid);
	mkdirf("%d/task", p->pid);
	maps = create("%d/maps", p->pid);
	smaps = create("%d/smaps", p->pid);
	f = create("%d/pagemap", p->pid);
	if ((pm = dup(fileno(f))) == -1)
		die("dup");
	done(f, "pagemap");
	for (size_t k = 0; k < p->nv; k++) {
		const struct vma *v = &p->v[k];
		struct sums s;
		uint64_t n = (v->end - v->start) / PAGE;
		bool anon_vma = v->path == NULL || v->path[0] == '[';

		memset(&s, 0, sizeof(s));
		/* [vsyscall] is above the user address space: no entries */
		if (v->end <= TASK_SIZE)
			for (uint64_t i = 0; i < n; i++)
				page(pm, v, i, &s);
		maps_line(maps, v);
		maps_line(smaps, v);
		vmflags(v, flags, sizeof(flags));
		fprintf(smaps,
		    "Size:           %8" PRIu64 " kB\n"
		    "KernelPageSize: %8d kB\n"
		    "MMUPageSize:    %8d kB\n"
		    "Rss:            %8" PRIu64 " kB\n"
		    "Pss:            %8" PRIu64 " kB\n"
		    "Pss_Dirty:      %8" PRIu64 " kB\n"
		    "Shared_Clean:   %8" PRIu64 " kB\n"
		    "Shared_Dirty:   %8d kB\n"
		    "Private_Clean:  %8d kB\n"
		    "Private_Dirty:  %8" PRIu64 " kB\n"
		    "Referenced:     %8" PRIu64 " kB\n"
		    "Anonymous:      %8" PRIu64 " kB\n"
		    "KSM:            %8d kB\n"
		    "LazyFree:       %8d kB\n"
		    "AnonHugePages:  %8" PRIu64 " kB\n"
		    "ShmemPmdMapped: %8d kB\n"
		    "FilePmdMapped:  %8d kB\n"
		    "Shared_Hugetlb: %8d kB\n"
		    "Private_Hugetlb:%8d kB\n"
		    "Swap:           %8" PRIu64 " kB\n"
		    "SwapPss:        %8" PRIu64 " kB\n"
		    "Locked:         %8d kB\n"
		    "THPeligible:    %8d\n"
		    "VmFlags: %s\n",
		    (v->end - v->start) / 1024, 4, 4, s.rss / 1024,
		    s.pss_b / 1024, s.private_d / 1024, s.shared_c / 1024, 0, 0,
		    s.private_d / 1024, s.referenced / 1024, s.anon / 1024, 0, 0,
		    s.thp / 1024, 0, 0, 0, 0, s.swap / 1024, s.swap / 1024, 0,
		    strstr(v->vmflags, "hg") != NULL && anon_vma, flags);
		if (v->end <= TASK_SIZE)
			vsz += v->end - v->start;
		rss += s.rss;
		swap += s.swap;
	}
	/* as long as the user address space, like the kernel's */
	if (ftruncate(pm, (off_t)(TASK_SIZE / PAGE * 8)) == -1)
		die("pagemap size");
	close(pm);
	done(maps, "maps");
	done(smaps, "smaps");

	f = create("%d/stat", p->pid);
	fprintf(f, "%d (%s) S %d %d %d 0 -1 4194560 1200 0 3 0 12 4 0 0 20 0 "
	    "%zu 0 %llu %" PRIu64 " %" PRIu64 " 18446744073709551615 1 1 0 0 "
	    "0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n", p->pid,
	    p->comm, p->ppid, p->pid, p->ppid, p->nt, p->start, vsz,
	    rss / PAGE);
	done(f, "stat");
	f = create("%d/status", p->pid);
	fprintf(f, "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\n"
	    "Pid:\t%d\nPPid:\t%d\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
	    "VmPeak:\t%8" PRIu64 " kB\nVmSize:\t%8" PRIu64 " kB\n"
	    "VmRSS:\t%8" PRIu64 " kB\nVmSwap:\t%8" PRIu64 " kB\n"
	    "Threads:\t%zu\n", p->comm, p->pid, p->pid, p->ppid, vsz / 1024,
	    vsz / 1024, rss / 1024, swap / 1024, p->nt);
	done(f, "status");
	f = create("%d/cmdline", p->pid);
	fwrite(p->cmdline, 1, p->cmdline_len, f);
	done(f, "cmdline");
	f = create("%d/limits", p->pid);
	fprintf(f, "%-26s%-21s%-21s%-10s\n", "Limit", "Soft Limit",
	    "Hard Limit", "Units");
	fprintf(f, "%-26s%-21s%-21s%-10s\n", "Max stack size", "8388608",
	    "unlimited", "bytes");
	fprintf(f, "%-26s%-21s%-21s%-10s\n", "Max open files", "1024",
	    "524288", "files");
	done(f, "limits");
	for (size_t k = 0; k < p->nt; k++) {
		const struct task *t = &p->t[k];
		char line[256];

		/* "NR a1..a6 SP PC": the kernel's /proc/PID/syscall */
		snprintf(line, sizeof(line), "%d 0x3 0x%" PRIx64 " 0x1 0x0 0x0 "
		    "0x0 0x%" PRIx64 " 0x%" PRIx64 "\n", t->nr, t->sp + 0x20,
		    t->sp, t->pc);
		mkdirf("%d/task/%d", p->pid, t->tid);
		f = create("%d/task/%d/syscall", p->pid, t->tid);
		fputs(line, f);
		done(f, "syscall");
		if (t->tid == p->pid) {
			f = create("%d/syscall", p->pid);
			fputs(line, f);
			done(f, "syscall");
		}
	}
}

int
main(int argc, char *argv[])
{
	char path[4096];
	FILE *f;

	if (argc != 2) {
		fputs("usage: screenfx DIR\n", stderr);
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) == -1 && errno != EEXIST)
		die(outdir);
	snprintf(path, sizeof(path), "%s/kpageflags", outdir);
	if ((kflags_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		die(path);
	snprintf(path, sizeof(path), "%s/kpagecount", outdir);
	if ((kcount_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		die(path);
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		write_proc(&procs[i]);
	if (close(kflags_fd) == -1 || close(kcount_fd) == -1)
		die("kpageflags");
	f = create("swaps");
	fputs("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	    "/swapfile                               file\t\t1048572\t\t"
	    "8\t\t-2\n", f);
	done(f, "swaps");
	return 0;
}
