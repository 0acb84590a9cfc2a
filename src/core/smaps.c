/* smaps: streaming parser of /proc/PID/smaps (huge pages, VmFlags). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"
#include "smaps.h"

#define READ_CHUNK	(64 * 1024)
#define LINE_MAX_KEEP	(256 * 1024)	/* longer lines: only their start */

static const struct {
	char code[3];
	const char *help;
} vmflag_tab[SMF_COUNT] = {
	[SMF_RD] = { "rd", "readable" },
	[SMF_WR] = { "wr", "writeable" },
	[SMF_EX] = { "ex", "executable" },
	[SMF_SH] = { "sh", "shared" },
	[SMF_MR] = { "mr", "may read" },
	[SMF_MW] = { "mw", "may write" },
	[SMF_ME] = { "me", "may execute" },
	[SMF_MS] = { "ms", "may share" },
	[SMF_GD] = { "gd", "stack: grows down" },
	[SMF_PF] = { "pf", "raw PFN map (no struct page)" },
	[SMF_LO] = { "lo", "mlocked: pages stay in RAM" },
	[SMF_IO] = { "io", "memory-mapped I/O" },
	[SMF_SR] = { "sr", "MADV_SEQUENTIAL" },
	[SMF_RR] = { "rr", "MADV_RANDOM" },
	[SMF_DC] = { "dc", "MADV_DONTFORK: not copied on fork" },
	[SMF_DE] = { "de", "cannot be expanded by mremap" },
	[SMF_AC] = { "ac", "accounted (counts against overcommit)" },
	[SMF_NR] = { "nr", "MAP_NORESERVE: no swap reserved" },
	[SMF_HT] = { "ht", "hugetlbfs pages" },
	[SMF_SF] = { "sf", "MAP_SYNC (DAX)" },
	[SMF_AR] = { "ar", "architecture specific" },
	[SMF_WF] = { "wf", "MADV_WIPEONFORK: zeroed in a child" },
	[SMF_DD] = { "dd", "MADV_DONTDUMP: not in core dumps" },
	[SMF_BT] = { "bt", "arm64 BTI guarded" },
	[SMF_SD] = { "sd", "soft-dirty" },
	[SMF_MM] = { "mm", "mixed map" },
	[SMF_HG] = { "hg", "MADV_HUGEPAGE: THP wanted" },
	[SMF_NH] = { "nh", "MADV_NOHUGEPAGE: THP refused" },
	[SMF_MG] = { "mg", "MADV_MERGEABLE: KSM may merge" },
	[SMF_UM] = { "um", "userfaultfd missing-page tracking" },
	[SMF_UW] = { "uw", "userfaultfd write-protect tracking" },
	[SMF_MT] = { "mt", "arm64 MTE tags" },
	[SMF_UI] = { "ui", "userfaultfd minor-fault tracking" },
	[SMF_SS] = { "ss", "shadow stack" },
	[SMF_SL] = { "sl", "sealed (mseal): cannot be changed" },
	[SMF_LF] = { "lf", "locked on fault (MLOCK_ONFAULT)" },
	[SMF_DP] = { "dp", "droppable (MAP_DROPPABLE)" },
	[SMF_GU] = { "gu", "may hold guard regions" },
};

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int
header(const char *line, size_t len, struct smaps_list *list)
{
	const char *p = line, *eol = line + len;
	struct smaps_vma *v;
	uint64_t start, end;

	if (parse_hex(&p, eol, &start) == -1 || p >= eol || *p++ != '-' ||
	    parse_hex(&p, eol, &end) == -1 || p >= eol || *p != ' ' ||
	    end <= start)
		goto bad;
	if (list->n == list->cap) {
		size_t nc = list->cap ? list->cap * 2 : 64;
		struct smaps_vma *nv = reallocarray(list->v, nc, sizeof(*nv));

		if (nv == NULL)
			return -1;
		list->v = nv;
		list->cap = nc;
	}
	v = &list->v[list->n++];
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->thp_eligible = TRI_UNKNOWN;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* "   1234 kB" -> bytes; a bare number (THPeligible) is kept as is. */
static int
parse_value(const char *s, size_t len, uint64_t *out, bool *kb)
{
	const char *p = s, *end = s + len;
	size_t i;
	uint64_t v;

	while (p < end && *p == ' ')
		p++;
	if (parse_u64(&p, end, UINT64_MAX, &v) == -1)
		return -1;
	i = (size_t)(p - s);
	while (i < len && s[i] == ' ')
		i++;
	*kb = false;
	if (len - i >= 2 && s[i] == 'k' && s[i + 1] == 'B') {
		if (v > UINT64_MAX / 1024)
			return -1;
		v *= 1024;
		*kb = true;
		i += 2;
	}
	while (i < len && s[i] == ' ')
		i++;
	if (i != len)
		return -1;
	*out = v;
	return 0;
}

static void
parse_vmflags(const char *s, size_t len, struct smaps_vma *v)
{
	size_t i = 0;

	v->has_vmflags = true;
	while (i < len) {
		size_t b;
		int f;

		while (i < len && s[i] == ' ')
			i++;
		b = i;
		while (i < len && s[i] != ' ')
			i++;
		if (i == b)
			break;
		for (f = 0; f < SMF_COUNT; f++)
			if (i - b == 2 && memcmp(s + b, vmflag_tab[f].code,
			    2) == 0)
				break;
		if (f < SMF_COUNT)
			v->vmflags |= SMF_BIT(f);
		else
			v->vmflags_unknown++;
	}
}

/* The fields we keep, by key; the rest of smaps is ignored. */
enum { K_KPS, K_MPS, K_RSS, K_PSS, K_AHP, K_SHM, K_FPM, K_SHT, K_PHT,
	K_SWAP, K_LOCKED, K_THPE, K_NONE };
static const char *const key_name[K_NONE] = {
	"KernelPageSize", "MMUPageSize", "Rss", "Pss", "AnonHugePages",
	"ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
	"Private_Hugetlb", "Swap", "Locked", "THPeligible",
};

static uint64_t *
field_of(struct smaps_vma *v, int k)
{
	switch (k) {
	case K_KPS: return &v->kernel_page_size;
	case K_MPS: return &v->mmu_page_size;
	case K_RSS: return &v->rss;
	case K_PSS: return &v->pss;
	case K_AHP: return &v->anon_huge;
	case K_SHM: return &v->shmem_pmd;
	case K_FPM: return &v->file_pmd;
	case K_SHT: return &v->shared_hugetlb;
	case K_PHT: return &v->private_hugetlb;
	case K_SWAP: return &v->swap;
	case K_LOCKED: return &v->locked;
	default: return NULL;
	}
}

int
smaps_parse_line(const char *line, size_t len, struct smaps_list *list)
{
	struct smaps_vma *v;
	const char *colon;
	size_t klen;
	uint64_t val;
	bool kb;
	int k;

	if (len == 0)
		return 0;
	if (is_hex(line[0]))
		return header(line, len, list);
	if (list->n == 0 || (colon = memchr(line, ':', len)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	v = &list->v[list->n - 1];
	klen = (size_t)(colon - line);
	if (klen == 7 && memcmp(line, "VmFlags", 7) == 0) {
		parse_vmflags(colon + 1, len - klen - 1, v);
		return 0;
	}
	for (k = 0; k < K_NONE; k++)
		if (strlen(key_name[k]) == klen &&
		    memcmp(line, key_name[k], klen) == 0)
			break;
	if (k == K_NONE)
		return 0;	/* a field we don't use (or a newer one) */
	if (parse_value(colon + 1, len - klen - 1, &val, &kb) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (k == K_THPE)
		v->thp_eligible = val != 0 ? TRI_YES : TRI_NO;
	else
		*field_of(v, k) = val;
	return 0;
}

int
smaps_parse(const char *text, size_t len, struct smaps_list *list)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		if (smaps_parse_line(text + i, n, list) == -1)
			return -1;
		i += n + 1;
	}
	return 0;
}

int
smaps_reader_open(struct smaps_reader *sr, int rootfd, pid_t pid)
{
	memset(sr, 0, sizeof(*sr));
	sr->fd = -1;
	if ((sr->buf = malloc(READ_CHUNK)) == NULL)
		return -1;
	sr->cap = READ_CHUNK;
	if ((sr->fd = procfs_openat(rootfd, pid, "smaps", O_RDONLY)) == -1) {
		int e = errno;

		free(sr->buf);
		sr->buf = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

/* Parse the complete lines in buf; keep the partial last one. */
static int
consume(struct smaps_reader *sr, bool eof)
{
	size_t i = 0;

	while (i < sr->have) {
		char *nl = memchr(sr->buf + i, '\n', sr->have - i);
		size_t n;

		if (nl == NULL && !eof)
			break;
		n = nl ? (size_t)(nl - (sr->buf + i)) : sr->have - i;
		if (sr->skip_line)
			sr->skip_line = false;
		else if (smaps_parse_line(sr->buf + i, n, &sr->list) == -1)
			return -1;
		i += n + 1;
	}
	if (i > sr->have)
		i = sr->have;
	memmove(sr->buf, sr->buf + i, sr->have - i);
	sr->have -= i;
	/*
	 * A line longer than the buffer (a pathological path): its start
	 * (the address range) is all we need; grow up to a limit, then
	 * parse the head and drop the rest of the line.
	 */
	if (sr->have == sr->cap) {
		if (sr->cap < LINE_MAX_KEEP) {
			char *nb = realloc(sr->buf, sr->cap * 2);

			if (nb == NULL)
				return -1;
			sr->buf = nb;
			sr->cap *= 2;
		} else {
			if (smaps_parse_line(sr->buf, sr->have, &sr->list) ==
			    -1)
				return -1;
			sr->have = 0;
			sr->skip_line = true;
		}
	}
	return 0;
}

int
smaps_reader_step(struct smaps_reader *sr, size_t max_bytes)
{
	size_t done = 0;

	while (sr->state == SMAPS_READING && done < max_bytes) {
		ssize_t got = read(sr->fd, sr->buf + sr->have,
		    sr->cap - sr->have);

		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			sr->state = SMAPS_FAILED;
			sr->err = errno;
			break;
		}
		sr->have += (size_t)got;
		sr->bytes += (uint64_t)got;
		done += (size_t)got;
		if (consume(sr, got == 0) == -1) {
			sr->state = SMAPS_FAILED;
			sr->err = errno;
			break;
		}
		if (got == 0)
			sr->state = SMAPS_DONE;
	}
	if (sr->state == SMAPS_FAILED)
		errno = sr->err;
	return (int)sr->state;
}

void
smaps_reader_take(struct smaps_reader *sr, struct smaps_list *out)
{
	*out = sr->list;
	memset(&sr->list, 0, sizeof(sr->list));
}

void
smaps_reader_close(struct smaps_reader *sr)
{
	if (sr->fd >= 0)
		close(sr->fd);
	sr->fd = -1;
	free(sr->buf);
	sr->buf = NULL;
	smaps_free(&sr->list);
}

int
smaps_read(int rootfd, pid_t pid, struct smaps_list *list)
{
	struct smaps_reader sr;
	int ret, e;

	if (smaps_reader_open(&sr, rootfd, pid) == -1)
		return -1;
	while ((ret = smaps_reader_step(&sr, SIZE_MAX)) == 0)
		;
	e = errno;
	if (ret == 1)
		smaps_reader_take(&sr, list);
	smaps_reader_close(&sr);
	errno = e;
	return ret == 1 ? 0 : -1;
}

void
smaps_free(struct smaps_list *list)
{
	free(list->v);
	memset(list, 0, sizeof(*list));
}

const struct smaps_vma *
smaps_find(const struct smaps_list *list, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = list->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list->v[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < list->n && list->v[lo].start == start &&
	    list->v[lo].end == end)
		return &list->v[lo];
	return NULL;
}

const char *
smaps_vmflag_code(enum smaps_vmflag f)
{
	return (int)f >= 0 && f < SMF_COUNT ? vmflag_tab[f].code : "??";
}

const char *
smaps_vmflag_help(enum smaps_vmflag f)
{
	return (int)f >= 0 && f < SMF_COUNT ? vmflag_tab[f].help : "";
}

char *
smaps_vmflags_str(uint64_t flags, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int f = 0; f < SMF_COUNT; f++) {
		if (!(flags & SMF_BIT(f)))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, " ", len);
		strlcat(buf, vmflag_tab[f].code, len);
	}
	return buf;
}

bool
smaps_is_hugetlb(const struct smaps_vma *s, size_t pagesize)
{
	return (s->vmflags & SMF_BIT(SMF_HT)) ||
	    s->kernel_page_size > pagesize;
}

uint64_t
smaps_thp_bytes(const struct smaps_vma *s)
{
	return s->anon_huge + s->shmem_pmd + s->file_pmd;
}
