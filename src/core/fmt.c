/* fmt: sizes, flag strings, addresses, safe escaping of untrusted names. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pick the NetBSD strnvis prototype explicitly (silences libbsd's #warning). */
#define LIBBSD_NETBSD_VIS 1
#include <vis.h>

#include "fmt.h"

char *
fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v;
	int u;

	if (len == 0)
		return buf;
	if (bytes < 1024) {
		snprintf(buf, len, "%uB", (unsigned)bytes);
		return buf;
	}
	v = (double)bytes / 1024.0;
	/* Step up while one decimal would round to 1024.0 or more. */
	for (u = 0; v >= 1023.95 && u < (int)sizeof(units) - 2; u++)
		v /= 1024.0;
	snprintf(buf, len, "%.1f%c", v, units[u]);
	return buf;
}

/*
 * Flags: C-style escapes (\n, \t, \033 ...), octal for the rest, newline
 * and tab encoded too, and VIS_NOLOCALE so every byte >= 0x80 comes out
 * as \ooo: in a UTF-8 locale libbsd's vis passes (and even mangles)
 * multibyte text, and a raw 0x9b is CSI on some terminals. Backslash
 * itself is doubled, so the output decodes unambiguously (strunvis).
 * Space is kept: it is harmless and names with spaces stay readable.
 */
#define FMT_VIS_FLAGS (VIS_CSTYLE | VIS_OCTAL | VIS_NL | VIS_TAB | VIS_NOLOCALE)

/* Length of the escape unit starting at s[0] in vis output. */
static size_t
vis_unit(const char *s)
{
	size_t n;

	if (s[0] != '\\')
		return 1;
	if (s[1] >= '0' && s[1] <= '7') {
		/* \0 (C-style NUL) or \ooo */
		for (n = 1; n < 4 && s[n] >= '0' && s[n] <= '7'; n++)
			continue;
		return n;
	}
	return s[1] != '\0' ? 2 : 1;
}

char *
fmt_visn(const char *s, size_t n, char *buf, size_t len)
{
	char *tmp;
	size_t need, i, u;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (n > (SIZE_MAX - 1) / 4)
		return buf;
	need = 4 * n + 1;
	if (need <= len) {
		strnvisx(buf, len, s, n, FMT_VIS_FLAGS);
		return buf;
	}
	/*
	 * strnvisx cuts an escape in half when dst is short ("\033" becomes
	 * "\0", which reads as NUL): encode in full, then cut between units.
	 */
	if ((tmp = malloc(need)) == NULL)
		return buf;
	strnvisx(tmp, need, s, n, FMT_VIS_FLAGS);
	for (i = 0; tmp[i] != '\0'; i += u) {
		u = vis_unit(tmp + i);
		if (i + u >= len)
			break;
	}
	memcpy(buf, tmp, i);
	buf[i] = '\0';
	free(tmp);
	return buf;
}

char *
fmt_vis(const char *s, char *buf, size_t len)
{
	return fmt_visn(s, strlen(s), buf, len);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void
fmt_json_string(FILE *f, const char *s)
{
	const unsigned char *p;
	size_t n, i, l;

	if (s == NULL)
		s = "";
	p = (const unsigned char *)s;
	n = strlen(s);

	putc('"', f);
	for (i = 0; i < n; i += l) {
		unsigned char c = p[i];

		l = 1;
		switch (c) {
		case '"':
			fputs("\\\"", f);
			continue;
		case '\\':
			fputs("\\\\", f);
			continue;
		case '\n':
			fputs("\\n", f);
			continue;
		case '\t':
			fputs("\\t", f);
			continue;
		case '\r':
			fputs("\\r", f);
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			continue;
		}
		if (c < 0x80) {
			putc(c, f);
			continue;
		}
		if ((l = utf8_len(p + i, n - i)) == 0) {
			/* Not UTF-8: stand in the byte's Latin-1 code point. */
			fprintf(f, "\\u%04x", c);
			l = 1;
			continue;
		}
		/* C1 controls (U+0080..U+009F) are legal JSON but not safe. */
		if (l == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
			fprintf(f, "\\u%04x", p[i + 1]);
			continue;
		}
		fwrite(p + i, 1, l, f);
	}
	putc('"', f);
}

/* fmt_parse_addr of the n bytes at s (no NUL needed). */
static int
parse_addr_n(const char *s, size_t n, uint64_t *addr)
{
	uint64_t v = 0;
	int d, sig = 0;
	const char *p = s, *end = s + n;

	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (p == end)
		goto bad;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			goto bad;
		/* Leading zeros are free; 17 significant digits overflow. */
		if (v != 0 || d != 0)
			sig++;
		if (sig > 16)
			goto bad;
		v = (v << 4) | (uint64_t)d;
	}
	*addr = v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
fmt_parse_addr(const char *s, uint64_t *addr)
{
	return parse_addr_n(s, strlen(s), addr);
}

enum fmt_range_err
fmt_parse_range(const char *s, uint64_t *start, uint64_t *end, bool *single)
{
	const char *dash;

	if ((dash = strchr(s, '-')) == NULL) {
		*single = true;
		if (fmt_parse_addr(s, start) == -1)
			return FMT_RANGE_BAD_START;
		*end = *start == UINT64_MAX ? UINT64_MAX : *start + 1;
		return FMT_RANGE_OK;
	}
	*single = false;
	if (parse_addr_n(s, (size_t)(dash - s), start) == -1)
		return FMT_RANGE_BAD_START;
	if (dash[1] == '\0')
		return FMT_RANGE_NO_END;
	if (fmt_parse_addr(dash + 1, end) == -1)
		return FMT_RANGE_BAD_END;
	if (*end == *start)
		return FMT_RANGE_EMPTY;
	if (*end < *start)
		return FMT_RANGE_REVERSED;
	return FMT_RANGE_OK;
}

static const char flag_letters[PMF_COUNT] = { 'P', 'S', 'F', 'X', 'D', 'U',
	'G' };

char
fmt_flag_letter(uint32_t flag)
{
	int i;

	for (i = 0; i < PMF_COUNT; i++)
		if (flag == (1u << i))
			return flag_letters[i];
	return '?';
}

char *
fmt_flags(const struct pm_entry *e, char *buf, size_t len)
{
	size_t i;
	uint32_t flag;

	if (len == 0)
		return buf;
	for (i = 0; i < PMF_COUNT && i + 1 < len; i++) {
		flag = 1u << i;
		if (!(e->known & flag))
			buf[i] = '?';
		else if (e->flags & flag)
			buf[i] = flag_letters[i];
		else
			buf[i] = '-';
	}
	buf[i] = '\0';
	return buf;
}
