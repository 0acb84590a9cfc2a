/* jsoncheck: a strict JSON (RFC 8259) validator for the fuzz targets and their test. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsoncheck.h"

struct jc {
	const unsigned char *p, *end;
	const char *why;
	int depth;
};

static int
fail(struct jc *j, const char *why)
{
	if (j->why == NULL)
		j->why = why;
	return -1;
}

static void
ws(struct jc *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Append code point cp as UTF-8 to out (if out is not NULL). */
static int
put_cp(struct jc *j, uint32_t cp, char *out, size_t cap, size_t *n)
{
	unsigned char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (out == NULL)
		return 0;
	if (cap - *n < k)
		return fail(j, "decoded string too long");
	memcpy(out + *n, b, k);
	*n += k;
	return 0;
}

/* One UTF-8 sequence at j->p (first byte >= 0x80): its code point. */
static int
utf8(struct jc *j, uint32_t *cp)
{
	const unsigned char *s = j->p;
	size_t len, i;
	uint32_t min;

	if (s[0] >= 0xc0 && s[0] <= 0xdf) {
		len = 2;
		*cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		*cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf7) {
		len = 4;
		*cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return fail(j, "invalid UTF-8 lead byte");
	if ((size_t)(j->end - s) < len)
		return fail(j, "truncated UTF-8 sequence");
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return fail(j, "invalid UTF-8 continuation byte");
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min)
		return fail(j, "overlong UTF-8 sequence");
	if (*cp >= 0xd800 && *cp <= 0xdfff)
		return fail(j, "UTF-8 encoded surrogate");
	if (*cp > 0x10ffff)
		return fail(j, "UTF-8 beyond U+10FFFF");
	j->p += len;
	return 0;
}

static int
hex4(struct jc *j, uint32_t *v)
{
	int i;

	if (j->end - j->p < 4)
		return fail(j, "truncated \\u escape");
	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned char c = j->p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return fail(j, "non-hex digit in \\u escape");
	}
	j->p += 4;
	return 0;
}

/* A string literal at j->p (the opening quote); decoded into out. */
static int
string(struct jc *j, char *out, size_t cap, size_t *n)
{
	uint32_t cp, lo;

	*n = 0;
	if (j->p >= j->end || *j->p != '"')
		return fail(j, "expected a string");
	j->p++;
	for (;;) {
		if (j->p >= j->end)
			return fail(j, "unterminated string");
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if (*j->p < 0x20)
			return fail(j, "raw control byte in a string");
		if (*j->p >= 0x80) {
			if (utf8(j, &cp) == -1)
				return -1;
		} else if (*j->p != '\\') {
			cp = *j->p++;
		} else {
			if (j->end - j->p < 2)
				return fail(j, "truncated escape");
			j->p += 2;
			switch (j->p[-1]) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (hex4(j, &cp) == -1)
					return -1;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail(j, "lone low surrogate");
				if (cp < 0xd800 || cp > 0xdbff)
					break;
				if (j->end - j->p < 2 || j->p[0] != '\\' ||
				    j->p[1] != 'u')
					return fail(j, "lone high surrogate");
				j->p += 2;
				if (hex4(j, &lo) == -1)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(j, "lone high surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				break;
			default:
				return fail(j, "invalid escape");
			}
		}
		if (put_cp(j, cp, out, cap, n) == -1)
			return -1;
	}
}

static bool
digit(struct jc *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

static int
number(struct jc *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (!digit(j))
		return fail(j, "expected a digit");
	if (*j->p == '0') {
		j->p++;
		if (digit(j))
			return fail(j, "leading zero");
	} else
		while (digit(j))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!digit(j))
			return fail(j, "no digit after '.'");
		while (digit(j))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digit(j))
			return fail(j, "no digit in exponent");
		while (digit(j))
			j->p++;
	}
	return 0;
}

static int
literal(struct jc *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return fail(j, "invalid literal");
	j->p += n;
	return 0;
}

static int value(struct jc *j);

/* Decoded keys of one object, to reject duplicates. */
struct keys {
	char **k;
	size_t *len;
	size_t n;
};

static void
keys_free(struct keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
	free(ks->len);
}

static int
object(struct jc *j)
{
	struct keys ks = { NULL, NULL, 0 };
	const unsigned char *b;
	size_t cap, n;
	char *key;

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		ws(j);
		/* A decoded key is never longer than its literal. */
		b = j->p;
		cap = (size_t)(j->end - b) + 1;
		if ((key = malloc(cap)) == NULL) {
			keys_free(&ks);
			return fail(j, "out of memory");
		}
		if (string(j, key, cap, &n) == -1) {
			free(key);
			keys_free(&ks);
			return -1;
		}
		for (size_t i = 0; i < ks.n; i++)
			if (ks.len[i] == n && memcmp(ks.k[i], key, n) == 0) {
				free(key);
				keys_free(&ks);
				return fail(j, "duplicate key in an object");
			}
		{
			char **nk = realloc(ks.k, (ks.n + 1) * sizeof(*nk));
			size_t *nl;

			if (nk != NULL)
				ks.k = nk;
			nl = nk != NULL ? realloc(ks.len, (ks.n + 1) *
			    sizeof(*nl)) : NULL;
			if (nl == NULL) {
				free(key);
				keys_free(&ks);
				return fail(j, "out of memory");
			}
			ks.len = nl;
			ks.k[ks.n] = key;
			ks.len[ks.n++] = n;
		}
		ws(j);
		if (j->p >= j->end || *j->p != ':') {
			keys_free(&ks);
			return fail(j, "expected ':' after a key");
		}
		j->p++;
		if (value(j) == -1) {
			keys_free(&ks);
			return -1;
		}
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		keys_free(&ks);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		return fail(j, "expected ',' or '}' in an object");
	}
}

static int
array(struct jc *j)
{
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (value(j) == -1)
			return -1;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		return fail(j, "expected ',' or ']' in an array");
	}
}

static int
value(struct jc *j)
{
	size_t n;
	int r;

	ws(j);
	if (j->p >= j->end)
		return fail(j, "expected a value");
	switch (*j->p) {
	case '{':
	case '[':
		if (++j->depth > JSONCHECK_DEPTH)
			return fail(j, "nested too deep");
		r = *j->p == '{' ? object(j) : array(j);
		j->depth--;
		return r;
	case '"':
		return string(j, NULL, 0, &n);
	case 't':
		return literal(j, "true");
	case 'f':
		return literal(j, "false");
	case 'n':
		return literal(j, "null");
	default:
		return number(j);
	}
}

int
jsoncheck(const char *text, size_t len, const char **why)
{
	struct jc j = { (const unsigned char *)text,
	    (const unsigned char *)text + len, NULL, 0 };

	if (value(&j) == -1)
		goto bad;
	ws(&j);
	if (j.p != j.end) {
		fail(&j, "more after the value (two values?)");
		goto bad;
	}
	return 0;
bad:
	if (why != NULL)
		*why = j.why;
	return -1;
}

int
jsoncheck_string(const char *text, size_t len, char *out, size_t cap,
    size_t *outlen, const char **why)
{
	struct jc j = { (const unsigned char *)text,
	    (const unsigned char *)text + len, NULL, 0 };

	if (string(&j, out, cap, outlen) == -1)
		goto bad;
	if (j.p != j.end) {
		fail(&j, "more after the string");
		goto bad;
	}
	return 0;
bad:
	if (why != NULL)
		*why = j.why;
	return -1;
}
