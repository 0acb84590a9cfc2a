/* keys: the one key table; every key the UI reacts to is listed here. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "keys.h"

#define KEY_ESC		27
#define KEY_DEL		127
#define KEY_CTRL_H	8

static const struct key_bind key_tab[] = {
	{ KEY_UP,	KA_UP,		"Up" },
	{ 'k',		KA_UP,		"k" },
	{ KEY_DOWN,	KA_DOWN,	"Down" },
	{ 'j',		KA_DOWN,	"j" },
	{ KEY_PPAGE,	KA_PGUP,	"PgUp" },
	{ 'b',		KA_PGUP,	"b" },
	{ KEY_NPAGE,	KA_PGDN,	"PgDn" },
	{ ' ',		KA_PGDN,	"Space" },
	{ KEY_HOME,	KA_HOME,	"Home" },
	{ 'g',		KA_HOME,	"g" },
	{ KEY_END,	KA_END,		"End" },
	{ 'G',		KA_END,		"G" },
	{ '\n',		KA_OPEN,	"Enter" },
	{ '\r',		KA_OPEN,	NULL },
	{ KEY_ENTER,	KA_OPEN,	NULL },
	{ KEY_ESC,	KA_BACK,	"Esc" },
	{ KEY_BACKSPACE, KA_BACK,	"Backspace" },
	{ KEY_DEL,	KA_BACK,	NULL },
	{ KEY_CTRL_H,	KA_BACK,	NULL },
	{ KEY_LEFT,	KA_BACK,	"Left" },
	{ 'q',		KA_QUIT_BACK,	"q" },
	{ 'Q',		KA_QUIT,	"Q" },
	{ '/',		KA_SEARCH,	"/" },
	{ 'n',		KA_NEXT,	"n" },
	{ 'N',		KA_PREV,	"N" },
	{ ':',		KA_GOTO,	":" },
	{ '?',		KA_HELP,	"?" },
	{ KEY_F(1),	KA_HELP,	"F1" },
	{ 'r',		KA_REFRESH,	"r" },
	{ KEY_F(5),	KA_REFRESH,	"F5" },
	{ 's',		KA_SORT,	"s" },
	{ 't',		KA_TREE,	"t" },
	{ 'f',		KA_KFLAGS,	"f" },
	{ '+',		KA_EXPAND,	"+" },
	{ KEY_RIGHT,	KA_EXPAND,	"Right" },
	{ '-',		KA_COLLAPSE,	"-" },
	{ 'x',		KA_HEX,		"x" },
	{ 'c',		KA_COMPARE,	"c" },
	{ 'w',		KA_WATCH,	"w" },
	{ 'p',		KA_PREDICT,	"p" },
	{ 'u',		KA_HOLES,	"u" },
	{ KEY_MOUSE,	KA_MOUSE,	"mouse" },
	{ KEY_RESIZE,	KA_RESIZE,	NULL },
};

static const char *const action_help[KA_COUNT] = {
	[KA_UP] = "move up one row",
	[KA_DOWN] = "move down one row",
	[KA_PGUP] = "one screen up",
	[KA_PGDN] = "one screen down",
	[KA_HOME] = "first row",
	[KA_END] = "last row",
	[KA_OPEN] = "open the selected process / VMA / page detail",
	[KA_BACK] = "back one level",
	[KA_QUIT_BACK] = "back one level; quits from the picker",
	[KA_QUIT] = "quit",
	[KA_SEARCH] = "search any text of a row (address: hex, 0x optional);"
	    " filters the picker",
	[KA_NEXT] = "next match",
	[KA_PREV] = "previous match",
	[KA_GOTO] = "go to a virtual address (hex): opens its page",
	[KA_HELP] = "this help",
	[KA_REFRESH] = "re-read the process list / maps / pages",
	[KA_SORT] = "picker: sort by RSS, PID, name",
	[KA_TREE] = "picker: process tree on/off (children under their "
	    "parent, indented; sorted among siblings)",
	[KA_KFLAGS] = "page pane: show/hide the kpageflags column (root)",
	[KA_EXPAND] = "page pane: expand a huge page (THP 2M) row into its "
	    "base pages",
	[KA_COLLAPSE] = "page pane: fold the huge page around the selection "
	    "back into one row",
	[KA_HEX] = "page pane: hex view of the page's bytes (/proc/PID/mem);"
	    " a page not present is never read",
	[KA_COMPARE] = "page pane: compare with another process (parent or "
	    "child by default); '=' marks a shared frame",
	[KA_WATCH] = "pause/resume the timed refresh (-d SECONDS); marks last "
	    "3 refreshes: pages ~PX*, VMAs + > < / =",
	[KA_PREDICT] = "page pane: predict: changed rows show _ until p "
	    "again reveals them",
	[KA_HOLES] = "VMA pane: show/hide the unmapped holes between mappings",
	[KA_MOUSE] = "click selects, double-click opens, wheel scrolls",
};

/*
 * Keys while a status-line prompt is open: line editing, not actions
 * (q and / are text there). Printable ASCII not listed is typed.
 */
static const struct {
	int key;
	enum key_edit edit;
} edit_tab[] = {
	{ KEY_ESC,	KE_CANCEL },
	{ '\n',		KE_ACCEPT },
	{ '\r',		KE_ACCEPT },
	{ KEY_ENTER,	KE_ACCEPT },
	{ KEY_BACKSPACE, KE_ERASE },
	{ KEY_DEL,	KE_ERASE },
	{ KEY_CTRL_H,	KE_ERASE },
};

enum key_edit
keys_edit(int key)
{
	for (size_t i = 0; i < sizeof(edit_tab) / sizeof(edit_tab[0]); i++)
		if (edit_tab[i].key == key)
			return edit_tab[i].edit;
	return key >= 0x20 && key < 0x7f ? KE_TYPE : KE_NONE;
}

enum key_action
keys_action(int key)
{
	for (size_t i = 0; i < sizeof(key_tab) / sizeof(key_tab[0]); i++)
		if (key_tab[i].key == key)
			return key_tab[i].act;
	return KA_NONE;
}

const struct key_bind *
keys_table(size_t *n)
{
	*n = sizeof(key_tab) / sizeof(key_tab[0]);
	return key_tab;
}

const char *
keys_action_help(enum key_action a)
{
	if ((int)a < 0 || a >= KA_COUNT || action_help[a] == NULL)
		return "";
	return action_help[a];
}

size_t
keys_help_line(enum key_action a, char *buf, size_t len)
{
	char labels[64] = "";
	const char *help = keys_action_help(a);
	int n;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(key_tab) / sizeof(key_tab[0]); i++) {
		if (key_tab[i].act != a || key_tab[i].label == NULL)
			continue;
		if (labels[0] != '\0')
			strlcat(labels, " ", sizeof(labels));
		strlcat(labels, key_tab[i].label, sizeof(labels));
	}
	if (labels[0] == '\0' || help[0] == '\0')
		return 0;
	n = snprintf(buf, len, "  %-18s %s", labels, help);
	if (n < 0)
		return 0;
	return (size_t)n >= len ? len - 1 : (size_t)n;
}
