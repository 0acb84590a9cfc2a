/* pmfixture: binary pagemap fixtures for the unit tests: an unlinked file of raw entries, counts compared field by field. */
#ifndef VMPEEK_TEST_PMFIXTURE_H
#define VMPEEK_TEST_PMFIXTURE_H

/* Include after cmocka.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "pagemap.h"

/*
 * Raw entries are built from the documented bit numbers with plain
 * arithmetic (pagemap.rst), not with pagemap.h's masks, so a wrong mask
 * in the header cannot cancel out.
 */
#define BIT(n) ((uint64_t)1 << (n))

/*
 * Write n entries and extra_bytes more of ents (a partial trailing
 * entry: ents must hold them) to an unlinked temp file in the cwd (the
 * build directory), which a pm_reader then preads as it would a pagemap.
 * Returns its fd, or -1.
 */
static int
pmfix_file(const uint64_t *ents, uint64_t n, size_t extra_bytes)
{
	char name[] = "pmfixtureXXXXXX";
	size_t len = n * 8 + extra_bytes;
	int fd;

	if ((fd = mkstemp(name)) == -1)
		return -1;
	unlink(name);
	if (write(fd, ents, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Expected counts, page by page: count page i in c->pages; past the
 * fixture's n entries it is unreadable (false), else the caller counts
 * its kind (true).
 */
static bool
pmfix_counted(struct pm_counts *c, uint64_t i, uint64_t n)
{
	c->pages++;
	if (i >= n) {
		c->unreadable++;
		return false;
	}
	return true;
}

static void
assert_counts_equal(const struct pm_counts *a, const struct pm_counts *b)
{
	assert_int_equal(a->pages, b->pages);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->swapped, b->swapped);
	assert_int_equal(a->file_shared, b->file_shared);
	assert_int_equal(a->exclusive, b->exclusive);
	assert_int_equal(a->soft_dirty, b->soft_dirty);
	assert_int_equal(a->uffd_wp, b->uffd_wp);
	assert_int_equal(a->guard, b->guard);
	assert_int_equal(a->unreadable, b->unreadable);
}

#endif
