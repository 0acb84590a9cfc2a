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
#include <limits.h>
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
 * Fixture blocks of 512 frames, flags as the kernel's stable_page_flags()
 * sets them: every page of a large folio has KPF_THP (any order, not just
 * PMD) or KPF_HUGE (hugetlb), the first COMPOUND_HEAD, the rest
 * COMPOUND_TAIL.
 */
#define NB	512
#define PFN0	0x12400ULL	/* 512-aligned */
#define HEAD	(BIT(KPF_COMPOUND_HEAD))
#define TAIL	(BIT(KPF_COMPOUND_TAIL))
#define ANONTHP	(BIT(KPF_ANON) | BIT(KPF_MMAP) | BIT(KPF_LRU) | BIT(KPF_THP))

/* nb frames from pfn, split into folios of order pages of kind. */
static void
make_block(uint64_t *pfn, uint64_t *kf, size_t nb, uint64_t first,
    size_t folio, uint64_t kind)
{
	for (size_t i = 0; i < nb; i++) {
		pfn[i] = first + i;
		kf[i] = kind | (i % folio == 0 ? HEAD : TAIL);
	}
}

static void
test_kpage_folio_kind_pmd_thp(void **state)
{
	uint64_t pfn[NB], kf[NB], after = BIT(KPF_ANON) | BIT(KPF_LRU);

	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), KPF_THP);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, &after), KPF_THP);
	/* the next frame heads its own folio: still exactly one PMD folio */
	after = ANONTHP | HEAD;
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, &after), KPF_THP);
	/* the huge zero page: THP + ZERO_PAGE on head and tails */
	make_block(pfn, kf, NB, PFN0, NB, BIT(KPF_THP) | BIT(KPF_ZERO_PAGE));
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), KPF_THP);
}

static void
test_kpage_folio_kind_mthp_is_not_pmd(void **state)
{
	uint64_t pfn[NB], kf[NB];
	static const size_t orders[] = { 2, 4, 16, 32, 64, 128, 256 };

	/* 64K mTHP (16 pages) and every other size below the PMD: each
	 * page carries KPF_THP, but the block is many folios */
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		make_block(pfn, kf, NB, PFN0, orders[o], ANONTHP);
		assert_true(kf[0] & BIT(KPF_THP));
		assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	}
	/* one 1 MiB folio then base pages */
	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	for (size_t i = NB / 2; i < NB; i++)
		kf[i] = BIT(KPF_ANON) | BIT(KPF_LRU);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	/* base pages only */
	for (size_t i = 0; i < NB; i++)
		kf[i] = BIT(KPF_ANON);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
}

static void
test_kpage_folio_kind_pfn_layout(void **state)
{
	uint64_t pfn[NB], kf[NB];

	/* a whole folio's flags, but the head frame is not 512-aligned */
	make_block(pfn, kf, NB, PFN0 + 16, NB, ANONTHP);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	/* aligned, but one frame out of sequence */
	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	pfn[300] += NB;
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	/* a tail missing the kind bit */
	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	kf[511] &= ~BIT(KPF_THP);
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	/* a head without kind: an ordinary compound page (slab, ...) */
	make_block(pfn, kf, NB, PFN0, NB, BIT(KPF_SLAB));
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
	/* block sizes that are no block */
	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	assert_int_equal(kpage_folio_kind(pfn, kf, 1, NULL), 0);
	assert_int_equal(kpage_folio_kind(pfn, kf, 0, NULL), 0);
	assert_int_equal(kpage_folio_kind(pfn, kf, 384, NULL), 0);
}

static void
test_kpage_folio_kind_hugetlb(void **state)
{
	uint64_t pfn[NB], kf[NB], after;

	make_block(pfn, kf, NB, PFN0, NB, BIT(KPF_HUGE));
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), KPF_HUGE);
	/* 2 MiB of a 1 GiB hugetlb page: a tail follows the block */
	after = BIT(KPF_HUGE) | TAIL;
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, &after), 0);
	/* a THP head with hugetlb tails is no folio the kernel makes */
	kf[0] = ANONTHP | HEAD;
	assert_int_equal(kpage_folio_kind(pfn, kf, NB, NULL), 0);
}

/* write n words at word offset off of name in dir fd */
static void
put_words(int dirfd, const char *name, uint64_t off, const uint64_t *w,
    size_t n)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, w, n * 8, (off_t)(off * 8)),
	    (ssize_t)(n * 8));
	close(fd);
}

/* kpage_block_kind on a fixture pagemap and kpageflags (build dir). */
static void
test_kpage_block_kind_files(void **state)
{
	char dir[] = "kpblockXXXXXX";
	uint64_t pfn[NB], kf[NB], pm[NB], va = 0x40000000ULL, after;
	size_t ps = 4096;
	struct pm_reader r;
	struct kpage k;
	int rootfd, fd;

	assert_non_null(mkdtemp(dir));
	rootfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	/* block 0 at va: one PMD THP; block 1: 64K folios; block 2: a
	 * page absent; block 3: the PMD THP's frames again, but hidden */
	make_block(pfn, kf, NB, PFN0, NB, ANONTHP);
	put_words(rootfd, "kpageflags", PFN0, kf, NB);
	after = 0;
	put_words(rootfd, "kpageflags", PFN0 + NB, &after, 1);
	make_block(pfn, kf, NB, PFN0 + 2 * NB, 16, ANONTHP);
	put_words(rootfd, "kpageflags", PFN0 + 2 * NB, kf, NB);
	for (size_t i = 0; i < NB; i++)
		pm[i] = BIT(63) | BIT(56) | (PFN0 + i);
	put_words(rootfd, "pagemap", va / ps, pm, NB);
	for (size_t i = 0; i < NB; i++)
		pm[i] = BIT(63) | BIT(56) | (PFN0 + 2 * NB + i);
	put_words(rootfd, "pagemap", va / ps + NB, pm, NB);
	pm[7] = 0;
	put_words(rootfd, "pagemap", va / ps + 2 * NB, pm, NB);
	for (size_t i = 0; i < NB; i++)
		pm[i] = BIT(63) | BIT(56);	/* PFN 0: hidden */
	put_words(rootfd, "pagemap", va / ps + 3 * NB, pm, NB);

	fd = openat(rootfd, "pagemap", O_RDONLY);
	assert_true(fd >= 0);
	pagemap_init_fd(&r, fd, ps);
	r.caps.pfn_visible = 0;	/* as without CAP_SYS_ADMIN: 0 is hidden */
	kpage_open(&k, rootfd);
	assert_true(k.flags_fd >= 0);
	assert_int_equal(kpage_block_kind(&k, &r, va, NB), KPF_THP);
	assert_int_equal(kpage_block_kind(&k, &r, va + NB * ps, NB), 0);
	assert_int_equal(kpage_block_kind(&k, &r, va + 2 * NB * ps, NB), 0);
	assert_int_equal(kpage_block_kind(&k, &r, va + 3 * NB * ps, NB), -1);
	assert_int_equal(errno, EPERM);
	kpage_close(&k);
	/* without kpageflags the answer is "unknown", never "no" */
	assert_int_equal(kpage_block_kind(&k, &r, va, NB), -1);
	pagemap_close(&r);

	unlinkat(rootfd, "kpageflags", 0);
	unlinkat(rootfd, "pagemap", 0);
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

/* A scratch sys tree holding only hpage_pmd_size = text (NULL: no file). */
static int
sys_with_pmd(char *dir, size_t len, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int fd;

	snprintf(dir, len, "%s/vmpeek-sys.XXXXXX", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kernel", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/mm", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/mm/transparent_hugepage", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	if (text != NULL) {
		strlcat(path, "/hpage_pmd_size", sizeof(path));
		assert_non_null(f = fopen(path, "w"));
		fputs(text, f);
		assert_int_equal(fclose(f), 0);
	}
	fd = procfs_open_root(dir);
	assert_true(fd >= 0);
	return fd;
}

static void
sys_cleanup(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/kernel/mm/transparent_hugepage/"
	    "hpage_pmd_size", dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/kernel/mm/transparent_hugepage", dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/kernel/mm", dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/kernel", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * The PMD size comes from the sys tree it is given: the fixture's 32 MiB
 * (an arm64 16K-page kernel; this machine says 2 MiB), and 2 MiB for
 * anything it cannot use.
 */
static void
test_kpage_pmd_size_sys_root(void **state)
{
	static const struct {
		const char *text;
		uint64_t want;
	} cases[] = {
		{ "1048576\n", 1048576 },
		{ "536870912", 536870912 },
		{ "3000000\n", 2ULL << 20 },	/* not a power of two */
		{ "0\n", 2ULL << 20 },
		{ "2M\n", 2ULL << 20 },
		{ "", 2ULL << 20 },
		{ NULL, 2ULL << 20 },		/* no such file */
	};
	const char *fx = getenv("FIXTURES");
	char path[PATH_MAX], dir[256];
	int fd;

	(void)state;
	assert_true(kpage_pmd_size(-1) == 2ULL << 20);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = sys_with_pmd(dir, sizeof(dir), cases[i].text);
		if (kpage_pmd_size(fd) != cases[i].want)
			fail_msg("'%s': %llu", cases[i].text ? cases[i].text :
			    "(none)", (unsigned long long)kpage_pmd_size(fd));
		close(fd);
		sys_cleanup(dir);
	}
	if (fx == NULL) {
		fprintf(stderr, "SKIP: FIXTURES is not set (run by make "
		    "check): no fixture sys tree\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/sys", fx);
	assert_true((fd = procfs_open_root(path)) >= 0);
	assert_true(kpage_pmd_size(fd) == 32ULL << 20);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kpage_flag_names_match_uapi),
		cmocka_unit_test(test_kpage_flags_str),
		cmocka_unit_test(test_kpage_fixture_root),
		cmocka_unit_test(test_kpage_folio_kind_pmd_thp),
		cmocka_unit_test(test_kpage_folio_kind_mthp_is_not_pmd),
		cmocka_unit_test(test_kpage_folio_kind_pfn_layout),
		cmocka_unit_test(test_kpage_folio_kind_hugetlb),
		cmocka_unit_test(test_kpage_block_kind_files),
		cmocka_unit_test(test_kpage_live_own_page),
		cmocka_unit_test(test_kpage_pmd_size_sys_root),
	};

	return cmocka_run_group_tests_name("kpage", tests, NULL, NULL);
}
