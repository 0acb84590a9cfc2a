/* memdump: a page's bytes from /proc/PID/mem, read only when that faults nothing in. */
#ifndef VMPEEK_MEMDUMP_H
#define VMPEEK_MEMDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pagemap.h"

/* Bytes per xxd line, and room for one formatted line with its NUL. */
#define MEMDUMP_LINE_BYTES	16
#define MEMDUMP_LINE_LEN	80

/*
 * What became of one page. Only a page whose pagemap entry says present
 * is read: reading any other would fault it in (or swap it in), changing
 * the very thing being looked at.
 */
enum memdump_state {
	MD_READ,	/* read; its entry the same before and after */
	MD_CHANGED,	/* read, but the entry changed across the read */
	MD_NOT_PRESENT,	/* not read: no frame; a read would fault it in */
	MD_SWAPPED,	/* not read: swapped out; a read would swap it in */
	MD_GUARD,	/* not read: a guard page (no contents) */
	MD_NO_ENTRY,	/* not read: pagemap has no entry for it */
	MD_UNMAPPED,	/* not read: no VMA there (the caller knows) */
	MD_DEVICE,	/* not read: VM_IO/VM_PFNMAP (the caller knows) */
	MD_ERROR,	/* reading pagemap or mem failed (err) */
};

struct memdump {
	int fd;				/* /proc/PID/mem, -1 when closed */
	struct pm_reader *pm;		/* its pagemap; not owned */
	uint64_t reads;			/* mem reads done (tests, stats) */
	/*
	 * Every read of mem goes through this: pread(2) by default; unit
	 * tests put a fake here to see which offsets were read.
	 */
	ssize_t (*pread_fn)(int fd, void *buf, size_t n, off_t off,
	    void *arg);
	void *pread_arg;
};

struct memdump_page {
	uint64_t vaddr;			/* page aligned */
	enum memdump_state state;
	bool have_before, have_after;
	struct pm_entry before;		/* the entry checked before reading */
	struct pm_entry after;		/* re-read after the read */
	int err;			/* MD_ERROR: errno */
};

/*
 * Open <root>/<pid>/mem read-only for the pages that pm (already open on
 * the same process) says are present. -1 with errno: EACCES/EPERM when
 * ptrace-attach is refused (see memdump_refusal).
 */
int memdump_open(struct memdump *md, int rootfd, pid_t pid,
    struct pm_reader *pm);
/* Wrap an already-open mem fd. */
void memdump_init_fd(struct memdump *md, int fd, struct pm_reader *pm);
void memdump_close(struct memdump *md);

/*
 * Which state a page with entry e gets before any read: MD_READ when it
 * is present (reading it faults nothing in), else why it is not read.
 * Guard before swapped: a guard marker has the swap bit too.
 */
enum memdump_state memdump_classify(const struct pm_entry *e);

/*
 * Read the page holding vaddr into buf (pm->pagesize bytes), if and only
 * if its pagemap entry says present; then read the entry again. Returns
 * 0 when buf holds the page (MD_READ, or MD_CHANGED when the entry
 * differs afterwards), 1 when it was not read (pg->state says why), -1
 * on an error (MD_ERROR, pg->err and errno set).
 *
 * The residual race: the kernel may reclaim the page between the check
 * and the read, and the read then faults it back in. The second read of
 * the entry catches that when the frame (PFN, when visible) or the flags
 * differ; a page faulted back in with the same flags looks unchanged
 * when PFNs are hidden or the same frame came back (the swap cache). A read also marks the page accessed (young), as any
 * access does: that is not visible in pagemap.
 */
int memdump_page(struct memdump *md, uint64_t vaddr, unsigned char *buf,
    struct memdump_page *pg);

/* Why a page was (not) read, in words: "not present: not read ...". */
const char *memdump_state_why(enum memdump_state s);

/*
 * One xxd-style line: 16 hex digits of address, ": ", n (<= 16) bytes in
 * 2-byte groups of hex, padded, two spaces, the printable ASCII (0x20 to
 * 0x7e; '.' for any other byte). Pure. Returns the length written (0 when
 * len is too small: MEMDUMP_LINE_LEN always fits).
 */
size_t memdump_format_line(uint64_t addr, const unsigned char *p, size_t n,
    char *buf, size_t len);

/*
 * Yama's ptrace_scope from <root>/sys/kernel/yama/ptrace_scope: 0-3, or
 * -1 when it can't be read (no Yama: ENOENT).
 */
int memdump_ptrace_scope(int rootfd);

/*
 * Explain why opening /proc/PID/mem failed with err (EACCES/EPERM: the
 * ptrace-attach rules, the scope's value when known, PR_SET_PTRACER).
 * Returns buf.
 */
char *memdump_refusal(int err, int scope, char *buf, size_t len);

#endif
