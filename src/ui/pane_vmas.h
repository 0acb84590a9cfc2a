/* pane_vmas: the VMA pane, and what it reads of the target for the UI (smaps, thread stacks, counts). */
#ifndef VMPEEK_PANE_VMAS_H
#define VMPEEK_PANE_VMAS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pagemap.h"
#include "smaps.h"

struct ui;

extern const struct pane_ops vmas_ops;

/* smaps of VMA i when it has been read (NULL: not yet, or unreadable). */
const struct smaps_vma *vmas_smaps(const struct ui *ui, size_t i);
/* The whole smaps once read (NULL: not yet, or unreadable). */
const struct smaps_list *vmas_smaps_list(const struct ui *ui);
/* smaps not read yet (not started or reading). */
bool vmas_smaps_pending(const struct ui *ui);
/* Read smaps on by one step; true if more. */
bool vmas_smaps_tick(struct ui *ui);
/* Thread whose stack VMA i is (0: none). */
pid_t vmas_stack_tid(const struct ui *ui, size_t i);
/* VMA i's page counts once counted (NULL before). */
const struct pm_counts *vmas_counts(const struct ui *ui, size_t i);

#endif
