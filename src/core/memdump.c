/* memdump: read a page's bytes from /proc/PID/mem, never faulting a page in. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memdump.h"
#include "parse.h"
#include "procfs.h"

static ssize_t
pread_sys(int fd, void *buf, size_t n, off_t off, void *arg)
{
	(void)arg;
	return pread(fd, buf, n, off);
}

void
memdump_init_fd(struct memdump *md, int fd, struct pm_reader *pm)
{
	memset(md, 0, sizeof(*md));
	md->fd = fd;
	md->pm = pm;
	md->pread_fn = pread_sys;
}

int
memdump_open(struct memdump *md, int rootfd, pid_t pid, struct pm_reader *pm)
{
	int fd;

	/* Read-only: vmpeek never writes to what it inspects. */
	if ((fd = procfs_openat(rootfd, pid, "mem", O_RDONLY)) == -1)
		return -1;
	memdump_init_fd(md, fd, pm);
	return 0;
}

void
memdump_close(struct memdump *md)
{
	if (md->fd >= 0)
		close(md->fd);
	md->fd = -1;
}

enum memdump_state
memdump_classify(const struct pm_entry *e)
{
	if (e->flags & PMF_GUARD)
		return MD_GUARD;
	if (e->flags & PMF_PRESENT)
		return MD_READ;
	if (e->flags & PMF_SWAPPED)
		return MD_SWAPPED;
	return MD_NOT_PRESENT;
}

/* The entry of the page at vaddr: 0, 1 when pagemap has none, -1 errno. */
static int
entry_of(struct memdump *md, uint64_t vaddr, struct pm_entry *e)
{
	uint64_t raw;
	ssize_t got = pagemap_read(md->pm, vaddr, 1, &raw);

	if (got == -1)
		return -1;
	if (got == 0)
		return 1;
	pagemap_decode(raw, &md->pm->caps, e);
	return 0;
}

static int
page_error(struct memdump_page *pg, int err)
{
	pg->state = MD_ERROR;
	pg->err = err;
	errno = err;
	return -1;
}

int
memdump_page(struct memdump *md, uint64_t vaddr, unsigned char *buf,
    struct memdump_page *pg)
{
	size_t ps = md->pm->pagesize, done = 0;
	int r;

	memset(pg, 0, sizeof(*pg));
	pg->vaddr = vaddr & ~((uint64_t)ps - 1);
	if ((r = entry_of(md, pg->vaddr, &pg->before)) == -1)
		return page_error(pg, errno);
	if (r == 1) {
		pg->state = MD_NO_ENTRY;
		return 1;
	}
	pg->have_before = true;
	if ((pg->state = memdump_classify(&pg->before)) != MD_READ)
		return 1;
	if (pg->vaddr > (uint64_t)INT64_MAX - ps)
		return page_error(pg, EINVAL);	/* no off_t for it */
	/*
	 * Exactly this one page: a longer read would touch pages whose
	 * entries were not checked.
	 */
	while (done < ps) {
		ssize_t got = md->pread_fn(md->fd, buf + done, ps - done,
		    (off_t)(pg->vaddr + done), md->pread_arg);

		if (got == -1 && errno == EINTR)
			continue;
		md->reads++;
		if (got == -1)
			return page_error(pg, errno);
		if (got == 0)	/* the kernel gives EIO; a short file 0 */
			return page_error(pg, EIO);
		done += (size_t)got;
	}
	if ((r = entry_of(md, pg->vaddr, &pg->after)) != 0)
		return page_error(pg, r == -1 ? errno : EIO);
	pg->have_after = true;
	if (pg->after.raw != pg->before.raw)
		pg->state = MD_CHANGED;
	return 0;
}

const char *
memdump_state_why(enum memdump_state s)
{
	switch (s) {
	case MD_READ:
		return "present: read";
	case MD_CHANGED:
		return "read, but its pagemap entry changed during the read "
		    "(reclaimed or remapped meanwhile): the bytes may come "
		    "from a page the read faulted back in";
	case MD_NOT_PRESENT:
		return "not present: not read (reading would fault it in)";
	case MD_SWAPPED:
		return "swapped out: not read (reading would swap it in)";
	case MD_GUARD:
		return "guard page: not read (it has no contents; a read "
		    "would fault)";
	case MD_NO_ENTRY:
		return "no pagemap entry (outside the user address space): "
		    "not read";
	case MD_UNMAPPED:
		return "unmapped: not read (no VMA here)";
	case MD_DEVICE:
		return "device or PFN mapping (VM_IO/VM_PFNMAP): not read "
		    "(a read could have side effects on the device)";
	case MD_ERROR:
		return "read failed";
	}
	return "?";
}

size_t
memdump_format_line(uint64_t addr, const unsigned char *p, size_t n,
    char *buf, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	size_t o = 0;

	if (len < MEMDUMP_LINE_LEN || n > MEMDUMP_LINE_BYTES) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	o = (size_t)snprintf(buf, len, "%016" PRIx64 ": ", addr);
	for (size_t i = 0; i < MEMDUMP_LINE_BYTES; i++) {
		if (i < n) {
			buf[o++] = hexd[p[i] >> 4];
			buf[o++] = hexd[p[i] & 0xf];
		} else {
			buf[o++] = ' ';
			buf[o++] = ' ';
		}
		if (i % 2 == 1)
			buf[o++] = ' ';
	}
	buf[o++] = ' ';
	/* Never a raw byte >= 0x80 or a control byte: safe on a terminal. */
	for (size_t i = 0; i < n; i++)
		buf[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	buf[o] = '\0';
	return o;
}

int
memdump_ptrace_scope(int rootfd)
{
	char buf[16];
	uint64_t v;
	ssize_t n;

	n = procfs_read_at(rootfd, "sys/kernel/yama/ptrace_scope", buf,
	    sizeof(buf));
	if (n <= 0 || parse_u64_line(buf, buf + n, 3, &v) == -1)
		return -1;
	return (int)v;
}

char *
memdump_refusal(int err, int scope, char *buf, size_t len)
{
	static const char *const scope_says[] = {
		"0: classic ptrace permissions, any process of the same user",
		("1: restricted: only a descendant, or a process the target "
		    "named with prctl(PR_SET_PTRACER)"),
		"2: admin-only: CAP_SYS_PTRACE needed",
		"3: no attach at all, not even root",
	};

	if (err != EACCES && err != EPERM) {
		snprintf(buf, len, "cannot open its /proc/PID/mem: %s",
		    strerror(err));
		return buf;
	}
	snprintf(buf, len, "permission denied: reading a process's memory "
	    "(/proc/PID/mem) needs ptrace-attach rights, stricter than the "
	    "ptrace-read that pagemap needs: the same user (or root, "
	    "CAP_SYS_PTRACE) and Yama's kernel.yama.ptrace_scope allowing "
	    "it; %s%s%s; under ptrace_scope 1 the target can allow vmpeek "
	    "with prctl(PR_SET_PTRACER, vmpeek's pid or PR_SET_PTRACER_ANY)",
	    scope >= 0 && scope <= 3 ? "ptrace_scope is " :
	    "no /proc/sys/kernel/yama/ptrace_scope here (no Yama)",
	    scope >= 0 && scope <= 3 ? scope_says[scope] : "",
	    scope == 3 ? " (set at boot, until reboot)" : "");
	return buf;
}
