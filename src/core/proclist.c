/* proclist: the process list for the picker, read from a /proc-like tree. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "parse.h"
#include "procfs.h"
#include "proclist.h"

/*
 * One reusable buffer and a single read() of <pid>/stat per process (no
 * malloc per file, no status, no maps): at 5,000 processes the kernel's
 * per-file /proc cost is nearly all of the time, so one file each is
 * what keeps a load under 100 ms. stat is a few hundred bytes.
 */
#define PROCLIST_BUF	16384

/* include/linux/sched.h: "I am a kernel thread" (stat field 9). */
#define PF_KTHREAD	0x00200000UL

struct uid_cache {
	uid_t uid;
	char name[33];
};

struct proclist_ctx {
	int rootfd;
	long pagesize;
	char *buf;
	struct uid_cache *users;
	size_t nusers, capusers;
};

/* One read of the file fd into buf (truncated is fine here); closes fd. */
static ssize_t
read_small(int fd, char *buf, size_t size)
{
	ssize_t n;
	int saved;

	do
		n = read(fd, buf, size - 1);
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved == ENOENT ? ESRCH : saved;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/*
 * Field 9 (flags) of a stat text procfs_parse_stat accepted: procfs does
 * not keep it. Fields are counted from the last ')', as there.
 */
static int
stat_flags(const char *text, size_t len, unsigned long *flags)
{
	const char *p = NULL, *end = text + len, *q;
	uint64_t v;
	int field;

	for (q = text; q < end; q++)
		if (*q == ')')
			p = q;
	if (p == NULL)
		return -1;
	/* p: ")", then " state ppid pgrp session tty tpgid flags" */
	for (field = 2; field < 9; field++) {
		if ((p = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return -1;
		p++;
	}
	if (parse_u64(&p, end, ULONG_MAX, &v) == -1)
		return -1;
	*flags = (unsigned long)v;
	return 0;
}

/* getpwuid_r reads /etc/passwd each time: remember answers per uid. */
static void
user_name(struct proclist_ctx *ctx, uid_t uid, char *out, size_t len)
{
	struct passwd pw, *res = NULL;
	struct uid_cache *nu;
	char pwbuf[1024];
	size_t i;

	for (i = 0; i < ctx->nusers; i++) {
		if (ctx->users[i].uid == uid) {
			strlcpy(out, ctx->users[i].name, len);
			return;
		}
	}
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 &&
	    res != NULL && strlen(pw.pw_name) < len)
		strlcpy(out, pw.pw_name, len);
	else
		snprintf(out, len, "%u", (unsigned)uid);
	if (ctx->nusers == ctx->capusers) {
		size_t ncap = ctx->capusers ? ctx->capusers * 2 : 16;

		nu = reallocarray(ctx->users, ncap, sizeof(*nu));
		if (nu == NULL)
			return;		/* just uncached */
		ctx->users = nu;
		ctx->capusers = ncap;
	}
	ctx->users[ctx->nusers].uid = uid;
	strlcpy(ctx->users[ctx->nusers].name, out,
	    sizeof(ctx->users[ctx->nusers].name));
	ctx->nusers++;
}

/* Count lines of maps without keeping them. */
static int
count_maps(struct proclist_ctx *ctx, pid_t pid, uint64_t *nlines)
{
	ssize_t n;
	uint64_t c = 0;
	int fd, saved;
	char *p, *end;

	if ((fd = procfs_openat(ctx->rootfd, pid, "maps", O_RDONLY)) == -1)
		return -1;
	for (;;) {
		n = read(fd, ctx->buf, PROCLIST_BUF);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = ctx->buf, end = p + n;
		    (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
			c++;
	}
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	*nlines = c;
	return 0;
}

/* 0 ok, -1 skip this pid (vanished or unreadable). */
static int
read_one(struct proclist_ctx *ctx, pid_t pid, struct proc_info *pi,
    int count_vmas)
{
	struct proc_stat st;
	struct stat sb;
	unsigned long flags;
	char name[16];
	ssize_t n;
	int fd;

	memset(pi, 0, sizeof(*pi));
	if ((fd = procfs_openat(ctx->rootfd, pid, "stat", O_RDONLY)) == -1 ||
	    (n = read_small(fd, ctx->buf, PROCLIST_BUF)) == -1 ||
	    procfs_parse_stat(ctx->buf, (size_t)n, &st) == -1 ||
	    stat_flags(ctx->buf, (size_t)n, &flags) == -1)
		return -1;
	/* The directory's owner: no status read for the uid (see .h). */
	snprintf(name, sizeof(name), "%d", (int)pid);
	if (fstatat(ctx->rootfd, name, &sb, 0) == -1)
		return -1;
	pi->pid = pid;
	pi->ppid = st.ppid;
	strlcpy(pi->comm, st.comm, sizeof(pi->comm));
	pi->starttime = st.starttime;
	pi->state = st.state;
	pi->uid = sb.st_uid;
	user_name(ctx, sb.st_uid, pi->user, sizeof(pi->user));
	pi->rss_kb = st.rss_pages > 0 ?
	    (uint64_t)st.rss_pages * (uint64_t)ctx->pagesize / 1024 : 0;
	pi->vsz_kb = st.vsize / 1024;
	/*
	 * vsize 0 would also catch zombies and exiting processes; the flag
	 * says what it is.
	 */
	pi->kernel_thread = (flags & PF_KTHREAD) != 0;
	pi->zombie = st.state == 'Z';
	if (pi->kernel_thread || pi->zombie || !count_vmas)
		return 0;
	pi->access_checked = true;
	if (count_maps(ctx, pid, &pi->nvmas) == -1) {
		if (errno == ESRCH)
			return -1;
		pi->err = errno;
	}
	return 0;
}

int
proclist_check_access(int rootfd, struct proc_info *p)
{
	struct proc_stat st;
	char name[16], buf[2048];
	ssize_t n;
	int dfd, fd, err = 0;

	p->access_checked = true;
	p->err = 0;
	if (p->kernel_thread || p->zombie)
		return 0;
	/*
	 * Through the directory fd, stat and maps belong to the same
	 * process: once it is reaped, openat() on the old directory fails
	 * even if a new process got the pid. starttime tells whether the
	 * pid already named another process when we opened it.
	 */
	snprintf(name, sizeof(name), "%d", (int)p->pid);
	if ((dfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		err = errno == ENOENT ? ESRCH : errno;
		goto out;
	}
	if ((fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (n = read_small(fd, buf, sizeof(buf))) == -1 ||
	    procfs_parse_stat(buf, (size_t)n, &st) == -1 ||
	    st.starttime != p->starttime)
		err = ESRCH;
	else if ((fd = openat(dfd, "maps", O_RDONLY | O_CLOEXEC)) == -1)
		err = errno == ENOENT ? ESRCH : errno;
	else
		close(fd);
	close(dfd);
out:
	p->err = err;
	if (err == ESRCH) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

int
proclist_read(int rootfd, struct proc_list *list, int count_vmas)
{
	struct proclist_ctx ctx = { rootfd, 0, NULL, NULL, 0, 0 };
	struct proc_list l = { NULL, 0, 0 };
	struct proc_info *np;
	struct dirent *de;
	DIR *dir = NULL;
	pid_t pid;
	int fd, saved;

	if ((ctx.pagesize = sysconf(_SC_PAGESIZE)) <= 0) {
		errno = EINVAL;
		return -1;
	}
	if ((ctx.buf = malloc(PROCLIST_BUF)) == NULL)
		return -1;
	/* Our own fd: closedir() closes it, the caller keeps rootfd. */
	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		goto fail;
	if ((dir = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0)
				goto fail;
			break;
		}
		if (procfs_parse_pid(de->d_name, &pid) == -1)
			continue;
		if (l.n == l.cap) {
			size_t ncap = l.cap ? l.cap * 2 : 256;

			if ((np = reallocarray(l.p, ncap, sizeof(*np))) == NULL)
				goto fail;
			l.p = np;
			l.cap = ncap;
		}
		if (read_one(&ctx, pid, &l.p[l.n], count_vmas) == 0)
			l.n++;
	}
	closedir(dir);
	free(ctx.buf);
	free(ctx.users);
	*list = l;
	return 0;
fail:
	saved = errno;
	if (dir != NULL)
		closedir(dir);
	free(ctx.buf);
	free(ctx.users);
	free(l.p);
	errno = saved;
	return -1;
}

int
proclist_read_cmdline(int rootfd, struct proc_info *p)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, saved;

	free(p->cmdline);
	p->cmdline = NULL;
	p->cmdline_read = true;
	if ((fd = procfs_openat(rootfd, p->pid, "cmdline", O_RDONLY)) == -1)
		return -1;
	if ((buf = malloc(PROCLIST_CMDLINE_MAX + 1)) == NULL) {
		close(fd);
		return -1;
	}
	/* cmdline comes in page-sized reads: loop until full or EOF */
	while (got < PROCLIST_CMDLINE_MAX) {
		n = read(fd, buf + got, PROCLIST_CMDLINE_MAX - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	saved = errno;
	close(fd);
	if (got == 0 && n == -1) {
		free(buf);
		errno = saved;
		return -1;
	}
	for (size_t i = 0; i < got; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (got > 0 && buf[got - 1] == ' ')
		got--;
	if (got == 0) {
		free(buf);
		return 0;
	}
	buf[got] = '\0';
	p->cmdline = buf;
	return 0;
}

/* Indexes sorted by parent pid, list order kept among siblings. */
static int
cmp_by_ppid(const void *a, const void *b, void *arg)
{
	const struct proc_list *l = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	pid_t px = l->p[x].ppid, py = l->p[y].ppid;

	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The parent of p, as an index into the list, or -1 (a root). */
static long
parent_index(const struct proc_list *l, const size_t *bypid, size_t i)
{
	pid_t pp = l->p[i].ppid;
	size_t lo = 0, hi = l->n;

	if (pp <= 0 || pp == l->p[i].pid)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		pid_t m = l->p[bypid[mid]].pid;

		if (m == pp)
			return (long)bypid[mid];
		if (m < pp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
cmp_idx_pid(const void *a, const void *b, void *arg)
{
	const struct proc_list *l = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	pid_t px = l->p[x].pid, py = l->p[y].pid;

	return px < py ? -1 : px > py;
}

/*
 * Depth-first from root r: children of a process are the run of
 * byppid with its pid as ppid. An explicit stack (a chain of 30,000
 * processes must not overflow the C stack); done[] cuts loops.
 */
static void
tree_walk(const struct proc_list *l, const size_t *byppid, size_t r,
    bool *done, size_t *stack, size_t *order, int *depth, size_t *k)
{
	size_t sp = 0;

	stack[sp++] = r;
	done[r] = true;
	while (sp > 0) {
		size_t i = stack[--sp], lo = 0, hi = l->n, first, last;
		int d;

		/* depth was stored with the push (see below) */
		d = (int)(stack[l->n + sp]);
		order[*k] = i;
		depth[(*k)++] = d;
		/* the run of children of i in byppid */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (l->p[byppid[mid]].ppid < l->p[i].pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		first = lo;
		for (last = first; last < l->n &&
		    l->p[byppid[last]].ppid == l->p[i].pid; last++)
			continue;
		/* pushed last to first, so the first child comes out next */
		while (last > first) {
			size_t c = byppid[--last];

			if (done[c] || c == i)
				continue;
			done[c] = true;
			stack[l->n + sp] = (size_t)d + 1;
			stack[sp++] = c;
		}
	}
}

int
proclist_tree(const struct proc_list *list, size_t *order, int *depth)
{
	size_t n = list->n, k = 0, *byppid, *bypid, *stack;
	bool *done;

	if (n == 0)
		return 0;
	byppid = reallocarray(NULL, n, sizeof(*byppid));
	bypid = reallocarray(NULL, n, sizeof(*bypid));
	/* two halves: indexes, then the depth of each stacked index */
	stack = reallocarray(NULL, 2 * n, sizeof(*stack));
	done = calloc(n, sizeof(*done));
	if (byppid == NULL || bypid == NULL || stack == NULL || done == NULL) {
		free(byppid);
		free(bypid);
		free(stack);
		free(done);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		byppid[i] = bypid[i] = i;
	/* qsort_r: the comparators need the list (no global) */
	qsort_r(byppid, n, sizeof(*byppid), cmp_by_ppid, (void *)list);
	qsort_r(bypid, n, sizeof(*bypid), cmp_idx_pid, (void *)list);
	for (size_t i = 0; i < n; i++) {
		if (done[i] || parent_index(list, bypid, i) >= 0)
			continue;
		stack[n] = 0;
		tree_walk(list, byppid, i, done, stack, order, depth, &k);
	}
	/* what is left hangs in a ppid loop: cut it at list order */
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		stack[n] = 0;
		tree_walk(list, byppid, i, done, stack, order, depth, &k);
	}
	free(byppid);
	free(bypid);
	free(stack);
	free(done);
	return 0;
}

void
proclist_free(struct proc_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->p[i].cmdline);
	free(list->p);
	list->p = NULL;
	list->n = list->cap = 0;
}

static int
cmp_pid(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int
cmp_rss(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

	if (x->rss_kb != y->rss_kb)
		return x->rss_kb > y->rss_kb ? -1 : 1;
	return cmp_pid(a, b);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;
	int r;

	if ((r = strcasecmp(x->comm, y->comm)) != 0)
		return r;
	if ((r = strcmp(x->comm, y->comm)) != 0)
		return r;
	return cmp_pid(a, b);
}

void
proclist_sort(struct proc_list *list, enum proclist_sort how)
{
	int (*cmp)(const void *, const void *);

	switch (how) {
	case PROCLIST_SORT_PID:
		cmp = cmp_pid;
		break;
	case PROCLIST_SORT_NAME:
		cmp = cmp_name;
		break;
	case PROCLIST_SORT_RSS:
	default:
		cmp = cmp_rss;
		break;
	}
	if (list->n > 1)
		qsort(list->p, list->n, sizeof(*list->p), cmp);
}

long
proclist_find(const struct proc_list *list, pid_t pid)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (list->p[i].pid == pid)
			return (long)i;
	return -1;
}

int
proclist_match(const struct proc_info *p, const char *filter)
{
	char pidtxt[16];

	if (filter == NULL || filter[0] == '\0')
		return 1;
	snprintf(pidtxt, sizeof(pidtxt), "%d", (int)p->pid);
	return strstr(pidtxt, filter) != NULL ||
	    strcasestr(p->comm, filter) != NULL ||
	    strcasestr(p->user, filter) != NULL;
}
