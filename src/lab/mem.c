/* mem: the lab's own memory: fenced mappings, own pagemap, maps and smaps, temp files. */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpage.h"
#include "lab.h"
#include "maps.h"
#include "procfs.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/*
 * The region sits between PROT_NONE fences so that it never merges with a
 * neighbour: the class sees exactly the VMA the step made, and a split or
 * a merge is the step's own doing.
 */
int
lab_map(struct lab *lab, struct lab_map *m, size_t len, size_t align,
    int prot, int flags, int fd, const char *name)
{
	uintptr_t p;
	char label[64];

	if (align < lab->ps)
		align = lab->ps;
	memset(m, 0, sizeof(*m));
	m->reslen = len + align + 2 * lab->ps;
	m->res = mmap(NULL, m->reslen, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->res == MAP_FAILED) {
		m->res = NULL;
		return -1;
	}
	p = ((uintptr_t)m->res + lab->ps + align - 1) & ~(uintptr_t)(align - 1);
	if (fd == -1)
		flags |= MAP_ANONYMOUS;
	if (mmap((void *)p, len, prot, flags | MAP_FIXED, fd, 0) == MAP_FAILED) {
		lab_unmap(m);
		return -1;
	}
	m->p = (char *)p;
	m->len = len;
	/* A name the class can find in the VMA list (5.17+, optional). */
	if (fd == -1 && name != NULL) {
		snprintf(label, sizeof(label), "vmpeek-lab %s", name);
		(void)prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, m->p, len, label);
	}
	return 0;
}

void
lab_unmap(struct lab_map *m)
{
	if (m->res != NULL)
		munmap(m->res, m->reslen);
	memset(m, 0, sizeof(*m));
}

void
lab_touch(volatile char *p, size_t len, size_t ps, char val)
{
	for (size_t i = 0; i < len; i += ps)
		p[i] = val;
}

unsigned int
lab_read(volatile const char *p, size_t len, size_t ps)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < len; i += ps)
		sum += (unsigned char)p[i];
	return sum;
}

int
lab_pm_entries(struct lab *lab, const void *p, size_t npages,
    struct pm_entry *out)
{
	uint64_t raw[64];
	size_t done = 0;

	while (done < npages) {
		size_t n = npages - done < 64 ? npages - done : 64;
		ssize_t r = pagemap_read(&lab->pm,
		    (uintptr_t)p + done * lab->ps, n, raw);

		if (r <= 0) {
			if (r == 0)
				errno = EFAULT;
			return -1;
		}
		for (ssize_t i = 0; i < r; i++)
			pagemap_decode(raw[i], &lab->caps, &out[done + i]);
		done += (size_t)r;
	}
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
lab_pm_sum(struct lab *lab, const void *p, size_t len, struct lab_pm *s)
{
	size_t n = len / lab->ps, np = 0;
	struct pm_entry *e;
	uint64_t *pfns;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->pfn_visible = lab->vcaps.item[CAPS_PFN_VISIBLE].available;
	e = calloc(n, sizeof(*e));
	pfns = calloc(n, sizeof(*pfns));
	if (e == NULL || pfns == NULL || lab_pm_entries(lab, p, n, e) == -1) {
		free(e);
		free(pfns);
		return -1;
	}
	s->consecutive = true;
	for (size_t i = 0; i < n; i++) {
		if (e[i].flags & PMF_PRESENT) {
			if (s->present == 0)
				s->first_pfn = e[i].pfn;
			else if (e[i].pfn != s->first_pfn + s->present)
				s->consecutive = false;
			s->present++;
			if (e[i].pfn_valid)
				pfns[np++] = e[i].pfn;
		}
		if (e[i].flags & PMF_EXCLUSIVE)
			s->exclusive++;
		if (e[i].flags & PMF_FILE_SHARED)
			s->file++;
		if (e[i].flags & PMF_SWAPPED)
			s->swapped++;
		if (e[i].flags & PMF_GUARD)
			s->guard++;
	}
	if (np < s->present)
		s->pfn_visible = false;
	qsort(pfns, np, sizeof(*pfns), cmp_u64);
	for (size_t i = 0; i < np; i++)
		if (i == 0 || pfns[i] != pfns[i - 1])
			s->distinct_pfn++;
	free(e);
	free(pfns);
	return 0;
}

int
lab_vmas(struct lab *lab, const void *p, size_t len, uint64_t out[][2],
    size_t max, size_t *n)
{
	struct vma_list l = { 0 };
	uint64_t s = (uintptr_t)p, e = s + len;

	if (maps_read(lab->rootfd, (int)lab->pid, &l) == -1)
		return -1;
	*n = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].end <= s || l.v[i].start >= e)
			continue;
		if (*n < max) {
			out[*n][0] = l.v[i].start;
			out[*n][1] = l.v[i].end;
		}
		(*n)++;
	}
	maps_free(&l);
	return 0;
}

/* Parse "   123 kB" after a key; -1 on junk. */
static long long
kb_value(const char *s)
{
	char num[32];
	size_t n = 0;
	const char *err = NULL;
	long long v;

	while (*s == ' ')
		s++;
	while (s[n] >= '0' && s[n] <= '9' && n + 1 < sizeof(num)) {
		num[n] = s[n];
		n++;
	}
	num[n] = '\0';
	if (n == 0)
		return -1;
	v = strtonum(num, 0, LLONG_MAX, &err);
	return err != NULL ? -1 : v;
}

long long
lab_smaps_kb(struct lab *lab, uintptr_t start, const char *key)
{
	char *text, *line, *next, head[32];
	size_t len, klen = strlen(key);
	long long v = -1;
	bool in = false;

	if (procfs_read_file(lab->rootfd, lab->pid, "smaps", &text, &len) == -1)
		return -1;
	snprintf(head, sizeof(head), "%lx-", (unsigned long)start);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, head, strlen(head)) == 0) {
			in = true;
			continue;
		}
		if (!in)
			continue;
		/* the next VMA's header: a hex digit, then '-' eventually */
		if (strchr(line, ':') == NULL || (line[0] >= '0' &&
		    line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f'))
			break;
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = kb_value(line + klen + 1);
			break;
		}
	}
	free(text);
	return v;
}

int
lab_tmpfile(struct lab *lab, const char *stem, size_t npages, char **path)
{
	char *buf;
	int fd;

	if (asprintf(path, "%s/vmpeek-lab-%s.XXXXXX", lab->dir, stem) == -1) {
		*path = NULL;
		return -1;
	}
	if ((fd = mkstemp(*path)) == -1)
		goto fail;
	if ((buf = malloc(lab->ps)) == NULL)
		goto fail_fd;
	for (size_t i = 0; i < npages; i++) {
		/* Each page says which it is, so a dump shows the file. */
		memset(buf, ' ', lab->ps);
		for (size_t j = 0; j + 64 <= lab->ps; j += 64) {
			char line[64];
			int n = snprintf(line, sizeof(line), "%s page %zu",
			    stem, i);

			memcpy(buf + j, line, n > 63 ? 63 : (size_t)n);
			buf[j + 63] = '\n';
		}
		if (write(fd, buf, lab->ps) != (ssize_t)lab->ps) {
			free(buf);
			goto fail_fd;
		}
	}
	free(buf);
	return fd;
fail_fd:
	close(fd);
	unlink(*path);
fail:
	free(*path);
	*path = NULL;
	return -1;
}

int
lab_kpageflags(struct lab *lab, uint64_t pfn, uint64_t *flags)
{
	static struct kpage k;
	static bool opened;

	if (!opened) {
		kpage_open(&k, lab->rootfd);
		opened = true;
	}
	return kpage_flags(&k, pfn, flags);
}
