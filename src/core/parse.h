/* parse: bounded hex, decimal and octal-escape parsing over [p, end) spans (no NUL needed). */
#ifndef VMPEEK_PARSE_H
#define VMPEEK_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every parser reads only bytes in [*pp, end) and needs no terminating NUL,
 * so a line cut out of a larger buffer is parsed in place. The number
 * parsers take at least one digit at *pp (no blanks, no sign but i64's
 * '-', no "0x"), stop at the first byte that is not a digit and advance
 * *pp past the digits. On failure *pp and *out are left untouched and
 * errno is EINVAL (no digit) or ERANGE (out of range). Whether anything
 * may follow the number is the caller's rule: check *pp against end.
 */

/* Hex digits, either case; leading zeros are free, the value fits 64 bits. */
int parse_hex(const char **pp, const char *end, uint64_t *out);

/* Decimal digits with a value at most max. */
int parse_u64(const char **pp, const char *end, uint64_t max, uint64_t *out);

/* An optional '-', then decimal digits; min <= value <= max. */
int parse_i64(const char **pp, const char *end, int64_t min, int64_t max,
    int64_t *out);

/*
 * A sysfs or sysctl value: decimal digits (at most max), then a newline or
 * the end of the text; whatever follows the first line is ignored.
 */
int parse_u64_line(const char *s, const char *end, uint64_t max,
    uint64_t *out);

/*
 * Copy the n bytes at s into out (outlen > 0 bytes, always terminated,
 * cut short to fit), decoding the kernel's \ooo escapes (seq_escape:
 * a backslash and three octal digits) of the bytes in `escaped` only: the
 * kernel escapes just those, so any other backslash is the name's own.
 * maps escapes "\n", /proc/swaps " \t\n\\". Returns the bytes written
 * (without the NUL).
 */
size_t parse_unescape(const char *s, size_t n, const char *escaped,
    char *out, size_t outlen);

#endif
