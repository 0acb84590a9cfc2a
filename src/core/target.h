/* target: one live process being inspected — identity, maps, pagemap. */
#ifndef VMPEEK_TARGET_H
#define VMPEEK_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "maps.h"
#include "pagemap.h"
#include "procfs.h"

struct target {
	int rootfd;			/* not owned */
	pid_t pid;
	unsigned long long starttime;	/* identity: a reused PID differs */
	char comm[64];
	struct pm_reader pm;		/* pm.fd -1 when pagemap unreadable */
	int pm_errno;			/* why pm.fd is -1 */
	struct vma_list maps;
};

/*
 * Resolve a user's spec — a number, "self" or a process name (unique
 * match) — to a pid. -1 with errno ESRCH (none) or EEXIST (ambiguous;
 * *cands gets a malloc'd, newline-separated "PID NAME" list, escaped).
 */
int target_resolve(int rootfd, const char *spec, pid_t *pid, char **cands);

/* Open pid: stat, maps, pagemap. -1 with errno (ESRCH, EACCES ...). */
int target_open(struct target *t, int rootfd, pid_t pid);
void target_close(struct target *t);

/*
 * Re-read maps and reopen pagemap (an exec gives the process a new mm);
 * -1 with ESRCH when the process is gone or the PID reused.
 */
int target_refresh(struct target *t);

/*
 * Does the pagemap fd read nothing where a VMA is mapped? Then the mm it
 * was opened on is gone: the process exec'd (or is exiting); refresh.
 */
bool target_pagemap_stale(struct target *t);

/* Still the same process (same pid and start time)? */
bool target_alive(const struct target *t);

/* A one-line explanation of an errno from opening a target. */
const char *target_strerror(int err);

#endif
