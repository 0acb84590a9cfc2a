/* fmt: sizes, addresses, flag strings, and safe escaping of untrusted names. */
#ifndef VMPEEK_FMT_H
#define VMPEEK_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pagemap.h"

/* "4.0K", "1.5M", "1.0T" (binary units); returns buf. */
char *fmt_size(uint64_t bytes, char *buf, size_t len);

/*
 * Visible escaping (libbsd strnvis, VIS_CSTYLE|VIS_OCTAL|VIS_NL|VIS_TAB|
 * VIS_NOLOCALE): no control byte survives raw (ESC is "\033", backslash
 * "\\"). In the C locale no byte >= 0x80 does either. When LC_CTYPE is
 * UTF-8 (fmt_locale_utf8), a valid UTF-8 character the locale can print
 * is kept as itself; invalid sequences, C1 controls (U+0080-009F),
 * unprintable and invisible characters (bidi overrides, zero-width
 * space) stay octal escapes. Returns buf; truncates safely (never in
 * the middle of an escape or a character).
 */
char *fmt_vis(const char *s, char *buf, size_t len);
/* Same for a buffer of n bytes. */
char *fmt_visn(const char *s, size_t n, char *buf, size_t len);

/* Is LC_CTYPE's codeset UTF-8? (setlocale decides; "C" is not.) */
bool fmt_locale_utf8(void);

/* Append printf-style text to the string in buf (len bytes), truncating. */
void fmt_append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Terminal columns of fmt_vis output (wcwidth for wide characters). */
size_t fmt_width(const char *s);
/*
 * Bytes of the longest prefix of fmt_vis output s that fits in cols
 * columns without cutting a multibyte character (an escape is ASCII:
 * clipped like any text); its width in *width (may be NULL).
 */
size_t fmt_fit(const char *s, size_t cols, size_t *width);

/*
 * Bytes of the first unit of fmt_vis output s — one character, or one
 * whole escape ("\\033", "\\n", "\\\\") — and its columns in *width
 * (may be NULL). 0 at the end of s.
 */
size_t fmt_unit(const char *s, size_t *width);

/* Is s (NUL-terminated) valid UTF-8? */
bool fmt_utf8_valid(const char *s);

/*
 * Write s as a JSON string (quotes included): valid UTF-8 as itself,
 * control bytes and C1 controls as \u00XX, each byte of an invalid
 * sequence as \ufffd (U+FFFD).
 */
void fmt_json_string(FILE *f, const char *s);
/*
 * Write "key":"s"; when s is not valid UTF-8 (the string then holds
 * U+FFFD), also ,"key_hex":"<the exact bytes in lower-case hex>".
 */
void fmt_json_name(FILE *f, const char *key, const char *s);

/*
 * Parse an address: hex with or without 0x, full 64 bits. 0, or -1 on
 * junk/overflow. Rejects empty strings and trailing garbage.
 */
int fmt_parse_addr(const char *s, uint64_t *addr);

/* What fmt_parse_range found wrong (FMT_RANGE_OK = nothing). */
enum fmt_range_err {
	FMT_RANGE_OK,
	FMT_RANGE_BAD_START,	/* the part before the first '-' */
	FMT_RANGE_NO_END,	/* "ADDR-" */
	FMT_RANGE_BAD_END,	/* the part after the first '-' */
	FMT_RANGE_EMPTY,	/* END == ADDR */
	FMT_RANGE_REVERSED,	/* END < ADDR */
};

/*
 * Parse "ADDR" or "ADDR-END" (END exclusive; each as fmt_parse_addr).
 * ADDR alone is the one byte at ADDR: *end = ADDR + 1 (saturating at
 * UINT64_MAX), *single = true. Returns FMT_RANGE_OK or the error; *start
 * and *end are set as far as they parsed (for the message).
 */
enum fmt_range_err fmt_parse_range(const char *s, uint64_t *start,
    uint64_t *end, bool *single);

/*
 * Compact flag string for a decoded entry, one column per PMF_* flag in
 * enum order: letter if set, '-' if clear, '?' if unknown on this kernel.
 * Letters: P S F X D U G. buf needs PMF_COUNT + 1 bytes.
 */
char *fmt_flags(const struct pm_entry *e, char *buf, size_t len);
/* The letter used for a flag in fmt_flags. */
char fmt_flag_letter(uint32_t flag);

#endif
