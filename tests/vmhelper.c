/* vmhelper: a live test target that maps known memory, prints where, and blocks. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
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
 * Output, one line per region, fields separated by single spaces:
 *   pid PID
 *   pagesize BYTES
 *   touched START END NPAGES          private anon, every page written
 *   untouched START END NPAGES        private anon, never accessed
 *   partial START END NPAGES STRIDE   pages i with i % STRIDE == 0 written
 *   shared START END NPAGES           MAP_SHARED|MAP_ANONYMOUS, written
 *   cow START END NPAGES WRITTEN      written, then shared with a forked
 *                                     child; page WRITTEN rewritten after
 *   cowchild PID [WROTE]              the forked child of cow; with -F it
 *                                     rewrote page WROTE of cow after fork
 *   guard START END NPAGES FIRST N    written, then MADV_GUARD_INSTALL on
 *                                     pages [FIRST, FIRST+N)
 *   file START END NPAGES PATH        MAP_SHARED file mapping, all read
 *   hostile START END NPAGES          same, file name holds ESC and '\n'
 *   utf8 START END NPAGES             same (-8), name UTF8_NAME: UTF-8 and
 *                                     an invalid byte
 *   sparse START END NPAGES TOUCHED   NORESERVE; first, middle, last written
 *   thp START END NPAGES              2 MiB aligned, MADV_HUGEPAGE, written
 *   hugetlb START END NPAGES          one MAP_HUGETLB default-size page, written
 *   pageout START END NPAGES          (-P) written, then MADV_PAGEOUT: pushed
 *                                     to swap when swap is on (5.4+)
 *   uffdwp START END NPAGES           (-W) never touched, write-protected by
 *                                     userfaultfd with WP_UNPOPULATED (6.4+):
 *                                     each page holds a uffd-wp PTE marker
 *   pattern START END NPAGES STRIDE   (-B) private anon; pages i with
 *                                     i % STRIDE == 0 hold byte k of page
 *                                     i = (k * 7 + i * 31 + 1) & 0xff, the
 *                                     others never accessed
 *   vmstep START END NPAGES           (-V) a range kept free: SIGUSR2 steps
 *                                     through VMA changes there (below)
 *   stack DEPTH FRAME ADDR            blocked DEPTH frames deep, each with
 *                                     FRAME bytes of locals; ADDR is a local
 *                                     of the deepest frame
 *   <name> unsupported REASON         the kernel or machine can't do that
 *   ready
 * START and END (exclusive) are 0x-prefixed hex. Every region sits between
 * two PROT_NONE pages, so it is a VMA of its own.
 *
 * vmhelper -A K: each SIGUSR1 writes the next page of "untouched", from
 * page K on (watch mode's tests see it become present as they watch).
 *
 * vmhelper -V: each SIGUSR2 does the next step on the "vmstep" range: 1
 * mmap it (a VMA appears), 2 mprotect its page 1 read-only (it splits in
 * three), 3 make it writable again (merged back), 4 munmap it (gone). The
 * range has a free page on each side, so it merges with no neighbour.
 *
 * vmhelper -X N: on SIGUSR1 it execs itself as "vmhelper -n N" (same pid,
 * a new mm), which prints its own layout after the old one.
 *
 * vmhelper -C PID is an independent pagemap reader for the tests: one line
 * per VMA of PID, "START END pages present swapped file_shared exclusive
 * soft_dirty", with its own bit arithmetic (not libvmcore's).
 */

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif

/* The hostile name: terminal escape, newline, tab, backslash, quote. */
#define HOSTILE_NAME "evil\033[31m\nname\t\\\"x"
/*
 * A UTF-8 name (-8): a snowman (1 column), an invalid byte 0xff, a CJK
 * character (2 columns) and a C1 control (U+009B, CSI when raw).
 */
#define UTF8_NAME "snow\xe2\x98\x83-\xff-\xe4\xb8\xad-\xc2\x9b"

static size_t ps;

static void
die(const char *what)
{
	fprintf(stderr, "vmhelper: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* n pages of prot/flags (fd for files) between two PROT_NONE pages. */
static char *
region(size_t n, int prot, int flags, int fd)
{
	char *res, *p;

	res = mmap(NULL, (n + 2) * ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return NULL;
	p = mmap(res + ps, n * ps, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		munmap(res, (n + 2) * ps);
		return NULL;
	}
	return p;
}

static void
show(const char *name, const char *p, size_t n)
{
	printf("%s 0x%" PRIxPTR " 0x%" PRIxPTR " %zu", name, (uintptr_t)p,
	    (uintptr_t)(p + n * ps), n);
}

static void
touch(volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i * ps] = (char)(i + 1);
}

/* Read every page: faults the file's pages in without writing. */
static void
readall(volatile const char *p, size_t n)
{
	volatile char sink = 0;

	for (size_t i = 0; i < n; i++)
		sink += p[i * ps];
	(void)sink;
}

/* A file of n pages in dir named name, mapped shared and read. */
static char *
map_file(const char *dir, const char *name, size_t n, char **pathp)
{
	char *path, *buf, *p;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		die("asprintf");
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) == -1)
		die(path);
	if ((buf = malloc(ps)) == NULL)
		die("malloc");
	for (size_t i = 0; i < n; i++) {
		memset(buf, 'a' + (int)(i % 26), ps);
		if (write(fd, buf, ps) != (ssize_t)ps)
			die("write");
	}
	free(buf);
	if ((p = region(n, PROT_READ, MAP_SHARED, fd)) == NULL)
		die("mmap file");
	close(fd);
	readall(p, n);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return p;
}

/* Never set: the test kills us. (A loop gcc can't prove endless.) */
static volatile sig_atomic_t stop;

static void
block(void)
{
	fflush(stdout);
	while (!stop)
		pause();
}

/* The deepest frame: say where it is, then block for good. */
static int __attribute__((noinline))
bottom(int total, size_t frame, volatile char *local)
{
	printf("stack %d %zu 0x%" PRIxPTR "\n", total, frame,
	    (uintptr_t)local);
	printf("ready\n");
	block();
	return 0;
}

/* Recurse depth frames deep with frame bytes of touched locals, then block. */
static int __attribute__((noinline))
recurse(int depth, int total, size_t frame)
{
	volatile char buf[1024];
	int r;

	memset((char *)buf, depth & 0x7f, sizeof(buf));
	if (depth <= 0)
		r = bottom(total, frame, buf);
	else
		r = recurse(depth - 1, total, frame);
	/* Use buf after the call: no tail call, the frame stays. */
	return r + buf[depth % (int)sizeof(buf)];
}

static int
thp_state(char *why, size_t len)
{
	char line[256];
	FILE *f;

	if ((f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r")) ==
	    NULL) {
		snprintf(why, len, "no /sys/kernel/mm/transparent_hugepage "
		    "(kernel without THP)");
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	if (strstr(line, "[never]") != NULL) {
		snprintf(why, len, "transparent_hugepage/enabled is [never]");
		return -1;
	}
	return 0;
}

/* -C PID: count pages per VMA from /proc/PID/pagemap, independently. */
static int
count_mode(const char *pid)
{
	char path[64], line[4096];
	uint64_t buf[4096];
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if ((maps = fopen(path, "r")) == NULL)
		die(path);
	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		die(path);
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long long start, end, idx, last, c[6] = { 0 };
		char *dash;

		if (strchr(line, '\n') == NULL) {
			int ch;

			while ((ch = fgetc(maps)) != EOF && ch != '\n')
				continue;
		}
		start = strtoull(line, &dash, 16);
		if (*dash != '-')
			continue;
		end = strtoull(dash + 1, NULL, 16);
		c[0] = (end - start) / ps;
		last = end / ps;
		for (idx = start / ps; idx < last;) {
			size_t want = last - idx > 4096 ? 4096 :
			    (size_t)(last - idx);
			ssize_t got = pread(fd, buf, want * 8,
			    (off_t)(idx * 8));

			if (got <= 0)
				break;	/* beyond the user address space */
			for (ssize_t i = 0; i < got / 8; i++) {
				uint64_t e = buf[i];
				int present = (int)(e >> 63) & 1;
				int swap = (int)(e >> 62) & 1;
				int guard = (int)(e >> 58) & 1;

				c[1] += present;
				c[2] += !present && swap && !guard;
				c[3] += (e >> 61) & 1;
				c[4] += (e >> 56) & 1;
				c[5] += (e >> 55) & 1;
			}
			idx += (unsigned long long)got / 8;
		}
		printf("0x%llx 0x%llx %llu %llu %llu %llu %llu %llu\n", start,
		    end, c[0], c[1], c[2], c[3], c[4], c[5]);
	}
	fclose(maps);
	close(fd);
	return 0;
}

static char exec_n[24];

/* -V: the vmstep range (4 pages) and the next step SIGUSR2 takes. */
#define VMSTEP_PAGES	4
static char *vmstep_base;
static volatile sig_atomic_t vmstep_next;

static void
vmstep_on_signal(int sig)
{
	char *p = vmstep_base;

	(void)sig;
	switch (vmstep_next++) {
	case 0:
		(void)mmap(p, VMSTEP_PAGES * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		break;
	case 1:
		(void)mprotect(p + ps, ps, PROT_READ);
		break;
	case 2:
		(void)mprotect(p + ps, ps, PROT_READ | PROT_WRITE);
		break;
	case 3:
		(void)munmap(p, VMSTEP_PAGES * ps);
		break;
	default:
		break;
	}
}

/* A free range with a free page each side: reserved, then given back. */
static void
vmstep_setup(void)
{
	char *r = mmap(NULL, (VMSTEP_PAGES + 2) * ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (r == MAP_FAILED)
		die("mmap vmstep");
	munmap(r, (VMSTEP_PAGES + 2) * ps);
	vmstep_base = r + ps;
	show("vmstep", vmstep_base, VMSTEP_PAGES);
	putchar('\n');
	signal(SIGUSR2, vmstep_on_signal);
}

/* -A: the untouched region and the next page of it SIGUSR1 writes. */
static volatile char *touch_base;
static volatile size_t touch_next, touch_n;

static void
touch_on_signal(int sig)
{
	(void)sig;
	if (touch_base != NULL && touch_next < touch_n)
		touch_base[touch_next++ * ps] = 't';
}

/* SIGUSR1 with -X: become a fresh vmhelper (execv is signal-safe). */
static void
exec_self(int sig)
{
	char *const args[] = { "vmhelper", "-n", exec_n, NULL };

	(void)sig;
	execv("/proc/self/exe", args);
	_exit(3);
}

/*
 * Write-protect n untouched pages with userfaultfd and WP_UNPOPULATED, so
 * the kernel puts a uffd-wp PTE marker in each. The fd stays open (the
 * registration lives with it). 0, or -1 with why filled.
 */
static int
uffd_wp_markers(char *p, size_t n, char *why, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API,
	    .features = UFFD_FEATURE_WP_UNPOPULATED };
	struct uffdio_register reg = { .range = { (uintptr_t)p, n * ps },
	    .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_writeprotect wp = { .range = { (uintptr_t)p, n * ps },
	    .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd == -1) {
		snprintf(why, len, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (ioctl(fd, UFFDIO_API, &api) == -1) {
		snprintf(why, len, "UFFDIO_API with WP_UNPOPULATED: %s (Linux "
		    "6.4+)", strerror(errno));
		close(fd);
		return -1;
	}
	if (ioctl(fd, UFFDIO_REGISTER, &reg) == -1 ||
	    ioctl(fd, UFFDIO_WRITEPROTECT, &wp) == -1) {
		snprintf(why, len, "userfaultfd write-protect: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vmhelper [-n PAGES] [-d DIR [-H] [-8]] [-S GIB] "
	    "[-T] [-U] [-P] [-W] [-B] [-F] [-V] [-k DEPTH] [-X N] [-A K]\n       vmhelper -C PID\n");
	exit(2);
}

/* The default huge page size from /proc/meminfo, in bytes; 0 if none. */
static size_t
hugetlb_size(void)
{
	char line[128];
	size_t kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL;
	size_t n = 16, gib = 0;
	int hostile = 0, thp = 0, hugetlb = 0, pageout = 0, uffdwp = 0;
	int utf8 = 0;
	int depth = -1, childwrite = 0, sync[2];
	int pattern = 0, vmstep = 0;
	char *p, *path, why[256], c;
	pid_t child, parent;

	ps = (size_t)sysconf(_SC_PAGESIZE);
	/* No getopt: libbsd's overlay would want linking, and this is tiny. */
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "-H") == 0) {
			hostile = 1;
			continue;
		}
		if (strcmp(o, "-8") == 0) {
			utf8 = 1;
			continue;
		}
		if (strcmp(o, "-T") == 0) {
			thp = 1;
			continue;
		}
		if (strcmp(o, "-U") == 0) {
			hugetlb = 1;
			continue;
		}
		if (strcmp(o, "-P") == 0) {
			pageout = 1;
			continue;
		}
		if (strcmp(o, "-W") == 0) {
			uffdwp = 1;
			continue;
		}
		if (strcmp(o, "-B") == 0) {
			pattern = 1;
			continue;
		}
		if (strcmp(o, "-V") == 0) {
			vmstep = 1;
			continue;
		}
		if (strcmp(o, "-F") == 0) {
			childwrite = 1;
			continue;
		}
		if (arg == NULL || o[0] != '-' || o[1] == '\0' || o[2] != '\0')
			usage();
		i++;
		switch (o[1]) {
		case 'C':
			return count_mode(arg);
		case 'A':
			touch_next = (size_t)strtoul(arg, NULL, 0);
			signal(SIGUSR1, touch_on_signal);
			break;
		case 'd':
			dir = arg;
			break;
		case 'k':
			depth = atoi(arg);
			break;
		case 'n':
			n = (size_t)strtoul(arg, NULL, 0);
			break;
		case 'S':
			gib = (size_t)strtoul(arg, NULL, 0);
			break;
		case 'X':
			if (strlen(arg) >= sizeof(exec_n))
				usage();
			strcpy(exec_n, arg);
			signal(SIGUSR1, exec_self);
			break;
		default:
			usage();
		}
	}
	if (n < 8 || ((hostile || utf8) && dir == NULL))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\npagesize %zu\n", (int)getpid(), ps);

	/*
	 * COW first: fork shares every private page mapped so far, so the
	 * other regions are mapped after the fork and stay exclusive.
	 */
	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap cow");
	touch(p, n);
	parent = getpid();
	if (pipe(sync) == -1)
		die("pipe");
	if ((child = fork()) == -1)
		die("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		/* -F: the child's own copy of page 2, before "ready" */
		if (childwrite)
			p[2 * ps] = 'c';
		if (write(sync[1], "", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	p[1 * ps] = 'w';	/* breaks COW: page 1 is ours alone again */
	if (read(sync[0], &c, 1) != 1)
		die("child");
	close(sync[0]);
	close(sync[1]);
	show("cow", p, n);
	printf(" 1\n");
	if (childwrite)
		printf("cowchild %d 2\n", (int)child);
	else
		printf("cowchild %d\n", (int)child);

	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap touched");
	touch(p, n);
	show("touched", p, n);
	putchar('\n');

	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap untouched");
	touch_n = n;
	touch_base = p;
	show("untouched", p, n);
	putchar('\n');

	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap partial");
	for (size_t i = 0; i < n; i += 3)
		p[i * ps] = 'p';
	show("partial", p, n);
	printf(" 3\n");

	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap shared");
	touch(p, n);
	show("shared", p, n);
	putchar('\n');

	if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1)) == NULL)
		die("mmap guard");
	touch(p, n);
	if (madvise(p + 2 * ps, 4 * ps, MADV_GUARD_INSTALL) == 0) {
		show("guard", p, n);
		printf(" 2 4\n");
	} else
		printf("guard unsupported MADV_GUARD_INSTALL: %s (Linux 6.13+)\n",
		    strerror(errno));

	if (dir != NULL) {
		p = map_file(dir, "vmhelper-file", n, &path);
		show("file", p, n);
		printf(" %s\n", path);
		free(path);
		if (hostile) {
			p = map_file(dir, HOSTILE_NAME, n, NULL);
			show("hostile", p, n);
			putchar('\n');
		}
		if (utf8) {
			p = map_file(dir, UTF8_NAME, n, NULL);
			show("utf8", p, n);
			putchar('\n');
		}
	}

	if (gib > 0) {
		size_t pages = (gib << 30) / ps;

		if ((p = region(pages, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_NORESERVE, -1)) == NULL)
			printf("sparse unsupported mmap of %zu GiB with "
			    "MAP_NORESERVE: %s\n", gib, strerror(errno));
		else {
			p[0] = 's';
			p[(pages / 2) * ps] = 's';
			p[(pages - 1) * ps] = 's';
			show("sparse", p, pages);
			printf(" 3\n");
		}
	}

	if (thp) {
		size_t huge = 2UL << 20;

		if (thp_state(why, sizeof(why)) == -1)
			printf("thp unsupported %s\n", why);
		else if ((p = mmap(NULL, 3 * huge, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
			printf("thp unsupported mmap: %s\n", strerror(errno));
		else {
			char *a = (char *)(((uintptr_t)p + huge - 1) &
			    ~(uintptr_t)(huge - 1));

			if (madvise(a, huge, MADV_HUGEPAGE) == -1)
				printf("thp unsupported MADV_HUGEPAGE: %s\n",
				    strerror(errno));
			else {
				memset(a, 't', huge);
				show("thp", a, huge / ps);
				putchar('\n');
			}
		}
	}

	if (hugetlb) {
		/* Needs a free page in the default hugetlb pool (nr_hugepages):
		 * the test says why when there is none; it never sets the pool. */
		size_t huge = hugetlb_size();

		if (huge == 0)
			printf("hugetlb unsupported no Hugepagesize in "
			    "/proc/meminfo\n");
		else if ((p = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0)) ==
		    MAP_FAILED)
			printf("hugetlb unsupported mmap(MAP_HUGETLB): %s (no "
			    "free huge page: /proc/sys/vm/nr_hugepages)\n",
			    strerror(errno));
		else {
			memset(p, 'u', huge);
			show("hugetlb", p, huge / ps);
			putchar('\n');
		}
	}

	if (pageout) {
		/* Only anonymous pages of ours alone go out: fresh, written. */
		if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1)) == NULL)
			die("mmap pageout");
		touch(p, n);
		if (madvise(p, n * ps, MADV_PAGEOUT) == -1)
			printf("pageout unsupported MADV_PAGEOUT: %s (Linux "
			    "5.4+)\n", strerror(errno));
		else {
			show("pageout", p, n);
			putchar('\n');
		}
	}

	if (uffdwp) {
		if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1)) == NULL)
			die("mmap uffdwp");
		if (uffd_wp_markers(p, n, why, sizeof(why)) == -1)
			printf("uffdwp unsupported %s\n", why);
		else {
			show("uffdwp", p, n);
			putchar('\n');
		}
	}

	if (pattern) {
		/* --dump's test compares these bytes; odd pages stay untouched */
		if ((p = region(n, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1)) == NULL)
			die("mmap pattern");
		for (size_t i = 0; i < n; i += 2)
			for (size_t k = 0; k < ps; k++)
				p[i * ps + k] = (char)((k * 7 + i * 31 + 1) &
				    0xff);
		show("pattern", p, n);
		printf(" 2\n");
	}

	/* last: nothing maps after it, so its range stays free */
	if (vmstep)
		vmstep_setup();
	if (depth >= 0)
		return recurse(depth, depth, 1024);
	printf("ready\n");
	block();
	return 0;
}
