/* swaps: /proc/swaps, the active swap areas (a swap entry's type indexes them). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"
#include "swaps.h"

/* Next whitespace-separated token of text[*i..len) on this line. */
static bool
token(const char *t, size_t len, size_t *i, size_t *b, size_t *e)
{
	while (*i < len && (t[*i] == ' ' || t[*i] == '\t'))
		(*i)++;
	*b = *i;
	while (*i < len && t[*i] != ' ' && t[*i] != '\t' && t[*i] != '\n')
		(*i)++;
	*e = *i;
	return *e > *b;
}

/* The token [b, e) of t is exactly a number in [min, max]. */
static int
tok_num(const char *t, size_t b, size_t e, int64_t min, int64_t max,
    int64_t *v)
{
	const char *p = t + b;

	return parse_i64(&p, t + e, min, max, v) == 0 && p == t + e ? 0 : -1;
}

int
swaps_parse(const char *text, size_t len, struct swap_dev *out, size_t max,
    size_t *n)
{
	size_t i = 0;
	const char *nl;

	*n = 0;
	/* The first line is the header "Filename Type Size Used Priority". */
	if (len < 8 || memcmp(text, "Filename", 8) != 0)
		goto bad;
	/*
	 * The kernel never prints a NUL here; one inside a name would cut
	 * it short into another plausible path, and one in the type would
	 * leave it empty: the text is malformed.
	 */
	if (memchr(text, '\0', len) != NULL)
		goto bad;
	if ((nl = memchr(text, '\n', len)) == NULL)
		return 0;
	i = (size_t)(nl - text) + 1;
	while (i < len) {
		size_t b[5], e[5], end;
		int64_t v[3];
		struct swap_dev *d;

		nl = memchr(text + i, '\n', len - i);
		end = nl ? (size_t)(nl - text) : len;
		for (int k = 0; k < 5; k++)
			if (!token(text, end, &i, &b[k], &e[k]))
				goto bad;
		if (tok_num(text, b[2], e[2], 0, INT64_MAX, &v[0]) == -1 ||
		    tok_num(text, b[3], e[3], 0, INT64_MAX, &v[1]) == -1 ||
		    tok_num(text, b[4], e[4], INT_MIN, INT_MAX, &v[2]) == -1)
			goto bad;
		if (*n < max) {
			d = &out[*n];
			/* seq_file_path escapes " \t\n\\" as \ooo */
			(void)parse_unescape(text + b[0], e[0] - b[0],
			    " \t\n\\", d->name, sizeof(d->name));
			snprintf(d->type, sizeof(d->type), "%.*s",
			    (int)(e[1] - b[1]), text + b[1]);
			d->size_kb = (uint64_t)v[0];
			d->used_kb = (uint64_t)v[1];
			d->prio = (int)v[2];
			(*n)++;
		}
		i = end + 1;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
swaps_read(int rootfd, struct swap_dev *out, size_t max, size_t *n)
{
	char buf[16384];
	ssize_t len;

	if ((len = procfs_read_at(rootfd, "swaps", buf, sizeof(buf))) == -1)
		return -1;
	return swaps_parse(buf, (size_t)len, out, max, n);
}

/* seq_file_path's escaping: exact for any name the kernel printed. */
char *
swaps_escape_name(const char *name, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	for (const unsigned char *s = (const unsigned char *)name; *s != '\0';
	    s++) {
		if (strchr(" \t\n\\", *s) != NULL) {
			if (o + 4 >= len)
				break;
			snprintf(buf + o, 5, "\\%03o", *s);
			o += 4;
		} else {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)*s;
		}
	}
	buf[o] = '\0';
	return buf;
}
