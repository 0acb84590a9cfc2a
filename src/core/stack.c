/* stack: the stack view: SP, never-faulted pages below it, guard gap. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"
#include "stack.h"

/* mm/mmap.c: stack_guard_gap = 256UL << PAGE_SHIFT unless overridden. */
#define STACK_GUARD_GAP_PAGES 256
/* Entries per pagemap_read while counting the stack. */
#define STACK_BATCH 4096

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* "0x<hex>", exactly the len bytes at s. */
static int
hex_token(const char *s, size_t len, uint64_t *v)
{
	const char *p = s + 2;

	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	return parse_hex(&p, s + len, v) == 0 && p == s + len ? 0 : -1;
}

/* A decimal syscall number (-1: not in a syscall), exactly len bytes. */
static bool
is_int(const char *s, size_t len)
{
	const char *p = s;
	int64_t v;

	return parse_i64(&p, s + len, INT64_MIN, INT64_MAX, &v) == 0 &&
	    p == s + len;
}

int
stack_parse_syscall(const char *text, size_t len, uint64_t *sp)
{
	struct {
		const char *s;
		size_t len;
	} tok[10];
	size_t ntok = 0, i = 0;

	while (i < len) {
		size_t b;

		while (i < len && is_space(text[i]))
			i++;
		if (i == len || text[i] == '\0')
			break;
		b = i;
		while (i < len && !is_space(text[i]) && text[i] != '\0')
			i++;
		if (ntok == sizeof(tok) / sizeof(tok[0]))
			goto bad;
		tok[ntok].s = text + b;
		tok[ntok].len = i - b;
		ntok++;
		if (i < len && text[i] == '\0')
			break;
	}
	if (ntok == 1 && tok[0].len == 7 && memcmp(tok[0].s, "running", 7) == 0)
		return 1;
	/* "-1 SP PC" (blocked, not in a syscall) or "NR a1..a6 SP PC". */
	if ((ntok != 3 && ntok != 9) || !is_int(tok[0].s, tok[0].len))
		goto bad;
	for (size_t t = 1; t < ntok; t++) {
		uint64_t v;

		if (hex_token(tok[t].s, tok[t].len, &v) == -1)
			goto bad;
		if (t == ntok - 2)
			*sp = v;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
stack_parse_limits(const char *text, size_t len, uint64_t *soft)
{
	static const char key[] = "Max stack size";
	size_t klen = sizeof(key) - 1;
	size_t i = 0;

	while (i < len) {
		size_t eol = i;

		while (eol < len && text[eol] != '\n')
			eol++;
		if (eol - i > klen && memcmp(text + i, key, klen) == 0 &&
		    is_space(text[i + klen])) {
			size_t p = i + klen, b;
			const char *num;
			uint64_t v;

			while (p < eol && is_space(text[p]))
				p++;
			b = p;
			while (p < eol && !is_space(text[p]))
				p++;
			if (p - b == 9 && memcmp(text + b, "unlimited", 9) == 0) {
				*soft = UINT64_MAX;
				return 0;
			}
			num = text + b;
			if (p == b || parse_u64(&num, text + p, UINT64_MAX,
			    &v) == -1 || num != text + p)
				break;
			*soft = v;
			return 0;
		}
		i = eol + 1;
	}
	errno = EINVAL;
	return -1;
}

/* Read <root>/<name> (not per pid) into a NUL-terminated malloc'd buffer. */
static char *
read_root_file(int rootfd, const char *name, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf, *nb;
	ssize_t got;
	int fd;

	if ((fd = openat(rootfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (cap - len < 2) {
			if ((nb = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			goto fail;
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* stack_guard_gap=<pages> on the kernel command line; last one wins. */
static uint64_t
guard_gap(int rootfd, size_t pagesize)
{
	uint64_t gap = (uint64_t)STACK_GUARD_GAP_PAGES * pagesize;
	static const char key[] = "stack_guard_gap=";
	size_t len, i = 0;
	char *text;

	if ((text = read_root_file(rootfd, "cmdline", &len)) == NULL)
		return gap;
	while (i < len) {
		size_t b;

		while (i < len && is_space(text[i]))
			i++;
		b = i;
		while (i < len && !is_space(text[i]))
			i++;
		/* Everything after "--" is for init, not the kernel. */
		if (i - b == 2 && memcmp(text + b, "--", 2) == 0)
			break;
		if (i - b > sizeof(key) - 1 &&
		    memcmp(text + b, key, sizeof(key) - 1) == 0) {
			const char *p = text + b + sizeof(key) - 1;
			uint64_t v;

			/* the kernel ignores junk values */
			if (parse_u64(&p, text + i, UINT64_MAX / pagesize,
			    &v) == 0 && p == text + i)
				gap = v * pagesize;
		}
	}
	free(text);
	return gap;
}

static const char *
syscall_why(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "reading /proc/PID/syscall needs ptrace permission "
		    "(same user without restrictions, or root)";
	case ENOENT:
		return "this kernel has no /proc/PID/syscall";
	case ESRCH:
		return "the process has exited";
	default:
		return "could not read /proc/PID/syscall";
	}
}

static void
read_sp(int rootfd, pid_t pid, pid_t tid, struct stack_info *si)
{
	char *text, name[48];
	size_t len;
	int ret;

	if (tid > 0)
		snprintf(name, sizeof(name), "task/%d/syscall", (int)tid);
	else
		strlcpy(name, "syscall", sizeof(name));
	if (procfs_read_file(rootfd, pid, name, &text, &len) == -1) {
		si->sp_why = syscall_why(errno);
		return;
	}
	ret = stack_parse_syscall(text, len, &si->sp);
	free(text);
	if (ret == 1)
		si->sp_why = "task is running; SP only readable while it blocks";
	else if (ret == -1)
		si->sp_why = "unrecognised /proc/PID/syscall text";
	else
		si->sp_known = true;
}

bool
stack_sp_inside(const struct stack_info *si)
{
	return si->sp_known && si->sp >= si->vma_start && si->sp < si->vma_end;
}

bool
stack_never_faulted(const struct stack_info *si, uint64_t va,
    size_t pagesize, const struct pm_entry *e)
{
	uint64_t sp_page;

	/* An SP elsewhere (sigaltstack, another thread) says nothing here. */
	if (!stack_sp_inside(si))
		return false;
	sp_page = si->sp & ~((uint64_t)pagesize - 1);
	if (va < si->vma_start || va >= sp_page)
		return false;
	/*
	 * Raw bits, not decoded flags: any swap-format entry (swap, migration,
	 * a guard marker without bit 58 on 6.13/6.14) was put there.
	 */
	return !(e->raw & (PM_PRESENT | PM_SWAPPED)) &&
	    !(e->flags & PMF_GUARD);
}

bool
stack_gap_violated(const struct vma_list *maps, size_t idx, uint64_t gap)
{
	const struct vma *v, *below;

	if (idx == 0 || idx >= maps->n)
		return false;
	v = &maps->v[idx];
	below = &maps->v[idx - 1];
	/*
	 * expand_downwards() refuses to grow within stack_guard_gap of the
	 * VMA below only when vma_is_accessible(prev): VM_READ, VM_WRITE or
	 * VM_EXEC, the r, w, x of maps (since 4.17 and the stable kernels,
	 * commit 561b5e0709e4). It also lets a VM_GROWSDOWN neighbour close;
	 * maps does not show that flag, and only [stack] has it in practice.
	 */
	if (below->perms[0] != 'r' && below->perms[1] != 'w' &&
	    below->perms[2] != 'x')
		return false;
	return below->end > v->start || v->start - below->end < gap;
}

long
stack_main_index(const struct vma_list *maps)
{
	for (size_t i = 0; i < maps->n; i++)
		if (maps->v[i].kind == VMA_STACK &&
		    strcmp(maps->v[i].path, "[stack]") == 0)
			return (long)i;
	return -1;
}

/*
 * Walk the VMA's entries: present/swapped/guard totals, the guard run at
 * the low end, below-SP never faulted, lowest present page.
 */
static int
count_pages(struct pm_reader *r, struct stack_info *si)
{
	uint64_t buf[STACK_BATCH], done = 0;
	bool low_run = true;

	while (done < si->pages) {
		size_t n = si->pages - done > STACK_BATCH ? STACK_BATCH :
		    (size_t)(si->pages - done);
		uint64_t base = si->vma_start + done * r->pagesize;
		ssize_t got = pagemap_read(r, base, n, buf);

		if (got == -1)
			return -1;
		for (ssize_t i = 0; i < got; i++) {
			uint64_t va = base + (uint64_t)i * r->pagesize;
			struct pm_entry e;

			pagemap_decode(buf[i], &r->caps, &e);
			if (e.flags & PMF_PRESENT) {
				si->present++;
				if (si->lowest_present == 0)
					si->lowest_present = va;
			}
			if (e.flags & PMF_SWAPPED)
				si->swapped++;
			if (e.flags & PMF_GUARD) {
				si->guard_pages++;
				if (low_run)
					si->guard_low += r->pagesize;
			} else
				low_run = false;
			if (stack_never_faulted(si, va, r->pagesize, &e))
				si->below_sp_unfaulted++;
		}
		done += (uint64_t)got;
		if ((size_t)got < n)
			break;
	}
	return 0;
}

static void
below_sp(struct stack_info *si, size_t pagesize)
{
	if (stack_sp_inside(si))
		si->below_sp_pages = ((si->sp & ~((uint64_t)pagesize - 1)) -
		    si->vma_start) / pagesize;
}

/* The main stack: SP of pid, RLIMIT_STACK, the kernel's guard gap. */
static int
inspect_main(int rootfd, pid_t pid, const struct vma_list *maps, size_t i,
    struct pm_reader *r, struct stack_info *si)
{
	const struct vma *v = &maps->v[i];
	uint64_t size;
	char *text;
	size_t len;

	memset(si, 0, sizeof(*si));
	si->vma_start = v->start;
	si->vma_end = v->end;
	si->prev_end = i > 0 ? maps->v[i - 1].end : 0;
	si->pages = (v->end - v->start) / r->pagesize;
	si->guard_gap = guard_gap(rootfd, r->pagesize);
	si->gap_violated = stack_gap_violated(maps, i, si->guard_gap);

	read_sp(rootfd, pid, 0, si);

	if (procfs_read_file(rootfd, pid, "limits", &text, &len) == 0) {
		if (stack_parse_limits(text, len, &si->rlimit) == -1)
			si->rlimit = 0;
		free(text);
	}
	size = v->end - v->start;
	if (si->rlimit == UINT64_MAX)
		si->growth_room = UINT64_MAX;
	else if (si->rlimit > size)
		si->growth_room = si->rlimit - size;
	below_sp(si, r->pagesize);
	return count_pages(r, si);
}

int
stack_inspect(int rootfd, pid_t pid, const struct vma_list *maps,
    struct pm_reader *r, struct stack_info *si)
{
	long i = stack_main_index(maps);

	memset(si, 0, sizeof(*si));
	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	return inspect_main(rootfd, pid, maps, (size_t)i, r, si);
}

uint64_t
stack_guard_gap(int rootfd, size_t pagesize)
{
	return guard_gap(rootfd, pagesize);
}

static int
cmp_tid(const void *a, const void *b)
{
	const struct stack_thread *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

int
stack_threads(int rootfd, pid_t pid, struct stack_thread **out, size_t *n)
{
	struct stack_thread *v = NULL, *nv;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	*out = NULL;
	*n = 0;
	if ((fd = procfs_openat(rootfd, pid, "task", O_RDONLY |
	    O_DIRECTORY)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stack_info si;
		pid_t tid;

		if (procfs_parse_pid(de->d_name, &tid) == -1)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
		}
		memset(&si, 0, sizeof(si));
		read_sp(rootfd, pid, tid, &si);
		v[cnt].tid = tid;
		v[cnt].sp_known = si.sp_known;
		v[cnt].sp = si.sp;
		cnt++;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_tid);
	*out = v;
	*n = cnt;
	return 0;
}

long
stack_thread_vma(const struct vma_list *maps, const struct stack_thread *t)
{
	if (!t->sp_known)
		return -1;
	return maps_find(maps, t->sp);
}

int
stack_inspect_vma(int rootfd, pid_t pid, pid_t tid,
    const struct vma_list *maps, size_t idx, struct pm_reader *r,
    struct stack_info *si)
{
	const struct vma *v, *below;

	memset(si, 0, sizeof(*si));
	if (idx >= maps->n) {
		errno = EINVAL;
		return -1;
	}
	v = &maps->v[idx];
	below = idx > 0 ? &maps->v[idx - 1] : NULL;
	si->tid = tid;
	si->vma_start = v->start;
	si->vma_end = v->end;
	si->prev_end = below ? below->end : 0;
	si->pages = (v->end - v->start) / r->pagesize;
	read_sp(rootfd, pid, tid, si);
	below_sp(si, r->pagesize);
	if (count_pages(r, si) == -1)
		return -1;
	/*
	 * The thread library's guard: glibc 2.42+ on 6.13+ installs guard
	 * markers at the low end of the stack mapping (MADV_GUARD_INSTALL);
	 * before, a PROT_NONE VMA right below.
	 */
	if (si->guard_low > 0)
		si->guard_gap = si->guard_low;
	else if (below != NULL && below->end == v->start &&
	    strncmp(below->perms, "---", 3) == 0)
		si->guard_gap = below->end - below->start;
	return 0;
}

int
stack_inspect_at(int rootfd, pid_t pid, pid_t tid,
    const struct vma_list *maps, size_t idx, struct pm_reader *r,
    struct stack_info *si)
{
	memset(si, 0, sizeof(*si));
	if (idx >= maps->n) {
		errno = EINVAL;
		return -1;
	}
	if (tid == 0)
		tid = maps_stack_tid(&maps->v[idx]);
	if (tid != 0)
		return stack_inspect_vma(rootfd, pid, tid, maps, idx, r, si);
	return inspect_main(rootfd, pid, maps, idx, r, si);
}
