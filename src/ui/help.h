/* help: the help screen, generated from the key table, the flag help and --caps. */
#ifndef VMPEEK_HELP_H
#define VMPEEK_HELP_H

#include "keys.h"

struct ui;

/* (Re)build the help text for the terminal's width (on open, on resize). */
void help_build(struct ui *ui);
void help_free(struct ui *ui);
/* Draw the whole screen while help is on. */
void help_draw(struct ui *ui);
/* Keys while help is on: scroll, close, quit. */
void help_key(struct ui *ui, enum key_action a);

#endif
