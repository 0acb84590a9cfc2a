/* test_memdump: the never-fault read of a page through a fixture mem and pagemap, and the xxd lines. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "memdump.h"
#include "pagemap.h"
#include "procfs.h"

/*
 * A scratch /proc root written by the test: <root>/4242/pagemap (binary
 * entries) and <root>/4242/mem (a file whose offset is the virtual
 * address, as the kernel's mem is), plus sys/kernel/yama/ptrace_scope.
 * Pages from BASE: 0 present, 1 not present, 2 swapped, 3 guard marker,
 * 4 present (file page); pagemap ends there, so page 5 has no entry.
 * mem holds a pattern in pages 0 and 4 only.
 */
#define FX_PID		4242
#define BASE_PAGE	16
#define NPAGES		5

static char root[PATH_MAX];
static size_t ps;

static uint64_t
page_va(int i)
{
	return (uint64_t)(BASE_PAGE + i) * ps;
}

/* The byte the fixture's mem holds at vaddr (pages 0 and 4). */
static unsigned char
pattern(uint64_t va)
{
	return (unsigned char)((va * 7 + (va >> 12)) & 0xff);
}

static const uint64_t entries[NPAGES] = {
	PM_PRESENT | PM_EXCLUSIVE | 0x1234,
	0,
	PM_SWAPPED | (5ULL << PM_SWAP_OFFSET_SHIFT) | 1,
	PM_GUARD | PM_SWAPPED,
	PM_PRESENT | PM_FILE_SHARED | 0x5678,
};

static void
path_of(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%d/%s", root, FX_PID, name);
}

static void
write_fixture(void)
{
	char p[PATH_MAX + 64];
	unsigned char *page;
	int fd;

	snprintf(p, sizeof(p), "%s/%d", root, FX_PID);
	assert_int_equal(mkdir(p, 0755), 0);
	path_of("pagemap", p, sizeof(p));
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);
	assert_int_equal(pwrite(fd, entries, sizeof(entries),
	    (off_t)(BASE_PAGE * 8)), (ssize_t)sizeof(entries));
	close(fd);
	path_of("mem", p, sizeof(p));
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_non_null(page = malloc(ps));
	for (int i = 0; i < NPAGES; i += 4) {
		for (size_t k = 0; k < ps; k++)
			page[k] = pattern(page_va(i) + k);
		assert_int_equal(pwrite(fd, page, ps, (off_t)page_va(i)),
		    (ssize_t)ps);
	}
	free(page);
	close(fd);
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	ps = (size_t)sysconf(_SC_PAGESIZE);
	snprintf(root, sizeof(root), "%s/vmpeek-md.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(root) == NULL)
		return -1;
	write_fixture();
	*state = NULL;
	return 0;
}

static int
teardown(void **state)
{
	char p[PATH_MAX + 64];
	const char *files[] = { "pagemap", "mem" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		path_of(files[i], p, sizeof(p));
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/%d", root, FX_PID);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/sys/kernel/yama/ptrace_scope", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sys/kernel/yama", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/sys/kernel", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/sys", root);
	rmdir(p);
	rmdir(root);
	return 0;
}

/* Open the fixture process: its pagemap (caps of a 6.18 kernel) and mem. */
static void
open_fx(int *rootfd, struct pm_reader *pm, struct memdump *md)
{
	assert_true((*rootfd = procfs_open_root(root)) >= 0);
	assert_int_equal(pagemap_open(pm, *rootfd, FX_PID), 0);
	pagemap_caps_from_release("6.18.0", &pm->caps);
	pm->caps.pfn_visible = 1;
	pm->force_pread = true;
	assert_int_equal(memdump_open(md, *rootfd, FX_PID, pm), 0);
}

static void
close_fx(int rootfd, struct pm_reader *pm, struct memdump *md)
{
	memdump_close(md);
	pagemap_close(pm);
	close(rootfd);
}

/* ------------------------------------------------------- the read itself */

/* The fake mem read: records offsets; refuses all but the allowed pages. */
struct spy {
	uint64_t off[16];
	size_t len[16];
	int n;
	uint64_t allowed[4];
	int nallowed;
	int pm_fd;		/* >= 0: rewrite this page's entry first */
	uint64_t new_entry;
};

static ssize_t
spy_pread(int fd, void *buf, size_t n, off_t off, void *arg)
{
	struct spy *s = arg;
	bool ok = false;

	if (s->n < 16) {
		s->off[s->n] = (uint64_t)off;
		s->len[s->n] = n;
	}
	s->n++;
	for (int i = 0; i < s->nallowed; i++)
		if (s->allowed[i] == (uint64_t)off)
			ok = true;
	if (!ok) {
		/* what the kernel would do is fault it in: make it loud */
		errno = EFAULT;
		return -1;
	}
	if (s->pm_fd >= 0) {
		assert_int_equal(pwrite(s->pm_fd, &s->new_entry, 8,
		    (off_t)(off / (off_t)ps * 8)), 8);
	}
	return pread(fd, buf, n, off);
}

static void
test_memdump_reads_present_page_bytes(void **state)
{
	struct pm_reader pm;
	struct memdump md;
	struct memdump_page pg;
	unsigned char *buf;
	int rootfd;

	(void)state;
	open_fx(&rootfd, &pm, &md);
	assert_non_null(buf = malloc(ps));
	/* any address inside the page: the whole page from its start */
	assert_int_equal(memdump_page(&md, page_va(0) + 100, buf, &pg), 0);
	assert_int_equal(pg.state, MD_READ);
	assert_int_equal(pg.vaddr, page_va(0));
	assert_true(pg.have_before && pg.have_after);
	assert_int_equal(pg.before.raw, entries[0]);
	assert_int_equal(pg.after.raw, entries[0]);
	for (size_t k = 0; k < ps; k++)
		assert_int_equal(buf[k], pattern(page_va(0) + k));
	assert_int_equal(memdump_page(&md, page_va(4), buf, &pg), 0);
	assert_int_equal(pg.state, MD_READ);
	assert_int_equal(buf[ps - 1], pattern(page_va(4) + ps - 1));
	assert_int_equal(md.reads, 2);
	free(buf);
	close_fx(rootfd, &pm, &md);
}

static void
test_memdump_never_reads_a_page_not_present(void **state)
{
	struct pm_reader pm;
	struct memdump md;
	struct memdump_page pg;
	struct spy spy = { .nallowed = 2, .pm_fd = -1 };
	unsigned char *buf;
	int rootfd;
	static const enum memdump_state want[NPAGES + 1] = {
		MD_READ, MD_NOT_PRESENT, MD_SWAPPED, MD_GUARD, MD_READ,
		MD_NO_ENTRY,
	};

	(void)state;
	open_fx(&rootfd, &pm, &md);
	spy.allowed[0] = page_va(0);
	spy.allowed[1] = page_va(4);
	md.pread_fn = spy_pread;
	md.pread_arg = &spy;
	assert_non_null(buf = malloc(ps));
	for (int i = 0; i <= NPAGES; i++) {
		int r = memdump_page(&md, page_va(i), buf, &pg);

		assert_int_equal(pg.state, want[i]);
		assert_int_equal(r, want[i] == MD_READ ? 0 : 1);
		assert_int_equal(pg.have_before, i < NPAGES);
		assert_false(r == 1 && pg.have_after);
	}
	/* exactly the two present pages, each once, one page long */
	assert_int_equal(spy.n, 2);
	assert_int_equal(spy.off[0], page_va(0));
	assert_int_equal(spy.off[1], page_va(4));
	assert_int_equal(spy.len[0], ps);
	assert_int_equal(spy.len[1], ps);
	assert_int_equal(md.reads, 2);
	free(buf);
	close_fx(rootfd, &pm, &md);
}

/* The entry changes between the check and the read: said, not hidden. */
static void
test_memdump_entry_changed_across_the_read(void **state)
{
	struct pm_reader pm;
	struct memdump md;
	struct memdump_page pg;
	struct spy spy = { .nallowed = 1 };
	char p[PATH_MAX + 64];
	unsigned char *buf;
	int rootfd;

	(void)state;
	open_fx(&rootfd, &pm, &md);
	path_of("pagemap", p, sizeof(p));
	assert_true((spy.pm_fd = open(p, O_WRONLY)) >= 0);
	/* reclaimed and faulted back in: another frame */
	spy.new_entry = PM_PRESENT | PM_EXCLUSIVE | 0x9999;
	spy.allowed[0] = page_va(0);
	md.pread_fn = spy_pread;
	md.pread_arg = &spy;
	assert_non_null(buf = malloc(ps));
	assert_int_equal(memdump_page(&md, page_va(0), buf, &pg), 0);
	assert_int_equal(pg.state, MD_CHANGED);
	assert_int_equal(pg.before.raw, entries[0]);
	assert_int_equal(pg.after.raw, spy.new_entry);
	assert_int_equal(pg.after.pfn, 0x9999);
	assert_non_null(strstr(memdump_state_why(pg.state), "changed"));
	/* put the fixture back for the tests after this one */
	assert_int_equal(pwrite(spy.pm_fd, &entries[0], 8,
	    (off_t)(BASE_PAGE * 8)), 8);
	close(spy.pm_fd);
	free(buf);
	close_fx(rootfd, &pm, &md);
}

/* A present page whose mem read fails: an error, not bytes. */
static void
test_memdump_read_error_is_reported(void **state)
{
	struct pm_reader pm;
	struct memdump md;
	struct memdump_page pg;
	struct spy spy = { .nallowed = 0, .pm_fd = -1 };
	unsigned char *buf;
	int rootfd;

	(void)state;
	open_fx(&rootfd, &pm, &md);
	md.pread_fn = spy_pread;
	md.pread_arg = &spy;
	assert_non_null(buf = malloc(ps));
	assert_int_equal(memdump_page(&md, page_va(0), buf, &pg), -1);
	assert_int_equal(pg.state, MD_ERROR);
	assert_int_equal(pg.err, EFAULT);
	assert_false(pg.have_after);
	free(buf);
	close_fx(rootfd, &pm, &md);
}

static void
test_memdump_classify_guard_before_swapped(void **state)
{
	struct pm_caps caps;
	struct pm_entry e;

	(void)state;
	pagemap_caps_from_release("6.18.0", &caps);
	pagemap_decode(PM_GUARD | PM_SWAPPED, &caps, &e);
	assert_int_equal(memdump_classify(&e), MD_GUARD);
	pagemap_decode(PM_SWAPPED | (3ULL << PM_SWAP_OFFSET_SHIFT), &caps, &e);
	assert_int_equal(memdump_classify(&e), MD_SWAPPED);
	pagemap_decode(0, &caps, &e);
	assert_int_equal(memdump_classify(&e), MD_NOT_PRESENT);
	/* present with the PFN hidden (not root): still readable */
	caps.pfn_visible = 0;
	pagemap_decode(PM_PRESENT | PM_EXCLUSIVE, &caps, &e);
	assert_int_equal(memdump_classify(&e), MD_READ);
	assert_non_null(strstr(memdump_state_why(MD_NOT_PRESENT),
	    "not read (reading would fault it in)"));
	assert_non_null(strstr(memdump_state_why(MD_SWAPPED), "swap it in"));
}

/* ----------------------------------------------------------- formatting */

static void
test_memdump_format_full_line(void **state)
{
	unsigned char b[16];
	char line[MEMDUMP_LINE_LEN];
	size_t n;

	(void)state;
	memcpy(b, "\x7f" "ELF\x02\x01\x01\x00" "Hi !~\x1b\x80\xff", 16);
	n = memdump_format_line(0x7f0012345670ULL, b, 16, line, sizeof(line));
	assert_string_equal(line, "00007f0012345670: 7f45 4c46 0201 0100 "
	    "4869 2021 7e1b 80ff  .ELF....Hi !~...");
	assert_int_equal(n, strlen(line));
}

static void
test_memdump_format_short_line_pads_hex(void **state)
{
	unsigned char b[3] = { 'a', 0x00, 'z' };
	char line[MEMDUMP_LINE_LEN];

	(void)state;
	memdump_format_line(0x1000, b, 3, line, sizeof(line));
	/* the ASCII column starts where a full line's does */
	assert_string_equal(line, "0000000000001000: 6100 7a                "
	    "                  a.z");
	assert_int_equal(line[59], 'a');
}

static void
test_memdump_format_every_byte_safe(void **state)
{
	unsigned char b[16];
	char line[MEMDUMP_LINE_LEN];

	(void)state;
	for (int base = 0; base < 256; base += 16) {
		for (int i = 0; i < 16; i++)
			b[i] = (unsigned char)(base + i);
		memdump_format_line((uint64_t)base, b, 16, line,
		    sizeof(line));
		for (int i = 0; i < 16; i++) {
			char c = line[59 + i];
			int v = base + i;

			assert_int_equal(c, v >= 0x20 && v < 0x7f ? v : '.');
		}
		for (const char *s = line; *s != '\0'; s++)
			assert_true(*s >= 0x20 && *s < 0x7f);
	}
}

static void
test_memdump_format_refuses_small_buffer(void **state)
{
	unsigned char b[16] = { 0 };
	char line[40];

	(void)state;
	assert_int_equal(memdump_format_line(0, b, 16, line, sizeof(line)), 0);
	assert_string_equal(line, "");
	assert_int_equal(memdump_format_line(0, b, 17, line, sizeof(line)), 0);
}

/* ------------------------------------------------------- ptrace refusal */

static void
write_scope(const char *text)
{
	char p[PATH_MAX + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/kernel", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/kernel/yama", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/kernel/yama/ptrace_scope", root);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static void
test_memdump_ptrace_scope_from_root(void **state)
{
	int rootfd;

	(void)state;
	assert_true((rootfd = procfs_open_root(root)) >= 0);
	assert_int_equal(memdump_ptrace_scope(rootfd), -1);	/* no Yama */
	write_scope("1\n");
	assert_int_equal(memdump_ptrace_scope(rootfd), 1);
	write_scope("3\n");
	assert_int_equal(memdump_ptrace_scope(rootfd), 3);
	write_scope("7\n");
	assert_int_equal(memdump_ptrace_scope(rootfd), -1);
	write_scope("1x\n");
	assert_int_equal(memdump_ptrace_scope(rootfd), -1);
	close(rootfd);
}

static void
test_memdump_refusal_names_ptrace_scope(void **state)
{
	char buf[1024];

	(void)state;
	memdump_refusal(EACCES, 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ptrace-attach"));
	assert_non_null(strstr(buf, "ptrace_scope is 1"));
	assert_non_null(strstr(buf, "PR_SET_PTRACER"));
	memdump_refusal(EPERM, -1, buf, sizeof(buf));
	assert_non_null(strstr(buf, "no Yama"));
	assert_null(strstr(buf, "ptrace_scope is"));
	memdump_refusal(ENOENT, 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, strerror(ENOENT)));
	assert_null(strstr(buf, "ptrace_scope"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memdump_reads_present_page_bytes),
		cmocka_unit_test(test_memdump_never_reads_a_page_not_present),
		cmocka_unit_test(test_memdump_entry_changed_across_the_read),
		cmocka_unit_test(test_memdump_read_error_is_reported),
		cmocka_unit_test(test_memdump_classify_guard_before_swapped),
		cmocka_unit_test(test_memdump_format_full_line),
		cmocka_unit_test(test_memdump_format_short_line_pads_hex),
		cmocka_unit_test(test_memdump_format_every_byte_safe),
		cmocka_unit_test(test_memdump_format_refuses_small_buffer),
		cmocka_unit_test(test_memdump_ptrace_scope_from_root),
		cmocka_unit_test(test_memdump_refusal_names_ptrace_scope),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
