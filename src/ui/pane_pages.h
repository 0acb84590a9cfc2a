/* pane_pages: the page pane — one row per page of a VMA (what the UI needs of it). */
#ifndef VMPEEK_PANE_PAGES_H
#define VMPEEK_PANE_PAGES_H

#include <stddef.h>
#include <stdint.h>

struct ui;

extern const struct pane_ops pages_ops;

/*
 * Read the pages of the target's VMA vma and select the one holding addr
 * (UINT64_MAX: the first page, or the stack pointer's in a stack); -1
 * when they cannot be read (said on the status line).
 */
int pages_open(struct ui *ui, size_t vma, uint64_t addr);

#endif
