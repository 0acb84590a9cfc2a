/* step private-file: a MAP_PRIVATE file mapping reads the page cache; a write copies. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"

#define NPAGES	8
#define NWRITE	2	/* pages written: 0 and 1 */

int
probe_tmpdir(struct lab *lab, char *why, size_t len)
{
	if (access(lab->dir, W_OK | X_OK) == 0)
		return 1;
	snprintf(why, len, "cannot create files in %s (%s); use --dir DIR",
	    lab->dir, strerror(errno));
	return 0;
}

/* Does page i of the file still hold what lab_tmpfile wrote? */
static int
file_unchanged(struct lab *lab, int fd, size_t i)
{
	char want[64], got[64];
	int n = snprintf(want, sizeof(want), "%s page %zu", lab->name, i);

	if (pread(fd, got, (size_t)n, (off_t)(i * lab->ps)) != n)
		return 0;
	return memcmp(want, got, (size_t)n) == 0;
}

int
step_private_file(struct lab *lab)
{
	struct lab_map m = { 0 };
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = NPAGES * lab->ps;
	char *path = NULL;
	int fd, rc = 0, same;

	if ((fd = lab_tmpfile(lab, lab->name, NPAGES, &path)) == -1)
		return lab_error(lab, "temporary file");
	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
	    NULL) == -1) {
		rc = lab_error(lab, "mmap");
		goto out;
	}
	lab_phase_init(&ph, "mapped", m.p, len);
	LAB_CAT(ph.did, "Wrote the %d-page file %s, then mapped it "
	    "MAP_PRIVATE, PROT_READ|PROT_WRITE. Nothing touched yet.", NPAGES,
	    path);
	LAB_CAT(ph.expect, "A rw-p VMA naming the file, no page present: the "
	    "file is in the page cache, but not mapped here yet.");
	LAB_CAT(ph.question, "After a read of every page, whose frames will "
	    "these pages be: this process's, or the file's?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	(void)lab_read(m.p, len, lab->ps);
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "read", m.p, len);
	LAB_CAT(ph.did, "Read one byte of each page.");
	LAB_CAT(ph.expect, "Every page present with F (a file page): these "
	    "are the page-cache frames of the file, mapped read-only even "
	    "though the VMA is writable. Measured: %zu of %d present, %zu "
	    "file pages.", s.present, NPAGES, s.file);
	LAB_CAT(ph.question, "MAP_PRIVATE promises that our writes never "
	    "reach the file. So what must happen on the first write?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	lab_touch(m.p, NWRITE * lab->ps, lab->ps, 'W');
	if (lab_pm_sum(lab, m.p, NWRITE * lab->ps, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	same = 1;
	for (size_t i = 0; i < NWRITE; i++)
		same &= file_unchanged(lab, fd, i);
	lab_phase_init(&ph, "written", m.p, len);
	LAB_CAT(ph.did, "Wrote one byte to each of the first %d pages.",
	    NWRITE);
	LAB_CAT(ph.expect, "The first %d pages lost F: each is now an "
	    "anonymous copy, exclusive, with a new PFN; the other %d are still "
	    "the file's page-cache pages. Measured on the written pages: %zu "
	    "file pages, %zu exclusive. %s", NWRITE, NPAGES - NWRITE, s.file,
	    s.exclusive, same ? "The file itself is unchanged (read back "
	    "with pread)." : "The file CHANGED: that should never happen.");
	LAB_CAT(ph.question, "Where did the written bytes go? If this process "
	    "forked now, which pages would the child share with the page "
	    "cache?");
	(void)lab_phase_show(lab, &ph);
out:
	lab_unmap(&m);
	close(fd);
	unlink(path);
	free(path);
	return rc == -1 || lab->quit ? -1 : 0;
}
