/* test_stack: parsers, stack_inspect on a fixture tree and a live child. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mutate.h"
#include "pagemap.h"
#include "procfs.h"
#include "stack.h"

#define BIT(n) ((uint64_t)1 << (n))

static size_t pagesize;

/* ---------------------------------------------------------------- parsers */

static void
test_stack_parse_syscall_formats(void **state)
{
	/* Real lines: in read(2), blocked outside a syscall, running. */
	const char *in_read = "0 0x3 0x7faf69296000 0x20000 0x7faf69327b60 "
	    "0xffffffff 0x0 0x7ffe13647a88 0x7faf694102ad\n";
	const char *blocked = "-1 0x7ffc0badf00d 0x55d2c3a1b2c4\n";
	uint64_t sp = 0;

	assert_int_equal(stack_parse_syscall(in_read, strlen(in_read), &sp), 0);
	assert_int_equal(sp, 0x7ffe13647a88ULL);
	assert_int_equal(stack_parse_syscall(blocked, strlen(blocked), &sp), 0);
	assert_int_equal(sp, 0x7ffc0badf00dULL);
	assert_int_equal(stack_parse_syscall("running\n", 8, &sp), 1);
	assert_int_equal(stack_parse_syscall("running", 7, &sp), 1);
	/* len is honoured: the text need not be NUL-terminated. */
	assert_int_equal(stack_parse_syscall("-1 0x10 0x20 junk", 12, &sp), 0);
	assert_int_equal(sp, 0x10);
	/* Upper-case hex and the maximum value. */
	assert_int_equal(stack_parse_syscall("-1 0xFFFFFFFFFFFFFFFF 0x1", 25,
	    &sp), 0);
	assert_int_equal(sp, UINT64_MAX);
}

static void
test_stack_parse_syscall_malformed(void **state)
{
	static const char *bad[] = {
		"", "\n", "running now", "0 0x3", "-1 0x10", "abc 0x1 0x2",
		"-1 0x1 zz", "-1 10 0x2", "-1 0x 0x2", "-1 0x10000000000000000 0x1",
		"0 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8 0x9", "0 0x1 0x2 0x3 0x4",
		"- 0x1 0x2", "--1 0x1 0x2",
	};
	uint64_t sp = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (stack_parse_syscall(bad[i], strlen(bad[i]), &sp) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
}

static const char limits_text[] =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max file size             unlimited            unlimited            bytes     \n"
    "Max data size             unlimited            unlimited            bytes     \n"
    "Max stack size            8388608              unlimited            bytes     \n"
    "Max core file size        0                    unlimited            bytes     \n"
    "Max resident set          unlimited            unlimited            bytes     \n";

static void
test_stack_parse_limits(void **state)
{
	const char *unl =
	    "Max stack size            unlimited            unlimited            bytes     \n";
	const char *none =
	    "Max cpu time              unlimited            unlimited            seconds   \n";
	const char *junk =
	    "Max stack size            12ab                 unlimited            bytes     \n";
	const char *prefix =
	    "Max stack sizes           5                    5                    bytes     \n";
	uint64_t v = 0;

	assert_int_equal(stack_parse_limits(limits_text, strlen(limits_text),
	    &v), 0);
	assert_int_equal(v, 8388608);
	assert_int_equal(stack_parse_limits(unl, strlen(unl), &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(stack_parse_limits(none, strlen(none), &v), -1);
	assert_int_equal(stack_parse_limits(junk, strlen(junk), &v), -1);
	assert_int_equal(stack_parse_limits(prefix, strlen(prefix), &v), -1);
	/* Cut off before the stack line: not found. */
	assert_int_equal(stack_parse_limits(limits_text, 200, &v), -1);
	assert_int_equal(stack_parse_limits("", 0, &v), -1);
}

/* ---------------------------------------------------------------- fixture */

/*
 * A fake /proc in the build directory: 4242/{syscall,limits}, cmdline, and
 * a sparse pagemap file covering the fake stack VMA [1000, 1032) pages:
 * pages 1020..1031 present, 1018 swapped, the rest never faulted. The VMA
 * below is [100, 200) pages. SP sits 0x10 into page 1025.
 */
#define FPID 4242
#define VMA_LO 1000
#define VMA_HI 1032
#define SP_PAGE 1025

static char fixdir[] = "stfixtureXXXXXX";
static int fixroot = -1;
static int fixpm = -1;

static void
put(const char *name, const char *text)
{
	int fd = openat(fixroot, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static uint64_t
fix_entry(uint64_t page)
{
	if (page >= 1020 && page < VMA_HI)
		return BIT(63) + 5000 + page;
	if (page == 1018)
		return BIT(62) + 99 * 32 + 1;
	return 0;
}

static int
setup_fixture(void **state)
{
	char name[32], sp[64];

	if (mkdtemp(fixdir) == NULL)
		return -1;
	fixroot = open(fixdir, O_RDONLY | O_DIRECTORY);
	snprintf(name, sizeof(name), "%d", FPID);
	if (fixroot < 0 || mkdirat(fixroot, name, 0755) == -1)
		return -1;
	snprintf(sp, sizeof(sp), "-1 %#llx 0x401000\n",
	    (unsigned long long)(SP_PAGE * pagesize + 0x10));
	put("4242/syscall", sp);
	put("4242/limits", limits_text);
	/* The value after "--" goes to init: the kernel never sees it. */
	put("cmdline", "quiet stack_guard_gap=64 ro -- stack_guard_gap=5\n");
	fixpm = openat(fixroot, "pagemap.bin", O_RDWR | O_CREAT, 0644);
	if (fixpm < 0)
		return -1;
	for (uint64_t p = VMA_LO; p < VMA_HI; p++) {
		uint64_t raw = fix_entry(p);

		if (pwrite(fixpm, &raw, 8, (off_t)(p * 8)) != 8)
			return -1;
	}
	return 0;
}

static int
teardown_fixture(void **state)
{
	static const char *files[] = { "4242/syscall", "4242/limits",
	    "cmdline", "pagemap.bin" };

	close(fixpm);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(fixroot, files[i], 0);
	unlinkat(fixroot, "4242", AT_REMOVEDIR);
	close(fixroot);
	rmdir(fixdir);
	return 0;
}

static char empty[] = "";

static void
fixture_maps(struct vma *v, struct vma_list *l)
{
	memset(v, 0, 2 * sizeof(*v));
	v[0].start = 100 * pagesize;
	v[0].end = 200 * pagesize;
	v[0].path = empty;
	v[0].kind = VMA_ANON;
	v[1].start = VMA_LO * pagesize;
	v[1].end = VMA_HI * pagesize;
	v[1].path = empty;
	v[1].kind = VMA_STACK;
	l->v = v;
	l->n = 2;
	l->cap = 2;
}

static void
fixture_reader(struct pm_reader *r)
{
	pagemap_init_fd(r, fixpm, pagesize);
	pagemap_caps_from_release("6.18.0", &r->caps);
	r->caps.pfn_visible = 1;
}

static void
test_stack_inspect_fixture(void **state)
{
	struct vma v[2];
	struct vma_list l;
	struct pm_reader r;
	struct stack_info si;
	uint64_t present = 0, swapped = 0, unfaulted = 0, lowest = 0;

	/* Expected values straight from the description above. */
	for (uint64_t p = VMA_LO; p < VMA_HI; p++) {
		bool pr = p >= 1020, sw = p == 1018;

		present += pr;
		swapped += sw;
		if (pr && lowest == 0)
			lowest = p * pagesize;
		if (p < SP_PAGE && !pr && !sw)
			unfaulted++;
	}
	fixture_maps(v, &l);
	fixture_reader(&r);
	assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), 0);
	assert_int_equal(si.vma_start, VMA_LO * pagesize);
	assert_int_equal(si.vma_end, VMA_HI * pagesize);
	assert_true(si.sp_known);
	assert_null(si.sp_why);
	assert_int_equal(si.sp, SP_PAGE * pagesize + 0x10);
	assert_int_equal(si.rlimit, 8388608);
	assert_int_equal(si.guard_gap, 64 * pagesize);
	assert_int_equal(si.prev_end, 200 * pagesize);
	assert_int_equal(si.pages, VMA_HI - VMA_LO);
	assert_int_equal(si.present, present);
	assert_int_equal(si.swapped, swapped);
	assert_int_equal(si.below_sp_pages, SP_PAGE - VMA_LO);
	assert_int_equal(si.below_sp_unfaulted, unfaulted);
	assert_int_equal(si.lowest_present, lowest);
	assert_int_equal(si.growth_room,
	    8388608 - (VMA_HI - VMA_LO) * pagesize);
}

static void
test_stack_inspect_fixture_running_and_unlimited(void **state)
{
	struct vma v[2];
	struct vma_list l;
	struct pm_reader r;
	struct stack_info si;

	put("4242/syscall", "running\n");
	put("4242/limits", "Max stack size            unlimited            "
	    "unlimited            bytes     \n");
	unlinkat(fixroot, "cmdline", 0);
	fixture_maps(v, &l);
	fixture_reader(&r);
	assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), 0);
	assert_false(si.sp_known);
	assert_non_null(si.sp_why);
	assert_non_null(strstr(si.sp_why, "running"));
	assert_int_equal(si.below_sp_pages, 0);
	assert_int_equal(si.below_sp_unfaulted, 0);
	assert_int_equal(si.rlimit, UINT64_MAX);
	assert_int_equal(si.growth_room, UINT64_MAX);
	assert_int_equal(si.guard_gap, 256 * pagesize);
	assert_int_equal(si.present, 12);

	/* No syscall file at all: still a result, with the reason. */
	unlinkat(fixroot, "4242/syscall", 0);
	assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), 0);
	assert_false(si.sp_known);
	assert_non_null(strstr(si.sp_why, "syscall"));

	/* No [stack] VMA. */
	l.n = 1;
	assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), -1);
	assert_int_equal(errno, ENOENT);

	/* Put the files back for any later test. */
	put("4242/limits", limits_text);
	put("cmdline", "quiet stack_guard_gap=64 ro -- stack_guard_gap=5\n");
}

/* ---------------------------------------------------------------- live */

/* Touch some stack below us so the child has a deeper stack than main's. */
static int
deep(int n, int wfd)
{
	volatile char pad[8192];

	pad[0] = (char)n;
	pad[sizeof(pad) - 1] = (char)n;
	if (n > 0)
		return deep(n - 1, wfd) + pad[0];
	if (write(wfd, "x", 1) != 1)
		_exit(1);
	pause();
	return pad[0];
}

/* The child's [stack] and the VMA below it, from its maps (by sscanf). */
static int
child_maps(pid_t pid, struct vma *v, struct vma_list *l)
{
	char path[64], line[4096];
	uint64_t prev = 0;
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long s, e;

		if (sscanf(line, "%llx-%llx", &s, &e) != 2)
			continue;
		if (strstr(line, " [stack]") != NULL) {
			memset(v, 0, 2 * sizeof(*v));
			v[0].start = prev;	/* only its end matters */
			v[0].end = prev;
			v[0].path = empty;
			v[0].kind = VMA_ANON;
			v[1].start = s;
			v[1].end = e;
			v[1].path = empty;
			v[1].kind = VMA_STACK;
			found = 0;
			break;
		}
		prev = e;
	}
	fclose(f);
	l->v = v;
	l->n = 2;
	l->cap = 2;
	return found;
}

/*
 * Wait until the child sits in pause(): it wrote to the pipe after its
 * recursion, and its syscall file shows it inside a syscall that is not
 * that write. (A merely preempted child also shows an SP, mid-recursion.)
 */
static bool
wait_blocked(int rootfd, pid_t pid, int rfd)
{
	char c;

	if (read(rfd, &c, 1) != 1)
		return false;
	for (int i = 0; i < 5000; i++) {
		char *text;
		size_t len;
		long nr = -1;

		if (procfs_read_file(rootfd, pid, "syscall", &text, &len) == 0) {
			if (strncmp(text, "running", 7) != 0)
				nr = strtol(text, NULL, 10);
			free(text);
		}
#ifdef SYS_pause
		if (nr == SYS_pause)
#else
		if (nr >= 0 && nr != SYS_write)
#endif
			return true;
		usleep(1000);
	}
	return false;
}

/* The kernel command line, independently of stack.c; NULL if unreadable. */
static char *
read_cmdline(void)
{
	static char buf[8192];
	size_t n;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_stack_inspect_live_child(void **state)
{
	struct vma v[2];
	struct vma_list l;
	struct pm_reader r;
	struct stack_info si;
	struct rlimit rl;
	uint64_t *raw, sp_page, present = 0, swapped = 0, unf = 0, low = 0;
	size_t n;
	int rootfd, status;
	char *cmdline;
	int pfd[2];
	pid_t pid;

	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Don't outlive a failed test. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		deep(16, pfd[1]);
		_exit(0);
	}
	close(pfd[1]);
	if (!wait_blocked(rootfd, pid, pfd[0]))
		fail_msg("child never blocked");
	assert_int_equal(child_maps(pid, v, &l), 0);
	assert_int_equal(pagemap_open(&r, rootfd, pid), 0);
	assert_int_equal(stack_inspect(rootfd, pid, &l, &r, &si), 0);

	assert_int_equal(si.vma_start, v[1].start);
	assert_int_equal(si.vma_end, v[1].end);
	assert_int_equal(si.prev_end, v[0].end);
	assert_true(si.sp_known);
	assert_true(si.sp >= si.vma_start && si.sp < si.vma_end);
	sp_page = si.sp / pagesize * pagesize;
	assert_int_equal(si.below_sp_pages, (sp_page - si.vma_start) / pagesize);
	assert_int_equal(si.pages, (si.vma_end - si.vma_start) / pagesize);

	/* Recount from raw bits (63 present, 62 without 58 swapped). */
	n = (size_t)si.pages;
	raw = calloc(n, sizeof(*raw));
	assert_non_null(raw);
	assert_int_equal(pread(r.fd, raw, n * 8,
	    (off_t)(si.vma_start / pagesize * 8)), (ssize_t)(n * 8));
	for (size_t i = 0; i < n; i++) {
		uint64_t va = si.vma_start + i * pagesize;
		bool pr = raw[i] >> 63, sw = (raw[i] >> 62 & 1) &&
		    !(raw[i] >> 58 & 1);

		present += pr;
		swapped += sw;
		if (pr && low == 0)
			low = va;
		if (va < sp_page && !pr && !sw)
			unf++;
		/* The page holding SP is in use: it must be present. */
		if (va == sp_page)
			assert_true(pr);
	}
	free(raw);
	assert_int_equal(si.present, present);
	assert_int_equal(si.swapped, swapped);
	assert_int_equal(si.below_sp_unfaulted, unf);
	assert_int_equal(si.lowest_present, low);
	assert_true(si.present >= 3);	/* deep() spread over 128 KiB+ */

	assert_int_equal(getrlimit(RLIMIT_STACK, &rl), 0);
	if (rl.rlim_cur == RLIM_INFINITY) {
		assert_int_equal(si.rlimit, UINT64_MAX);
		assert_int_equal(si.growth_room, UINT64_MAX);
	} else {
		uint64_t size = si.vma_end - si.vma_start;

		assert_int_equal(si.rlimit, rl.rlim_cur);
		assert_int_equal(si.growth_room,
		    rl.rlim_cur > size ? rl.rlim_cur - size : 0);
	}
	cmdline = read_cmdline();
	assert_non_null(cmdline);
	if (strstr(cmdline, "stack_guard_gap=") == NULL)
		assert_int_equal(si.guard_gap, 256 * pagesize);
	else
		fprintf(stderr, "note: stack_guard_gap= on the command line; "
		    "guard gap %llu not checked\n",
		    (unsigned long long)si.guard_gap);
	fprintf(stderr, "child stack %#llx-%#llx sp %#llx: %llu present, "
	    "%llu never faulted below SP\n", (unsigned long long)si.vma_start,
	    (unsigned long long)si.vma_end, (unsigned long long)si.sp,
	    (unsigned long long)si.present,
	    (unsigned long long)si.below_sp_unfaulted);

	pagemap_close(&r);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(pfd[0]);
	close(rootfd);
}

/* Our own threads: one, us, with an SP inside our [stack]. */
/* Mutated syscall/limits texts: parse or fail, never read past len. */
static void
test_stack_parsers_survive_mutations(void **state)
{
	static const char sys[] = "0 0x3 0x7ffd5e0c8a10 0x400 0x0 0x0 0x0 "
	    "0x7ffd5e0c89e8 0x7f0c1a2b3c4d\n";
	static const char lim[] = "Limit                     Soft Limit           "
	    "Hard Limit           Units     \nMax stack size            8388608"
	    "              unlimited            bytes     \n";
	char buf[sizeof(lim)];
	unsigned int seed = 99;

	for (int iter = 0; iter < 100000; iter++) {
		const char *src = iter % 2 ? sys : lim;
		size_t n = strlen(src);
		uint64_t v;
		char *text;
		int r;

		memcpy(buf, src, n);
		n = mutate(buf, n, &seed);
		text = exact(buf, n);
		r = iter % 2 ? stack_parse_syscall(text, n, &v) :
		    stack_parse_limits(text, n, &v);
		assert_true(r == -1 || r == 0 || (iter % 2 && r == 1));
		free(text);
	}
}

static void
test_stack_threads_self(void **state)
{
	struct stack_thread *th;
	struct vma_list ml = { 0 };
	size_t n;
	long i;
	int rootfd = procfs_open_root("/proc");

	(void)state;
	assert_true(rootfd >= 0);
	assert_int_equal(stack_threads(rootfd, getpid(), &th, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(th[0].tid, getpid());
	assert_int_equal(maps_read(rootfd, PROCFS_SELF, &ml), 0);
	if (!th[0].sp_known) {
		fprintf(stderr, "note: own SP not readable; containment not "
		    "checked\n");
	} else {
		i = stack_thread_vma(&ml, &th[0]);
		assert_true(i >= 0);
		assert_int_equal(ml.v[i].kind, VMA_STACK);
		assert_true((uintptr_t)&i >= ml.v[i].start &&
		    (uintptr_t)&i < ml.v[i].end);
	}
	assert_true(stack_guard_gap(rootfd, pagesize) >= pagesize);
	maps_free(&ml);
	free(th);
	close(rootfd);
}

int
main(void)
{
	const struct CMUnitTest parsers[] = {
		cmocka_unit_test(test_stack_parse_syscall_formats),
		cmocka_unit_test(test_stack_parse_syscall_malformed),
		cmocka_unit_test(test_stack_parse_limits),
	};
	const struct CMUnitTest fixture[] = {
		cmocka_unit_test(test_stack_inspect_fixture),
		cmocka_unit_test(test_stack_inspect_fixture_running_and_unlimited),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_stack_inspect_live_child),
		cmocka_unit_test(test_stack_threads_self),
		cmocka_unit_test(test_stack_parsers_survive_mutations),
	};
	int fails;

	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	fails = cmocka_run_group_tests_name("stack_parsers", parsers, NULL,
	    NULL);
	fails += cmocka_run_group_tests_name("stack_fixture", fixture,
	    setup_fixture, teardown_fixture);
	fails += cmocka_run_group_tests_name("stack_live", live, NULL, NULL);
	return fails;
}
