/* test_kpage: kpageflags names and decoding, fixture files, a live PFN. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"
#include "pagemap.h"
#include "procfs.h"

#define BIT(n) ((uint64_t)1 << (n))

/* include/uapi/linux/kernel-page-flags.h, bit by bit. */
static const char *const uapi_names[] = {
	"LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU",
	"ACTIVE", "SLAB", "WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON",
	"SWAPCACHE", "SWAPBACKED", "COMPOUND_HEAD", "COMPOUND_TAIL", "HUGE",
	"UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE",
	"ZERO_PAGE", "IDLE", "PGTABLE",
};

static void
test_kpage_flag_names_match_uapi(void **state)
{
	for (unsigned int b = 0; b < 27; b++) {
		assert_non_null(kpage_flag_name(b));
		assert_string_equal(kpage_flag_name(b), uapi_names[b]);
	}
	for (unsigned int b = 27; b < 32; b++)
		assert_null(kpage_flag_name(b));
	/* include/linux/kernel-page-flags.h, the kernel-hacking bits */
	static const char *const hacking[] = { "RESERVED", "MLOCKED",
	    "MAPPEDTODISK", "PRIVATE", "PRIVATE_2", "OWNER_PRIVATE", "ARCH",
	    "UNCACHED", "SOFTDIRTY", "ARCH_2", "ARCH_3" };
	for (unsigned int b = 32; b < 43; b++)
		assert_string_equal(kpage_flag_name(b), hacking[b - 32]);
	for (unsigned int b = 43; b < 80; b++)
		assert_null(kpage_flag_name(b));
	assert_int_equal(KPF_ANON, 12);
	assert_int_equal(KPF_THP, 22);
	assert_int_equal(KPF_PGTABLE, 26);
}

static void
test_kpage_flags_str(void **state)
{
	char buf[256];

	/* An anonymous THP head on the LRU. */
	uint64_t w = BIT(5) + BIT(11) + BIT(12) + BIT(15) + BIT(22);
	assert_int_equal(kpage_flags_str(w, ",", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "LRU,MMAP,ANON,COMPOUND_HEAD,THP");

	assert_int_equal(kpage_flags_str(0, ",", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");

	/* Kernel-hacking bits by name; bits nobody defines by number. */
	w = BIT(0) + BIT(26) + BIT(33) + BIT(29) + BIT(63);
	assert_int_equal(kpage_flags_str(w, " ", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "LOCKED PGTABLE bit29 MLOCKED bit63");

	/* Every bit: every name, in bit order. */
	assert_int_equal(kpage_flags_str(BIT(27) - 1, "|", buf, sizeof(buf)),
	    27);
	assert_non_null(strstr(buf, "ZERO_PAGE|IDLE|PGTABLE"));
	assert_true(strncmp(buf, "LOCKED|ERROR|", 13) == 0);

	/* Too small: whole names only, always terminated. */
	w = BIT(5) + BIT(12) + BIT(22);
	assert_int_equal(kpage_flags_str(w, ",", buf, 8), 1);
	assert_string_equal(buf, "LRU");
	assert_int_equal(kpage_flags_str(w, ",", buf, 9), 2);
	assert_string_equal(buf, "LRU,ANON");
	assert_int_equal(kpage_flags_str(w, ",", buf, 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(kpage_flags_str(w, ",", buf, 0), 0);
}

/* A fake /proc holding kpageflags only (written to the build dir). */
static void
test_kpage_fixture_root(void **state)
{
	char dir[] = "kpfixtureXXXXXX";
	uint64_t words[5], v;
	struct kpage k;
	int rootfd, fd;

	assert_non_null(mkdtemp(dir));
	rootfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	for (int i = 0; i < 5; i++)
		words[i] = BIT(i * 5) + (uint64_t)i;
	fd = openat(rootfd, "kpageflags", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, words, sizeof(words)), sizeof(words));
	close(fd);

	kpage_open(&k, rootfd);
	assert_true(k.flags_fd >= 0);
	assert_int_equal(k.count_fd, -1);
	assert_int_equal(k.count_errno, ENOENT);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(kpage_flags(&k, (uint64_t)i, &v), 0);
		assert_int_equal(v, BIT(i * 5) + (uint64_t)i);
	}
	assert_int_equal(kpage_flags(&k, 5, &v), -1);
	assert_int_equal(errno, ENXIO);
	assert_int_equal(kpage_flags(&k, UINT64_MAX, &v), -1);
	assert_int_equal(kpage_count(&k, 0, &v), -1);
	assert_int_equal(errno, ENOENT);
	kpage_close(&k);
	assert_int_equal(k.flags_fd, -1);

	unlinkat(rootfd, "kpageflags", 0);
	close(rootfd);
	rmdir(dir);
}

/*
 * Live: the PFN behind one of our own anonymous pages. Whether the kernel
 * lets us see it is asked of the kernel directly (open the files, pread
 * our pagemap), never of libvmcore, which must then agree.
 */
static void
test_kpage_live_own_page(void **state)
{
	long ps = sysconf(_SC_PAGESIZE);
	struct pm_reader r;
	struct pm_entry e;
	struct kpage k;
	uint64_t raw, pfn, flags, count;
	char names[512];
	int rootfd, fd, err;
	char *p;

	p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 0x5a, (size_t)ps);
	for (int i = 0; i < 2; i++) {
		const char *f = i == 0 ? "/proc/kpageflags" : "/proc/kpagecount";

		if ((fd = open(f, O_RDONLY)) == -1) {
			err = errno;
			fprintf(stderr, "SKIP: %s: %s (needs root)\n", f,
			    strerror(err));
			munmap(p, (size_t)ps);
			skip();
		}
		close(fd);
	}
	fd = open("/proc/self/pagemap", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &raw, sizeof(raw),
	    (off_t)((uintptr_t)p / (uintptr_t)ps * sizeof(raw))), sizeof(raw));
	close(fd);
	assert_true(raw & BIT(63));
	pfn = raw & (BIT(55) - 1);
	if (pfn == 0) {
		fprintf(stderr, "SKIP: the kernel hides PFNs from us (a "
		    "written page reads PFN 0: no CAP_SYS_ADMIN in the "
		    "initial user namespace)\n");
		munmap(p, (size_t)ps);
		skip();
	}

	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	kpage_open(&k, rootfd);
	assert_true(k.flags_fd >= 0);
	assert_true(k.count_fd >= 0);
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_int_equal(pagemap_read(&r, (uintptr_t)p, 1, &raw), 1);
	pagemap_decode(raw, &r.caps, &e);
	assert_true(e.pfn_valid);
	assert_int_equal(e.pfn, pfn);
	assert_int_equal(kpage_flags(&k, e.pfn, &flags), 0);
	assert_int_equal(kpage_count(&k, e.pfn, &count), 0);
	assert_true(kpage_flags_str(flags, ",", names, sizeof(names)) > 0);
	fprintf(stderr, "pfn %#llx flags %s count %llu\n",
	    (unsigned long long)e.pfn, names, (unsigned long long)count);
	/* A written private anonymous page, mapped once (by us). */
	assert_true(flags & BIT(KPF_ANON));
	assert_true(flags & BIT(KPF_MMAP));
	assert_false(flags & BIT(KPF_BUDDY));
	assert_false(flags & BIT(KPF_SLAB));
	assert_int_equal(count, 1);
	pagemap_close(&r);
	munmap(p, (size_t)ps);
	kpage_close(&k);
	close(rootfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kpage_flag_names_match_uapi),
		cmocka_unit_test(test_kpage_flags_str),
		cmocka_unit_test(test_kpage_fixture_root),
		cmocka_unit_test(test_kpage_live_own_page),
	};

	return cmocka_run_group_tests_name("kpage", tests, NULL, NULL);
}
