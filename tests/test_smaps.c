/* test_smaps: the smaps parser on real-format text, the chunked reader, live THP. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mutate.h"
#include "maps.h"
#include "pagemap.h"
#include "procfs.h"
#include "smaps.h"

static size_t pagesize;

/* Three VMAs as a 6.x kernel prints them: a file, anon THP, hugetlb 1G. */
static const char fixture[] =
    "55d0c8a00000-55d0c8a29000 r--p 00000000 fe:00 1234567"
    "                    /usr/bin/cat\n"
    "Size:                164 kB\n"
    "KernelPageSize:        4 kB\n"
    "MMUPageSize:           4 kB\n"
    "Rss:                 160 kB\n"
    "Pss:                  53 kB\n"
    "Pss_Dirty:             0 kB\n"
    "Shared_Clean:        160 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:         0 kB\n"
    "Private_Dirty:         0 kB\n"
    "Referenced:          160 kB\n"
    "Anonymous:             0 kB\n"
    "KSM:                   0 kB\n"
    "LazyFree:              0 kB\n"
    "AnonHugePages:         0 kB\n"
    "ShmemPmdMapped:        0 kB\n"
    "FilePmdMapped:         0 kB\n"
    "Shared_Hugetlb:        0 kB\n"
    "Private_Hugetlb:       0 kB\n"
    "Swap:                  0 kB\n"
    "SwapPss:               0 kB\n"
    "Locked:                0 kB\n"
    "THPeligible:           0\n"
    "VmFlags: rd mr mw me dw \n"
    "7f3a40000000-7f3a40600000 rw-p 00000000 00:00 0 \n"
    "Size:               6144 kB\n"
    "KernelPageSize:        4 kB\n"
    "MMUPageSize:           4 kB\n"
    "Rss:                4100 kB\n"
    "Pss:                4100 kB\n"
    "Anonymous:          4100 kB\n"
    "AnonHugePages:      4096 kB\n"
    "ShmemPmdMapped:        0 kB\n"
    "FilePmdMapped:         0 kB\n"
    "Shared_Hugetlb:        0 kB\n"
    "Private_Hugetlb:       0 kB\n"
    "Swap:                 12 kB\n"
    "SwapPss:              12 kB\n"
    "Locked:                8 kB\n"
    "THPeligible:           1\n"
    "ProtectionKey:         0\n"
    "VmFlags: rd wr mr mw me ac lo hg zz \n"
    "7f3b00000000-7f3b40000000 rw-s 00000000 00:10 40962"
    "                      /anon_hugepage (deleted)\n"
    "Size:            1048576 kB\n"
    "KernelPageSize:  1048576 kB\n"
    "MMUPageSize:     1048576 kB\n"
    "Rss:                   0 kB\n"
    "Pss:                   0 kB\n"
    "AnonHugePages:         0 kB\n"
    "Shared_Hugetlb:  1048576 kB\n"
    "Private_Hugetlb:       0 kB\n"
    "Swap:                  0 kB\n"
    "Locked:                0 kB\n"
    "THPeligible:           0\n"
    "VmFlags: rd wr sh mr mw me ms de ht dd \n";

static void
test_smaps_parse_real_format(void **state)
{
	struct smaps_list l = { 0 };
	const struct smaps_vma *v;
	char buf[200];

	(void)state;
	assert_int_equal(smaps_parse(fixture, strlen(fixture), &l), 0);
	assert_int_equal(l.n, 3);

	v = &l.v[0];
	assert_true(v->start == 0x55d0c8a00000ULL && v->end == 0x55d0c8a29000ULL);
	assert_true(v->kernel_page_size == 4096 && v->mmu_page_size == 4096);
	assert_true(v->rss == 160 * 1024 && v->pss == 53 * 1024);
	assert_int_equal(v->thp_eligible, 0);
	assert_true(v->has_vmflags);
	/* "dw" is not a code this kernel prints: counted, not guessed */
	assert_int_equal(v->vmflags_unknown, 1);
	assert_string_equal(smaps_vmflags_str(v->vmflags, buf, sizeof(buf)),
	    "rd mr mw me");
	assert_false(smaps_is_hugetlb(v, 4096));
	assert_true(smaps_thp_bytes(v) == 0);

	v = &l.v[1];
	assert_true(v->anon_huge == 4096ULL * 1024);
	assert_true(smaps_thp_bytes(v) == 4096ULL * 1024);
	assert_true(v->swap == 12 * 1024 && v->locked == 8 * 1024);
	assert_int_equal(v->thp_eligible, 1);
	assert_true(v->vmflags & SMF_BIT(SMF_HG));
	assert_true(v->vmflags & SMF_BIT(SMF_LO));
	assert_false(v->vmflags & SMF_BIT(SMF_NH));
	assert_int_equal(v->vmflags_unknown, 1);	/* zz */
	assert_false(smaps_is_hugetlb(v, 4096));

	v = &l.v[2];
	assert_true(v->kernel_page_size == 1ULL << 30);
	assert_true(v->shared_hugetlb == 1ULL << 30);
	assert_true(v->rss == 0);
	assert_true(v->vmflags & SMF_BIT(SMF_HT));
	assert_true(smaps_is_hugetlb(v, 4096));
	assert_string_equal(smaps_vmflags_str(v->vmflags, buf, sizeof(buf)),
	    "rd wr sh mr mw me ms de ht dd");

	assert_ptr_equal(smaps_find(&l, 0x7f3a40000000ULL, 0x7f3a40600000ULL),
	    &l.v[1]);
	assert_null(smaps_find(&l, 0x7f3a40000000ULL, 0x7f3a40400000ULL));
	assert_null(smaps_find(&l, 0x1000, 0x2000));
	smaps_free(&l);
}

static void
test_smaps_parse_malformed(void **state)
{
	struct smaps_list l = { 0 };
	static const char *const bad[] = {
		"Rss:  4 kB\n",					/* no header */
		"7f00-7e00 rw-p 0 00:00 0\n",			/* end < start */
		"7f00-7f10rw-p\n",				/* no space */
		"7f00 7f10 rw-p 0 00:00 0\n",			/* no dash */
		"7f00-7f10 rw-p 0 00:00 0\nRss: lots kB\n",	/* value */
		"7f00-7f10 rw-p 0 00:00 0\nRss 4 kB\n",		/* no colon */
		"10000000000000000-10000000000000001 r 0\n",	/* > 64 bit */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(smaps_parse(bad[i], strlen(bad[i]), &l), -1);
		assert_int_equal(errno, EINVAL);
		smaps_free(&l);
	}
	/* unknown keys and blank lines are fine: newer kernels add keys
	 * (the whole text, the blank line included: its length by sizeof) */
	static const char future[] = "7f00-7f10 rw-p 0 00:00 0\n"
	    "FutureThing:   99 kB\n\nRss: 4 kB\n";
	assert_int_equal(smaps_parse(future, sizeof(future) - 1, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].thp_eligible, -1);
	assert_false(l.v[0].has_vmflags);
	assert_true(l.v[0].rss == 4096);	/* read past the blank line */
	smaps_free(&l);
}

/* Write a fixture tree ROOT/77/smaps and return the root path. */
static char *
fixture_tree(const char *text, size_t len)
{
	char *root = strdup("/tmp/vmpeek-smaps.XXXXXX"), path[256];
	int fd;

	assert_non_null(root);
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/77", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/77/smaps", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_true(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return root;
}

static void
rm_tree(char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/77/smaps", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/77", root);
	rmdir(path);
	rmdir(root);
	free(root);
}

/*
 * The chunked reader must give the same result as the one-shot parser
 * whatever the chunk boundaries, including a path longer than its buffer.
 */
static void
test_smaps_reader_chunks_and_long_line(void **state)
{
	size_t n = 1000, plen = 300 * 1024, len = 0;
	size_t cap = n * 200 + plen + 4096;
	char *text = malloc(cap), *root;
	struct smaps_list whole = { 0 }, got = { 0 };
	struct smaps_reader sr;
	int rootfd, ret, steps = 0;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len,
		    "%zx000-%zx000 rw-p 00000000 00:00 0 ", 0x100 + 4 * i,
		    0x102 + 4 * i);
		if (i == 500) {	/* a pathological file name */
			memset(text + len, 'x', plen);
			len += plen;
		}
		len += (size_t)snprintf(text + len, cap - len, "\nRss: %zu kB\n"
		    "AnonHugePages: %zu kB\nVmFlags: rd wr%s\n", i * 4,
		    i % 7 == 0 ? (size_t)2048 : (size_t)0, i % 3 ? "" : " hg");
	}
	assert_int_equal(smaps_parse(text, len, &whole), 0);
	assert_int_equal(whole.n, n);
	root = fixture_tree(text, len);
	rootfd = procfs_open_root(root);
	assert_true(rootfd >= 0);
	assert_int_equal(smaps_reader_open(&sr, rootfd, 77), 0);
	while ((ret = smaps_reader_step(&sr, 1000)) == 0)
		steps++;
	assert_int_equal(ret, 1);
	assert_true(steps > 3);		/* it really was read in pieces */
	assert_true(sr.bytes == len);
	smaps_reader_take(&sr, &got);
	smaps_reader_close(&sr);
	assert_int_equal(got.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(got.v[i].start == whole.v[i].start);
		assert_true(got.v[i].end == whole.v[i].end);
		assert_true(got.v[i].rss == (uint64_t)i * 4 * 1024);
		assert_true(got.v[i].anon_huge == whole.v[i].anon_huge);
		assert_true(got.v[i].vmflags == whole.v[i].vmflags);
	}
	smaps_free(&got);
	assert_int_equal(smaps_read(rootfd, 77, &got), 0);
	assert_int_equal(got.n, n);
	smaps_free(&got);
	errno = 0;
	assert_int_equal(smaps_read(rootfd, 78, &got), -1);
	assert_true(errno == ENOENT || errno == ESRCH);
	close(rootfd);
	rm_tree(root);
	smaps_free(&whole);
	free(text);
}

/* One VMA of /proc/self/smaps, read by plain string code (not libvmcore). */
struct plain_vma {
	uint64_t start, end, rss_kb, anon_huge_kb;
	int hg;
};

static uint64_t
kb_field(const char *line, const char *key)
{
	size_t k = strlen(key);

	return strncmp(line, key, k) == 0 ? strtoull(line + k, NULL, 10) : 0;
}

/* The smaps entry of the VMA holding a; 0 found, -1 not. */
static int
plain_smaps(uintptr_t a, struct plain_vma *pv)
{
	char line[4096];
	int in = 0, found = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	assert_non_null(f);
	memset(pv, 0, sizeof(*pv));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *end;
		unsigned long long s = strtoull(line, &end, 16);

		if (end != line && *end == '-') {
			unsigned long long e = strtoull(end + 1, NULL, 16);

			in = s <= a && a < e;
			if (in) {
				pv->start = s;
				pv->end = e;
				found = 0;
			}
			continue;
		}
		if (!in)
			continue;
		pv->rss_kb += kb_field(line, "Rss:");
		pv->anon_huge_kb += kb_field(line, "AnonHugePages:");
		if (strncmp(line, "VmFlags:", 8) == 0)
			pv->hg = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return found;
}

/* Present pages in [start, end) by pread of /proc/self/pagemap, bit 63. */
static uint64_t
plain_present(uint64_t start, uint64_t end)
{
	uint64_t raw, n = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	for (uint64_t a = start; a < end; a += pagesize) {
		assert_int_equal(pread(fd, &raw, sizeof(raw),
		    (off_t)(a / pagesize * sizeof(raw))), sizeof(raw));
		n += raw >> 63;
	}
	close(fd);
	return n;
}

/*
 * Live: an aligned 2 MB region with MADV_HUGEPAGE, written; smaps must
 * agree with maps (same VMAs), with a plain reading of smaps, and with
 * pagemap (Rss = present pages, counted by pread here).
 */
static void
test_smaps_live_thp(void **state)
{
	size_t huge = 2UL << 20;
	struct smaps_list l = { 0 };
	struct vma_list ml = { 0 };
	struct plain_vma pv;
	const struct smaps_vma *v = NULL;
	char *p, *a;
	int rootfd;

	(void)state;
	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	p = mmap(NULL, 3 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	a = (char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
	if (madvise(a, huge, MADV_HUGEPAGE) == -1)
		fprintf(stderr, "note: MADV_HUGEPAGE: %s\n", strerror(errno));
	memset(a, 't', huge);

	assert_int_equal(smaps_read(rootfd, PROCFS_SELF, &l), 0);
	assert_int_equal(maps_read(rootfd, PROCFS_SELF, &ml), 0);
	/*
	 * Same VMAs as maps. (Under ASan the allocator may map memory
	 * between the two reads, so a few may differ; the region can't.)
	 */
	size_t same = 0;

	for (size_t i = 0; i < ml.n; i++)
		if (smaps_find(&l, ml.v[i].start, ml.v[i].end) != NULL)
			same++;
	assert_true(same + 4 >= ml.n && same + 4 >= l.n);
	for (size_t i = 0; i < l.n; i++) {
		assert_true(l.v[i].has_vmflags);
		assert_true(l.v[i].kernel_page_size >= pagesize);
		if (i > 0)
			assert_true(l.v[i].start >= l.v[i - 1].end);
		if ((uintptr_t)a >= l.v[i].start && (uintptr_t)a < l.v[i].end)
			v = &l.v[i];
	}
	assert_non_null(v);
	/* the range as a plain reading has it, looked up in libvmcore's list */
	assert_int_equal(plain_smaps((uintptr_t)a, &pv), 0);
	assert_ptr_equal(smaps_find(&l, pv.start, pv.end), v);
	{
		long k = maps_find(&ml, (uintptr_t)a);

		assert_true(k >= 0);
		assert_true(ml.v[k].start == v->start &&
		    ml.v[k].end == v->end);
	}
	assert_non_null(v);
	assert_true(v->vmflags & SMF_BIT(SMF_RD));
	assert_true(v->vmflags & SMF_BIT(SMF_WR));
	assert_true(v->kernel_page_size == pagesize);

	/* Rss against the plain smaps reading and pagemap's present count */
	assert_true(v->rss == pv.rss_kb * 1024);
	assert_true(v->rss == plain_present(v->start, v->end) * pagesize);
	assert_true(v->anon_huge == pv.anon_huge_kb * 1024);

	if (pv.anon_huge_kb == 0) {
		fprintf(stderr, "SKIP part: AnonHugePages stayed 0 for the "
		    "MADV_HUGEPAGE region (THP disabled, or no free 2 MB "
		    "page); the THP assertions were not run\n");
		maps_free(&ml);
		smaps_free(&l);
		munmap(p, 3 * huge);
		close(rootfd);
		skip();
	}
	assert_true(pv.hg);
	assert_true(v->vmflags & SMF_BIT(SMF_HG));
	assert_true(v->anon_huge >= huge);
	assert_true(v->anon_huge % huge == 0);
	assert_true(smaps_thp_bytes(v) >= huge);
	assert_int_equal(v->thp_eligible, 1);
	fprintf(stderr, "live: %#" PRIx64 "-%#" PRIx64 " AnonHugePages %"
	    PRIu64 " kB\n", v->start, v->end, v->anon_huge / 1024);
	maps_free(&ml);
	smaps_free(&l);
	munmap(p, 3 * huge);
	close(rootfd);
}

/* Mutations of this process's real smaps: parse or fail cleanly. */
static void
test_smaps_parse_survives_mutations(void **state)
{
	unsigned int seed = 4242;
	int rootfd = procfs_open_root("/proc");
	char *orig, *buf, *text;
	size_t olen, n;

	assert_true(rootfd >= 0);
	assert_int_equal(procfs_read_file(rootfd, PROCFS_SELF, "smaps", &orig,
	    &olen), 0);
	buf = malloc(olen);
	assert_non_null(buf);
	for (int iter = 0; iter < 3000; iter++) {
		struct smaps_list l;

		memset(&l, 0, sizeof(l));
		memcpy(buf, orig, olen);
		n = mutate(buf, olen, &seed);
		text = exact(buf, n);
		if (smaps_parse(text, n, &l) == 0)
			for (size_t i = 0; i < l.n; i++)
				assert_true(l.v[i].start < l.v[i].end);
		smaps_free(&l);	/* a failed parse keeps what it had */
		free(text);
	}
	free(buf);
	free(orig);
	close(rootfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_parse_real_format),
		cmocka_unit_test(test_smaps_parse_malformed),
		cmocka_unit_test(test_smaps_reader_chunks_and_long_line),
		cmocka_unit_test(test_smaps_live_thp),
		cmocka_unit_test(test_smaps_parse_survives_mutations),
	};

	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	return cmocka_run_group_tests_name("smaps", tests, NULL, NULL);
}
