/* panestack: the UI's stack of panes and the moves between them; what the target's VMAs say, for the panes. */
#ifndef VMPEEK_PANESTACK_H
#define VMPEEK_PANESTACK_H

#include <sys/types.h>

struct ui;

/* Make every pane's state (-1: out of memory); free it. */
int panestack_create(struct ui *ui);
void panestack_destroy(struct ui *ui);
/* The picker at the bottom, then process pid's VMAs if pid > 0. */
void panestack_start(struct ui *ui, pid_t pid);
/* Back to the picker: the target closed. */
void panestack_close(struct ui *ui);

#endif
