/* text: small string helpers the UI files share (wrap, short sizes; appending is fmt_append); no curses. */
#ifndef VMPEEK_TEXT_H
#define VMPEEK_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Word wrap: how many bytes of p go on a line of room columns (cut at the
 * last blank that fits, or hard at room when a word is longer). The next
 * line starts after the cut and its blanks: text_wrap_skip.
 */
size_t text_wrap_len(const char *p, size_t room);
const char *text_wrap_skip(const char *p);

/* Hex digits of v (1 for 0): the width of an address column. */
int text_hex_digits(uint64_t v);

/* "2M", "1G", "64K", "512B": a power-of-two size in few columns. */
void text_page_size(uint64_t bytes, char *buf, size_t len);

#endif
