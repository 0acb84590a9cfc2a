/* target: resolve a process spec, open it, notice exit and PID reuse. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "target.h"

struct cand {
	pid_t pid;
	char name[64];
};

struct cand_list {
	struct cand *c;
	size_t n, cap;
};

static int
cand_add(struct cand_list *l, pid_t pid, const char *name)
{
	struct cand *nc;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;

		if ((nc = reallocarray(l->c, ncap, sizeof(*nc))) == NULL)
			return -1;
		l->c = nc;
		l->cap = ncap;
	}
	l->c[l->n].pid = pid;
	strlcpy(l->c[l->n].name, name, sizeof(l->c[l->n].name));
	l->n++;
	return 0;
}

/* Basename of argv[0] from a cmdline buffer (NUL-separated). */
static void
argv0_base(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t n = strnlen(buf, len);
	const char *slash, *base = buf;

	for (slash = buf; slash < buf + n; slash++)
		if (*slash == '/')
			base = slash + 1;
	n -= (size_t)(base - buf);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Build "PID NAME\n..." (by pid) with names escaped for display. */
static char *
cand_text(struct cand_list *l)
{
	char *out = NULL, vis[4 * 64 + 1];
	size_t size = 0, i;
	FILE *f;

	qsort(l->c, l->n, sizeof(*l->c), cand_cmp);
	if ((f = open_memstream(&out, &size)) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		fprintf(f, "%d %s\n", (int)l->c[i].pid,
		    fmt_vis(l->c[i].name, vis, sizeof(vis)));
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int
resolve_name(int rootfd, const char *spec, pid_t *pidp, char **cands)
{
	struct cand_list bycomm = { NULL, 0, 0 }, byargv = { NULL, 0, 0 };
	struct cand_list *use;
	struct proc_stat st;
	struct dirent *de;
	char *buf, base[64];
	size_t len;
	DIR *dir;
	pid_t pid;
	int fd, saved, r = -1;

	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (procfs_parse_pid(de->d_name, &pid) == -1)
			continue;
		if (procfs_read_stat(rootfd, pid, &st) == -1)
			continue;	/* gone already */
		if (strcmp(st.comm, spec) == 0) {
			if (cand_add(&bycomm, pid, st.comm) == -1)
				goto out;
			continue;
		}
		/* comm is cut at 15 bytes: longer names need argv[0]. */
		if (bycomm.n > 0)
			continue;
		if (procfs_read_file(rootfd, pid, "cmdline", &buf, &len) == -1)
			continue;
		argv0_base(buf, len, base, sizeof(base));
		free(buf);
		if (base[0] != '\0' && strcmp(base, spec) == 0 &&
		    cand_add(&byargv, pid, base) == -1)
			goto out;
	}
	use = bycomm.n > 0 ? &bycomm : &byargv;
	if (use->n == 0) {
		errno = ESRCH;
	} else if (use->n == 1) {
		*pidp = use->c[0].pid;
		r = 0;
	} else {
		if (cands != NULL)
			*cands = cand_text(use);
		errno = EEXIST;
	}
out:
	saved = errno;
	closedir(dir);
	free(bycomm.c);
	free(byargv.c);
	errno = saved;
	return r;
}

int
target_resolve(int rootfd, const char *spec, pid_t *pid, char **cands)
{
	char dir[32];
	struct stat sb;
	const char *p;

	if (cands != NULL)
		*cands = NULL;
	if (spec == NULL || spec[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(spec, "self") == 0)
		return procfs_self_pid(rootfd, pid);
	for (p = spec; *p >= '0' && *p <= '9'; p++)
		continue;
	if (*p == '\0') {
		if (procfs_parse_pid(spec, pid) == -1) {
			errno = ESRCH;	/* 0 or beyond PID_MAX: no such pid */
			return -1;
		}
		snprintf(dir, sizeof(dir), "%d", (int)*pid);
		if (fstatat(rootfd, dir, &sb, 0) == -1) {
			if (errno == ENOENT)
				errno = ESRCH;
			return -1;
		}
		return 0;
	}
	return resolve_name(rootfd, spec, pid, cands);
}

int
target_open(struct target *t, int rootfd, pid_t pid)
{
	struct proc_stat st, again;
	int saved;

	memset(t, 0, sizeof(*t));
	t->rootfd = rootfd;
	t->pm.fd = -1;
	if (pid == PROCFS_SELF && procfs_self_pid(rootfd, &pid) == -1)
		return -1;
	t->pid = pid;
	if (procfs_read_stat(rootfd, pid, &st) == -1)
		goto fail;
	t->starttime = st.starttime;
	strlcpy(t->comm, st.comm, sizeof(t->comm));
	/*
	 * pagemap first: its fd pins the mm of the moment. Maps read after
	 * an exec in between would be the new image's, and the old mm reads
	 * empty, which target_pagemap_stale() notices; the other order would
	 * read the new image's pages at the old image's addresses.
	 */
	if (pagemap_open(&t->pm, rootfd, pid) == -1) {
		t->pm_errno = errno;
		t->pm.fd = -1;
	}
	if (maps_read(rootfd, pid, &t->maps) == -1)
		goto fail;
	/* The pid may have been reused while we read: check identity again. */
	if (procfs_read_stat(rootfd, pid, &again) == -1 ||
	    again.starttime != t->starttime) {
		errno = ESRCH;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (saved == ENOENT)
		saved = ESRCH;
	target_close(t);
	errno = saved;
	return -1;
}

void
target_close(struct target *t)
{
	if (t->pm.fd >= 0)
		pagemap_close(&t->pm);
	t->pm.fd = -1;
	maps_free(&t->maps);
}

bool
target_alive(const struct target *t)
{
	struct proc_stat st;

	if (procfs_read_stat(t->rootfd, t->pid, &st) == -1)
		return false;
	return st.starttime == t->starttime;
}

/*
 * A new fd on pagemap. The reader's state (caps, what PAGEMAP_SCAN can do,
 * counters) belongs to the kernel, not to the mm: keep it.
 */
static int
reopen_pagemap(struct target *t)
{
	struct pm_reader nr;

	if (pagemap_open(&nr, t->rootfd, t->pid) == -1) {
		t->pm_errno = errno;
		if (t->pm.fd >= 0)
			pagemap_close(&t->pm);
		t->pm.fd = -1;
		return -1;
	}
	if (t->pm.fd < 0) {
		nr.force_pread = t->pm.force_pread;
		t->pm = nr;
		t->pm_errno = 0;
		return 0;
	}
	close(t->pm.fd);
	t->pm.fd = nr.fd;
	return 0;
}

int
target_refresh(struct target *t)
{
	struct proc_stat st;
	struct vma_list l;

	if (!target_alive(t)) {
		errno = ESRCH;
		return -1;
	}
	/*
	 * An execve keeps pid and start time but makes a new mm, and an
	 * open pagemap fd keeps reading the old one (empty): reopen it on
	 * every refresh, before the maps (see target_open).
	 */
	(void)reopen_pagemap(t);
	if (maps_read(t->rootfd, t->pid, &l) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	/* Maps read after a reuse would describe a stranger: drop them. */
	if (procfs_read_stat(t->rootfd, t->pid, &st) == -1 ||
	    st.starttime != t->starttime) {
		maps_free(&l);
		errno = ESRCH;
		return -1;
	}
	strlcpy(t->comm, st.comm, sizeof(t->comm));	/* exec renames */
	maps_free(&t->maps);
	t->maps = l;
	return 0;
}

bool
target_pagemap_stale(struct target *t)
{
	uint64_t raw;

	/*
	 * A live mm has an entry for every user address, mapped or not;
	 * the lowest VMA is a user one (unlike [vsyscall], above the
	 * task size, where even a live mm reads nothing). Nothing there:
	 * the mm this fd was opened on is gone.
	 */
	if (t->pm.fd < 0 || t->maps.n == 0)
		return false;
	return pagemap_read(&t->pm, t->maps.v[0].start, 1, &raw) == 0;
}

const char *
target_strerror(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "permission denied: reading another user's memory map "
		    "needs ptrace access (run as the same user, or root; see "
		    "/proc/sys/kernel/yama/ptrace_scope)";
	case ESRCH:
	case ENOENT:
		return "no such process (it may have exited)";
	case EEXIST:
		return "several processes have that name: give a PID instead";
	case EINVAL:
		return "not a PID, \"self\" or a process name";
	default:
		return strerror(err);
	}
}
