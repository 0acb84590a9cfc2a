/* fuzz_maps: /proc/PID/maps text through maps_parse, then printed back as the kernel does and reparsed. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>

#include "fuzz.h"
#include "maps.h"

/*
 * The kernel's line (fs/proc/task_mmu.c show_vma_header_prefix and
 * show_map_vma): hex fields of at least 8 (dev: 2) digits, the inode and
 * always one space; a name is padded to column 72, then one more space;
 * seq_path escapes only '\n', as \012.
 */
static size_t
print_line(const struct vma *v, char *buf, size_t cap)
{
	size_t n;
	int w;

	w = snprintf(buf, cap, "%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64
	    " %02x:%02x %" PRIu64 " ", v->start, v->end, v->perms, v->offset,
	    v->dev_major, v->dev_minor, v->inode);
	FUZZ_CHECK(w > 0 && (size_t)w < cap);
	n = (size_t)w;
	if (v->path[0] == '\0')
		return n;
	while (n < 72) {
		FUZZ_CHECK(n + 1 < cap);
		buf[n++] = ' ';
	}
	FUZZ_CHECK(n + 1 < cap);
	buf[n++] = ' ';
	for (const char *p = v->path; *p != '\0'; p++) {
		FUZZ_CHECK(n + 4 < cap);
		if (*p == '\n') {
			memcpy(buf + n, "\\012", 4);
			n += 4;
		} else
			buf[n++] = *p;
	}
	return n;
}

static bool
same_vma(const struct vma *a, const struct vma *b)
{
	return a->start == b->start && a->end == b->end &&
	    strcmp(a->perms, b->perms) == 0 && a->offset == b->offset &&
	    a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
	    a->inode == b->inode && strcmp(a->path, b->path) == 0 &&
	    a->deleted == b->deleted && a->kind == b->kind;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vma_list l = { NULL, 0, 0 };
	size_t i, cap, n;
	bool disjoint = true;
	char *buf;

	if (maps_parse((const char *)data, size, &l) == -1)
		return 0;
	/* A path can only grow by \012 for each newline: 4x plus room. */
	cap = 4 * size + 128;
	buf = malloc(cap);
	FUZZ_CHECK(buf != NULL);
	for (i = 0; i + 1 < l.n; i++)
		if (l.v[i].end > l.v[i + 1].start)
			disjoint = false;
	for (i = 0; i < l.n; i++) {
		const struct vma *v = &l.v[i];
		struct vma again;
		size_t plen = strlen(v->path);
		long k;

		FUZZ_CHECK(v->start < v->end);
		FUZZ_CHECK(i == 0 || l.v[i - 1].start <= v->start);
		FUZZ_CHECK(strlen(v->perms) == 4);
		FUZZ_CHECK(strchr("r-", v->perms[0]) != NULL &&
		    strchr("w-", v->perms[1]) != NULL &&
		    strchr("x-", v->perms[2]) != NULL &&
		    strchr("ps", v->perms[3]) != NULL);
		FUZZ_CHECK(v->deleted == (plen >= 10 &&
		    strcmp(v->path + plen - 10, " (deleted)") == 0));
		FUZZ_CHECK((v->kind == VMA_ANON) == (plen == 0));
		FUZZ_CHECK((v->kind == VMA_FILE) == (v->path[0] == '/'));
		/* Whatever it finds must contain the address. */
		k = maps_find(&l, v->start);
		FUZZ_CHECK(k >= -1 && k < (long)l.n);
		if (k >= 0)
			FUZZ_CHECK(l.v[k].start <= v->start &&
			    v->start < l.v[k].end);
		/* Real maps never overlap: then the lookup is exact. */
		if (disjoint) {
			FUZZ_CHECK(k == (long)i);
			FUZZ_CHECK(maps_find(&l, v->end - 1) == (long)i);
			FUZZ_CHECK(i + 1 == l.n || v->end == l.v[i + 1].start ||
			    maps_find(&l, v->end) == -1);
		}

		n = print_line(v, buf, cap);
		FUZZ_CHECK(maps_parse_line(buf, n, &again) == 0);
		FUZZ_CHECK(same_vma(v, &again));
		maps_vma_free(&again);
	}
	free(buf);
	maps_free(&l);
	return 0;
}
