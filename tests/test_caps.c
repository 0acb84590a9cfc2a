/* test_caps: what this machine can show, from fixture /proc and /sys trees and a faked PAGEMAP_SCAN. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "pagemap.h"
#include "pagemap_scan.h"
#include "procfs.h"

/*
 * Each test writes the few files it needs into a fresh scratch tree,
 * proc/ and sys/, laid out as the kernel does, and opens both as the
 * root fds caps_gather takes. proc/self is a plain directory (status,
 * uid_map), not a link: procfs_self_pid then fails, so the probes that
 * ask the kernel about a mapping of our own say "could not tell", which
 * is checked too.
 */
struct tree {
	char dir[256];
	int proc, sys;
};

static void
mkdirs(const char *path)
{
	char buf[PATH_MAX];

	strlcpy(buf, path, sizeof(buf));
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(buf, 0755);
		*p = '/';
	}
	(void)mkdir(buf, 0755);
}

/* put(t, "proc/swaps", text): write one file of the tree. */
static void
put(struct tree *t, const char *rel, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	strlcpy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	assert_non_null(slash);
	*slash = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[PATH_MAX];

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/vmpeek-caps.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/proc", t->dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/sys", t->dir);
	mkdirs(path);
	t->proc = t->sys = -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tree *t = *state;
	char cmd[PATH_MAX + 16];

	if (t->proc >= 0)
		close(t->proc);
	if (t->sys >= 0)
		close(t->sys);
	/* The tree is ours, made by mkdtemp above. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* Open proc/ and sys/ of the tree and gather. */
static void
gather(struct tree *t, struct vm_caps *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/proc", t->dir);
	t->proc = procfs_open_root(path);
	assert_true(t->proc >= 0);
	snprintf(path, sizeof(path), "%s/sys", t->dir);
	t->sys = procfs_open_root(path);
	assert_true(t->sys >= 0);
	caps_gather(t->proc, t->sys, c);
}

static void
assert_why(const struct vm_caps *c, enum caps_id id, const char *part)
{
	const struct caps_item *it = &c->item[id];

	assert_false(it->available);
	if (strstr(it->why, part) == NULL)
		fail_msg("%s: why '%s' lacks '%s'", caps_key(id), it->why, part);
}

static void
assert_yes(const struct vm_caps *c, enum caps_id id)
{
	if (!c->item[id].available)
		fail_msg("%s: not available: %s", caps_key(id),
		    c->item[id].why);
	assert_string_equal(c->item[id].why, "");
}

#define SWAPS_HEAD "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

static void
test_caps_swap_active(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "proc/swaps", SWAPS_HEAD
	    "/swap\\040file\t\t\t\tfile\t\t1048572\t\t512\t\t-2\n");
	gather(t, &c);
	assert_yes(&c, CAPS_SWAP);
	assert_int_equal(c.nswap, 1);
	assert_string_equal(c.swap[0].name, "/swap file");
	assert_int_equal(c.swap[0].size_kb, 1048572);
}

static void
test_caps_swap_none(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "proc/swaps", SWAPS_HEAD);
	gather(t, &c);
	assert_why(&c, CAPS_SWAP, "no swap area is active");
	assert_int_equal(c.nswap, 0);
}

static void
test_caps_swap_no_file(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	gather(t, &c);
	assert_why(&c, CAPS_SWAP, "no /proc/swaps");
}

static void
test_caps_thp_madvise(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "sys/kernel/mm/transparent_hugepage/enabled",
	    "always [madvise] never\n");
	put(t, "sys/kernel/mm/transparent_hugepage/defrag",
	    "always defer defer+madvise [madvise] never\n");
	put(t, "sys/kernel/mm/transparent_hugepage/use_zero_page", "0\n");
	put(t, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
	    "2097152\n");
	gather(t, &c);
	assert_yes(&c, CAPS_THP);
	assert_string_equal(c.thp_mode, "madvise");
	assert_string_equal(c.thp_defrag, "madvise");
	assert_int_equal(c.huge_zero_page, 0);
	assert_int_equal(c.thp_pmd_size, 2097152);
}

static void
test_caps_thp_never(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "sys/kernel/mm/transparent_hugepage/enabled",
	    "always madvise [never]\n");
	gather(t, &c);
	assert_why(&c, CAPS_THP, "[never]");
	assert_string_equal(c.thp_mode, "never");
	assert_int_equal(c.huge_zero_page, -1);
}

static void
test_caps_thp_absent(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	gather(t, &c);
	assert_why(&c, CAPS_THP, "no transparent huge pages");
	assert_string_equal(c.thp_mode, "");
}

static void
test_caps_thp_no_sys(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/proc", t->dir);
	t->proc = procfs_open_root(path);
	assert_true(t->proc >= 0);
	caps_gather(t->proc, -1, &c);
	assert_why(&c, CAPS_THP, "no /sys");
	assert_why(&c, CAPS_HUGETLB, "no hugetlbfs");
}

static void
test_caps_hugetlb_pools(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages",
	    "0\n");
	put(t, "sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages",
	    "0\n");
	put(t, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "3\n");
	put(t, "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
	    "2\n");
	/* meminfo disagrees: sysfs, per size, wins */
	put(t, "proc/meminfo", "HugePages_Total:       9\n");
	gather(t, &c);
	assert_yes(&c, CAPS_HUGETLB);
	assert_int_equal(c.npools, 2);
	assert_int_equal(c.pool[0].size_kb, 2048);
	assert_int_equal(c.pool[0].total, 3);
	assert_int_equal(c.pool[0].free, 2);
	assert_int_equal(c.pool[1].size_kb, 1048576);
	assert_int_equal(c.pool[1].total, 0);
}

static void
test_caps_hugetlb_empty(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
	put(t, "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
	    "0\n");
	gather(t, &c);
	assert_why(&c, CAPS_HUGETLB, "pool is empty");
	assert_int_equal(c.npools, 1);
}

static void
test_caps_hugetlb_meminfo(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "proc/meminfo", "MemTotal:        8000000 kB\n"
	    "HugePages_Total:       5\nHugePages_Free:        4\n"
	    "HugePages_Rsvd:        0\nHugePages_Surp:        0\n"
	    "Hugepagesize:       2048 kB\n");
	gather(t, &c);
	assert_yes(&c, CAPS_HUGETLB);
	assert_int_equal(c.npools, 1);
	assert_int_equal(c.pool[0].size_kb, 2048);
	assert_int_equal(c.pool[0].total, 5);
	assert_int_equal(c.pool[0].free, 4);
}

static void
test_caps_ptrace_scope(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "proc/sys/kernel/yama/ptrace_scope", "0\n");
	gather(t, &c);
	assert_yes(&c, CAPS_PTRACE);
	assert_int_equal(c.ptrace_scope, 0);
	close(t->proc);
	close(t->sys);

	put(t, "proc/sys/kernel/yama/ptrace_scope", "3\n");
	gather(t, &c);
	assert_why(&c, CAPS_PTRACE, "ptrace_scope is 3");
	assert_int_equal(c.ptrace_scope, 3);
	close(t->proc);
	close(t->sys);

	/* 1: CAP_SYS_PTRACE (bit 19) decides */
	put(t, "proc/sys/kernel/yama/ptrace_scope", "1\n");
	put(t, "proc/self/status", "Name:\tx\nCapEff:\t0000000000000000\n");
	gather(t, &c);
	assert_why(&c, CAPS_PTRACE, "PR_SET_PTRACER");
	close(t->proc);
	close(t->sys);
	put(t, "proc/self/status", "Name:\tx\nCapEff:\t0000000000080000\n");
	gather(t, &c);
	assert_yes(&c, CAPS_PTRACE);
	assert_int_equal(c.ptrace_scope, 1);
	close(t->proc);
	close(t->sys);

	put(t, "proc/sys/kernel/yama/ptrace_scope", "junk\n");
	gather(t, &c);
	assert_why(&c, CAPS_PTRACE, "could not tell");
}

static void
test_caps_ptrace_no_yama(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	gather(t, &c);
	assert_yes(&c, CAPS_PTRACE);
	assert_int_equal(c.ptrace_scope, -1);
}

/* Without <root>/self the probes of our own mappings can't answer. */
static void
test_caps_no_self(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	gather(t, &c);
	assert_why(&c, CAPS_PFN_VISIBLE, "could not tell");
	assert_why(&c, CAPS_PAGEMAP_SCAN, "could not tell");
	assert_why(&c, CAPS_SOFT_DIRTY, "could not tell");
	assert_why(&c, CAPS_GUARD, "could not tell");
	assert_why(&c, CAPS_ZERO_PAGE, "could not tell");
	assert_why(&c, CAPS_KPAGEFLAGS, "no /proc/kpageflags");
	assert_null(c.zero_page_by);
	/* every unavailable item says why, every available one doesn't */
	for (int i = 0; i < CAPS_COUNT; i++)
		assert_true(c.item[i].available == (c.item[i].why[0] == '\0'));
}

static void
test_caps_kpageflags_readable(void **state)
{
	struct tree *t = *state;
	struct vm_caps c;

	put(t, "proc/kpageflags", "01234567");
	gather(t, &c);
	assert_true(c.kpageflags_readable);
	/* PFNs unknown here: nothing to look up */
	assert_why(&c, CAPS_KPAGEFLAGS, "PFNs are not visible");
}

static void
test_caps_pfn_why(void **state)
{
	struct tree *t = *state;
	struct caps_item it;
	char path[PATH_MAX];

	put(t, "proc/self/uid_map", "         0       1000          1\n");
	put(t, "proc/self/status", "Name:\tx\nCapEff:\t000001ffffffffff\n");
	snprintf(path, sizeof(path), "%s/proc", t->dir);
	t->proc = procfs_open_root(path);
	assert_true(t->proc >= 0);
	caps_pfn_from_probe(t->proc, 0, &it);
	assert_false(it.available);
	assert_non_null(strstr(it.why, "in a user namespace"));

	put(t, "proc/self/uid_map", "         0          0 4294967295\n");
	put(t, "proc/self/status", "Name:\tx\nCapEff:\t0000000000000000\n");
	caps_pfn_from_probe(t->proc, 0, &it);
	assert_false(it.available);
	assert_non_null(strstr(it.why, "not root"));

	put(t, "proc/self/status", "Name:\tx\nCapEff:\t000001ffffffffff\n");
	caps_pfn_from_probe(t->proc, 0, &it);
	assert_false(it.available);
	assert_null(strstr(it.why, "not root"));
	assert_null(strstr(it.why, "in a user namespace"));
	assert_non_null(strstr(it.why, "zeroes"));

	caps_pfn_from_probe(t->proc, 1, &it);
	assert_true(it.available);
	assert_string_equal(it.why, "");
	caps_pfn_from_probe(t->proc, -1, &it);
	assert_false(it.available);
	assert_non_null(strstr(it.why, "could not tell"));
}

/* ---------------------------------------------------------- PAGEMAP_SCAN */

static int fake_errno;		/* 0: answer; else fail every call so */
static uint64_t fake_refuse;	/* category bits answered with EINVAL */

static int
fake_scan(int fd, void *argp)
{
	struct pm_scan_arg *a = argp;
	uint64_t masks = a->category_mask | a->category_anyof_mask |
	    a->category_inverted | a->return_mask;

	(void)fd;
	if (fake_errno != 0) {
		errno = fake_errno;
		return -1;
	}
	if (masks & fake_refuse) {
		errno = EINVAL;
		return -1;
	}
	a->walk_end = a->end;
	return 0;
}

static void
scan_with(int err, uint64_t refuse, struct vm_caps *c)
{
	struct pm_reader r;

	memset(c, 0, sizeof(*c));
	pagemap_init_fd(&r, -1, 4096);
	r.scan_ioctl = fake_scan;
	fake_errno = err;
	fake_refuse = refuse;
	caps_scan_from_reader(&r, c);
}

static void
test_caps_scan_all(void **state)
{
	struct vm_caps c;

	(void)state;
	scan_with(0, 0, &c);
	assert_yes(&c, CAPS_PAGEMAP_SCAN);
	assert_true(c.scan_categories & PAGE_IS_PRESENT);
	assert_true(c.scan_categories & PAGE_IS_SOFT_DIRTY);
	assert_true(c.scan_categories & PAGE_IS_GUARD);
	assert_int_equal(c.scan_refused, 0);
	assert_true(c.guard_scan);
}

static void
test_caps_scan_old_categories(void **state)
{
	struct vm_caps c;

	(void)state;
	/* a 6.7 kernel: neither soft-dirty (6.8) nor guard (6.16) */
	scan_with(0, PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD, &c);
	assert_yes(&c, CAPS_PAGEMAP_SCAN);
	assert_true(c.scan_categories & PAGE_IS_PRESENT);
	assert_false(c.scan_categories & PAGE_IS_SOFT_DIRTY);
	assert_false(c.scan_categories & PAGE_IS_GUARD);
	assert_int_equal(c.scan_refused, PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD);
	assert_false(c.guard_scan);
	/* 6.8 - 6.15: soft-dirty but no guard */
	scan_with(0, PAGE_IS_GUARD, &c);
	assert_true(c.scan_categories & PAGE_IS_SOFT_DIRTY);
	assert_int_equal(c.scan_refused, PAGE_IS_GUARD);
}

static void
test_caps_scan_missing(void **state)
{
	struct vm_caps c;

	(void)state;
	scan_with(ENOTTY, 0, &c);
	assert_why(&c, CAPS_PAGEMAP_SCAN, "no PAGEMAP_SCAN ioctl");
	assert_int_equal(c.scan_categories, 0);
	assert_int_equal(c.scan_refused, 0);
	scan_with(EFAULT, 0, &c);
	assert_why(&c, CAPS_PAGEMAP_SCAN, "could not tell");
}

/* ---------------------------------------------------------- parsers */

static void
test_caps_parse_choice(void **state)
{
	char w[16];

	(void)state;
	assert_int_equal(caps_parse_choice("always [madvise] never\n", w,
	    sizeof(w)), 0);
	assert_string_equal(w, "madvise");
	assert_int_equal(caps_parse_choice("[always] madvise never", w,
	    sizeof(w)), 0);
	assert_string_equal(w, "always");
	assert_int_equal(caps_parse_choice("always madvise never\n", w,
	    sizeof(w)), -1);
	assert_int_equal(caps_parse_choice("a [] b", w, sizeof(w)), -1);
	assert_int_equal(caps_parse_choice("a [b\n] c", w, sizeof(w)), -1);
	assert_int_equal(caps_parse_choice("[waytoolongforthebuffer]", w,
	    sizeof(w)), -1);
}

static void
test_caps_parse_scope(void **state)
{
	int s = -1;

	(void)state;
	assert_int_equal(caps_parse_scope("2\n", &s), 0);
	assert_int_equal(s, 2);
	assert_int_equal(caps_parse_scope("4\n", &s), -1);
	assert_int_equal(caps_parse_scope("-1\n", &s), -1);
	assert_int_equal(caps_parse_scope("\n", &s), -1);
	assert_int_equal(caps_parse_scope("1 2\n", &s), -1);
}

static void
test_caps_parse_meminfo(void **state)
{
	struct caps_hugepool p;

	(void)state;
	assert_int_equal(caps_parse_meminfo_huge("MemTotal: 1 kB\n"
	    "HugePages_Total:      0\nHugePages_Free:       0\n"
	    "Hugepagesize:    1048576 kB\n", &p), 0);
	assert_int_equal(p.total, 0);
	assert_int_equal(p.size_kb, 1048576);
	assert_int_equal(caps_parse_meminfo_huge("MemTotal: 1 kB\n", &p), -1);
	/* a key that only starts the same is not the key */
	assert_int_equal(caps_parse_meminfo_huge("HugePages_TotalX: 3\n", &p),
	    -1);
}

/*
 * The committed fixture sys tree (tests/fixtures/gen-sys.sh: an arm64
 * 16K-page machine) read through the same root fd the program passes.
 */
static void
test_caps_sys_fixture(void **state)
{
	struct tree *t = *state;
	const char *fx = getenv("FIXTURES");
	char path[PATH_MAX];
	struct vm_caps c;

	if (fx == NULL) {
		fprintf(stderr, "SKIP: FIXTURES is not set (run by make "
		    "check): no fixture sys tree\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/proc", t->dir);
	assert_true((t->proc = procfs_open_root(path)) >= 0);
	snprintf(path, sizeof(path), "%s/sys", fx);
	assert_true((t->sys = procfs_open_root(path)) >= 0);
	caps_gather(t->proc, t->sys, &c);
	assert_yes(&c, CAPS_THP);
	assert_string_equal(c.thp_mode, "always");
	assert_string_equal(c.thp_defrag, "defer+madvise");
	assert_int_equal(c.huge_zero_page, 0);
	assert_int_equal(c.thp_pmd_size, 32 << 20);
	assert_yes(&c, CAPS_HUGETLB);
	assert_int_equal(c.npools, 2);
	assert_int_equal(c.pool[0].size_kb, 2048);
	assert_int_equal(c.pool[0].total, 0);
	assert_int_equal(c.pool[1].size_kb, 32768);
	assert_int_equal(c.pool[1].total, 2);
	assert_int_equal(c.pool[1].free, 1);
}

static void
test_caps_keys(void **state)
{
	static const char *const want[] = { "pfn_visible", "kpageflags",
	    "pagemap_scan", "soft_dirty", "guard", "swap", "thp",
	    "zero_page" };

	(void)state;
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		int found = 0;

		for (int i = 0; i < CAPS_COUNT; i++)
			found += strcmp(caps_key((enum caps_id)i), want[w]) == 0;
		if (found != 1)
			fail_msg("key %s found %d times", want[w], found);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_caps_swap_active),
		T(test_caps_swap_none),
		T(test_caps_swap_no_file),
		T(test_caps_thp_madvise),
		T(test_caps_thp_never),
		T(test_caps_thp_absent),
		T(test_caps_thp_no_sys),
		T(test_caps_sys_fixture),
		T(test_caps_hugetlb_pools),
		T(test_caps_hugetlb_empty),
		T(test_caps_hugetlb_meminfo),
		T(test_caps_ptrace_scope),
		T(test_caps_ptrace_no_yama),
		T(test_caps_no_self),
		T(test_caps_kpageflags_readable),
		T(test_caps_pfn_why),
		cmocka_unit_test(test_caps_scan_all),
		cmocka_unit_test(test_caps_scan_old_categories),
		cmocka_unit_test(test_caps_scan_missing),
		cmocka_unit_test(test_caps_parse_choice),
		cmocka_unit_test(test_caps_parse_scope),
		cmocka_unit_test(test_caps_parse_meminfo),
		cmocka_unit_test(test_caps_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
