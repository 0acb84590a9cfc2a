/* test_pageinfo: pageinfo_diff on decoded fixture entries, and the field names. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pageinfo.h"
#include "pagemap.h"
#include "pagemarks.h"
#include "stack.h"
#include "vmadiff.h"

/* Raw pagemap bits, written out here rather than taken from the decoder. */
#define B_PRESENT	(1ULL << 63)
#define B_SWAPPED	(1ULL << 62)
#define B_FILE		(1ULL << 61)
#define B_GUARD		(1ULL << 58)
#define B_UFFD		(1ULL << 57)
#define B_EXCL		(1ULL << 56)
#define B_SD		(1ULL << 55)
#define SWAP(type, off)	(B_SWAPPED | (uint64_t)(type) | ((uint64_t)(off) << 5))

/* A record as --translate builds it, from a raw entry on a given kernel. */
static struct pageinfo
rec(uint64_t raw, const char *release, int pfn_visible)
{
	struct pageinfo p;
	struct pm_caps c;

	memset(&p, 0, sizeof(p));
	pagemap_caps_from_release(release, &c);
	c.pfn_visible = pfn_visible;
	p.vaddr = 0x7f0000001000;
	p.have_entry = true;
	pagemap_decode(raw, &c, &p.e);
	return p;
}

static uint32_t
diff_raw(uint64_t a, uint64_t b)
{
	struct pageinfo pa = rec(a, "6.18.0", 1), pb = rec(b, "6.18.0", 1);

	return pageinfo_diff(&pa, &pb);
}

static void
test_same_is_empty(void **state)
{
	(void)state;
	assert_int_equal(diff_raw(0, 0), 0);
	assert_int_equal(diff_raw(B_PRESENT | B_EXCL | 1234,
	    B_PRESENT | B_EXCL | 1234), 0);
	assert_int_equal(diff_raw(SWAP(1, 77), SWAP(1, 77)), 0);
}

/* Each flag alone: only its own bit, named by its JSON key. */
static void
test_each_flag_alone(void **state)
{
	static const struct {
		uint64_t bit;
		uint32_t want;
		const char *name;
	} t[] = {
		{ B_FILE, PID_FILE_SHARED, "file_shared" },
		{ B_EXCL, PID_EXCLUSIVE, "exclusive" },
		{ B_SD, PID_SOFT_DIRTY, "soft_dirty" },
		{ B_UFFD, PID_UFFD_WP, "uffd_wp" },
	};
	char names[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t base = B_PRESENT | 0x1000;
		uint32_t m = diff_raw(base, base | t[i].bit);

		assert_int_equal(m, t[i].want);
		assert_string_equal(pageinfo_diff_names(m, ",", names,
		    sizeof(names)), t[i].name);
		/* symmetric */
		assert_int_equal(diff_raw(base | t[i].bit, base), t[i].want);
	}
}

static void
test_pfn_alone(void **state)
{
	(void)state;
	assert_int_equal(diff_raw(B_PRESENT | 0x1000, B_PRESENT | 0x1001),
	    PID_PFN);
}

static void
test_became_present(void **state)
{
	char names[128];
	uint32_t m;

	(void)state;
	m = diff_raw(0, B_PRESENT | B_EXCL | 0x4242);
	assert_int_equal(m, PID_PRESENT | PID_EXCLUSIVE | PID_PFN);
	assert_string_equal(pageinfo_diff_names(m, ",", names, sizeof(names)),
	    "present,exclusive,pfn");
}

static void
test_swap_fields(void **state)
{
	(void)state;
	/* swapped out: present, swapped, pfn, type and offset all change */
	assert_int_equal(diff_raw(B_PRESENT | 0x1000, SWAP(2, 99)),
	    PID_PRESENT | PID_SWAPPED | PID_PFN | PID_SWAP_TYPE |
	    PID_SWAP_OFFSET);
	assert_int_equal(diff_raw(SWAP(2, 99), SWAP(2, 100)), PID_SWAP_OFFSET);
	assert_int_equal(diff_raw(SWAP(2, 99), SWAP(3, 99)), PID_SWAP_TYPE);
}

static void
test_guard(void **state)
{
	(void)state;
	/* a guard marker also sets bit 62: it is not a swapped page */
	assert_int_equal(diff_raw(0, B_GUARD | B_SWAPPED), PID_GUARD);
}

/* PFNs hidden both times: no pfn change even if the raw frames differ. */
static void
test_hidden_pfn_not_compared(void **state)
{
	struct pageinfo a = rec(B_PRESENT, "6.18.0", 0);
	struct pageinfo b = rec(B_PRESENT | B_EXCL, "6.18.0", 0);
	struct pageinfo c = rec(B_PRESENT | 0x5000, "6.18.0", 1);

	(void)state;
	assert_false(a.e.pfn_valid);
	assert_int_equal(pageinfo_diff(&a, &b), PID_EXCLUSIVE);
	/* hidden -> visible: the JSON pfn goes null -> number */
	assert_int_equal(pageinfo_diff(&a, &c), PID_PFN);
	/* a hidden swap frame: type/offset null both times */
	a = rec(B_SWAPPED, "6.18.0", 0);
	b = rec(B_SWAPPED | B_EXCL, "6.18.0", 0);
	assert_int_equal(pageinfo_diff(&a, &b) & (PID_SWAP_TYPE |
	    PID_SWAP_OFFSET), 0);
}

/* unknown -> known is a change (null -> false); unknown both: none. */
static void
test_unknown_to_known(void **state)
{
	struct pageinfo old = rec(B_PRESENT | 0x1000, "3.10.0", 1);
	struct pageinfo old2 = rec(B_PRESENT | 0x1000, "3.10.0", 1);
	struct pageinfo now = rec(B_PRESENT | 0x1000, "6.18.0", 1);
	uint32_t m;

	(void)state;
	assert_int_equal(pageinfo_diff(&old, &old2), 0);
	m = pageinfo_diff(&old, &now);
	/* 3.10 knows present/swapped/file; later kernels add the rest */
	assert_true(m & PID_EXCLUSIVE);
	assert_true(m & PID_UFFD_WP);
	assert_true(m & PID_GUARD);
	assert_false(m & (PID_PRESENT | PID_SWAPPED | PID_PFN));
	/* no entry at all (past the address space) -> an entry */
	old2.have_entry = false;
	assert_int_equal(pageinfo_diff(&old2, &old) & PID_PRESENT,
	    PID_PRESENT);
}

static void
test_names(void **state)
{
	char small[8], buf[256];

	(void)state;
	assert_string_equal(pageinfo_field_name(0), "present");
	assert_string_equal(pageinfo_field_name(PID_COUNT - 1),
	    "swap_offset");
	assert_null(pageinfo_field_name(PID_COUNT));
	assert_string_equal(pageinfo_diff_names(0, ",", buf, sizeof(buf)),
	    "");
	assert_string_equal(pageinfo_diff_names((1u << PID_COUNT) - 1, " ",
	    buf, sizeof(buf)), "present swapped file_shared exclusive "
	    "soft_dirty uffd_wp guard pfn swap_type swap_offset");
	/* truncated, still terminated */
	pageinfo_diff_names(PID_SOFT_DIRTY, ",", small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* pagemarks: a change is marked for PAGEMARKS_FADE refreshes, then fades. */
static void
test_marks_fade(void **state)
{
	struct pageinfo a = rec(0, "6.18.0", 1);
	struct pageinfo b = rec(B_PRESENT | B_EXCL | 0x77, "6.18.0", 1);
	struct pagemarks pm;
	char tok[16];
	bool hide;
	int k;

	(void)state;
	assert_int_equal(pagemarks_init(&pm, 4), 0);
	assert_int_equal(pagemarks_see(&pm, 5, &a.e, &hide), 0);
	/* drawn again in the same refresh: nothing new */
	assert_int_equal(pagemarks_see(&pm, 5, &b.e, &hide), 0);
	pagemarks_tick(&pm);
	assert_int_equal(pagemarks_see(&pm, 5, &b.e, &hide),
	    PID_PRESENT | PID_EXCLUSIVE | PID_PFN);
	assert_false(hide);
	assert_string_equal(pagemarks_token(PID_PRESENT | PID_EXCLUSIVE |
	    PID_PFN, tok, sizeof(tok)), "~PX*");
	for (k = 1; k < PAGEMARKS_FADE; k++) {
		pagemarks_tick(&pm);
		assert_int_not_equal(pagemarks_see(&pm, 5, &b.e, &hide), 0);
	}
	pagemarks_tick(&pm);
	assert_int_equal(pagemarks_see(&pm, 5, &b.e, &hide), 0);
	pagemarks_free(&pm);
}

/* frozen: changes hidden (accumulated) until reveal; then marked. */
static void
test_marks_predict(void **state)
{
	struct pageinfo a = rec(0, "6.18.0", 1);
	struct pageinfo b = rec(B_PRESENT | 0x77, "6.18.0", 1);
	struct pageinfo c = rec(B_PRESENT | B_EXCL | 0x77, "6.18.0", 1);
	struct pagemarks pm;
	bool hide;
	int k;

	(void)state;
	assert_int_equal(pagemarks_init(&pm, 4), 0);
	pagemarks_see(&pm, 1, &a.e, &hide);
	pagemarks_see(&pm, 2, &a.e, &hide);
	assert_int_equal(pagemarks_freeze(&pm, true), 0);
	pagemarks_tick(&pm);
	assert_int_equal(pagemarks_see(&pm, 1, &b.e, &hide), 0);
	assert_true(hide);
	assert_int_equal(pagemarks_see(&pm, 2, &a.e, &hide), 0);
	assert_false(hide);	/* unchanged rows stay visible */
	for (k = 0; k < PAGEMARKS_FADE + 1; k++) {
		pagemarks_tick(&pm);
		pagemarks_see(&pm, 1, &c.e, &hide);
		assert_true(hide);	/* no fading while frozen */
	}
	assert_int_equal(pagemarks_freeze(&pm, false), 1);
	assert_int_equal(pagemarks_see(&pm, 1, &c.e, &hide),
	    PID_PRESENT | PID_EXCLUSIVE | PID_PFN);
	assert_false(hide);
	pagemarks_free(&pm);
}

/* full: the page seen longest ago makes room; no crash, no stale mark. */
static void
test_marks_evict(void **state)
{
	struct pageinfo a = rec(0, "6.18.0", 1);
	struct pageinfo b = rec(B_PRESENT | 0x77, "6.18.0", 1);
	struct pagemarks pm;
	bool hide;

	(void)state;
	assert_int_equal(pagemarks_init(&pm, 2), 0);
	pagemarks_see(&pm, 1, &a.e, &hide);
	pagemarks_tick(&pm);
	pagemarks_see(&pm, 2, &a.e, &hide);
	pagemarks_see(&pm, 3, &a.e, &hide);	/* evicts page 1 */
	assert_int_equal(pm.n, 2);
	pagemarks_tick(&pm);
	/* page 1 is new again: no before to diff */
	assert_int_equal(pagemarks_see(&pm, 1, &b.e, &hide), 0);
	pagemarks_free(&pm);
}

/* vmadiff on hand-made maps: each kind of change alone. */
static struct vma vv_old[4], vv_cur[4];

static void
set(struct vma *v, uint64_t s, uint64_t e)
{
	memset(v, 0, sizeof(*v));
	v->start = s;
	v->end = e;
}

static void
test_vmadiff(void **state)
{
	struct vma_list old = { vv_old, 0, 4 }, cur = { vv_cur, 0, 4 };

	(void)state;
	/* same */
	set(&vv_old[0], 0x1000, 0x5000);
	old.n = 1;
	set(&vv_cur[0], 0x1000, 0x5000);
	cur.n = 1;
	assert_int_equal(vmadiff_one(&old, &cur, 0), 0);
	assert_int_equal(vmadiff_gone(&old, &cur), 0);
	/* grew (stack down, heap up), shrank */
	set(&vv_cur[0], 0x0000, 0x5000);
	assert_int_equal(vmadiff_one(&old, &cur, 0), VMD_GREW);
	set(&vv_cur[0], 0x1000, 0x9000);
	assert_int_equal(vmadiff_one(&old, &cur, 0), VMD_GREW);
	set(&vv_cur[0], 0x1000, 0x3000);
	assert_int_equal(vmadiff_one(&old, &cur, 0), VMD_SHRANK);
	assert_string_equal(vmadiff_token(VMD_SHRANK), "<");
	/* split in three (mprotect of the middle page) */
	set(&vv_cur[0], 0x1000, 0x2000);
	set(&vv_cur[1], 0x2000, 0x3000);
	set(&vv_cur[2], 0x3000, 0x5000);
	cur.n = 3;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(vmadiff_one(&old, &cur, i), VMD_SPLIT);
	/* ... and merged back: the reverse */
	assert_int_equal(vmadiff_one(&cur, &old, 0), VMD_MERGED);
	/* appeared, and gone */
	set(&vv_cur[0], 0x1000, 0x5000);
	set(&vv_cur[1], 0x8000, 0x9000);
	cur.n = 2;
	assert_int_equal(vmadiff_one(&old, &cur, 1), VMD_APPEARED);
	assert_int_equal(vmadiff_one(&old, &cur, 0), 0);
	assert_int_equal(vmadiff_gone(&cur, &old), 1);
	assert_string_equal(vmadiff_token(VMD_APPEARED), "+");
	assert_string_equal(vmadiff_token(0), "");
}

/* The bit numbers the pane prints, from the documented layout (B_*). */
static void
test_flag_bits(void **state)
{
	static const struct {
		uint32_t flag;
		uint64_t bit;
	} t[] = {
		{ PMF_PRESENT, B_PRESENT }, { PMF_SWAPPED, B_SWAPPED },
		{ PMF_FILE_SHARED, B_FILE }, { PMF_EXCLUSIVE, B_EXCL },
		{ PMF_SOFT_DIRTY, B_SD }, { PMF_UFFD_WP, B_UFFD },
		{ PMF_GUARD, B_GUARD },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(1ULL << pageinfo_flag_bit(t[i].flag),
		    t[i].bit);
	assert_int_equal(pageinfo_flag_bit(1u << PMF_COUNT), -1);
}

/* The one-word state the page pane's STATE column shows. */
static void
test_state_words(void **state)
{
	struct pageinfo p;

	(void)state;
	p = rec(B_PRESENT | 0x1000, "6.18.0", 1);
	assert_string_equal(pageinfo_state_word(&p), "present");
	p = rec(SWAP(1, 77), "6.18.0", 1);
	assert_int_equal(pageinfo_state(&p), PIS_SWAPPED);
	assert_string_equal(pageinfo_state_word(&p), "swapped");
	/* a guard marker sets bit 62 too: it is a guard, not swapped */
	p = rec(B_GUARD | B_SWAPPED, "6.18.0", 1);
	assert_string_equal(pageinfo_state_word(&p), "guard");
	p = rec(0, "6.18.0", 1);
	assert_string_equal(pageinfo_state_word(&p), "absent");
	p.have_entry = false;
	assert_string_equal(pageinfo_state_word(&p), "no entry");
}

/* A fixture /proc holding kpageflags: words at PFNs 0x10-0x13. */
static int
kpf_root(char *dir)
{
	/* THP head, THP tail, hugetlb head, a plain anonymous page */
	uint64_t w[4] = { (1ULL << 22) | (1ULL << 15), (1ULL << 22) |
	    (1ULL << 16), (1ULL << 17) | (1ULL << 15), 1ULL << 12 };
	int rootfd, fd;

	assert_non_null(mkdtemp(dir));
	rootfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	fd = openat(rootfd, "kpageflags", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, w, sizeof(w), 0x10 * 8), sizeof(w));
	close(fd);
	return rootfd;
}

/* folio from kflags; PAGE_IS_HUGE regions; why no kflags. */
static void
test_fill_folio_and_regions(void **state)
{
	static const enum pageinfo_folio want[4] = {
		PIF_THP_HEAD, PIF_THP, PIF_HUGETLB, PIF_NONE
	};
	struct pm_region huge = { 0x7f0000400000, 0x7f0000600000, 0 };
	struct pageinfo_ctx c;
	struct pageinfo_pmd none = PAGEINFO_PMD_INIT;
	struct kpage kp;
	struct pageinfo p;
	char dir[] = "pifixtureXXXXXX";
	int rootfd = kpf_root(dir);

	(void)state;
	kpage_open(&kp, rootfd);
	assert_true(kp.flags_fd >= 0);
	memset(&c, 0, sizeof(c));
	c.pagesize = 4096;
	c.kp = &kp;
	c.pmd = none;
	c.no_block_walk = true;
	c.huge = &huge;
	c.nhuge = 1;
	for (int i = 0; i < 4; i++) {
		p = rec(B_PRESENT | (0x10 + (uint64_t)i), "6.18.0", 1);
		pageinfo_fill(&p, &c);
		assert_true(p.have_kflags);
		assert_int_equal(p.folio, want[i]);
		assert_false(p.pmd_mapped);	/* rec's vaddr: not in it */
	}
	p = rec(B_PRESENT | 0x10, "6.18.0", 1);
	p.vaddr = 0x7f00005ff000;
	pageinfo_fill(&p, &c);
	assert_true(p.pmd_mapped);
	/* past the fixture's frames: no kflags, and why */
	p = rec(B_PRESENT | 0x99, "6.18.0", 1);
	pageinfo_fill(&p, &c);
	assert_false(p.have_kflags);
	assert_int_equal(p.folio, PIF_NONE);
	assert_non_null(p.kwhy);
	kpage_close(&kp);
	unlinkat(rootfd, "kpageflags", 0);
	close(rootfd);
	rmdir(dir);
}

#define SBASE	0x7ffd00000000ULL

/* The record of page `page` of the stack VMA v, entry raw, filled in c. */
static struct pageinfo
stack_rec(uint64_t raw, uint64_t page, const struct vma *v,
    struct pageinfo_ctx *c)
{
	struct pageinfo p = rec(raw, "6.18.0", 1);

	p.vaddr = SBASE + page * 4096;
	p.vma = v;
	pageinfo_fill(&p, c);
	return p;
}

/* SP's page and never-faulted pages below it, from a stack view. */
static void
test_fill_stack_marks(void **state)
{
	struct vma v;
	struct stack_info si;
	struct pageinfo_ctx c;
	struct pageinfo p;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.start = SBASE;
	v.end = SBASE + 16 * 4096;
	memset(&si, 0, sizeof(si));
	si.vma_start = v.start;
	si.vma_end = v.end;
	si.sp_known = true;
	si.sp = SBASE + 5 * 4096 + 0x123;
	memset(&c, 0, sizeof(c));
	c.pagesize = 4096;
	c.stack = &si;
	p = stack_rec(B_PRESENT | 0x1000, 5, &v, &c);	/* SP's page */
	assert_true(p.is_sp);
	assert_false(p.never_faulted);
	assert_null(p.stack_why);
	/* below SP: no entry at all is never faulted, a swapped page not */
	p = stack_rec(0, 2, &v, &c);
	assert_false(p.is_sp);
	assert_true(p.never_faulted);
	assert_false(stack_rec(SWAP(1, 5), 2, &v, &c).never_faulted);
	/* above SP: not never-faulted, whatever the entry */
	assert_false(stack_rec(0, 9, &v, &c).never_faulted);
	/* SP unknown: no marks, and why */
	si.sp_known = false;
	si.sp_why = "the thread is running";
	p = stack_rec(0, 2, &v, &c);
	assert_false(p.never_faulted);
	assert_string_equal(p.stack_why, "the thread is running");
	/* no stack view: the context says why */
	c.stack = NULL;
	c.stack_why = "not a stack VMA";
	p = stack_rec(B_PRESENT | 0x1000, 5, &v, &c);
	assert_false(p.is_sp);
	assert_string_equal(p.stack_why, "not a stack VMA");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_is_empty),
		cmocka_unit_test(test_each_flag_alone),
		cmocka_unit_test(test_pfn_alone),
		cmocka_unit_test(test_became_present),
		cmocka_unit_test(test_swap_fields),
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_hidden_pfn_not_compared),
		cmocka_unit_test(test_unknown_to_known),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_marks_fade),
		cmocka_unit_test(test_marks_predict),
		cmocka_unit_test(test_marks_evict),
		cmocka_unit_test(test_vmadiff),
		cmocka_unit_test(test_flag_bits),
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_fill_folio_and_regions),
		cmocka_unit_test(test_fill_stack_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
