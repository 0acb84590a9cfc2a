/* procfs: open and parse /proc files relative to a root dir fd. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"

/* The kernel's PID_MAX_LIMIT on 64-bit: no pid is larger. */
#define PROCFS_PID_MAX	4194304

int
procfs_open_root(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* "<pid>/<name>" or "self/<name>" into buf; -1 ENAMETOOLONG. */
static int
procfs_path(pid_t pid, const char *name, char *buf, size_t len)
{
	int n;

	if (pid < 0) {
		errno = EINVAL;
		return -1;
	}
	if (pid == PROCFS_SELF)
		n = snprintf(buf, len, "self/%s", name);
	else
		n = snprintf(buf, len, "%d/%s", (int)pid, name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * ENOENT from <pid>/<name> is ambiguous: the process may be gone, or the
 * file may not exist on this kernel. When the pid directory itself is
 * gone we report ESRCH, so callers can tell "exited" from "unsupported".
 */
static void
procfs_fix_enoent(int rootfd, pid_t pid)
{
	char dir[32];
	struct stat sb;

	if (errno != ENOENT)
		return;
	if (pid == PROCFS_SELF)
		strlcpy(dir, "self", sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%d", (int)pid);
	if (fstatat(rootfd, dir, &sb, 0) == -1 && errno == ENOENT)
		errno = ESRCH;
	else
		errno = ENOENT;
}

int
procfs_openat(int rootfd, pid_t pid, const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	if (procfs_path(pid, name, path, sizeof(path)) == -1)
		return -1;
	fd = openat(rootfd, path, flags | O_CLOEXEC);
	if (fd == -1)
		procfs_fix_enoent(rootfd, pid);
	return fd;
}

int
procfs_read_file(int rootfd, pid_t pid, const char *name, char **bufp,
    size_t *lenp)
{
	char *buf, *nbuf;
	size_t cap = 4096, len = 0;
	ssize_t n;
	int fd, saved;

	*bufp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if ((fd = procfs_openat(rootfd, pid, name, O_RDONLY)) == -1)
		return -1;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		/* Keep one byte for the terminating NUL. */
		if (cap - len < 2) {
			if (cap > SIZE_MAX / 2) {
				errno = ENOMEM;
				goto fail;
			}
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* A task exiting mid-read can leave ENOENT. */
			if (errno == ENOENT)
				errno = ESRCH;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	if (lenp != NULL)
		*lenp = len;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

ssize_t
procfs_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t got;
	int fd, e;

	if (dirfd < 0 || len == 0) {
		errno = dirfd < 0 ? EBADF : EINVAL;
		return -1;
	}
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (have < len - 1) {
		got = read(fd, buf + have, len - 1 - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	close(fd);
	buf[have] = '\0';
	return (ssize_t)have;
}

int
procfs_parse_pid(const char *s, pid_t *pid)
{
	const char *p = s, *end;
	uint64_t v;

	/* A /proc entry is digits only: no blank, no sign. */
	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	end = s + strlen(s);
	if (parse_u64(&p, end, PROCFS_PID_MAX, &v) == -1 || p != end ||
	    v == 0) {
		errno = EINVAL;
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

int
procfs_self_pid(int rootfd, pid_t *pid)
{
	char buf[64];
	const char *base;
	ssize_t n;

	n = readlinkat(rootfd, "self", buf, sizeof(buf) - 1);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	/* Real /proc says "1234"; accept a path to it too ("/proc/1234"). */
	base = strrchr(buf, '/');
	base = base != NULL ? base + 1 : buf;
	if (procfs_parse_pid(base, pid) == -1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * A decimal field of stat over [*pp, end): one run of spaces first, and a
 * space, a newline or the end after it.
 */
static int
field_ull(const char **pp, const char *end, unsigned long long *out)
{
	const char *p = *pp;
	uint64_t v;

	while (p < end && *p == ' ')
		p++;
	if (parse_u64(&p, end, ULLONG_MAX, &v) == -1 ||
	    (p < end && *p != ' ' && *p != '\n'))
		return -1;
	*out = v;
	*pp = p;
	return 0;
}

static int
field_ll(const char **pp, const char *end, long long *out)
{
	const char *p = *pp;
	int64_t v;

	while (p < end && *p == ' ')
		p++;
	if (parse_i64(&p, end, LLONG_MIN, LLONG_MAX, &v) == -1 ||
	    (p < end && *p != ' ' && *p != '\n'))
		return -1;
	*out = v;
	*pp = p;
	return 0;
}

/* Skip one space-separated field. */
static int
skip_field(const char **pp, const char *end)
{
	const char *p = *pp;

	while (p < end && *p == ' ')
		p++;
	if (p == end || *p == '\n')
		return -1;
	while (p < end && *p != ' ' && *p != '\n')
		p++;
	*pp = p;
	return 0;
}

int
procfs_parse_stat(const char *text, size_t len, struct proc_stat *st)
{
	const char *end = text + len, *open = NULL, *close = NULL, *p;
	unsigned long long v;
	long long sv;
	size_t n, i;
	int field;

	memset(st, 0, sizeof(*st));
	/*
	 * comm may hold spaces, parens and newlines, but the kernel writes
	 * nothing after it that contains ')': the last ')' closes it.
	 */
	for (p = text; p < end; p++) {
		if (*p == '(' && open == NULL)
			open = p;
		else if (*p == ')')
			close = p;
	}
	if (open == NULL || close == NULL || close < open)
		goto bad;

	p = text;
	if (field_ull(&p, open, &v) == -1 || v == 0 || v > PROCFS_PID_MAX)
		goto bad;
	st->pid = (pid_t)v;
	if (p + 1 != open || *p != ' ')
		goto bad;

	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	for (i = 0; i < n && open[1 + i] != '\0'; i++)
		st->comm[i] = open[1 + i];
	st->comm[i] = '\0';

	/* Field 3 (state) follows ") ". */
	p = close + 1;
	if (end - p < 2 || p[0] != ' ' || p[1] == ' ' || p[1] == '\n')
		goto bad;
	st->state = p[1];
	p += 2;
	if (p < end && *p != ' ' && *p != '\n')
		goto bad;

	for (field = 4; field <= 24; field++) {
		switch (field) {
		case 4:
			if (field_ll(&p, end, &sv) == -1 || sv < 0 ||
			    sv > PROCFS_PID_MAX)
				goto bad;
			st->ppid = (pid_t)sv;
			break;
		case 22:
			if (field_ull(&p, end, &st->starttime) == -1)
				goto bad;
			break;
		case 23:
			if (field_ull(&p, end, &st->vsize) == -1)
				goto bad;
			break;
		case 24:
			if (field_ll(&p, end, &st->rss_pages) == -1)
				goto bad;
			break;
		default:
			if (skip_field(&p, end) == -1)
				goto bad;
			break;
		}
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
procfs_read_stat(int rootfd, pid_t pid, struct proc_stat *st)
{
	char *buf;
	size_t len;
	int r, saved;

	if (procfs_read_file(rootfd, pid, "stat", &buf, &len) == -1)
		return -1;
	r = procfs_parse_stat(buf, len, st);
	saved = errno;
	free(buf);
	errno = saved;
	return r;
}

/* "Key:" at line start? Returns the value start (after blanks), or NULL. */
static const char *
status_key(const char *line, const char *eol, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

	if ((size_t)(eol - line) < klen || memcmp(line, key, klen) != 0)
		return NULL;
	for (p = line + klen; p < eol && (*p == ' ' || *p == '\t'); p++)
		continue;
	return p;
}

/* A "   1234 kB" value (blanks skipped already); what follows is ignored. */
static int
status_kb(const char *p, const char *eol, long long *out)
{
	uint64_t v;

	if (parse_u64(&p, eol, LLONG_MAX, &v) == -1)
		return -1;
	*out = (long long)v;
	return 0;
}

int
procfs_parse_status(const char *text, size_t len, struct proc_status *st)
{
	const char *end = text + len, *line, *eol, *v;
	int have_uid = 0;
	long long n;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->vm_rss_kb = st->vm_swap_kb = st->vm_size_kb = st->threads = -1;
	st->ruid = (uid_t)-1;
	for (line = text; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL)
			eol = end;
		if (eol - line >= 5 && memcmp(line, "Name:", 5) == 0) {
			/*
			 * The kernel writes "Name:\t" and the name, which may
			 * start with blanks of its own: skip only that tab.
			 * It escapes '\n' and '\\' in it ("\n" as "\\n").
			 */
			v = line + 5;
			if (v < eol && *v == '\t')
				v++;
			else
				v = status_key(line, eol, "Name:");
			for (i = 0; i + 1 < sizeof(st->name) && v + i < eol &&
			    v[i] != '\0'; i++)
				st->name[i] = v[i];
			st->name[i] = '\0';
		} else if ((v = status_key(line, eol, "Uid:")) != NULL) {
			if (status_kb(v, eol, &n) == -1 || n > UINT32_MAX - 1)
				goto bad;
			st->ruid = (uid_t)n;
			have_uid = 1;
		} else if ((v = status_key(line, eol, "VmRSS:")) != NULL) {
			if (status_kb(v, eol, &st->vm_rss_kb) == -1)
				goto bad;
		} else if ((v = status_key(line, eol, "VmSwap:")) != NULL) {
			if (status_kb(v, eol, &st->vm_swap_kb) == -1)
				goto bad;
		} else if ((v = status_key(line, eol, "VmSize:")) != NULL) {
			if (status_kb(v, eol, &st->vm_size_kb) == -1)
				goto bad;
		} else if ((v = status_key(line, eol, "Threads:")) != NULL) {
			if (status_kb(v, eol, &st->threads) == -1)
				goto bad;
		}
		if (eol == end)
			break;
	}
	if (!have_uid)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
procfs_read_status(int rootfd, pid_t pid, struct proc_status *st)
{
	char *buf;
	size_t len;
	int r, saved;

	if (procfs_read_file(rootfd, pid, "status", &buf, &len) == -1)
		return -1;
	r = procfs_parse_status(buf, len, st);
	saved = errno;
	free(buf);
	errno = saved;
	return r;
}
