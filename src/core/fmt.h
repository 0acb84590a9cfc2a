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

/* Visible escaping (libbsd strnvis, VIS_CSTYLE|VIS_OCTAL|VIS_NL|VIS_TAB|
 * VIS_NOLOCALE): no control byte and no byte >= 0x80 survives raw (ESC is
 * "\033", backslash "\\"), whatever the locale. Returns buf; truncates
 * safely (never in the middle of an escape). */
char *fmt_vis(const char *s, char *buf, size_t len);
/* Same for a buffer of n bytes. */
char *fmt_visn(const char *s, size_t n, char *buf, size_t len);

/* Write s as a JSON string (quotes included), escaping every control
 * byte and invalid UTF-8 byte (as \u00XX). */
void fmt_json_string(FILE *f, const char *s);

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
