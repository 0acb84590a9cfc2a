/* test_pagemap: decoding, batched reads of fixtures, live reads of self. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pagemap.h"
#include "pagemap_scan.h"
#include "procfs.h"
#include "pmfixture.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static uint64_t
raw_present(uint64_t pfn, int sd, int excl, int uffd, int file)
{
	return BIT(63) + pfn + (sd ? BIT(55) : 0) + (excl ? BIT(56) : 0) +
	    (uffd ? BIT(57) : 0) + (file ? BIT(61) : 0);
}

static uint64_t
raw_swapped(unsigned int type, uint64_t offset)
{
	return BIT(62) + offset * 32 + type;
}

static uint64_t
raw_guard(void)
{
	return BIT(62) + BIT(58);
}

static size_t pagesize;
static int rootfd = -1;

static void
caps_for(const char *release, int pfn_visible, struct pm_caps *caps)
{
	pagemap_caps_from_release(release, caps);
	caps->pfn_visible = pfn_visible;
}

/* ---------------------------------------------------------------- caps */

/* Versions each flag appeared in, per the kernel's pagemap.rst history. */
static const struct {
	const char *release;
	unsigned int maj, min;
	int old, sd, excl, uffd, guard, file;
} versions[] = {
	{ "3.4.113", 3, 4, 1, 0, 0, 0, 0, 0 },
	{ "3.10.0-1160.el7.x86_64", 3, 10, 1, 0, 0, 0, 0, 1 },
	{ "3.11", 3, 11, 0, 1, 0, 0, 0, 1 },
	{ "4.1.52", 4, 1, 0, 1, 0, 0, 0, 1 },
	{ "4.2.0", 4, 2, 0, 1, 1, 0, 0, 1 },
	{ "5.13.19", 5, 13, 0, 1, 1, 0, 0, 1 },
	/* uffd-wp bit 57: fb8e37f35a2f, merged for 5.14 */
	{ "5.14.0-1-generic", 5, 14, 0, 1, 1, 1, 0, 1 },
	{ "5.16.20-generic", 5, 16, 0, 1, 1, 1, 0, 1 },
	{ "5.17.0", 5, 17, 0, 1, 1, 1, 0, 1 },
	{ "6.14.11", 6, 14, 0, 1, 1, 1, 0, 1 },
	{ "6.15.0-rc1", 6, 15, 0, 1, 1, 1, 1, 1 },
	{ "6.18.44-fc-v769", 6, 18, 0, 1, 1, 1, 1, 1 },
	{ "10.0.0", 10, 0, 0, 1, 1, 1, 1, 1 },
};
#define NVERSIONS (sizeof(versions) / sizeof(versions[0]))

static uint32_t
expected_known(size_t i)
{
	return PMF_PRESENT | PMF_SWAPPED |
	    (versions[i].file ? PMF_FILE_SHARED : 0) |
	    (versions[i].sd ? PMF_SOFT_DIRTY : 0) |
	    (versions[i].excl ? PMF_EXCLUSIVE : 0) |
	    (versions[i].uffd ? PMF_UFFD_WP : 0) |
	    (versions[i].guard ? PMF_GUARD : 0);
}

static void
test_pagemap_caps_by_version(void **state)
{
	struct pm_caps c;

	for (size_t i = 0; i < NVERSIONS; i++) {
		pagemap_caps_from_release(versions[i].release, &c);
		assert_int_equal(c.kmajor, versions[i].maj);
		assert_int_equal(c.kminor, versions[i].min);
		assert_int_equal(c.old_layout, versions[i].old);
		assert_int_equal(c.known, expected_known(i));
		assert_int_equal(c.pfn_visible, -1);
	}
	pagemap_caps_from_release("not-a-version", &c);
	assert_false(c.known & PMF_GUARD);
	assert_true(c.known & PMF_PRESENT);
}

/*
 * Independent of pagemap.c: does the kernel show this process PFNs? A
 * touched page of ours read through /proc/self/pagemap with plain pread.
 */
static int
indep_pfn_visible(void)
{
	char *p = mmap(NULL, pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t raw = 0;
	int fd, ret = -1;

	assert_true(p != MAP_FAILED);
	p[0] = 1;
	fd = open("/proc/self/pagemap", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &raw, 8, (off_t)((uintptr_t)p / pagesize *
	    8)), 8);
	if (raw & BIT(63))
		ret = (raw & (BIT(55) - 1)) != 0;
	close(fd);
	munmap(p, pagesize);
	return ret;
}

/* Independent of pagemap.c: "sd" VmFlag of a fresh mapping (below). */
static int smaps_has_sd(void);

static void
test_pagemap_caps_running(void **state)
{
	struct pm_caps c;
	struct utsname u;
	unsigned int maj, min;
	int sd;

	pagemap_caps_running(rootfd, &c);
	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%u.%u", &maj, &min), 2);
	assert_int_equal(c.kmajor, maj);
	assert_int_equal(c.kminor, min);
	/* What the kernel shows us, not CapEff (root in a userns has it). */
	assert_int_equal(c.pfn_visible, indep_pfn_visible());
	sd = smaps_has_sd();
	assert_int_equal(!!(c.known & PMF_SOFT_DIRTY), sd == 1);
	fprintf(stderr, "note: pfn_visible %d, soft-dirty %s\n",
	    c.pfn_visible, sd == 1 ? "tracked" : "not tracked (unknown)");
	/* No root fd: the release's caps, no probe. */
	pagemap_caps_running(-1, &c);
	assert_int_equal(c.pfn_visible, -1);
	assert_true(c.known & PMF_SOFT_DIRTY);
}

/*
 * A fixture tree with no "self" can't answer the probes: PFN visibility
 * stays unknown and soft-dirty unknown, never a guess.
 */
static void
test_pagemap_caps_probe_fixture_without_self(void **state)
{
	char dir[] = "pmrootXXXXXX";
	struct pm_caps c;
	int fd;

	assert_non_null(mkdtemp(dir));
	fd = procfs_open_root(dir);
	assert_true(fd >= 0);
	assert_int_equal(pagemap_probe_pfn_visible(fd), -1);
	assert_int_equal(pagemap_probe_soft_dirty(fd), -1);
	pagemap_caps_running(fd, &c);
	assert_int_equal(c.pfn_visible, -1);
	assert_false(c.known & PMF_SOFT_DIRTY);
	assert_true(c.known & PMF_PRESENT);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

/* ---------------------------------------------------------------- decode */

static void
test_pagemap_decode_present_all_combinations(void **state)
{
	static const uint64_t pfns[] = { 1, 0x12345, 0x7fffffffffffffULL,
	    BIT(54) };
	struct pm_caps caps;
	struct pm_entry e;

	caps_for("6.18.0", 1, &caps);
	for (size_t p = 0; p < sizeof(pfns) / sizeof(pfns[0]); p++) {
		for (int combo = 0; combo < 16; combo++) {
			int sd = combo & 1, excl = (combo >> 1) & 1;
			int uffd = (combo >> 2) & 1, file = (combo >> 3) & 1;
			uint64_t raw = raw_present(pfns[p], sd, excl, uffd,
			    file);
			uint32_t want = PMF_PRESENT |
			    (sd ? PMF_SOFT_DIRTY : 0) |
			    (excl ? PMF_EXCLUSIVE : 0) |
			    (uffd ? PMF_UFFD_WP : 0) |
			    (file ? PMF_FILE_SHARED : 0);

			pagemap_decode(raw, &caps, &e);
			assert_int_equal(e.raw, raw);
			assert_int_equal(e.flags, want);
			assert_int_equal(e.known, caps.known);
			assert_true(e.pfn_valid);
			assert_int_equal(e.pfn, pfns[p]);
			assert_false(e.swap_valid);
			assert_int_equal(e.page_shift, 0);
		}
	}
}

static void
test_pagemap_decode_swapped_type_offset(void **state)
{
	static const uint64_t offs[] = { 0, 1, 0x123456789ULL,
	    (uint64_t)1 << 49, ((uint64_t)1 << 50) - 1 };
	struct pm_caps caps;
	struct pm_entry e;

	caps_for("6.18.0", 1, &caps);
	/* 6.18 (distribution config): types 0-23 are swap areas. */
	for (unsigned int type = 0; type < 24; type++) {
		for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
			if (type == 0 && offs[o] == 0)
				continue;	/* a zeroed frame: hidden */
			for (int excl = 0; excl < 2; excl++) {
				uint64_t raw = raw_swapped(type, offs[o]) +
				    (excl ? BIT(56) : 0) + BIT(61);

				pagemap_decode(raw, &caps, &e);
				assert_int_equal(e.flags, PMF_SWAPPED |
				    PMF_FILE_SHARED |
				    (excl ? PMF_EXCLUSIVE : 0));
				assert_true(e.swap_valid);
				assert_int_equal(e.swap_kind, PMS_SWAP);
				assert_int_equal(e.swap_type, type);
				assert_int_equal(e.swap_offset, offs[o]);
				assert_false(e.pfn_valid);
			}
		}
	}
}

static void
test_pagemap_decode_guard_is_not_swapped(void **state)
{
	struct pm_caps caps;
	struct pm_entry e;

	/* 6.15+: guard marker, although bit 62 is set. */
	caps_for("6.15.0", 1, &caps);
	pagemap_decode(raw_guard(), &caps, &e);
	assert_int_equal(e.flags, PMF_GUARD);
	assert_false(e.flags & PMF_SWAPPED);
	assert_false(e.swap_valid);
	assert_false(e.pfn_valid);
	assert_true(e.known & PMF_GUARD);

	caps_for("6.18.44", 0, &caps);
	pagemap_decode(raw_guard() + BIT(57), &caps, &e);
	assert_int_equal(e.flags, PMF_GUARD | PMF_UFFD_WP);
	assert_false(e.swap_valid);

	/* 6.14 has no guard bit: it must not be reported. */
	caps_for("6.14.0", 1, &caps);
	pagemap_decode(raw_guard(), &caps, &e);
	assert_false(e.flags & PMF_GUARD);
	assert_false(e.known & PMF_GUARD);
}

/*
 * The special swap types, top down from 31, as include/linux/swap.h lays
 * them out for each version (CONFIG_MIGRATION, _MEMORY_FAILURE,
 * _DEVICE_PRIVATE on): written out by hand here, not computed.
 */
static const struct {
	const char *release;
	unsigned int type;
	uint64_t offset;
	enum pm_swap_kind kind;
} swkinds[] = {
	/* < 4.14: hwpoison 29, migration 30-31 */
	{ "4.9.0", 28, 5, PMS_SWAP },
	{ "4.4.0", 28, 5, PMS_SWAP }, { "4.4.0", 29, 5, PMS_HWPOISON },
	{ "4.4.0", 30, 5, PMS_MIGRATION }, { "4.4.0", 31, 5, PMS_MIGRATION },
	/* 4.14-5.13: hwpoison 27, migration 28-29, device 30-31 */
	{ "4.19.0", 26, 5, PMS_SWAP }, { "4.19.0", 27, 5, PMS_HWPOISON },
	{ "5.10.0", 28, 5, PMS_MIGRATION }, { "5.10.0", 29, 5, PMS_MIGRATION },
	{ "5.13.0", 30, 5, PMS_DEVICE }, { "5.13.0", 31, 5, PMS_DEVICE },
	/* 5.14-5.18: hwpoison 25, migration 26-27, device 28-31 */
	{ "5.15.0", 24, 5, PMS_SWAP }, { "5.15.0", 25, 5, PMS_HWPOISON },
	{ "5.15.0", 27, 5, PMS_MIGRATION }, { "5.18.0", 28, 5, PMS_DEVICE },
	{ "5.18.0", 31, 5, PMS_DEVICE },
	/* 5.19-6.1: hwpoison 22, migration 23-25, device 26-29, marker 30,
	 * swapin error 31 */
	{ "6.1.0-26-amd64", 21, 5, PMS_SWAP },
	{ "6.1.0", 22, 5, PMS_HWPOISON }, { "5.19.0", 23, 5, PMS_MIGRATION },
	{ "6.1.0", 25, 5, PMS_MIGRATION }, { "6.1.0", 26, 5, PMS_DEVICE },
	{ "6.1.0", 29, 5, PMS_DEVICE }, { "6.1.0", 30, 1, PMS_MARKER },
	{ "6.1.0", 31, 0, PMS_SWAPIN_ERROR },
	/* 6.2-6.14: hwpoison 23, migration 24-26, device 27-30, marker 31 */
	{ "6.2.0", 22, 5, PMS_SWAP }, { "6.8.0-45-generic", 23, 5,
	    PMS_HWPOISON },
	{ "6.8.0", 24, 5, PMS_MIGRATION }, { "6.8.0", 26, 5, PMS_MIGRATION },
	{ "6.8.0", 27, 5, PMS_DEVICE }, { "6.14.0", 30, 5, PMS_DEVICE },
	{ "6.8.0", 31, 1, PMS_MARKER }, { "6.8.0", 31, 2, PMS_MARKER },
	{ "6.13.0", 31, 4, PMS_GUARD }, { "6.14.2", 31, 4, PMS_GUARD },
	/* 6.15-6.18: hwpoison 24, migration 25-27, device 28-30, marker 31 */
	{ "6.15.0", 23, 5, PMS_SWAP }, { "6.18.0", 24, 5, PMS_HWPOISON },
	{ "6.18.0", 25, 5, PMS_MIGRATION }, { "6.18.0", 27, 5, PMS_MIGRATION },
	{ "6.18.0", 28, 5, PMS_DEVICE }, { "6.18.0", 30, 5, PMS_DEVICE },
	{ "6.18.0", 31, 1, PMS_MARKER },
	/* newer than checked: only the marker is named */
	{ "7.2.0", 20, 5, PMS_SWAP }, { "7.2.0", 21, 5, PMS_SPECIAL },
	{ "7.2.0", 30, 5, PMS_SPECIAL }, { "6.19.0", 31, 4, PMS_GUARD },
	{ "7.2.0", 31, 1, PMS_MARKER },
};

static void
test_pagemap_decode_swap_kinds_by_version(void **state)
{
	struct pm_caps caps;
	struct pm_entry e;

	for (size_t i = 0; i < sizeof(swkinds) / sizeof(swkinds[0]); i++) {
		uint64_t raw = raw_swapped(swkinds[i].type, swkinds[i].offset);
		bool swap = swkinds[i].kind == PMS_SWAP;

		caps_for(swkinds[i].release, 1, &caps);
		pagemap_decode(raw, &caps, &e);
		if (e.swap_kind != swkinds[i].kind)
			fail_msg("%s type %u offset %" PRIu64 ": kind %s, want "
			    "%s", swkinds[i].release, swkinds[i].type,
			    swkinds[i].offset, pagemap_swap_kind_name(e.swap_kind),
			    pagemap_swap_kind_name(swkinds[i].kind));
		assert_int_equal(e.swap_type, swkinds[i].type);
		assert_int_equal(e.swap_offset, swkinds[i].offset);
		assert_int_equal(e.swap_valid, swap);
		/* Only a swap area's page is "swapped"; a guard is guard. */
		assert_int_equal(e.flags, (swap ? PMF_SWAPPED : 0) |
		    (swkinds[i].kind == PMS_GUARD ? PMF_GUARD : 0));
		assert_false(e.pfn_valid);
		assert_non_null(pagemap_swap_kind_name(e.swap_kind));
	}
	/* A uffd-wp marker keeps its bit 57 flag. */
	caps_for("6.8.0", 1, &caps);
	pagemap_decode(raw_swapped(31, 1) + BIT(57), &caps, &e);
	assert_int_equal(e.swap_kind, PMS_MARKER);
	assert_int_equal(e.flags, PMF_UFFD_WP);
	/* Not swap-format at all: no kind. */
	pagemap_decode(raw_present(5, 0, 0, 0, 0), &caps, &e);
	assert_int_equal(e.swap_kind, PMS_NONE);
	assert_null(pagemap_swap_kind_name(PMS_NONE));
	pagemap_decode(0, &caps, &e);
	assert_int_equal(e.swap_kind, PMS_NONE);
}

/*
 * Without CAP_SYS_ADMIN (in the initial namespace) the kernel zeroes the
 * swap frame too: bit 62 with type 0 offset 0 is "hidden", never swap
 * 0:0x0 (offset 0 of a swap area is its header: no page lives there).
 */
static void
test_pagemap_decode_hidden_swap_frame(void **state)
{
	static const char *rel[] = { "5.15.0", "6.1.0", "6.14.0", "6.18.0" };
	struct pm_caps caps;
	struct pm_entry e;

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		for (int vis = -1; vis <= 1; vis++) {
			caps_for(rel[i], vis, &caps);
			pagemap_decode(BIT(62) + BIT(56) + BIT(57), &caps, &e);
			assert_int_equal(e.swap_kind, PMS_HIDDEN);
			assert_int_equal(e.flags, PMF_SWAPPED |
			    PMF_EXCLUSIVE | PMF_UFFD_WP);
			assert_false(e.swap_valid);
			assert_false(e.pfn_valid);
			assert_string_equal(pagemap_swap_kind_name(
			    e.swap_kind), "hidden");
		}
	}
	/* 6.15+: a hidden guard marker still says guard (bit 58). */
	caps_for("6.15.0", 0, &caps);
	pagemap_decode(raw_guard(), &caps, &e);
	assert_int_equal(e.swap_kind, PMS_GUARD);
	assert_int_equal(e.flags, PMF_GUARD);
}

/*
 * 6.13/6.14: MADV_GUARD_INSTALL exists but bit 58 doesn't; as root the
 * marker reads type 31 (SWP_PTE_MARKER), offset PTE_MARKER_GUARD (4).
 */
static void
test_pagemap_decode_guard_marker_6_13(void **state)
{
	static const char *rel[] = { "6.13.0", "6.14.11" };
	struct pm_caps caps;
	struct pm_entry e;

	for (size_t i = 0; i < 2; i++) {
		caps_for(rel[i], 1, &caps);
		pagemap_decode(raw_swapped(31, 4), &caps, &e);
		assert_int_equal(e.swap_kind, PMS_GUARD);
		assert_int_equal(e.flags, PMF_GUARD);
		assert_false(e.flags & PMF_SWAPPED);
		assert_false(e.swap_valid);
		/* Known for this entry (the marker says so), not for all. */
		assert_true(e.known & PMF_GUARD);
		assert_false(caps.known & PMF_GUARD);
		pagemap_decode(raw_present(9, 0, 0, 0, 0), &caps, &e);
		assert_false(e.known & PMF_GUARD);
		/* Hidden frame (not root): can't be told from swap. */
		caps_for(rel[i], 0, &caps);
		pagemap_decode(BIT(62), &caps, &e);
		assert_int_equal(e.swap_kind, PMS_HIDDEN);
		assert_false(e.flags & PMF_GUARD);
	}
}

static void
test_pagemap_decode_unknown_flags_hidden(void **state)
{
	/* Every flag bit set: only those the kernel knows may come back. */
	uint64_t raw = raw_present(0x4242, 1, 1, 1, 1) + BIT(58);
	struct pm_caps caps;
	struct pm_entry e;

	for (size_t i = 0; i < NVERSIONS; i++) {
		uint32_t want;

		if (versions[i].old)
			continue;
		caps_for(versions[i].release, 1, &caps);
		pagemap_decode(raw, &caps, &e);
		want = PMF_PRESENT | PMF_FILE_SHARED | PMF_SOFT_DIRTY |
		    (versions[i].excl ? PMF_EXCLUSIVE : 0) |
		    (versions[i].uffd ? PMF_UFFD_WP : 0) |
		    (versions[i].guard ? PMF_GUARD : 0);
		assert_int_equal(e.flags, want);
		assert_int_equal(e.known, expected_known(i));
		assert_int_equal(e.pfn, 0x4242);
	}
}

static void
test_pagemap_decode_old_layout_page_shift(void **state)
{
	static const unsigned int shifts[] = { 12, 14, 16, 21, 30, 63 };
	struct pm_caps caps;
	struct pm_entry e;

	caps_for("3.10.0", 1, &caps);
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		/* Shift 21 = 0b10101 lands on bits 55, 57, 59. */
		uint64_t raw = BIT(63) + (uint64_t)shifts[i] * BIT(55) + 777;

		pagemap_decode(raw, &caps, &e);
		assert_int_equal(e.page_shift, shifts[i]);
		assert_int_equal(e.flags, PMF_PRESENT);
		assert_int_equal(e.pfn, 777);
		assert_false(e.known & (PMF_SOFT_DIRTY | PMF_EXCLUSIVE |
		    PMF_UFFD_WP | PMF_GUARD));

		raw = BIT(62) + (uint64_t)shifts[i] * BIT(55) +
		    5 * 32 + 3;
		pagemap_decode(raw, &caps, &e);
		assert_int_equal(e.page_shift, shifts[i]);
		assert_int_equal(e.flags, PMF_SWAPPED);
		assert_int_equal(e.swap_type, 3);
		assert_int_equal(e.swap_offset, 5);
	}
	/* 3.4: bit 61 did not exist yet. */
	caps_for("3.4.0", 1, &caps);
	pagemap_decode(BIT(63) + BIT(61) + 12 * BIT(55) + 5, &caps, &e);
	assert_int_equal(e.flags, PMF_PRESENT);
	/* 3.11 on: the same bits are flags, and page_shift stays 0. */
	caps_for("3.11.0", 1, &caps);
	pagemap_decode(BIT(63) + 21 * BIT(55) + 5, &caps, &e);
	assert_int_equal(e.page_shift, 0);
	assert_int_equal(e.flags, PMF_PRESENT | PMF_SOFT_DIRTY);
}

static void
test_pagemap_decode_hidden_pfn(void **state)
{
	struct pm_caps caps;
	struct pm_entry e;
	uint64_t phys;

	for (int vis = -1; vis <= 1; vis++) {
		caps_for("6.18.0", vis, &caps);
		pagemap_decode(raw_present(0, 0, 1, 0, 0), &caps, &e);
		assert_int_equal(e.flags, PMF_PRESENT | PMF_EXCLUSIVE);
		assert_int_equal(e.pfn_valid, vis == 1);
		assert_int_equal(pagemap_phys(&e, 0x1000, 4096, &phys),
		    vis == 1);
	}
	/* Not present: never a PFN, whatever the low bits say. */
	caps_for("6.18.0", 1, &caps);
	pagemap_decode(0x1234, &caps, &e);
	assert_int_equal(e.flags, 0);
	assert_false(e.pfn_valid);
	pagemap_decode(0, &caps, &e);
	assert_int_equal(e.flags, 0);
	assert_false(e.pfn_valid);
	assert_false(e.swap_valid);
}

static void
test_pagemap_counts_add_every_field(void **state)
{
	/* Distinct powers of ten per field, so a missed or swapped field shows. */
	struct pm_counts a = { 1, 10, 100, 1000, 10000, 100000, 1000000,
	    10000000, 100000000 };
	struct pm_counts b = { 2, 20, 200, 2000, 20000, 200000, 2000000,
	    20000000, 200000000 };

	pagemap_counts_add(&a, &b);
	assert_int_equal(a.pages, 3);
	assert_int_equal(a.present, 30);
	assert_int_equal(a.swapped, 300);
	assert_int_equal(a.file_shared, 3000);
	assert_int_equal(a.exclusive, 30000);
	assert_int_equal(a.soft_dirty, 300000);
	assert_int_equal(a.uffd_wp, 3000000);
	assert_int_equal(a.guard, 30000000);
	assert_int_equal(a.unreadable, 300000000);
}

static void
test_pagemap_phys_includes_offset(void **state)
{
	struct pm_caps caps;
	struct pm_entry e;
	uint64_t phys = 0;

	caps_for("6.18.0", 1, &caps);
	pagemap_decode(raw_present(0x12345, 0, 0, 0, 0), &caps, &e);
	assert_true(pagemap_phys(&e, 0x7f0000001abcULL, 4096, &phys));
	assert_int_equal(phys, 0x12345abcULL);
	assert_true(pagemap_phys(&e, 0x7f0000001abcULL, 16384, &phys));
	assert_int_equal(phys, 0x48d15abcULL);
	assert_true(pagemap_phys(&e, 0x7f0000000000ULL, 65536, &phys));
	assert_int_equal(phys, 0x123450000ULL);
	/* The largest PFN times 64 KiB pages does not fit in 64 bits. */
	pagemap_decode(raw_present(BIT(55) - 1, 0, 0, 0, 0), &caps, &e);
	assert_false(pagemap_phys(&e, 0, 65536, &phys));
	pagemap_decode(raw_swapped(1, 2), &caps, &e);
	assert_false(pagemap_phys(&e, 0, 4096, &phys));
}

static void
test_pagemap_flag_names(void **state)
{
	for (unsigned int i = 0; i < PMF_COUNT; i++) {
		const char *n = pagemap_flag_name(1u << i);

		assert_non_null(n);
		assert_string_not_equal(n, "?");
		assert_true(strlen(pagemap_flag_help(1u << i)) > 10);
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(n, pagemap_flag_name(1u << j));
	}
	assert_string_equal(pagemap_flag_name(PMF_PRESENT), "present");
	assert_string_equal(pagemap_flag_name(PMF_GUARD), "guard");
	assert_string_equal(pagemap_flag_name(1u << 20), "?");
}

/* ---------------------------------------------------------------- fixture */

/*
 * The fixture is described by fixture_entry(i) below and written to an
 * unlinked temp file in the build directory (the tests' cwd) when the test
 * runs; fixture_kind(i) gives the category independently of any decoding.
 * 100003 entries: more than one 64K-entry pread batch, short final batch.
 */
#define FIX_N 100003
enum fix_kind { FK_NONE, FK_PRESENT, FK_SWAP, FK_GUARD };

static enum fix_kind
fixture_kind(uint64_t i)
{
	if (i % 7 == 0)
		return FK_PRESENT;
	if (i % 11 == 0)
		return FK_SWAP;
	if (i % 13 == 0)
		return FK_GUARD;
	return FK_NONE;
}

static uint64_t
fixture_entry(uint64_t i)
{
	switch (fixture_kind(i)) {
	case FK_PRESENT:
		return raw_present(1000 + i, 0, i % 3 == 0, i % 17 == 0,
		    i % 5 == 0);
	case FK_SWAP:
		return raw_swapped((unsigned int)(i % 32), i * 3);
	case FK_GUARD:
		return raw_guard();
	default:
		return 0;
	}
}

static int
fixture_file(uint64_t n, size_t extra_bytes)
{
	uint64_t *buf;
	int fd;

	/* one more entry: the partial trailing one comes from it */
	buf = calloc(n + 1, sizeof(*buf));
	assert_non_null(buf);
	for (uint64_t i = 0; i < n; i++)
		buf[i] = fixture_entry(i);
	fd = pmfix_file(buf, n, extra_bytes);
	assert_true(fd >= 0);
	free(buf);
	return fd;
}

static void
fixture_reader(struct pm_reader *r, int fd)
{
	pagemap_init_fd(r, fd, pagesize);
	caps_for("6.18.0", 1, &r->caps);
}

static void
test_pagemap_fixture_read_batches_and_end(void **state)
{
	struct pm_reader r;
	uint64_t *out = calloc(FIX_N + 50, sizeof(*out));
	int fd = fixture_file(FIX_N, 0);
	ssize_t got;

	assert_non_null(out);
	fixture_reader(&r, fd);
	got = pagemap_read(&r, 0, FIX_N + 50, out);
	assert_int_equal(got, FIX_N);
	for (uint64_t i = 0; i < FIX_N; i++)
		if (out[i] != fixture_entry(i))
			fail_msg("entry %" PRIu64 " differs", i);
	assert_int_equal(r.bytes_read, (uint64_t)FIX_N * 8);
	/* 64K + the short rest + the 0-byte read that finds the end. */
	assert_int_equal(r.preads, 3);

	/* Unaligned vaddr: the page holding it. */
	got = pagemap_read(&r, 777 * pagesize + 5, 3, out);
	assert_int_equal(got, 3);
	assert_int_equal(out[0], fixture_entry(777));
	assert_int_equal(out[2], fixture_entry(779));

	/* Straddling the end, at it, past it, far past it. */
	got = pagemap_read(&r, (FIX_N - 2) * pagesize, 10, out);
	assert_int_equal(got, 2);
	assert_int_equal(out[1], fixture_entry(FIX_N - 1));
	assert_int_equal(pagemap_read(&r, FIX_N * pagesize, 10, out), 0);
	assert_int_equal(pagemap_read(&r, (FIX_N + 9) * pagesize, 1, out), 0);
	assert_int_equal(pagemap_read(&r, 0xffffffffff600000ULL, 1, out), 0);
	assert_int_equal(pagemap_read(&r, UINT64_MAX, 1, out), 0);
	assert_int_equal(pagemap_read(&r, 0, 0, out), 0);

	/* A bad fd is an error, not "end". */
	r.fd = -1;
	assert_int_equal(pagemap_read(&r, 0, 1, out), -1);
	assert_int_equal(errno, EBADF);
	close(fd);
	free(out);
}

static void
test_pagemap_fixture_partial_trailing_entry(void **state)
{
	struct pm_reader r;
	uint64_t out[8];
	int fd = fixture_file(5, 4);

	fixture_reader(&r, fd);
	assert_int_equal(pagemap_read(&r, 0, 8, out), 5);
	assert_int_equal(out[4], fixture_entry(4));
	close(fd);
}

static void
fixture_expect(uint64_t from, uint64_t to, struct pm_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (uint64_t i = from; i < to; i++) {
		if (!pmfix_counted(c, i, FIX_N))
			continue;
		switch (fixture_kind(i)) {
		case FK_PRESENT:
			c->present++;
			c->exclusive += i % 3 == 0;
			c->uffd_wp += i % 17 == 0;
			c->file_shared += i % 5 == 0;
			break;
		case FK_SWAP:
			/*
			 * 6.18: types 24-31 are not swap areas (hwpoison,
			 * migration, device, marker); a marker with bit 2
			 * in its offset is a guard marker.
			 */
			if (i % 32 < 24)
				c->swapped++;
			else if (i % 32 == 31 && (i * 3) & 4)
				c->guard++;
			break;
		case FK_GUARD:
			c->guard++;
			break;
		default:
			break;
		}
	}
}

static void
test_pagemap_fixture_count(void **state)
{
	static const uint64_t ranges[][2] = {
		{ 0, FIX_N }, { 0, FIX_N + 37 }, { 5, 6 }, { 65530, 65540 },
		{ FIX_N - 3, FIX_N + 3 }, { FIX_N, FIX_N + 1000 }, { 42, 42 },
	};
	struct pm_reader r;
	struct pm_counts c, want;
	int fd = fixture_file(FIX_N, 0);

	for (int force = 1; force >= 0; force--) {
		fixture_reader(&r, fd);
		/* A regular file has no PAGEMAP_SCAN: the fallback runs. */
		r.force_pread = force;
		for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]);
		    i++) {
			fixture_expect(ranges[i][0], ranges[i][1], &want);
			assert_int_equal(pagemap_count(&r,
			    ranges[i][0] * pagesize, ranges[i][1] * pagesize,
			    &c), 0);
			assert_counts_equal(&c, &want);
		}
		/* Byte addresses inside pages count whole pages. */
		fixture_expect(10, 21, &want);
		assert_int_equal(pagemap_count(&r, 10 * pagesize + 1,
		    20 * pagesize + 1, &c), 0);
		assert_counts_equal(&c, &want);
		if (!force)
			assert_int_equal(r.scan, 0);
		else
			assert_int_equal(r.ioctls, 0);
	}
	close(fd);
}

/*
 * Sparse fixture: long zero runs with non-zero entries of every kind
 * dropped at the places a zero-run skip can get wrong (first and last
 * entry, both ends of an 8-entry block, a partial last block, pread batch
 * edges, runs of non-zero entries crossing blocks, a lone entry between
 * long runs). Expected counts come from the kind table, not from bits.
 */
#define SPARSE_N (3 * 65536 + 1237)	/* not a multiple of 8 */

enum sp_kind {
	SK_ZERO,
	SK_PRESENT,		/* plain present */
	SK_PRESENT_ALL,		/* present + soft-dirty, excl, uffd-wp, file */
	SK_PRESENT_HIDDEN,	/* present, PFN 0 (no CAP_SYS_ADMIN) + excl */
	SK_SWAP,		/* swapped, type/offset in the low bits */
	SK_SWAP_FLAGS,		/* swapped + excl + file + uffd-wp */
	SK_SWAP_ZERO,		/* swapped, type 0 offset 0: only bit 62 */
	SK_GUARD,		/* guard marker (bit 62 too) */
	SK_GUARD_UFFD,		/* guard + uffd-wp */
	SK_JUNK,		/* not present, not swapped: low bits only */
	SK_NKINDS
};

static uint64_t
sparse_pos(size_t k)
{
	/* Fixed places first, then a spread, all below SPARSE_N. */
	static const uint64_t fixed[] = {
		0, 7, 8, 15, 16, 17, 23, 31, 32, 33, 34, 35, 36, 37, 38, 39,
		40, 1000, 40007, 65535, 65536, 65537, 131071, 131072,
		SPARSE_N - 1237, SPARSE_N - 9, SPARSE_N - 8, SPARSE_N - 5,
		SPARSE_N - 2, SPARSE_N - 1,
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);

	if (k < nfixed)
		return fixed[k];
	/* Scattered, with gaps of thousands of zero entries. */
	return 70001 + (uint64_t)(k - nfixed) * 2203;
}
#define SPARSE_NPOS (30 + 40)

static enum sp_kind
sparse_kind_at(uint64_t i)
{
	for (size_t k = 0; k < SPARSE_NPOS; k++)
		if (sparse_pos(k) == i)
			return (enum sp_kind)(1 + k % (SK_NKINDS - 1));
	return SK_ZERO;
}

static uint64_t
sparse_entry(enum sp_kind kind, uint64_t i)
{
	switch (kind) {
	case SK_PRESENT:
		return raw_present(4096 + i, 0, 0, 0, 0);
	case SK_PRESENT_ALL:
		return raw_present(77 + i, 1, 1, 1, 1);
	case SK_PRESENT_HIDDEN:
		return raw_present(0, 0, 1, 0, 0);
	case SK_SWAP:
		return raw_swapped((unsigned int)(i % 31) + 1, i + 1);
	case SK_SWAP_FLAGS:
		return raw_swapped(3, i) + BIT(56) + BIT(61) + BIT(57);
	case SK_SWAP_ZERO:
		return raw_swapped(0, 0);
	case SK_GUARD:
		return raw_guard();
	case SK_GUARD_UFFD:
		return raw_guard() + BIT(57);
	case SK_JUNK:
		return 0x1234 + i;
	default:
		return 0;
	}
}

/* Expected counts of [from, to) given whether the kernel knows guard. */
static void
sparse_expect(const enum sp_kind *kinds, uint64_t from, uint64_t to,
    bool guard_known, struct pm_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (uint64_t i = from; i < to; i++) {
		if (!pmfix_counted(c, i, SPARSE_N))
			continue;
		switch (kinds[i]) {
		case SK_PRESENT:
			c->present++;
			break;
		case SK_PRESENT_ALL:
			c->present++;
			c->soft_dirty++;
			c->exclusive++;
			c->uffd_wp++;
			c->file_shared++;
			break;
		case SK_PRESENT_HIDDEN:
			c->present++;
			c->exclusive++;
			break;
		case SK_SWAP:
			/*
			 * Types from MAX_SWAPFILES up are no swap area: 24 on
			 * 6.15+ (three device types), 23 on 6.2-6.14 (four).
			 * A marker (31) with offset bit 2 is a guard marker.
			 */
			if ((i % 31) + 1 < (guard_known ? 24 : 23))
				c->swapped++;
			else if ((i % 31) + 1 == 31 && ((i + 1) & 4))
				c->guard++;
			break;
		case SK_SWAP_ZERO:
			c->swapped++;	/* hidden frame: counted as swapped */
			break;
		case SK_SWAP_FLAGS:
			c->swapped++;
			c->exclusive++;
			c->file_shared++;
			c->uffd_wp++;
			break;
		case SK_GUARD:
		case SK_GUARD_UFFD:
			/* Before 6.15 bit 58 means nothing: bit 62 = swap. */
			if (guard_known)
				c->guard++;
			else
				c->swapped++;
			c->uffd_wp += kinds[i] == SK_GUARD_UFFD;
			break;
		default:
			break;
		}
	}
}

static void
test_pagemap_fixture_count_sparse_zero_runs(void **state)
{
	static const uint64_t ranges[][2] = {
		{ 0, SPARSE_N }, { 0, SPARSE_N + 100 }, { 1, SPARSE_N - 1 },
		{ 3, 65541 }, { 9, 15 }, { 16, 40 }, { 33, 34 },
		{ 65530, 131080 }, { SPARSE_N - 13, SPARSE_N + 5 },
		{ 41, 999 },
	};
	static const char *const releases[] = { "6.18.0", "6.14.0" };
	enum sp_kind *kinds = calloc(SPARSE_N, sizeof(*kinds));
	uint64_t *buf = calloc(SPARSE_N, sizeof(*buf));
	size_t seen[SK_NKINDS] = { 0 };
	char name[] = "pmsparseXXXXXX";
	struct pm_reader r;
	struct pm_counts c, want;
	uint64_t nonzero = 0;
	int fd;

	assert_non_null(kinds);
	assert_non_null(buf);
	for (uint64_t i = 0; i < SPARSE_N; i++) {
		kinds[i] = sparse_kind_at(i);
		buf[i] = sparse_entry(kinds[i], i);
		seen[kinds[i]]++;
		nonzero += buf[i] != 0;
	}
	/* The fixture is what it claims: every kind, mostly zero. */
	for (int k = 1; k < SK_NKINDS; k++)
		assert_true(seen[k] >= 3);
	assert_int_equal(nonzero, SPARSE_NPOS);
	assert_int_equal(buf[0] != 0 && buf[SPARSE_N - 1] != 0, 1);
	fd = mkstemp(name);
	assert_true(fd >= 0);
	unlink(name);
	assert_int_equal(write(fd, buf, SPARSE_N * 8),
	    (ssize_t)(SPARSE_N * 8));

	for (size_t v = 0; v < sizeof(releases) / sizeof(releases[0]); v++) {
		for (int force = 1; force >= 0; force--) {
			pagemap_init_fd(&r, fd, pagesize);
			caps_for(releases[v], 1, &r.caps);
			r.force_pread = force;
			for (size_t i = 0; i < sizeof(ranges) /
			    sizeof(ranges[0]); i++) {
				sparse_expect(kinds, ranges[i][0],
				    ranges[i][1], r.caps.known & PMF_GUARD,
				    &want);
				assert_int_equal(pagemap_count(&r,
				    ranges[i][0] * pagesize,
				    ranges[i][1] * pagesize, &c), 0);
				assert_counts_equal(&c, &want);
			}
		}
	}
	/* Sanity of the expectation itself on the whole file. */
	sparse_expect(kinds, 0, SPARSE_N, true, &want);
	assert_true(want.present > 0 && want.swapped > 0 && want.guard > 0 &&
	    want.exclusive > 0 && want.file_shared > 0 && want.uffd_wp > 0 &&
	    want.soft_dirty > 0);
	close(fd);
	free(buf);
	free(kinds);
}

/* ---------------------------------------------------------------- live */

static int
setup_live(void **state)
{
	rootfd = procfs_open_root("/proc");
	return rootfd >= 0 ? 0 : -1;
}

static int
teardown_live(void **state)
{
	if (rootfd >= 0)
		close(rootfd);
	return 0;
}

/* Is the running kernel at least maj.min? uname parsed here, not by
 * libvmcore (whose version table is what the tests check). */
static bool
kernel_ge(unsigned long maj, unsigned long min)
{
	struct utsname u;
	unsigned long a, b;
	char *end;

	assert_int_equal(uname(&u), 0);
	a = strtoul(u.release, &end, 10);
	assert_true(*end == '.');
	b = strtoul(end + 1, NULL, 10);
	return a > maj || (a == maj && b >= min);
}

static void
test_pagemap_live_touched_pages_present(void **state)
{
	const size_t n = 64;
	uint64_t raw[64];
	struct pm_reader r;
	char *p;

	p = mmap(NULL, n * pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < n; i++)
		if (i % 3 == 0 || i == n - 1)
			p[i * pagesize] = (char)(i + 1);
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_int_equal(pagemap_read(&r, (uintptr_t)p, n, raw), (ssize_t)n);
	for (size_t i = 0; i < n; i++) {
		int touched = i % 3 == 0 || i == n - 1;
		struct pm_entry e;

		/* Independent of the decoder: bit 63 straight from raw. */
		assert_int_equal((raw[i] >> 63) & 1, touched);
		pagemap_decode(raw[i], &r.caps, &e);
		assert_int_equal(!!(e.flags & PMF_PRESENT), touched);
		assert_false(e.flags & (PMF_SWAPPED | PMF_GUARD |
		    PMF_FILE_SHARED));
		if (touched) {
			/* A private page written once is ours alone
			 * (bit 56 from 4.2). */
			if (kernel_ge(4, 2)) {
				assert_int_equal((raw[i] >> 56) & 1, 1);
				assert_true(e.flags & PMF_EXCLUSIVE);
			}
			assert_int_equal(e.pfn_valid, r.caps.pfn_visible == 1);
		}
	}
	pagemap_close(&r);
	munmap(p, n * pagesize);
}

struct range {
	uint64_t start, end;
};

/* Our own VMAs, parsed here with sscanf (independent of maps.c). */
static size_t
self_vmas(struct range *v, size_t max)
{
	char line[4096];
	size_t n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		unsigned long long s, e;

		if (sscanf(line, "%llx-%llx", &s, &e) == 2) {
			v[n].start = s;
			v[n].end = e;
			n++;
		}
	}
	fclose(f);
	return n;
}

static bool
counts_same(const struct pm_counts *a, const struct pm_counts *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/*
 * Is PAGEMAP_SCAN usable here? Asked of the kernel with the ioctl itself,
 * not through libvmcore (whose probe is what the tests check); prints why
 * not. The caller then asserts that libvmcore did use it.
 */
static bool
scan_usable(void *addr)
{
	struct page_region reg[1];
	struct pm_scan_arg arg;
	int fd, ret, err;

	fd = open("/proc/self/pagemap", O_RDONLY);
	assert_true(fd >= 0);
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.start = (uintptr_t)addr;
	arg.end = (uintptr_t)addr + pagesize;
	arg.vec = (uintptr_t)reg;
	arg.vec_len = 1;
	arg.category_anyof_mask = PAGE_IS_PRESENT;
	arg.return_mask = PAGE_IS_PRESENT;
	ret = ioctl(fd, PAGEMAP_SCAN, &arg);
	err = errno;
	close(fd);
	if (ret == -1) {
		fprintf(stderr, "SKIP: PAGEMAP_SCAN unavailable (ioctl: %s; "
		    "Linux 6.7+): the scan/pread comparison needs it\n",
		    strerror(err));
		return false;
	}
	return true;
}

/*
 * Does the kernel set pagemap bit 58 on a guard page (Linux 6.15+)? Read
 * with pread, not libvmcore; 1 yes, 0 no.
 */
static int
raw_bit58(void *addr)
{
	uint64_t raw;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &raw, sizeof(raw),
	    (off_t)((uintptr_t)addr / pagesize * sizeof(raw))), sizeof(raw));
	close(fd);
	return (int)((raw >> 58) & 1);
}

/*
 * Has the kernel soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY)? Exactly
 * then a new VMA carries the "sd" VmFlag in smaps. Read from a fresh
 * mapping of our own, with plain string code: 1 yes, 0 no, -1 unknown.
 */
static int
smaps_has_sd(void)
{
	char line[512];
	uintptr_t a;
	int in = 0, ret = -1;
	FILE *f;
	char *p = mmap(NULL, pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	a = (uintptr_t)p;
	f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *end;
		unsigned long long s = strtoull(line, &end, 16), e;

		if (*end == '-' && end != line) {
			e = strtoull(end + 1, NULL, 16);
			in = s <= a && a < e;
		} else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			ret = strstr(line, " sd") != NULL;
			break;
		}
	}
	fclose(f);
	munmap(p, pagesize);
	return ret;
}

/* Ranges whose linear pread is too slow to compare (ASan shadow). */
#define COMPARE_MAX_BYTES (64ULL << 30)

static void
test_pagemap_live_scan_equals_pread(void **state)
{
	static struct range v[4096];
	struct pm_reader rs, rp;
	struct pm_counts cs, cp, cp2;
	size_t n, compared = 0, skipped = 0, moving = 0;
	char *p;

	/* Some pages present, some not, inside one VMA. */
	p = mmap(NULL, 32 * pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < 32; i += 5)
		p[i * pagesize] = 1;

	assert_int_equal(pagemap_open(&rs, rootfd, getpid()), 0);
	assert_int_equal(pagemap_open(&rp, rootfd, getpid()), 0);
	rp.force_pread = true;
	if (!scan_usable(p)) {
		pagemap_close(&rs);
		pagemap_close(&rp);
		munmap(p, 32 * pagesize);
		skip();
	}
	n = self_vmas(v, sizeof(v) / sizeof(v[0]));
	assert_true(n > 3);
	for (size_t i = 0; i < n; i++) {
		if (v[i].end - v[i].start > COMPARE_MAX_BYTES) {
			skipped++;
			continue;
		}
		/*
		 * Our own stack and heap move under us: compare only a scan
		 * count taken between two equal pread counts. A VMA that
		 * never holds still (under ASan its allocator's: every
		 * count's buffer lands on a fresh page, the quarantine keeps
		 * the old ones) is said and left out.
		 */
		bool still = false;

		for (int tries = 0; tries < 5 && !still; tries++) {
			assert_int_equal(pagemap_count(&rp, v[i].start,
			    v[i].end, &cp), 0);
			assert_int_equal(pagemap_count(&rs, v[i].start,
			    v[i].end, &cs), 0);
			assert_int_equal(pagemap_count(&rp, v[i].start,
			    v[i].end, &cp2), 0);
			still = counts_same(&cp, &cp2);
		}
		if (!still) {
			fprintf(stderr, "note: VMA %" PRIx64 "-%" PRIx64
			    " changed between every two reads: not compared\n",
			    v[i].start, v[i].end);
			moving++;
			continue;
		}
		if (!counts_same(&cs, &cp))
			fail_msg("VMA %" PRIx64 "-%" PRIx64 ": scan present %"
			    PRIu64 " pread present %" PRIu64, v[i].start,
			    v[i].end, cs.present, cp.present);
		compared++;
	}
	assert_int_equal(rs.scan, 1);
	assert_true(rs.ioctls > 0);
	assert_int_equal(rp.ioctls, 0);
	/* The region we built: exactly the touched pages. */
	assert_int_equal(pagemap_count(&rs, (uintptr_t)p,
	    (uintptr_t)p + 32 * pagesize, &cs), 0);
	assert_int_equal(cs.present, 7);
	assert_int_equal(cs.pages, 32);
	if (skipped > 0)
		fprintf(stderr, "note: %zu VMAs over %llu GiB not compared "
		    "(linear pread too slow; sanitizer shadow)\n", skipped,
		    COMPARE_MAX_BYTES >> 30);
	fprintf(stderr, "compared %zu VMAs scan vs pread (%zu moving)\n",
	    compared, moving);
	assert_true(compared > 3);
	assert_true(moving <= 2);
	pagemap_close(&rs);
	pagemap_close(&rp);
	munmap(p, 32 * pagesize);
}

static void
test_pagemap_live_sparse_64tb_scan_fast(void **state)
{
	const uint64_t tb64 = 64ULL << 40;
	struct pm_reader r;
	struct pm_counts c;
	struct timespec t0, t1;
	double secs;
	char *p;

	p = mmap(NULL, 16 * pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < 16; i++)
		p[i * pagesize] = 1;
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	if (!scan_usable(p)) {
		pagemap_close(&r);
		munmap(p, 16 * pagesize);
		skip();
	}
	r.bytes_read = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* 64 TB ending just past our mapping: almost all of it empty. */
	assert_int_equal(pagemap_count(&r, (uintptr_t)p + 16 * pagesize - tb64,
	    (uintptr_t)p + 16 * pagesize, &c), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(c.pages, tb64 / pagesize);
	assert_true(c.present >= 16);
	assert_int_equal(c.unreadable, 0);
	/* Only populated regions are read: nowhere near 64 TB / 512. */
	assert_true(r.bytes_read < (64ULL << 20));
	/* the time is information; the byte bound above is the assertion
	 * (speed targets live in bench/, not in timed unit tests) */
	fprintf(stderr, "64 TB count: %.3f s, %" PRIu64 " bytes read, %"
	    PRIu64 " ioctls\n", secs, r.bytes_read, r.ioctls);
	pagemap_close(&r);
	munmap(p, 16 * pagesize);
}

static void
test_pagemap_live_vsyscall_unreadable(void **state)
{
	const uint64_t vs = 0xffffffffff600000ULL;
	struct pm_reader r;
	struct pm_counts c;
	uint64_t raw;

	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_int_equal(pagemap_read(&r, vs, 1, &raw), 0);
	for (int force = 0; force < 2; force++) {
		r.force_pread = force;
		assert_int_equal(pagemap_count(&r, vs, vs + 4096, &c), 0);
		assert_int_equal(c.pages, 4096 / pagesize);
		assert_int_equal(c.unreadable, c.pages);
		assert_int_equal(c.present, 0);
	}
	pagemap_close(&r);
}

static void
test_pagemap_live_guard_region(void **state)
{
	struct pm_reader r;
	struct pm_counts cs, cp;
	uint64_t raw[8];
	char *p;

	p = mmap(NULL, 8 * pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	p[0] = 1;
	p[7 * pagesize] = 1;
	if (madvise(p + 2 * pagesize, 3 * pagesize, MADV_GUARD_INSTALL) ==
	    -1) {
		int err = errno;

		munmap(p, 8 * pagesize);
		if (err == EINVAL) {
			fprintf(stderr, "SKIP: MADV_GUARD_INSTALL not supported "
			    "by this kernel (EINVAL; needs 6.13+)\n");
			skip();
		}
		fail_msg("madvise: %s", strerror(err));
	}
	if (!raw_bit58(p + 2 * pagesize)) {
		struct utsname u;

		fprintf(stderr, "SKIP: kernel %s sets no pagemap bit 58 on a "
		    "guard page (6.15+)\n", uname(&u) == 0 ? u.release : "?");
		munmap(p, 8 * pagesize);
		skip();
	}
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_true(r.caps.known & PMF_GUARD);
	assert_int_equal(pagemap_read(&r, (uintptr_t)p, 8, raw), 8);
	for (int i = 0; i < 8; i++) {
		int guard = i >= 2 && i < 5;
		struct pm_entry e;

		assert_int_equal((raw[i] >> 58) & 1, guard);
		pagemap_decode(raw[i], &r.caps, &e);
		assert_int_equal(!!(e.flags & PMF_GUARD), guard);
		assert_false(e.flags & PMF_SWAPPED);
		assert_false(e.swap_valid);
		if (guard)
			assert_int_equal((raw[i] >> 62) & 1, 1);
	}
	assert_int_equal(pagemap_count(&r, (uintptr_t)p,
	    (uintptr_t)p + 8 * pagesize, &cs), 0);
	r.force_pread = true;
	assert_int_equal(pagemap_count(&r, (uintptr_t)p,
	    (uintptr_t)p + 8 * pagesize, &cp), 0);
	assert_int_equal(cp.guard, 3);
	assert_int_equal(cp.present, 2);
	assert_int_equal(cp.swapped, 0);
	assert_true(counts_same(&cs, &cp));
	pagemap_close(&r);
	munmap(p, 8 * pagesize);
}

/* A mostly empty mapping: the zero-run skip on real pagemap data. */
static void
test_pagemap_live_sparse_pread_equals_scan(void **state)
{
	/* Pages to touch: ends of 8-entry blocks and of a 64K batch. */
	static const size_t touch[] = { 0, 7, 8, 9, 4095, 4096, 65535, 65536,
	    70001 };
	const size_t n = 70003;	/* pages; not a multiple of 8 */
	struct pm_reader r;
	struct pm_counts cs, cp;
	size_t len = n * pagesize, ntouch = sizeof(touch) / sizeof(touch[0]);
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(p != MAP_FAILED);
	/* THP "always" would fault in 512 pages per touch: keep it exact. */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < ntouch; i++)
		p[touch[i] * pagesize] = 1;
	p[(n - 1) * pagesize] = 1;
	ntouch++;
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	r.force_pread = true;
	assert_int_equal(pagemap_count(&r, (uintptr_t)p, (uintptr_t)p + len,
	    &cp), 0);
	assert_int_equal(cp.pages, n);
	assert_int_equal(cp.present, ntouch);
	assert_int_equal(cp.swapped + cp.guard + cp.unreadable, 0);
	if (kernel_ge(4, 2))	/* bit 56 from 4.2 */
		assert_int_equal(cp.exclusive, ntouch);
	r.force_pread = false;
	if (!scan_usable(p)) {
		pagemap_close(&r);
		munmap(p, len);
		skip();
	}
	assert_int_equal(pagemap_count(&r, (uintptr_t)p, (uintptr_t)p + len,
	    &cs), 0);
	assert_true(r.ioctls > 0);	/* the kernel has it: it was used */
	assert_true(counts_same(&cs, &cp));
	pagemap_close(&r);
	munmap(p, len);
}

static void
test_pagemap_live_soft_dirty(void **state)
{
	int sd = smaps_has_sd();
	struct pm_reader r;
	uint64_t raw[4];
	int fd;
	char *p;

	if (sd != 1) {
		fprintf(stderr, "SKIP: soft-dirty: %s\n", sd == 0 ?
		    "CONFIG_MEM_SOFT_DIRTY is off (a new VMA has no 'sd' "
		    "VmFlag in smaps)" : "no VmFlags in /proc/self/smaps");
		skip();
	}
	p = mmap(NULL, 4 * pagesize, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	p[0] = 1;
	p[pagesize] = 1;
	/* Clearing our own soft-dirty bits only touches this process. */
	fd = open("/proc/self/clear_refs", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "4", 1), 1);
	close(fd);
	p[pagesize] = 2;
	assert_int_equal(pagemap_open(&r, rootfd, getpid()), 0);
	assert_int_equal(pagemap_read(&r, (uintptr_t)p, 2, raw), 2);
	for (int i = 0; i < 2; i++) {
		struct pm_entry e;

		pagemap_decode(raw[i], &r.caps, &e);
		assert_int_equal(!!(e.flags & PMF_SOFT_DIRTY), i == 1);
	}
	pagemap_close(&r);
	munmap(p, 4 * pagesize);
}

/* pagemap_buf_alloc: zeroed, on a page boundary, refuses 0 and overflow. */
static void
test_pagemap_buf_alloc(void **state)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t *b;

	(void)state;
	for (size_t n = 1; n <= 8193; n += 4096) {
		b = pagemap_buf_alloc(n, ps);
		assert_non_null(b);
		assert_int_equal((uintptr_t)b % ps, 0);
		for (size_t i = 0; i < n; i++)
			assert_true(b[i] == 0);
		free(b);
	}
	errno = 0;
	assert_null(pagemap_buf_alloc(0, ps));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(pagemap_buf_alloc(SIZE_MAX / 4, ps));
	assert_int_equal(errno, ENOMEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagemap_buf_alloc),
		cmocka_unit_test(test_pagemap_caps_by_version),
		cmocka_unit_test(test_pagemap_caps_probe_fixture_without_self),
		cmocka_unit_test(test_pagemap_decode_present_all_combinations),
		cmocka_unit_test(test_pagemap_decode_swapped_type_offset),
		cmocka_unit_test(test_pagemap_decode_guard_is_not_swapped),
		cmocka_unit_test(test_pagemap_decode_swap_kinds_by_version),
		cmocka_unit_test(test_pagemap_decode_hidden_swap_frame),
		cmocka_unit_test(test_pagemap_decode_guard_marker_6_13),
		cmocka_unit_test(test_pagemap_decode_unknown_flags_hidden),
		cmocka_unit_test(test_pagemap_decode_old_layout_page_shift),
		cmocka_unit_test(test_pagemap_decode_hidden_pfn),
		cmocka_unit_test(test_pagemap_phys_includes_offset),
		cmocka_unit_test(test_pagemap_counts_add_every_field),
		cmocka_unit_test(test_pagemap_flag_names),
		cmocka_unit_test(test_pagemap_fixture_read_batches_and_end),
		cmocka_unit_test(test_pagemap_fixture_partial_trailing_entry),
		cmocka_unit_test(test_pagemap_fixture_count),
		cmocka_unit_test(test_pagemap_fixture_count_sparse_zero_runs),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_pagemap_caps_running),
		cmocka_unit_test(test_pagemap_live_touched_pages_present),
		cmocka_unit_test(test_pagemap_live_scan_equals_pread),
		cmocka_unit_test(test_pagemap_live_sparse_64tb_scan_fast),
		cmocka_unit_test(test_pagemap_live_vsyscall_unreadable),
		cmocka_unit_test(test_pagemap_live_guard_region),
		cmocka_unit_test(test_pagemap_live_sparse_pread_equals_scan),
		cmocka_unit_test(test_pagemap_live_soft_dirty),
	};
	long ps = sysconf(_SC_PAGESIZE);
	int fails;

	pagesize = ps > 0 ? (size_t)ps : 4096;
	fails = cmocka_run_group_tests_name("pagemap", tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("pagemap_live", live, setup_live,
	    teardown_live);
	return fails;
}
