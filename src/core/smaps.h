/* smaps: streaming parser of /proc/PID/smaps (huge pages, VmFlags). */
#ifndef VMPEEK_SMAPS_H
#define VMPEEK_SMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tri.h"

/*
 * VmFlags codes (fs/proc/task_mmu.c show_smap_vma_flags), one bit each in
 * struct smaps_vma.vmflags; smaps_vmflag_code() gives the two letters back.
 */
enum smaps_vmflag {
	SMF_RD, SMF_WR, SMF_EX, SMF_SH, SMF_MR, SMF_MW, SMF_ME, SMF_MS,
	SMF_GD, SMF_PF, SMF_LO, SMF_IO, SMF_SR, SMF_RR, SMF_DC, SMF_DE,
	SMF_AC, SMF_NR, SMF_HT, SMF_SF, SMF_AR, SMF_WF, SMF_DD, SMF_BT,
	SMF_SD, SMF_MM, SMF_HG, SMF_NH, SMF_MG, SMF_UM, SMF_UW, SMF_MT,
	SMF_UI, SMF_SS, SMF_SL, SMF_LF, SMF_DP, SMF_GU,
	SMF_COUNT
};
#define SMF_BIT(f)	(1ULL << (f))

/* One VMA of smaps. Sizes in bytes (the file prints kB); absent = 0. */
struct smaps_vma {
	uint64_t start, end;
	uint64_t kernel_page_size;	/* KernelPageSize */
	uint64_t mmu_page_size;		/* MMUPageSize */
	uint64_t rss, pss;
	uint64_t anon_huge;		/* AnonHugePages: PMD-mapped anon THP */
	uint64_t shmem_pmd;		/* ShmemPmdMapped */
	uint64_t file_pmd;		/* FilePmdMapped */
	uint64_t shared_hugetlb, private_hugetlb;
	uint64_t swap, locked;
	enum tri thp_eligible;		/* THPeligible; TRI_UNKNOWN: absent */
	uint64_t vmflags;		/* SMF_BIT(SMF_*) set */
	unsigned int vmflags_unknown;	/* codes this table doesn't know */
	bool has_vmflags;		/* a VmFlags line was seen */
};

struct smaps_list {
	struct smaps_vma *v;
	size_t n, cap;
};

/*
 * Feed one line (no newline; need not be NUL-terminated). A line starting
 * with a lowercase hex digit opens a new VMA ("start-end perms ..."); a
 * "Key: value" line fills the last one. Unknown keys are ignored, so a
 * newer kernel's additions don't break the parse. 0, or -1 with errno
 * EINVAL (malformed header, or a field before any header) / ENOMEM.
 */
int smaps_parse_line(const char *line, size_t len, struct smaps_list *list);

/*
 * Parse a whole smaps text in one pass, appending to *list (zero it, or
 * smaps_free a previous result, first). On failure *list keeps what was
 * parsed so far (free it). 0 or -1.
 */
int smaps_parse(const char *text, size_t len, struct smaps_list *list);

/*
 * Incremental reading: smaps of 65,000 VMAs is ~50 MB of text and takes
 * the kernel a while to produce, so it is read in chunks (never held
 * whole) and parsed as it arrives; a UI calls step with a small budget.
 */
enum smaps_read_state {
	SMAPS_FAILED = -1,	/* err says why */
	SMAPS_READING = 0,
	SMAPS_DONE = 1,
};

struct smaps_reader {
	int fd;
	char *buf;
	size_t have, cap;
	bool skip_line;		/* discarding the rest of an over-long line */
	struct smaps_list list;	/* what was parsed so far (sorted) */
	enum smaps_read_state state;
	int err;
	uint64_t bytes;		/* bytes read so far */
};

/* Open <root>/<pid>/smaps. -1 with errno (ESRCH gone, EACCES denied). */
int smaps_reader_open(struct smaps_reader *sr, int rootfd, pid_t pid);
/*
 * Read and parse at most max_bytes more; returns the state: SMAPS_DONE (1),
 * SMAPS_READING (0: more to read) or SMAPS_FAILED (-1, errno set).
 */
int smaps_reader_step(struct smaps_reader *sr, size_t max_bytes);
/* Take the list (caller frees with smaps_free); the reader keeps none. */
void smaps_reader_take(struct smaps_reader *sr, struct smaps_list *out);
void smaps_reader_close(struct smaps_reader *sr);

/* Read and parse all of <root>/<pid>/smaps into *list. 0 or -1. */
int smaps_read(int rootfd, pid_t pid, struct smaps_list *list);

void smaps_free(struct smaps_list *list);

/* The entry with exactly [start, end), or NULL (binary search). */
const struct smaps_vma *smaps_find(const struct smaps_list *list,
    uint64_t start, uint64_t end);

/* Two-letter code of a flag ("hg"), its meaning in a few words. */
const char *smaps_vmflag_code(enum smaps_vmflag f);
const char *smaps_vmflag_help(enum smaps_vmflag f);
/* The codes set in flags, space separated, into buf. Returns buf. */
char *smaps_vmflags_str(uint64_t flags, char *buf, size_t len);

/* Is the VMA hugetlbfs? (VmFlags ht, or KernelPageSize above pagesize.) */
bool smaps_is_hugetlb(const struct smaps_vma *s, size_t pagesize);
/* Bytes mapped by PMD-sized THP (anon + shmem + file). */
uint64_t smaps_thp_bytes(const struct smaps_vma *s);

#endif
