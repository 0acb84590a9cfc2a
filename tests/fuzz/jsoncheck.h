/* jsoncheck: a strict JSON (RFC 8259) validator, independent of vmpeek's writer. */
#ifndef VMPEEK_JSONCHECK_H
#define VMPEEK_JSONCHECK_H

#include <stddef.h>

/*
 * Is text[0..len) exactly one JSON value, with only whitespace around it?
 * Strict: UTF-8 only (no overlong forms, surrogates or bytes past
 * U+10FFFF), no raw control bytes in strings, only the RFC's escapes,
 * \u surrogates in pairs, RFC number grammar, no duplicate keys in an
 * object, nesting at most JSONCHECK_DEPTH. 0, or -1 with *why set.
 */
#define JSONCHECK_DEPTH	64
int jsoncheck(const char *text, size_t len, const char **why);

/*
 * text[0..len) must be exactly one JSON string literal: decode it into
 * out (UTF-8, NULs possible; cap bytes) and set *outlen. 0 or -1.
 */
int jsoncheck_string(const char *text, size_t len, char *out, size_t cap,
    size_t *outlen, const char **why);

#endif
