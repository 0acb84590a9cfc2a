/* lab: the guided lab's shared types: options, phases, steps, own-memory probes. */
#ifndef VMPEEK_LAB_H
#define VMPEEK_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "caps.h"
#include "fmt.h"
#include "pagemap.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL	102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE	103
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_FREE
#define MADV_FREE		8
#endif

#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER		0x59616d61
#endif
#ifndef PR_SET_PTRACER_ANY
#define PR_SET_PTRACER_ANY	((unsigned long)-1)
#endif

#define LAB_MAXRANGES	4
#define LAB_TEXT	1024

struct lab {
	bool json;		/* JSON lines on stdout, prose on stderr */
	long auto_ms;		/* --auto: pause in ms; -1 = wait for input */
	bool tty;		/* stdin is a terminal */
	bool eof;		/* non-tty stdin ended: run on without pausing */
	bool quit;		/* 'q', EOF on a terminal, or a signal */
	bool make_swap;		/* --make-swap */
	const char *dir;	/* where temporary files go */
	FILE *prose;		/* stdout, or stderr with --json */
	int rootfd;		/* /proc */
	pid_t pid;
	size_t ps;
	unsigned int step;	/* the step running now */
	const char *name;
	struct pm_caps caps;	/* for decoding our own pagemap */
	/*
	 * What vmpeek --caps says, gathered again before each step: the
	 * probes decide from it, so the lab and --caps never disagree.
	 */
	struct vm_caps vcaps;
	int sysfd;		/* /sys, or -1 */
	int pmfd;		/* /proc/self/pagemap */
	struct pm_reader pm;
};

/* One pause of the lab: what was done, where to look, what to see. */
struct lab_phase {
	const char *phase;
	pid_t child;		/* 0 = none */
	uint64_t range[LAB_MAXRANGES][2];
	size_t nranges;
	char did[LAB_TEXT];
	char expect[LAB_TEXT];
	char question[LAB_TEXT];
};

struct lab_step {
	const char *name;
	const char *title;
	/* 1 can run here, 0 can't (why says so). */
	int (*probe)(struct lab *lab, char *why, size_t len);
	/* 0 done, -1 quit (lab->quit) or failed (a message was printed). */
	int (*run)(struct lab *lab);
};

extern const struct lab_step lab_steps[];
extern const size_t lab_nsteps;

/* Set by the signal handler: stop at the next pause. */
extern volatile int lab_signalled;

/* main.c: vmpeek --caps' view of this machine, now (lab->vcaps). */
void lab_caps_refresh(struct lab *lab);
/* main.c: is --caps item id available here? If not, why into why. */
int lab_caps_have(struct lab *lab, enum caps_id id, char *why, size_t len);

/* phase.c: print a phase (prose and JSON) and wait; 0 go on, -1 quit. */
int lab_phase_show(struct lab *lab, struct lab_phase *ph);
/* phase.c: lab_phase_show for a step split in phase functions: 0 go on, 1 quit. */
int lab_phase_next(struct lab *lab, struct lab_phase *ph);
/*
 * phase.c: a step on two anonymous read-write regions A and B of len
 * bytes (lab_map's names na, nb): its phase functions in turn (each 0 go
 * on, 1 quit, -1 error), then both unmapped. The step's return value.
 */
struct lab_map;
typedef int lab_two_phase(struct lab *lab, struct lab_map *a,
    struct lab_map *b);
int lab_run_two(struct lab *lab, size_t len, const char *na, const char *nb,
    lab_two_phase *const *phases, size_t nphases);
/* phase.c: the one line of a step that can't run here. */
void lab_phase_skip(struct lab *lab, const char *why);
/* phase.c: start a phase: clear it and set its name and first range. */
void lab_phase_init(struct lab_phase *ph, const char *name, const void *start,
    size_t len);
void lab_phase_add_range(struct lab_phase *ph, const void *start, size_t len);
#define LAB_CAT(buf, ...) fmt_append((buf), sizeof(buf), __VA_ARGS__)
/* phase.c: an error in a step, in the prose stream. Returns -1. */
int lab_error(struct lab *lab, const char *what);

/* mem.c: n pages between two PROT_NONE fence pages, a VMA of its own. */
struct lab_map {
	char *res;		/* the reservation, fences included */
	size_t reslen;
	char *p;		/* the region */
	size_t len;
};
/* align 0 = page. fd -1 = anonymous (named "vmpeek-lab NAME" if possible). */
int lab_map(struct lab *lab, struct lab_map *m, size_t len, size_t align,
    int prot, int flags, int fd, const char *name);
void lab_unmap(struct lab_map *m);
void lab_touch(volatile char *p, size_t len, size_t ps, char val);
/* Read one byte of every page; returns the sum (so reads aren't dropped). */
unsigned int lab_read(volatile const char *p, size_t len, size_t ps);

/* mem.c: a summary of our own pagemap over [p, p + len). */
struct lab_pm {
	size_t n, present, exclusive, file, swapped, guard;
	bool pfn_visible;	/* root: PFNs are real */
	size_t distinct_pfn;	/* among present pages (when visible) */
	bool consecutive;	/* present PFNs are first, first+1, ... */
	uint64_t first_pfn;
};
int lab_pm_entries(struct lab *lab, const void *p, size_t npages,
    struct pm_entry *out);
int lab_pm_sum(struct lab *lab, const void *p, size_t len, struct lab_pm *s);
/* mem.c: VMAs of our maps overlapping [p, p + len): count, first few. */
int lab_vmas(struct lab *lab, const void *p, size_t len,
    uint64_t out[][2], size_t max, size_t *n);
/* mem.c: a "Key:" (kB) of the smaps VMA starting at start; -1 if absent. */
long long lab_smaps_kb(struct lab *lab, uintptr_t start, const char *key);
/* mem.c: a temporary file of npages pages in lab->dir; path malloc'd. */
int lab_tmpfile(struct lab *lab, const char *stem, size_t npages,
    char **path);
/* mem.c: kpageflags of a PFN (root); -1 when unreadable. */
int lab_kpageflags(struct lab *lab, uint64_t pfn, uint64_t *flags);

/* The steps, one file each. */
int step_demand_zero(struct lab *lab);
int step_cow_fork(struct lab *lab);
int step_private_file(struct lab *lab);
int step_dontneed_free(struct lab *lab);
int step_mlock(struct lab *lab);
int probe_mlock(struct lab *lab, char *why, size_t len);
int step_mprotect_split(struct lab *lab);
int step_stack(struct lab *lab);
int step_guard(struct lab *lab);
int probe_guard(struct lab *lab, char *why, size_t len);
int step_thp(struct lab *lab);
int probe_thp(struct lab *lab, char *why, size_t len);
int step_page_cache(struct lab *lab);
int step_swap(struct lab *lab);
int probe_swap(struct lab *lab, char *why, size_t len);
int probe_tmpdir(struct lab *lab, char *why, size_t len);

/* swapfile.c: a temporary swap file (root, --make-swap). */
int lab_swapfile_make(struct lab *lab, char *why, size_t len);
void lab_swapfile_remove(void);
const char *lab_swapfile_path(void);

#endif
