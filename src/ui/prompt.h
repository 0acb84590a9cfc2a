/* prompt: the status-line prompt (search, filter, go to, compare) and the n/N search it starts. */
#ifndef VMPEEK_PROMPT_H
#define VMPEEK_PROMPT_H

#include <stdbool.h>

#include <curses.h>

struct ui;

/* Open a '/' (search, or the pane's own) or ':' (go to address) prompt. */
void prompt_open(struct ui *ui, int kind);
/* A key typed while the prompt is open (edited through keys_edit). */
void prompt_key(struct ui *ui, int ch);
/* The prompt on status line y, the cursor after its text. */
void prompt_draw(struct ui *ui, int y, attr_t a);
/* Search ui->search again, forward (dir 1) or back; say when it wrapped. */
void prompt_search(struct ui *ui, int dir, bool from_sel);

#endif
