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
	uint64_t vma_start, vma_end;	/* the [stack] VMA */
	bool sp_known;
	uint64_t sp;
	const char *sp_why;		/* why sp_known is false (static text) */
	uint64_t rlimit;		/* UINT64_MAX = unlimited; 0 unknown */
	uint64_t guard_gap;		/* bytes kept free below the VMA */
	uint64_t prev_end;		/* end of the VMA below, 0 if none */
	uint64_t pages;			/* pages in the VMA */
	uint64_t present, swapped;
	uint64_t below_sp_unfaulted;	/* pages in [vma_start, sp) never faulted */
	uint64_t below_sp_pages;	/* pages in [vma_start, sp) */
	uint64_t lowest_present;	/* lowest present page address, 0 if none */
	uint64_t growth_room;		/* bytes the stack may still grow (rlimit) */
};

/*
 * Gather the stack view of pid: finds [stack] in maps, reads SP and limits,
 * counts pages through r. 0, or -1 with errno (ENOENT: no [stack] VMA).
 */
int stack_inspect(int rootfd, pid_t pid, const struct vma_list *maps,
    struct pm_reader *r, struct stack_info *si);

#endif
