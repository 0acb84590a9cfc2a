/* test_stack: parsers, stack_inspect on a fixture tree and a live child. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
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
	if (mkdirat(fixroot, "4242/task", 0755) == -1 ||
	    mkdirat(fixroot, "4242/task/4242", 0755) == -1)
		return -1;
	put("4242/task/4242/syscall", sp);
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
	    "cmdline", "pagemap.bin", "4242/task/4242/syscall" };

	close(fixpm);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(fixroot, files[i], 0);
	unlinkat(fixroot, "4242/task/4242", AT_REMOVEDIR);
	unlinkat(fixroot, "4242/task", AT_REMOVEDIR);
	unlinkat(fixroot, "4242", AT_REMOVEDIR);
	close(fixroot);
	rmdir(fixdir);
	return 0;
}

static char empty[] = "";
static char stackname[] = "[stack]";

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
	v[1].path = stackname;
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


/* SP back where the fixture description puts it (others move it). */
static void
put_sp(void)
{
	char text[64];

	snprintf(text, sizeof(text), "-1 %#llx 0x401000\n",
	    (unsigned long long)(SP_PAGE * pagesize + 0x10));
	put("4242/syscall", text);
}

static void
put_entry(uint64_t page, uint64_t raw)
{
	assert_int_equal(pwrite(fixpm, &raw, 8, (off_t)(page * 8)), 8);
}

/*
 * Guard markers (MADV_GUARD_INSTALL; bits 58 and 62 on 6.15+) at the low
 * end of the VMA and one more higher up: guard, never "never faulted";
 * for a thread stack they are its guard (glibc 2.42+ on 6.13+).
 */
static void
test_stack_guard_markers_not_never_faulted(void **state)
{
	struct vma v[2];
	struct vma_list l;
	struct pm_reader r;
	struct stack_info si;
	uint64_t unfaulted = 0;

	(void)state;
	put_sp();
	for (uint64_t p = VMA_LO; p < VMA_LO + 4; p++)
		put_entry(p, BIT(62) | BIT(58));
	put_entry(1010, BIT(62) | BIT(58));
	for (uint64_t p = VMA_LO; p < SP_PAGE; p++)
		if (p >= VMA_LO + 4 && p != 1010 && p < 1020 && p != 1018)
			unfaulted++;
	fixture_maps(v, &l);
	fixture_reader(&r);

	assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), 0);
	assert_int_equal(si.guard_pages, 5);
	assert_int_equal(si.guard_low, 4 * pagesize);
	assert_int_equal(si.below_sp_unfaulted, unfaulted);
	assert_int_equal(si.swapped, 1);
	/* The main stack's guard is the kernel's gap, not the markers. */
	assert_int_equal(si.guard_gap, 64 * pagesize);

	/* As a thread's stack: the markers are its guard; nothing below. */
	assert_int_equal(stack_inspect_vma(fixroot, FPID, FPID, &l, 1, &r,
	    &si), 0);
	assert_int_equal(si.tid, FPID);
	assert_int_equal(si.guard_gap, 4 * pagesize);
	assert_int_equal(si.guard_low, 4 * pagesize);
	assert_int_equal(si.below_sp_unfaulted, unfaulted);
	assert_int_equal(si.below_sp_pages, SP_PAGE - VMA_LO);

	for (uint64_t p = VMA_LO; p < VMA_LO + 4; p++)
		put_entry(p, fix_entry(p));
	put_entry(1010, fix_entry(1010));
}

/* An SP outside the VMA, even one byte past its end: nothing below it. */
static void
test_stack_sp_outside_vma_counts_nothing(void **state)
{
	const uint64_t sps[] = { VMA_HI * pagesize, (VMA_HI + 3) * pagesize +
	    8, VMA_LO * pagesize - 8, 150 * pagesize };
	struct vma v[2];
	struct vma_list l;
	struct pm_reader r;
	struct stack_info si;
	char text[64];

	(void)state;
	fixture_maps(v, &l);
	fixture_reader(&r);
	for (size_t i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
		snprintf(text, sizeof(text), "-1 %#llx 0x401000\n",
		    (unsigned long long)sps[i]);
		put("4242/syscall", text);
		assert_int_equal(stack_inspect(fixroot, FPID, &l, &r, &si), 0);
		assert_true(si.sp_known);
		assert_int_equal(si.sp, sps[i]);
		assert_false(stack_sp_inside(&si));
		assert_int_equal(si.below_sp_pages, 0);
		assert_int_equal(si.below_sp_unfaulted, 0);
		assert_int_equal(si.present, 12);
	}
	put_sp();
}

/* ---------------------------------------------------------------- rules */

/* Never faulted: [vma_start, SP's page), SP inside, no entry at all. */
static void
test_stack_never_faulted_rule(void **state)
{
	struct stack_info si;
	struct pm_entry none, present, swapfmt, guard;
	const size_t ps = 4096;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.vma_start = 0x10000;
	si.vma_end = 0x20000;
	si.sp_known = true;
	si.sp = 0x18010;
	pagemap_decode(0, NULL, &none);
	pagemap_decode(BIT(63) | 77, NULL, &present);
	/* swap-format entry: a swapped page, migration, 6.13's guard */
	pagemap_decode(BIT(62) | (5 << 5) | 1, NULL, &swapfmt);
	pagemap_decode(BIT(62) | BIT(58), NULL, &guard);

	assert_true(stack_never_faulted(&si, 0x10000, ps, &none));
	assert_true(stack_never_faulted(&si, 0x17000, ps, &none));
	assert_false(stack_never_faulted(&si, 0x18000, ps, &none));
	assert_false(stack_never_faulted(&si, 0x1f000, ps, &none));
	assert_false(stack_never_faulted(&si, 0xf000, ps, &none));
	assert_false(stack_never_faulted(&si, 0x11000, ps, &present));
	assert_false(stack_never_faulted(&si, 0x11000, ps, &swapfmt));
	assert_false(stack_never_faulted(&si, 0x11000, ps, &guard));
	guard.flags = 0;	/* a kernel without bit 58: still an entry */
	assert_false(stack_never_faulted(&si, 0x11000, ps, &guard));
	assert_true(stack_sp_inside(&si));

	/* SP at the end, above, below the VMA, or unknown: no marks. */
	const uint64_t out[] = { 0x20000, 0x20008, 0x7fff0000, 0xfff8, 0 };
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		si.sp = out[i];
		assert_false(stack_sp_inside(&si));
		for (uint64_t va = 0x10000; va < 0x20000; va += ps)
			assert_false(stack_never_faulted(&si, va, ps, &none));
	}
	si.sp = 0x18010;
	si.sp_known = false;
	assert_false(stack_sp_inside(&si));
	assert_false(stack_never_faulted(&si, 0x10000, ps, &none));
}

/* mm/mmap.c expand_downwards: only an accessible neighbour eats the gap. */
static void
test_stack_gap_violated_rule(void **state)
{
	static const struct {
		const char *perms;
		uint64_t hole;
		bool violated;
	} cases[] = {
		{ "rw-p", 0x1000, true }, { "r--p", 0xff000, true },
		{ "--xp", 0x1000, true }, { "-w-p", 0x1000, true },
		{ "rw-p", 0x100000, false }, { "rw-p", 0x200000, false },
		{ "---p", 0x1000, false }, { "---p", 0, false },
		{ "---s", 0x1000, false },
	};
	const uint64_t gap = 0x100000, st = 0x7ffd00000000ULL;
	struct vma v[2];
	struct vma_list l = { v, 2, 2 };

	(void)state;
	memset(v, 0, sizeof(v));
	v[1].start = st;
	v[1].end = st + 0x21000;
	strlcpy(v[1].perms, "rw-p", sizeof(v[1].perms));
	v[1].path = empty;
	v[1].kind = VMA_STACK;
	v[0].path = empty;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v[0].end = st - cases[i].hole;
		v[0].start = v[0].end - 0x1000;
		strlcpy(v[0].perms, cases[i].perms, sizeof(v[0].perms));
		if (stack_gap_violated(&l, 1, gap) != cases[i].violated)
			fail_msg("%s with a hole of %#llx: want %s",
			    cases[i].perms, (unsigned long long)cases[i].hole,
			    cases[i].violated ? "violated" : "allowed");
	}
	/* Nothing below: nothing to violate it. */
	assert_false(stack_gap_violated(&l, 0, gap));
	l.n = 1;
	assert_false(stack_gap_violated(&l, 1, gap));
}

/* ------------------------------------------------------------ proc44 */

/*
 * tests/fixtures/proc44 (a 4.4 kernel's /proc, see gen-proc44.sh): the
 * main stack is [stack], not the [stack:TID] lines before it; each VMA
 * is inspected as what it is. Pagemap is /dev/zero: nothing faulted.
 */
static void
test_stack_proc44_old_thread_labels(void **state)
{
	const uint64_t t1 = 0x7f0000001000ULL, t1sp = 0x7f0000010010ULL;
	const uint64_t t0 = 0x7f0000100000ULL, t0sp = 0x7f0000108010ULL;
	const uint64_t main_lo = 0x7ffd00000000ULL;
	const char *fx = getenv("FIXTURES");
	struct vma_list l = { 0 };
	struct pm_reader r;
	struct stack_info si;
	char dir[4096];
	int root, zfd;

	(void)state;
	if (pagesize != 4096) {
		fprintf(stderr, "SKIP: proc44 is laid out in 4 KiB pages; "
		    "this machine's are %zu\n", pagesize);
		skip();
	}
	assert_non_null(fx);
	snprintf(dir, sizeof(dir), "%s/proc44", fx);
	assert_true((root = procfs_open_root(dir)) >= 0);
	assert_int_equal(maps_read(root, 4400, &l), 0);
	assert_true((zfd = open("/dev/zero", O_RDONLY)) >= 0);
	pagemap_init_fd(&r, zfd, pagesize);
	pagemap_caps_from_release("4.4.0", &r.caps);

	assert_int_equal(stack_main_index(&l), 5);
	assert_int_equal(stack_inspect(root, 4400, &l, &r, &si), 0);
	assert_int_equal(si.vma_start, main_lo);
	assert_int_equal(si.tid, 0);
	assert_true(si.sp_known);
	assert_int_equal(si.sp, t0sp);
	assert_false(stack_sp_inside(&si));
	assert_int_equal(si.below_sp_pages, 0);
	assert_int_equal(si.below_sp_unfaulted, 0);
	assert_int_equal(si.rlimit, 8388608);
	assert_int_equal(si.guard_gap, 256 * pagesize);
	/* the ---p page 1020 KiB below is inside the gap, and allowed */
	assert_int_equal(si.prev_end, 0x7ffcfff01000ULL);
	assert_false(si.gap_violated);

	/* [stack:4401]: thread 4401's SP, no rlimit, the ---p page below */
	assert_int_equal(stack_inspect_at(root, 4400, 0, &l, 2, &r, &si), 0);
	assert_int_equal(si.tid, 4401);
	assert_int_equal(si.vma_start, t1);
	assert_int_equal(si.sp, t1sp);
	assert_true(stack_sp_inside(&si));
	assert_int_equal(si.below_sp_pages, (t1sp - t1) / pagesize);
	assert_int_equal(si.below_sp_unfaulted, (t1sp - t1) / pagesize);
	assert_int_equal(si.rlimit, 0);
	assert_int_equal(si.growth_room, 0);
	assert_int_equal(si.guard_gap, pagesize);

	/* [stack:4400]: the main thread's sigaltstack, holding its SP */
	assert_int_equal(stack_inspect_at(root, 4400, 0, &l, 3, &r, &si), 0);
	assert_int_equal(si.tid, 4400);
	assert_int_equal(si.vma_start, t0);
	assert_int_equal(si.sp, t0sp);
	assert_int_equal(si.below_sp_pages, (t0sp - t0) / pagesize);
	assert_int_equal(si.guard_gap, 0);

	/* [stack] by index is the main stack again */
	assert_int_equal(stack_inspect_at(root, 4400, 0, &l, 5, &r, &si), 0);
	assert_int_equal(si.vma_start, main_lo);
	assert_int_equal(si.tid, 0);
	assert_int_equal(si.rlimit, 8388608);

	errno = 0;
	assert_int_equal(stack_inspect_at(root, 4400, 0, &l, 6, &r, &si), -1);
	assert_int_equal(errno, EINVAL);
	close(zfd);
	maps_free(&l);
	close(root);
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
			v[1].path = stackname;
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

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#define GT_PAGES 64
#define GT_GUARD 4

static int gt_pipe[2];
static volatile pid_t gt_tid;

static void *
gt_run(void *arg)
{
	char c;

	(void)arg;
	gt_tid = gettid();
	/* Blocks in read(2): task/TID/syscall then shows its SP. */
	if (read(gt_pipe[0], &c, 1) < 0)
		return arg;
	return NULL;
}

/*
 * glibc 2.42+ on 6.13+: a thread stack with guard pages installed by
 * MADV_GUARD_INSTALL at its low end, inside the stack VMA. Made here by
 * hand (pthread_attr_setstack on our own mapping); counted against a raw
 * pread of pagemap: guard pages are the guard, never "never faulted".
 */
static void
test_stack_live_guard_installed_thread_stack(void **state)
{
	size_t ps = pagesize, n = GT_PAGES;
	struct vma_list ml = { 0 };
	struct pm_reader r;
	struct stack_info si;
	pthread_attr_t attr;
	pthread_t th;
	uint64_t raw[GT_PAGES], sp_page, unf = 0, g58 = 0;
	char *probe, *st;
	int rootfd;
	long idx;

	(void)state;
	/* Independent probe: does this kernel take MADV_GUARD_INSTALL? */
	probe = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	assert_true(probe != MAP_FAILED);
	if (madvise(probe, ps, MADV_GUARD_INSTALL) != 0) {
		fprintf(stderr, "SKIP: MADV_GUARD_INSTALL refused (%s): "
		    "needs Linux 6.13+\n", strerror(errno));
		munmap(probe, 2 * ps);
		skip();
	}
	munmap(probe, 2 * ps);

	st = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_STACK, -1, 0);
	assert_true(st != MAP_FAILED);
	assert_int_equal(madvise(st, GT_GUARD * ps, MADV_GUARD_INSTALL), 0);
	assert_int_equal(pipe(gt_pipe), 0);
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstack(&attr, st, n * ps), 0);
	gt_tid = 0;
	assert_int_equal(pthread_create(&th, &attr, gt_run, NULL), 0);
	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	for (int i = 0; i < 5000; i++) {
		char name[64], *text;
		size_t len;
		long nr = -1;

		if (gt_tid != 0) {
			snprintf(name, sizeof(name), "task/%d/syscall",
			    (int)gt_tid);
			if (procfs_read_file(rootfd, getpid(), name, &text,
			    &len) == 0) {
				if (strncmp(text, "running", 7) != 0)
					nr = strtol(text, NULL, 10);
				free(text);
			}
		}
		if (nr == SYS_read)
			break;
		usleep(1000);
	}

	assert_int_equal(maps_read(rootfd, getpid(), &ml), 0);
	idx = maps_find(&ml, (uintptr_t)st);
	assert_true(idx >= 0);
	/* markers don't split the VMA: one mapping from st up */
	assert_int_equal(ml.v[idx].start, (uintptr_t)st);
	assert_true(ml.v[idx].end >= (uintptr_t)st + n * ps);
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_int_equal(stack_inspect_vma(rootfd, getpid(), gt_tid, &ml,
	    (size_t)idx, &r, &si), 0);
	assert_true(si.sp_known);
	assert_true(si.sp >= (uintptr_t)st + GT_GUARD * ps &&
	    si.sp < (uintptr_t)st + n * ps);

	/* Independent: raw entries of our mapping, bits by number. */
	assert_int_equal(pread(r.fd, raw, n * 8, (off_t)((uintptr_t)st / ps *
	    8)), (ssize_t)(n * 8));
	sp_page = si.sp / ps * ps;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = (uintptr_t)st + i * ps;

		g58 += raw[i] >> 58 & 1;
		if (va < sp_page && !(raw[i] >> 63) && !(raw[i] >> 62 & 1))
			unf++;
	}
	/* 6.15+ name them (bit 58); 6.13/6.14 show swap-format markers. */
	if (g58 != 0)
		assert_int_equal(g58, GT_GUARD);
	assert_int_equal(si.guard_pages, GT_GUARD);
	assert_int_equal(si.guard_low, GT_GUARD * ps);
	assert_int_equal(si.guard_gap, GT_GUARD * ps);
	assert_int_equal(si.below_sp_unfaulted, unf);
	assert_int_equal(si.below_sp_pages, (sp_page - (uintptr_t)st) / ps);
	fprintf(stderr, "guarded thread stack %p: %llu guard pages, %llu of "
	    "%llu below SP never faulted\n", (void *)st,
	    (unsigned long long)si.guard_pages,
	    (unsigned long long)si.below_sp_unfaulted,
	    (unsigned long long)si.below_sp_pages);

	assert_int_equal(write(gt_pipe[1], "x", 1), 1);
	pthread_join(th, NULL);
	pthread_attr_destroy(&attr);
	pagemap_close(&r);
	maps_free(&ml);
	close(gt_pipe[0]);
	close(gt_pipe[1]);
	close(rootfd);
	munmap(st, n * ps);
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
	/* whether the kernel gives our SP, read here, not by libvmcore */
	char sys[512] = "";
	FILE *f = fopen("/proc/self/syscall", "r");

	if (f != NULL && fgets(sys, sizeof(sys), f) == NULL)
		sys[0] = '\0';
	if (f != NULL)
		fclose(f);
	if (f == NULL || sys[0] == '\0' || strncmp(sys, "running", 7) == 0) {
		fprintf(stderr, "SKIP part: own SP: /proc/self/syscall gives "
		    "none (%s); containment not checked\n",
		    f == NULL ? strerror(errno) : sys[0] ? "running" : "empty");
	} else {
		assert_true(th[0].sp_known);
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
		cmocka_unit_test(test_stack_guard_markers_not_never_faulted),
		cmocka_unit_test(test_stack_sp_outside_vma_counts_nothing),
	};
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_stack_never_faulted_rule),
		cmocka_unit_test(test_stack_gap_violated_rule),
		cmocka_unit_test(test_stack_proc44_old_thread_labels),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_stack_inspect_live_child),
		cmocka_unit_test(test_stack_threads_self),
		cmocka_unit_test(test_stack_live_guard_installed_thread_stack),
		cmocka_unit_test(test_stack_parsers_survive_mutations),
	};
	int fails;

	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	fails = cmocka_run_group_tests_name("stack_parsers", parsers, NULL,
	    NULL);
	fails += cmocka_run_group_tests_name("stack_fixture", fixture,
	    setup_fixture, teardown_fixture);
	fails += cmocka_run_group_tests_name("stack_rules", rules, NULL, NULL);
	fails += cmocka_run_group_tests_name("stack_live", live, NULL, NULL);
	return fails;
}
