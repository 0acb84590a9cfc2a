/* keys: the one key table (key -> action); the help screen is generated from it. */
#ifndef VMPEEK_KEYS_H
#define VMPEEK_KEYS_H

#include <stddef.h>

enum key_action {
	KA_NONE = 0,
	KA_UP,
	KA_DOWN,
	KA_PGUP,
	KA_PGDN,
	KA_HOME,
	KA_END,
	KA_OPEN,
	KA_BACK,	/* Esc, Backspace */
	KA_QUIT_BACK,	/* q: back one level, quits from the picker */
	KA_QUIT,	/* Q */
	KA_SEARCH,
	KA_NEXT,
	KA_PREV,
	KA_GOTO,
	KA_HELP,
	KA_REFRESH,
	KA_SORT,
	KA_TREE,	/* picker: the process tree on/off */
	KA_KFLAGS,
	KA_EXPAND,	/* page pane: a huge page's row into its base pages */
	KA_COLLAPSE,
	KA_HEX,		/* page pane: the selected page's bytes */
	KA_COMPARE,	/* page pane: split rows with another process */
	KA_WATCH,	/* pause/resume the timed refreshes */
	KA_PREDICT,	/* page pane: freeze (hide changes), then reveal */
	KA_HOLES,	/* VMA pane: list the holes between mappings or not */
	KA_MOUSE,
	KA_RESIZE,
	KA_COUNT
};

struct key_bind {
	int key;		/* curses key code or character */
	enum key_action act;
	const char *label;	/* how the help screen names the key */
};

/* Action bound to a key (KA_NONE if none). */
enum key_action keys_action(int key);

/* What a key does to the text of a status-line prompt. */
enum key_edit {
	KE_NONE = 0,	/* ignored */
	KE_CANCEL,	/* Esc: close, undo its effect */
	KE_ACCEPT,	/* Enter */
	KE_ERASE,	/* Backspace: the last character (cancel when empty) */
	KE_TYPE		/* a printable ASCII character: typed */
};

/* Editing meaning of a key while a prompt is open. */
enum key_edit keys_edit(int key);

/* The table itself, for the help screen and tests. */
const struct key_bind *keys_table(size_t *n);

/* What an action does, in a few words ("" for internal actions). */
const char *keys_action_help(enum key_action a);

/*
 * One help line for action a: its key labels, padded to a column, then
 * its description, e.g. "Up k          move up". Returns the length, or
 * 0 when the action has no keys or no description (internal ones).
 */
size_t keys_help_line(enum key_action a, char *buf, size_t len);

#endif
