/* stack: the stack view — SP, never-faulted pages below it, guard gap, rlimit. */
#ifndef VMPEEK_STACK_H
#define VMPEEK_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maps.h"
#include "pagemap.h"

/*
 * Parse /proc/PID/syscall: "NR a1..a6 SP PC", "-1 SP PC" (blocked outside
 * a syscall) or "running". Returns 0 with *sp set, 1 if the task is running
 * (no SP), -1 on malformed text.
 */
int stack_parse_syscall(const char *text, size_t len, uint64_t *sp);

/*
 * Parse the "Max stack size" soft limit from /proc/PID/limits, in bytes;
 * UINT64_MAX for unlimited. 0 or -1.
 */
int stack_parse_limits(const char *text, size_t len, uint64_t *soft);

struct stack_info {
	uint64_t vma_start, vma_end;	/* the stack VMA inspected */
	bool sp_known;
	uint64_t sp;
	const char *sp_why;		/* why sp_known is false (static text) */
	uint64_t rlimit;		/* UINT64_MAX = unlimited; 0 unknown */
	uint64_t guard_gap;		/* [stack]: bytes kept free below the VMA;
					   thread: its guard (see guard_low) */
	uint64_t prev_end;		/* end of the VMA below, 0 if none */
	bool gap_violated;		/* [stack]: stack_gap_violated() */
	uint64_t pages;			/* pages in the VMA */
	uint64_t present, swapped;
	uint64_t guard_pages;		/* guard-marker pages in the VMA */
	uint64_t guard_low;		/* bytes of guard markers from vma_start
					   up (MADV_GUARD_INSTALL, glibc 2.42+) */
	uint64_t below_sp_unfaulted;	/* pages in [vma_start, sp) never
					   faulted (guard pages not counted) */
	uint64_t below_sp_pages;	/* pages in [vma_start, sp) */
	uint64_t lowest_present;	/* lowest present page address, 0 if none */
	uint64_t growth_room;		/* bytes the stack may still grow (rlimit) */
	pid_t tid;			/* a thread's stack: whose; else 0 */
};

/*
 * Gather the stack view of pid: finds [stack] in maps (the main stack; a
 * [stack:TID] is a thread's), reads SP and limits, counts pages through r.
 * 0, or -1 with errno (ENOENT: no [stack] VMA).
 */
int stack_inspect(int rootfd, pid_t pid, const struct vma_list *maps,
    struct pm_reader *r, struct stack_info *si);

/* One thread of a process and its stack pointer, when readable. */
struct stack_thread {
	pid_t tid;
	bool sp_known;
	uint64_t sp;
};

/*
 * The threads of pid (<root>/<pid>/task) with their SPs from
 * task/TID/syscall (known only while a thread blocks and we may read it).
 * *out is malloc'd (free it), sorted by tid. 0, or -1 with errno.
 */
int stack_threads(int rootfd, pid_t pid, struct stack_thread **out,
    size_t *n);

/*
 * Index of the VMA holding thread t's stack — the one containing its SP —
 * or -1 when the SP is unknown or in no VMA.
 */
long stack_thread_vma(const struct vma_list *maps,
    const struct stack_thread *t);

/* Bytes the kernel keeps free below a stack (stack_guard_gap=, or 256
 * pages), read from <root>/cmdline. */
uint64_t stack_guard_gap(int rootfd, size_t pagesize);

/*
 * The stack view of maps->v[idx] as the stack of thread tid: SP from
 * task/TID/syscall. A thread stack is a fixed-size mapping: no rlimit
 * (rlimit 0, growth_room 0); guard_gap is the thread library's guard:
 * guard markers at the VMA's low end (glibc 2.42+ on Linux 6.13+), else
 * the PROT_NONE VMA right below, else 0. 0, or -1 with errno.
 */
int stack_inspect_vma(int rootfd, pid_t pid, pid_t tid,
    const struct vma_list *maps, size_t idx, struct pm_reader *r,
    struct stack_info *si);

/*
 * The stack view of exactly the VMA maps->v[idx] (the one on screen): a
 * thread's stack when tid != 0 or the VMA is labelled [stack:TID], else
 * the main stack (SP of pid, RLIMIT_STACK, the kernel's guard gap).
 */
int stack_inspect_at(int rootfd, pid_t pid, pid_t tid,
    const struct vma_list *maps, size_t idx, struct pm_reader *r,
    struct stack_info *si);

/* Index of the main stack, the VMA named exactly "[stack]", or -1. */
long stack_main_index(const struct vma_list *maps);

/* SP is known and inside the inspected VMA, [vma_start, vma_end). */
bool stack_sp_inside(const struct stack_info *si);

/*
 * Page va of the inspected VMA never faulted in below SP: only when SP is
 * inside the VMA, only for [vma_start, SP's page), and never for a page
 * with any entry (present, swap-format entry, guard marker).
 */
bool stack_never_faulted(const struct stack_info *si, uint64_t va,
    size_t pagesize, const struct pm_entry *e);

/*
 * Does the VMA below maps->v[idx] sit inside the guard gap as the kernel
 * judges it (mm/mmap.c expand_downwards)? Only a VMA with some access
 * (r, w or x) counts: a PROT_NONE neighbour is allowed to be that close.
 */
bool stack_gap_violated(const struct vma_list *maps, size_t idx,
    uint64_t gap);

#endif
