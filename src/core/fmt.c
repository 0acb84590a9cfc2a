/* fmt: sizes, flag strings, addresses, safe escaping of untrusted names. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Pick the NetBSD strnvis prototype explicitly (silences libbsd's #warning). */
#define LIBBSD_NETBSD_VIS 1
#include <vis.h>

#include "fmt.h"
#include "parse.h"

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
 * Valid printable UTF-8 is let through by fmt_visn itself, not by vis.
 */
#define FMT_VIS_FLAGS (VIS_CSTYLE | VIS_OCTAL | VIS_NL | VIS_TAB | VIS_NOLOCALE)

/*
 * Length of a valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 if invalid: a stray continuation byte, a lead byte cut
 * short, an overlong form, a UTF-16 surrogate or beyond U+10FFFF.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cpp)
{
	size_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cpp = s[0];
		return 1;
	}
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
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*cpp = cp;
	return len;
}

static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;

	return utf8_decode(s, n, &cp);
}

bool
fmt_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return MB_CUR_MAX > 1 && cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/*
 * Invisible characters that reorder or hide text (Trojan Source
 * bidi overrides, zero-width space and joiners, BOM): shown as escapes
 * so a name cannot look like another one.
 */
static bool
invisible_format(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb);
}

/*
 * May code point cp (a multibyte one) be shown as itself? Not a C1
 * control (0x9b is CSI), not unprintable in the locale (wcwidth -1),
 * not an invisible format character, and a zero-width one (a combining
 * accent) only right after a character it can combine with.
 */
static bool
utf8_showable(uint32_t cp, bool after_char)
{
	int w;

	if (cp < 0xa0 || invisible_format(cp))
		return false;
	if ((w = wcwidth((wchar_t)cp)) < 0)
		return false;
	return w > 0 || after_char;
}

/*
 * Escape n bytes of s into dst (room for 4 * n + 1 bytes): vis for
 * every byte, except, when utf8, a valid showable multibyte character,
 * copied as it is.
 */
static void
vis_all(const char *s, size_t n, char *dst, size_t dlen, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, l, o = 0;
	bool after_char = false;
	uint32_t cp;

	if (!utf8) {
		strnvisx(dst, dlen, s, n, FMT_VIS_FLAGS);
		return;
	}
	dst[0] = '\0';
	while (i < n) {
		/* A run of bytes vis escapes (ASCII or not valid UTF-8). */
		for (run = i; run < n; run++) {
			if (p[run] < 0x80)
				continue;
			l = utf8_decode(p + run, n - run, &cp);
			if (l > 0 && utf8_showable(cp, run > i ? p[run - 1] >
			    0x20 && p[run - 1] < 0x7f && p[run - 1] != '\\' :
			    after_char))
				break;
		}
		if (run > i) {
			strnvisx(dst + o, dlen - o, s + i, run - i,
			    FMT_VIS_FLAGS);
			o += strlen(dst + o);
			after_char = p[run - 1] > 0x20 && p[run - 1] < 0x7f &&
			    p[run - 1] != '\\';
			i = run;
			continue;
		}
		l = utf8_decode(p + i, n - i, &cp);
		memcpy(dst + o, s + i, l);
		o += l;
		dst[o] = '\0';
		after_char = true;
		i += l;
	}
}

/* Length of the escape unit starting at s[0] in vis output. */
static size_t
vis_unit(const char *s)
{
	size_t n;
	uint32_t cp;

	if ((unsigned char)s[0] >= 0x80) {
		/* only valid UTF-8 is left raw */
		n = utf8_decode((const unsigned char *)s, strlen(s), &cp);
		return n > 0 ? n : 1;
	}
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
	bool utf8;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (n > (SIZE_MAX - 1) / 4)
		return buf;
	utf8 = fmt_locale_utf8();
	need = 4 * n + 1;
	if (need <= len) {
		vis_all(s, n, buf, len, utf8);
		return buf;
	}
	/*
	 * strnvisx cuts an escape in half when dst is short ("\033" becomes
	 * "\0", which reads as NUL): encode in full, then cut between units
	 * (a multibyte character is one unit too).
	 */
	if ((tmp = malloc(need)) == NULL)
		return buf;
	vis_all(s, n, tmp, need, utf8);
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

/* Columns of the unit at s (l bytes), as a terminal shows it. */
static int
unit_width(const char *s, size_t l)
{
	uint32_t cp;
	int w;

	if (l == 1 || (unsigned char)s[0] < 0x80)
		return (int)l;	/* ASCII: escapes are one column a byte */
	if (utf8_decode((const unsigned char *)s, l, &cp) == 0)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

size_t
fmt_fit(const char *s, size_t cols, size_t *width)
{
	size_t i = 0, l, w = 0;
	int uw;

	while (s[i] != '\0') {
		l = (unsigned char)s[i] >= 0x80 ? vis_unit(s + i) : 1;
		uw = unit_width(s + i, l);
		if (w + (size_t)uw > cols)
			break;
		w += (size_t)uw;
		i += l;
	}
	if (width != NULL)
		*width = w;
	return i;
}

size_t
fmt_unit(const char *s, size_t *width)
{
	size_t l = s[0] == '\0' ? 0 : vis_unit(s);

	if (width != NULL)
		*width = l == 0 ? 0 : (size_t)unit_width(s, l);
	return l;
}

size_t
fmt_width(const char *s)
{
	size_t w;

	fmt_fit(s, SIZE_MAX, &w);
	return w;
}

bool
fmt_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, l;

	for (i = 0; i < n; i += l)
		if ((l = utf8_len(p + i, n - i)) == 0)
			return false;
	return true;
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
			/*
			 * Not UTF-8: the replacement character, one per
			 * byte (a \u00XX would read as a real U+00XX); the
			 * exact bytes go in the _hex twin (fmt_json_name).
			 */
			fputs("\\ufffd", f);
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

void
fmt_json_name(FILE *f, const char *key, const char *s)
{
	if (s == NULL)
		s = "";
	fmt_json_string(f, key);
	putc(':', f);
	fmt_json_string(f, s);
	if (fmt_utf8_valid(s))
		return;
	putc(',', f);
	fputc('"', f);
	fputs(key, f);
	fputs("_hex\":\"", f);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		fprintf(f, "%02x", *p);
	putc('"', f);
}

/* fmt_parse_addr of the n bytes at s (no NUL needed). */
static int
parse_addr_n(const char *s, size_t n, uint64_t *addr)
{
	const char *p = s, *end = s + n;
	uint64_t v;

	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	/* Leading zeros are free; 17 significant digits overflow. */
	if (parse_hex(&p, end, &v) == -1 || p != end) {
		errno = EINVAL;
		return -1;
	}
	*addr = v;
	return 0;
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

void
fmt_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strnlen(buf, len);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}
