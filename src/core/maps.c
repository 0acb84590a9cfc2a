/* maps: pure parser for /proc/PID/maps lines and the sorted VMA list. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "parse.h"
#include "procfs.h"

/*
 * The kernel pads everything before the path to this column (seq_setwidth
 * 25 + 6 * sizeof(void *) - 1 on 64-bit), then writes one more space.
 */
#define MAPS_PAD_COLUMN	72

static const char deleted_suffix[] = " (deleted)";

static int
expect(const char **pp, const char *end, char c)
{
	if (*pp >= end || **pp != c)
		return -1;
	(*pp)++;
	return 0;
}

static enum vma_kind
classify(const char *path)
{
	static const char *const vdso[] = {
		"[vdso]", "[vvar]", "[vvar_vclock]", "[uprobes]",
	};
	size_t i;

	if (path[0] == '\0')
		return VMA_ANON;
	if (path[0] == '/')
		return VMA_FILE;
	if (strcmp(path, "[heap]") == 0)
		return VMA_HEAP;
	/* Before 4.5 thread stacks showed as [stack:TID]. */
	if (strcmp(path, "[stack]") == 0 || strncmp(path, "[stack:", 7) == 0)
		return VMA_STACK;
	for (i = 0; i < sizeof(vdso) / sizeof(vdso[0]); i++)
		if (strcmp(path, vdso[i]) == 0)
			return VMA_VDSO;
	if (strcmp(path, "[vsyscall]") == 0)
		return VMA_VSYSCALL;
	return VMA_SPECIAL;
}

/*
 * Copy the path, decoding the kernel's "\012" (its only escape, for '\n';
 * other backslashes are printed raw, so nothing else is decoded).
 */
static char *
decode_path(const char *p, size_t n)
{
	char *out;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	(void)parse_unescape(p, n, "\n", out, n + 1);
	return out;
}

int
maps_parse_line(const char *line, size_t len, struct vma *out)
{
	const char *p = line, *end = line + len, *after_inode, *path;
	uint64_t major, minor;
	size_t plen, col, i;

	memset(out, 0, sizeof(*out));
	if (parse_hex(&p, end, &out->start) == -1 || expect(&p, end, '-') ||
	    parse_hex(&p, end, &out->end) == -1 || expect(&p, end, ' '))
		goto bad;
	if (out->end <= out->start)
		goto bad;
	if (end - p < 4)
		goto bad;
	if ((p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 'p' && p[3] != 's'))
		goto bad;
	memcpy(out->perms, p, 4);
	out->perms[4] = '\0';
	p += 4;
	if (expect(&p, end, ' ') || parse_hex(&p, end, &out->offset) == -1 ||
	    expect(&p, end, ' ') || parse_hex(&p, end, &major) == -1 ||
	    expect(&p, end, ':') || parse_hex(&p, end, &minor) == -1 ||
	    expect(&p, end, ' ') ||
	    parse_u64(&p, end, UINT64_MAX, &out->inode) == -1)
		goto bad;
	if (major > UINT32_MAX || minor > UINT32_MAX)
		goto bad;
	out->dev_major = (unsigned int)major;
	out->dev_minor = (unsigned int)minor;

	/* The kernel always writes a space after the inode. */
	after_inode = p;
	if (p < end && *p != ' ')
		goto bad;
	for (path = p; path < end && *path == ' '; path++)
		continue;
	if (path < end) {
		/*
		 * Real maps pad to a fixed column, then one space: a path
		 * starting with spaces keeps them. Hand-written lines (one
		 * space) just start at the first non-blank.
		 */
		col = (size_t)(after_inode + 1 - line);
		if (col < MAPS_PAD_COLUMN)
			col = MAPS_PAD_COLUMN;
		col++;
		if (col < (size_t)(path - line))
			path = line + col;
	}
	plen = (size_t)(end - path);
	for (i = 0; i < plen; i++)
		if (path[i] == '\0')
			goto bad;
	if ((out->path = decode_path(path, plen)) == NULL)
		return -1;
	plen = strlen(out->path);
	if (plen >= sizeof(deleted_suffix) - 1 &&
	    strcmp(out->path + plen - (sizeof(deleted_suffix) - 1),
	    deleted_suffix) == 0)
		out->deleted = true;
	out->kind = classify(out->path);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int
vma_cmp(const void *a, const void *b)
{
	const struct vma *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int
maps_parse(const char *text, size_t len, struct vma_list *list)
{
	struct vma_list l = { NULL, 0, 0 };
	struct vma *nv;
	const char *p = text, *end = text + len, *eol;
	bool sorted = true;
	size_t ncap;
	int saved;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (l.n == l.cap) {
			ncap = l.cap ? l.cap * 2 : 64;
			nv = reallocarray(l.v, ncap, sizeof(*l.v));
			if (nv == NULL)
				goto fail;
			l.v = nv;
			l.cap = ncap;
		}
		if (maps_parse_line(p, (size_t)(eol - p), &l.v[l.n]) == -1)
			goto fail;
		if (l.n > 0 && l.v[l.n].start < l.v[l.n - 1].start)
			sorted = false;
		l.n++;
		p = eol + 1;
	}
	/* The kernel prints in address order; maps_find relies on it. */
	if (!sorted)
		qsort(l.v, l.n, sizeof(*l.v), vma_cmp);
	*list = l;
	return 0;
fail:
	saved = errno;
	maps_free(&l);
	errno = saved;
	return -1;
}

int
maps_read(int rootfd, int pid, struct vma_list *list)
{
	char *buf;
	size_t len;
	int r, saved;

	if (procfs_read_file(rootfd, (pid_t)pid, "maps", &buf, &len) == -1)
		return -1;
	r = maps_parse(buf, len, list);
	saved = errno;
	free(buf);
	errno = saved;
	return r;
}

void
maps_vma_free(struct vma *v)
{
	free(v->path);
	v->path = NULL;
}

void
maps_free(struct vma_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		maps_vma_free(&list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}

int
maps_stack_tid(const struct vma *v)
{
	const char *p = v->path, *end;
	uint64_t tid;

	if (v->kind != VMA_STACK || strncmp(p, "[stack:", 7) != 0)
		return 0;
	p += 7;
	end = p + strlen(p);
	if (*p == '0' || parse_u64(&p, end, INT_MAX, &tid) == -1)
		return 0;
	return p[0] == ']' && p[1] == '\0' ? (int)tid : 0;
}

long
maps_find(const struct vma_list *list, uint64_t addr)
{
	size_t lo = 0, hi = list->n, mid;

	/* Last VMA with start <= addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (list->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	if (addr < list->v[lo - 1].end)
		return (long)(lo - 1);
	return -1;
}

const char *
maps_kind_name(enum vma_kind kind)
{
	switch (kind) {
	case VMA_ANON:
		return "anon";
	case VMA_FILE:
		return "file";
	case VMA_HEAP:
		return "heap";
	case VMA_STACK:
		return "stack";
	case VMA_VDSO:
		return "vdso";
	case VMA_VSYSCALL:
		return "vsyscall";
	case VMA_SPECIAL:
		return "special";
	}
	return "?";
}
