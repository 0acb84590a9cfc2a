/* test_fmt: sizes, vis escaping, JSON strings, addresses, flag strings. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

/* ---------------------------------------------------------------- sizes */

static void
test_fmt_size_bytes_below_1k(void **state)
{
	char buf[16];

	assert_string_equal(fmt_size(0, buf, sizeof(buf)), "0B");
	assert_string_equal(fmt_size(512, buf, sizeof(buf)), "512B");
	assert_string_equal(fmt_size(1023, buf, sizeof(buf)), "1023B");
}

static void
test_fmt_size_binary_units(void **state)
{
	char buf[16];

	assert_string_equal(fmt_size(1024, buf, sizeof(buf)), "1.0K");
	assert_string_equal(fmt_size(1536, buf, sizeof(buf)), "1.5K");
	assert_string_equal(fmt_size(4096, buf, sizeof(buf)), "4.0K");
	assert_string_equal(fmt_size(1572864, buf, sizeof(buf)), "1.5M");
	assert_string_equal(fmt_size(1ULL << 30, buf, sizeof(buf)), "1.0G");
	assert_string_equal(fmt_size(1ULL << 40, buf, sizeof(buf)), "1.0T");
	assert_string_equal(fmt_size(1ULL << 50, buf, sizeof(buf)), "1.0P");
	assert_string_equal(fmt_size(1ULL << 60, buf, sizeof(buf)), "1.0E");
	assert_string_equal(fmt_size(UINT64_MAX, buf, sizeof(buf)), "16.0E");
	/* 1023.5K is "1023.5K"; a hair under 1 MiB rounds up to the next unit. */
	assert_string_equal(fmt_size(1048064, buf, sizeof(buf)), "1023.5K");
	assert_string_equal(fmt_size(1048575, buf, sizeof(buf)), "1.0M");
	assert_string_equal(fmt_size(10 * 1024 + 900, buf, sizeof(buf)),
	    "10.9K");
}

static void
test_fmt_size_small_buffer_truncates(void **state)
{
	char buf[3] = "xx";

	assert_string_equal(fmt_size(4096, buf, sizeof(buf)), "4.");
	assert_ptr_equal(fmt_size(4096, buf, 0), buf);
	assert_string_equal(buf, "4.");
}

/* ---------------------------------------------------------------- vis */

static int
unsafe_byte(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

/*
 * Independent decoder of the C-style escapes we expect from fmt_vis:
 * \\ \n \t \r \a \b \f \v \0 \ooo. Returns decoded length, -1 if the
 * text holds anything else (a stray or cut escape).
 */
static long
decode_c(const char *s, char *out)
{
	long n = 0;
	int v, i;

	while (*s != '\0') {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '\\': out[n++] = '\\'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'r': out[n++] = '\r'; s++; break;
		case 'a': out[n++] = '\a'; s++; break;
		case 'b': out[n++] = '\b'; s++; break;
		case 'f': out[n++] = '\f'; s++; break;
		case 'v': out[n++] = '\v'; s++; break;
		case 's': out[n++] = ' '; s++; break;
		default:
			if (*s < '0' || *s > '7')
				return -1;
			/* \0 alone (not followed by a digit) or \ooo */
			for (v = 0, i = 0; i < 3 && s[i] >= '0' && s[i] <= '7';
			    i++)
				v = v * 8 + (s[i] - '0');
			if (i != 3 && !(i == 1 && v == 0))
				return -1;
			out[n++] = (char)v;
			s += i;
			break;
		}
	}
	return n;
}

static void
test_fmt_vis_escapes_every_unsafe_byte(void **state)
{
	char in[2], out[32], back[32];
	long n;
	int c;

	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		in[1] = 'z';
		fmt_visn(in, 2, out, sizeof(out));
		for (size_t i = 0; out[i] != '\0'; i++)
			if (unsafe_byte((unsigned char)out[i]))
				fail_msg("byte 0x%02x passed through raw", c);
		n = decode_c(out, back);
		assert_int_equal(n, 2);
		assert_int_equal((unsigned char)back[0], c);
		assert_int_equal(back[1], 'z');
		/* Safe bytes other than backslash stay as they are. */
		if (!unsafe_byte((unsigned char)c) && c != '\\')
			assert_int_equal(out[0], c);
		else
			assert_int_equal(out[0], '\\');
	}
}

static void
test_fmt_vis_escape_sequence_is_visible(void **state)
{
	char out[128];

	assert_string_equal(fmt_vis("/tmp/\033[31mred", out, sizeof(out)),
	    "/tmp/\\033[31mred");
	assert_string_equal(fmt_vis("a b\\c\n\t", out, sizeof(out)),
	    "a b\\\\c\\n\\t");
	/* C1 CSI in UTF-8 and alone: octal, never raw. */
	assert_string_equal(fmt_vis("\xc2\x9b\x9b", out, sizeof(out)),
	    "\\302\\233\\233");
	assert_string_equal(fmt_visn("a\0b", 3, out, sizeof(out)), "a\\0b");
	assert_string_equal(fmt_visn("\0" "1", 2, out, sizeof(out)),
	    "\\0001");
}

/* Switch LC_CTYPE to C.UTF-8, or skip saying why. */
static void
utf8_locale_or_skip(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "SKIP: no C.UTF-8 locale on this system\n");
		skip();
	}
}

static void
test_fmt_vis_single_bytes_in_utf8_locale(void **state)
{
	char in[2], out[32], back[32];
	int c;

	/* No single byte >= 0x80 is UTF-8: all escaped, as in C. */
	utf8_locale_or_skip();
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		in[1] = 'z';
		fmt_visn(in, 2, out, sizeof(out));
		for (size_t i = 0; out[i] != '\0'; i++)
			if (unsafe_byte((unsigned char)out[i]))
				fail_msg("byte 0x%02x passed through raw", c);
		assert_int_equal(decode_c(out, back), 2);
		assert_int_equal((unsigned char)back[0], c);
	}
	setlocale(LC_CTYPE, "C");
}

static void
test_fmt_vis_c_locale_escapes_utf8(void **state)
{
	char out[64];

	setlocale(LC_CTYPE, "C");
	assert_false(fmt_locale_utf8());
	assert_string_equal(fmt_vis("snow\xe2\x98\x83", out, sizeof(out)),
	    "snow\\342\\230\\203");
	assert_string_equal(fmt_vis("caf\xc3\xa9\xc2\x9b\xff", out,
	    sizeof(out)), "caf\\303\\251\\302\\233\\377");
}

static void
test_fmt_vis_utf8_locale_cases(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },		/* é */
		{ "snow\xe2\x98\x83", "snow\xe2\x98\x83" },	/* U+2603 */
		{ "\xe4\xb8\xad", "\xe4\xb8\xad" },		/* wide CJK */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },	/* U+1F600 */
		{ "\xc2\xa0", "\xc2\xa0" },			/* NBSP */
		{ "a\xff" "b", "a\\377b" },			/* invalid */
		{ "\x80", "\\200" },				/* stray cont. */
		{ "\xc0\xaf", "\\300\\257" },			/* overlong / */
		{ "\xe0\x80\xaf", "\\340\\200\\257" },		/* overlong */
		{ "\xf0\x82\x82\xac", "\\360\\202\\202\\254" },	/* overlong € */
		{ "\xed\xa0\x80", "\\355\\240\\200" },		/* surrogate */
		{ "\xed\xbf\xbf", "\\355\\277\\277" },		/* surrogate */
		{ "\xf4\x90\x80\x80", "\\364\\220\\200\\200" },	/* > 10FFFF */
		{ "x\xe2\x98", "x\\342\\230" },			/* cut at end */
		{ "x\xe2\x98y", "x\\342\\230y" },		/* cut inside */
		{ "\xe2\xe2\x98\x83", "\\342\xe2\x98\x83" },	/* bad lead */
		{ "\xc2\x80", "\\302\\200" },			/* C1 PAD */
		{ "\xc2\x85", "\\302\\205" },			/* C1 NEL */
		{ "\xc2\x9b[2J", "\\302\\233[2J" },		/* C1 CSI */
		{ "\xc2\x9f", "\\302\\237" },			/* last C1 */
		{ "a\xe2\x80\xae" "b", "a\\342\\200\\256b" },	/* RLO */
		{ "a\xe2\x80\x8b" "b", "a\\342\\200\\213b" },	/* ZWSP */
		{ "\xef\xbb\xbf" "x", "\\357\\273\\277x" },	/* BOM */
		{ "\xcd\xb8", "\\315\\270" },			/* unassigned */
		{ "e\xcc\x81", "e\xcc\x81" },			/* e + accent */
		{ "\xcc\x81", "\\314\\201" },			/* accent alone */
		{ " \xcc\x81", " \\314\\201" },			/* on a space */
		{ "\\\xcc\x81", "\\\\\\314\\201" },		/* on an escape */
		{ "\033\xe2\x98\x83\n", "\\033\xe2\x98\x83\\n" },
	};
	char out[128];
	size_t i;

	utf8_locale_or_skip();
	assert_true(fmt_locale_utf8());
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_vis(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\" want \"%s\"", i, out,
			    cases[i].want);
	}
	setlocale(LC_CTYPE, "C");
}

static int utf8_seq(const unsigned char *s);

static void
test_fmt_vis_utf8_random_round_trip(void **state)
{
	char in[120], out[4 * 120 + 1], back[120];
	unsigned seed = 4242;
	size_t i, k, raw = 0;
	int n;

	utf8_locale_or_skip();
	for (k = 0; k < 3000; k++) {
		for (i = 0; i < sizeof(in); i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = (char)(seed >> 16);
			/* mostly lead and continuation bytes */
			if (k % 3 != 0 && (in[i] & 0x40))
				in[i] = (char)(in[i] | 0x80);
		}
		fmt_visn(in, sizeof(in), out, sizeof(out));
		/* no control byte; raw high bytes only as whole characters */
		for (i = 0; out[i] != '\0'; i += (size_t)n) {
			const unsigned char *u = (const unsigned char *)out + i;

			if (*u < 0x20 || *u == 0x7f)
				fail_msg("control byte 0x%02x raw", *u);
			if ((n = utf8_seq(u)) == 0)
				fail_msg("invalid UTF-8 or C1 left raw: %s",
				    out);
			if (n > 1)
				raw++;
		}
		assert_int_equal(decode_c(out, back), (long)sizeof(in));
		assert_memory_equal(back, in, sizeof(in));
	}
	/* the generator does produce valid characters to keep */
	assert_true(raw > 100);
	setlocale(LC_CTYPE, "C");
}

static void
test_fmt_vis_utf8_truncation_keeps_characters(void **state)
{
	static const char in[] = "a\xe2\x98\x83\xff\xe4\xb8\xad" "b";
	char full[64], out[64];
	size_t len, flen;

	utf8_locale_or_skip();
	fmt_vis(in, full, sizeof(full));
	assert_string_equal(full, "a\xe2\x98\x83\\377\xe4\xb8\xad" "b");
	flen = strlen(full);
	for (len = 1; len <= flen + 1; len++) {
		fmt_vis(in, out, len);
		assert_true(strlen(out) < len);
		assert_memory_equal(out, full, strlen(out));
		/* a prefix that is whole characters and escapes */
		for (size_t i = 0; out[i] != '\0'; i++)
			assert_true((unsigned char)out[i] < 0x80 ||
			    utf8_seq((const unsigned char *)out + i) > 0 ||
			    (i > 0 && ((unsigned char)out[i] & 0xc0) == 0x80));
	}
	assert_string_equal(fmt_vis(in, out, 4), "a");		/* not "a\xe2" */
	assert_string_equal(fmt_vis(in, out, 5), "a\xe2\x98\x83");
	assert_string_equal(fmt_vis(in, out, 8), "a\xe2\x98\x83");
	assert_string_equal(fmt_vis(in, out, 9), "a\xe2\x98\x83\\377");
	assert_string_equal(fmt_vis(in, out, 11), "a\xe2\x98\x83\\377");
	setlocale(LC_CTYPE, "C");
}

static void
test_fmt_width_and_fit_count_columns(void **state)
{
	size_t w;

	utf8_locale_or_skip();
	/* snowman 1 column, CJK and emoji 2, combining accent 0 */
	assert_int_equal(fmt_width("a\xe2\x98\x83" "b"), 3);
	assert_int_equal(fmt_width("\xe4\xb8\xad\xe6\x96\x87"), 4);
	assert_int_equal(fmt_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(fmt_width("e\xcc\x81"), 1);
	assert_int_equal(fmt_width("\\377x"), 5);
	/* fit never splits a character; a wide one that doesn't fit stays
	 * out whole */
	assert_int_equal(fmt_fit("a\xe4\xb8\xad" "b", 1, &w), 1);
	assert_int_equal(w, 1);
	assert_int_equal(fmt_fit("a\xe4\xb8\xad" "b", 2, &w), 1);
	assert_int_equal(w, 1);
	assert_int_equal(fmt_fit("a\xe4\xb8\xad" "b", 3, &w), 4);
	assert_int_equal(w, 3);
	assert_int_equal(fmt_fit("a\xe4\xb8\xad" "b", 9, &w), 5);
	assert_int_equal(w, 4);
	assert_int_equal(fmt_fit("e\xcc\x81x", 1, &w), 3);
	assert_int_equal(w, 1);
	assert_int_equal(fmt_fit("abc", 0, &w), 0);
	assert_int_equal(w, 0);
	/* units: one character or one whole escape */
	assert_int_equal(fmt_unit("\\342\\230x", &w), 4);
	assert_int_equal(w, 4);
	assert_int_equal(fmt_unit("\\\\a", &w), 2);
	assert_int_equal(fmt_unit("\\n", &w), 2);
	assert_int_equal(fmt_unit("\\0x", &w), 2);
	assert_int_equal(fmt_unit("\xe2\x98\x83!", &w), 3);
	assert_int_equal(w, 1);
	assert_int_equal(fmt_unit("\xe4\xb8\xad", &w), 3);
	assert_int_equal(w, 2);
	assert_int_equal(fmt_unit("ab", &w), 1);
	assert_int_equal(w, 1);
	assert_int_equal(fmt_unit("", &w), 0);
	assert_int_equal(w, 0);
	setlocale(LC_CTYPE, "C");
	/* C locale: fmt_vis output is ASCII, one byte one column */
	assert_int_equal(fmt_width("\\342\\230\\203"), 12);
	assert_int_equal(fmt_fit("abcdef", 4, &w), 4);
	assert_int_equal(w, 4);
}

static void
test_fmt_vis_random_bytes_round_trip(void **state)
{
	char in[200], out[4 * 200 + 1], back[200];
	unsigned seed = 99;
	size_t i, k;

	for (k = 0; k < 500; k++) {
		for (i = 0; i < sizeof(in); i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = (char)(seed >> 16);
		}
		fmt_visn(in, sizeof(in), out, sizeof(out));
		for (i = 0; out[i] != '\0'; i++)
			assert_false(unsafe_byte((unsigned char)out[i]));
		assert_int_equal(decode_c(out, back), (long)sizeof(in));
		assert_memory_equal(back, in, sizeof(in));
	}
}

static void
test_fmt_vis_truncation_never_splits_escape(void **state)
{
	static const char in[] = "ab\033\\\n\x9b" "cd\0" "7";
	char full[64], out[64], back[64];
	size_t len, flen;
	long n;

	fmt_visn(in, sizeof(in) - 1, full, sizeof(full));
	flen = strlen(full);
	for (len = 1; len <= flen + 1; len++) {
		memset(out, 'Q', sizeof(out));
		fmt_visn(in, sizeof(in) - 1, out, len);
		assert_true(strlen(out) < len);
		/* A prefix of the full text that still decodes cleanly... */
		assert_memory_equal(out, full, strlen(out));
		n = decode_c(out, back);
		assert_true(n >= 0);
		/* ...to a prefix of the input. */
		assert_memory_equal(back, in, (size_t)n);
		/* Nothing was dropped that would have fit. */
		if (len == flen + 1)
			assert_string_equal(out, full);
	}
	/* "\033" must not become "\0" (which reads as NUL). */
	assert_string_equal(fmt_vis("\033", out, 3), "");
	assert_string_equal(fmt_vis("x\033", out, 5), "x");
}

/* ---------------------------------------------------------------- json */

static char *
json_of(const char *s)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	fmt_json_string(f, s);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Strict UTF-8 sequence length at s, 0 if invalid (independent of fmt.c). */
static int
utf8_seq(const unsigned char *s)
{
	unsigned cp;
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07u;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls must have been escaped. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	return n;
}

/* A JSON string per RFC 8259, valid UTF-8, nothing unsafe raw. */
static void
assert_valid_json_string(const char *j)
{
	const unsigned char *p = (const unsigned char *)j;
	int i, n;

	assert_int_equal(*p, '"');
	p++;
	for (;;) {
		if (*p == '\0')
			fail_msg("unterminated JSON string: %s", j);
		if (*p == '"')
			break;
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw control byte in JSON: %s", j);
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
					    p[i]) || p[i] == '\0')
						fail_msg("bad \\u in %s", j);
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p))
				p++;
			else
				fail_msg("bad escape in %s", j);
			continue;
		}
		if ((n = utf8_seq(p)) == 0)
			fail_msg("invalid UTF-8 in JSON: %s", j);
		p += n;
	}
	assert_int_equal(p[1], '\0');
}

static void
test_fmt_json_string_hand_derived(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "\n\t\r", "\"\\n\\t\\r\"" },
		{ "\x01\x1b\x1f\x7f", "\"\\u0001\\u001b\\u001f\\u007f\"" },
		{ "/tmp/\033[31mred", "\"/tmp/\\u001b[31mred\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },		/* é raw */
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },		/* € raw */
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },	/* U+1F600 */
		{ "\xff", "\"\\ufffd\"" },
		{ "x\xc3", "\"x\\ufffd\"" },			/* cut short */
		{ "\xc3(", "\"\\ufffd(\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" }, /* surrogate */
		{ "\xf4\x90\x80\x80",
		    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* > U+10FFFF */
		{ "\xc2\x9b", "\"\\u009b\"" },			/* C1 CSI */
		{ "\xc2\xa0", "\"\xc2\xa0\"" },			/* NBSP ok */
		{ "\x9b[2J", "\"\\ufffd[2J\"" },
		/* a real U+00FF stays itself: no longer confused with 0xff */
		{ "\xc3\xbf", "\"\xc3\xbf\"" },
		{ "a\xe2\x98\x83\xff", "\"a\xe2\x98\x83\\ufffd\"" },
	};
	size_t i;
	char *j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		j = json_of(cases[i].in);
		if (strcmp(j, cases[i].want) != 0)
			fail_msg("case %zu: got %s want %s", i, j,
			    cases[i].want);
		assert_valid_json_string(j);
		free(j);
	}
}

static void
test_fmt_json_string_any_bytes_valid(void **state)
{
	char in[64];
	unsigned seed = 7;
	size_t i, k;
	char *j;
	int c;

	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		j = json_of(in);
		assert_valid_json_string(j);
		free(j);
	}
	for (k = 0; k < 2000; k++) {
		for (i = 0; i + 1 < sizeof(in); i++) {
			seed = seed * 1103515245 + 12345;
			c = (int)((seed >> 16) & 0xff);
			/* Bias towards UTF-8 lead/continuation bytes. */
			if (k % 2 && c >= 0x40 && c < 0x80)
				c |= 0x80;
			in[i] = (char)(c == 0 ? 1 : c);
		}
		in[i] = '\0';
		j = json_of(in);
		assert_valid_json_string(j);
		free(j);
	}
}

static char *
json_name_of(const char *key, const char *s)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	putc('{', f);
	fmt_json_name(f, key, s);
	putc('}', f);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Decode the hex of "KEY_hex":"..." in j (independently); -1 if absent. */
static long
hex_field(const char *j, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	long n = 0;
	unsigned v;

	snprintf(pat, sizeof(pat), "\"%s_hex\":\"", key);
	if ((p = strstr(j, pat)) == NULL)
		return -1;
	for (p += strlen(pat); *p != '"'; p += 2) {
		char two[3] = { p[0], p[1], '\0' };

		assert_non_null(strchr("0123456789abcdef", p[0]));
		assert_non_null(strchr("0123456789abcdef", p[1]));
		v = (unsigned)strtoul(two, NULL, 16);
		assert_true((size_t)n < len);
		out[n++] = (char)v;
	}
	return n;
}

static void
test_fmt_json_name_hex_only_when_invalid(void **state)
{
	static const char *const valid[] = {
		"", "/lib/libc.so.6", "snow\xe2\x98\x83", "\033[31m\n",
		"\xc2\x9b", "\xc3\xbf",
	};
	static const char *const invalid[] = {
		"\xff", "snow\xe2\x98\x83-\xff-\xe4\xb8\xad", "x\xe2\x98",
		"\xc0\xaf", "\xed\xa0\x80", "\x80\x80",
	};
	char back[64];
	size_t i;
	long n;
	char *j;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		j = json_name_of("path", valid[i]);
		assert_null(strstr(j, "_hex"));
		assert_int_equal(strncmp(j, "{\"path\":\"", 9), 0);
		free(j);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		j = json_name_of("path", invalid[i]);
		assert_non_null(strstr(j, "\\ufffd"));
		n = hex_field(j, "path", back, sizeof(back));
		assert_int_equal(n, (long)strlen(invalid[i]));
		assert_memory_equal(back, invalid[i], (size_t)n);
		/* the string itself is still a valid JSON string */
		*strstr(j, ",\"path_hex\"") = '\0';
		assert_valid_json_string(j + strlen("{\"path\":"));
		free(j);
	}
	j = json_name_of("path", "a\xff");
	assert_string_equal(j, "{\"path\":\"a\\ufffd\",\"path_hex\":\"61ff\"}");
	free(j);
}

/* ---------------------------------------------------------------- addr */

static void
test_fmt_parse_addr_hex_forms(void **state)
{
	uint64_t a = 1;

	assert_int_equal(fmt_parse_addr("0", &a), 0);
	assert_true(a == 0);
	assert_int_equal(fmt_parse_addr("0x0", &a), 0);
	assert_true(a == 0);
	assert_int_equal(fmt_parse_addr("7ffd5c6d0000", &a), 0);
	assert_true(a == 0x7ffd5c6d0000ULL);
	assert_int_equal(fmt_parse_addr("0X7FFD5c6d0000", &a), 0);
	assert_true(a == 0x7ffd5c6d0000ULL);
	assert_int_equal(fmt_parse_addr("ffffffffffffffff", &a), 0);
	assert_true(a == UINT64_MAX);
	assert_int_equal(fmt_parse_addr("0xffffffffff600000", &a), 0);
	assert_true(a == 0xffffffffff600000ULL);
	/* Leading zeros do not count towards the 16 digits. */
	assert_int_equal(fmt_parse_addr("0x00000000000000000001", &a), 0);
	assert_true(a == 1);
}

static void
test_fmt_parse_addr_rejects_junk_and_overflow(void **state)
{
	static const char *bad[] = { "", "0x", "0X", "x10", "g", "12g",
		"0x12 ", " 0x12", "-1", "+1", "0x-1", "1_000",
		"10000000000000000", "0x1ffffffffffffffff", "0x0x1" };
	uint64_t a = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (fmt_parse_addr(bad[i], &a) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(errno, EINVAL);
		assert_true(a == 42);
	}
}

static void
test_fmt_parse_addr_round_trips_printf(void **state)
{
	uint64_t v = 0x9e3779b97f4a7c15ULL, a;
	char buf[32];
	int k;

	for (k = 0; k < 1000; k++) {
		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		snprintf(buf, sizeof(buf), "%llx", (unsigned long long)v);
		assert_int_equal(fmt_parse_addr(buf, &a), 0);
		assert_true(a == v);
		snprintf(buf, sizeof(buf), "%#llX", (unsigned long long)v);
		buf[1] = 'x';
		assert_int_equal(fmt_parse_addr(buf, &a), 0);
		assert_true(a == v);
	}
}

/* ---------------------------------------------------------------- flags */

static void
test_fmt_flag_letters_in_pmf_order(void **state)
{
	assert_int_equal(fmt_flag_letter(PMF_PRESENT), 'P');
	assert_int_equal(fmt_flag_letter(PMF_SWAPPED), 'S');
	assert_int_equal(fmt_flag_letter(PMF_FILE_SHARED), 'F');
	assert_int_equal(fmt_flag_letter(PMF_EXCLUSIVE), 'X');
	assert_int_equal(fmt_flag_letter(PMF_SOFT_DIRTY), 'D');
	assert_int_equal(fmt_flag_letter(PMF_UFFD_WP), 'U');
	assert_int_equal(fmt_flag_letter(PMF_GUARD), 'G');
	assert_int_equal(fmt_flag_letter(0), '?');
	assert_int_equal(fmt_flag_letter(PMF_PRESENT | PMF_SWAPPED), '?');
	assert_int_equal(fmt_flag_letter(1u << PMF_COUNT), '?');
}

static void
test_fmt_flags_set_clear_unknown(void **state)
{
	struct pm_entry e;
	char buf[PMF_COUNT + 1];
	uint32_t all = (1u << PMF_COUNT) - 1;

	memset(&e, 0, sizeof(e));
	e.known = all;
	e.flags = PMF_PRESENT | PMF_EXCLUSIVE;
	assert_string_equal(fmt_flags(&e, buf, sizeof(buf)), "P--X---");
	e.flags = all;
	assert_string_equal(fmt_flags(&e, buf, sizeof(buf)), "PSFXDUG");
	e.flags = 0;
	assert_string_equal(fmt_flags(&e, buf, sizeof(buf)), "-------");
	/* Soft-dirty and guard unknown on this kernel. */
	e.known = all & ~(PMF_SOFT_DIRTY | PMF_GUARD);
	e.flags = PMF_PRESENT | PMF_FILE_SHARED | PMF_SOFT_DIRTY;
	assert_string_equal(fmt_flags(&e, buf, sizeof(buf)), "P-F-?-?");
}

static void
test_fmt_flags_short_buffer(void **state)
{
	struct pm_entry e;
	char buf[3];

	memset(&e, 0, sizeof(e));
	e.known = e.flags = PMF_PRESENT | PMF_SWAPPED | PMF_GUARD;
	assert_string_equal(fmt_flags(&e, buf, sizeof(buf)), "PS");
}

/* fmt_append: appends, truncates at the buffer's end, never overflows. */
static void
test_append_truncates(void **state)
{
	char buf[12] = "ab";

	(void)state;
	fmt_append(buf, sizeof(buf), " %d", 42);
	assert_string_equal(buf, "ab 42");
	fmt_append(buf, sizeof(buf), "%s", "0123456789");
	assert_string_equal(buf, "ab 42012345");
	fmt_append(buf, sizeof(buf), "x");
	assert_string_equal(buf, "ab 42012345");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_truncates),
		cmocka_unit_test(test_fmt_size_bytes_below_1k),
		cmocka_unit_test(test_fmt_size_binary_units),
		cmocka_unit_test(test_fmt_size_small_buffer_truncates),
		cmocka_unit_test(test_fmt_vis_escapes_every_unsafe_byte),
		cmocka_unit_test(test_fmt_vis_escape_sequence_is_visible),
		cmocka_unit_test(test_fmt_vis_single_bytes_in_utf8_locale),
		cmocka_unit_test(test_fmt_vis_c_locale_escapes_utf8),
		cmocka_unit_test(test_fmt_vis_utf8_locale_cases),
		cmocka_unit_test(test_fmt_vis_utf8_random_round_trip),
		cmocka_unit_test(test_fmt_vis_utf8_truncation_keeps_characters),
		cmocka_unit_test(test_fmt_width_and_fit_count_columns),
		cmocka_unit_test(test_fmt_vis_random_bytes_round_trip),
		cmocka_unit_test(test_fmt_vis_truncation_never_splits_escape),
		cmocka_unit_test(test_fmt_json_string_hand_derived),
		cmocka_unit_test(test_fmt_json_string_any_bytes_valid),
		cmocka_unit_test(test_fmt_json_name_hex_only_when_invalid),
		cmocka_unit_test(test_fmt_parse_addr_hex_forms),
		cmocka_unit_test(test_fmt_parse_addr_rejects_junk_and_overflow),
		cmocka_unit_test(test_fmt_parse_addr_round_trips_printf),
		cmocka_unit_test(test_fmt_flag_letters_in_pmf_order),
		cmocka_unit_test(test_fmt_flags_set_clear_unknown),
		cmocka_unit_test(test_fmt_flags_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
