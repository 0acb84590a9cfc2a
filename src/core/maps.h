/* maps: pure parser for /proc/PID/maps lines and the VMA list built from them. */
#ifndef VMPEEK_MAPS_H
#define VMPEEK_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vma_kind {
	VMA_ANON,	/* no path */
	VMA_FILE,	/* a path starting with '/' */
	VMA_HEAP,	/* [heap] */
	VMA_STACK,	/* [stack], or [stack:TID] (a thread's, before 4.5) */
	VMA_VDSO,	/* [vdso], [vvar], [vvar_vclock], [uprobes] */
	VMA_VSYSCALL,	/* [vsyscall]: pagemap cannot read it */
	VMA_SPECIAL,	/* any other [name] or anon_inode:... */
};

struct vma {
	uint64_t start;		/* inclusive */
	uint64_t end;		/* exclusive */
	char perms[5];		/* "rwxp" as printed, NUL-terminated */
	uint64_t offset;
	unsigned int dev_major;
	unsigned int dev_minor;
	uint64_t inode;
	char *path;		/* malloc'd, raw bytes (\012 decoded); "" if none */
	bool deleted;		/* path ended in " (deleted)" (kept in path) */
	enum vma_kind kind;
};

struct vma_list {
	struct vma *v;
	size_t n;
	size_t cap;
};

/*
 * Parse one maps line (without its newline; len bytes, need not be
 * NUL-terminated). Fills *out (out->path is malloc'd). 0, or -1 with
 * errno EINVAL on malformed text / ENOMEM.
 */
int maps_parse_line(const char *line, size_t len, struct vma *out);

/*
 * Parse a whole maps file; malformed lines fail the parse (-1, EINVAL).
 * On success *list is overwritten (not freed: maps_free a previous
 * result first), sorted by start; on failure it is left untouched.
 */
int maps_parse(const char *text, size_t len, struct vma_list *list);

/* Read and parse <root>/<pid>/maps. */
int maps_read(int rootfd, int pid, struct vma_list *list);

void maps_free(struct vma_list *list);
void maps_vma_free(struct vma *v);

/* Index of the VMA containing addr, or -1 (binary search; list is sorted). */
long maps_find(const struct vma_list *list, uint64_t addr);

/*
 * The TID of a thread stack labelled "[stack:TID]" (kernels 3.4 to 4.4),
 * else 0 — also for the main "[stack]".
 */
int maps_stack_tid(const struct vma *v);

/* Short name of a kind: "anon", "file", "heap", "stack", ... */
const char *maps_kind_name(enum vma_kind kind);

#endif
