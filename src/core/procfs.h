/* procfs: every /proc read relative to a root directory fd (tests pass a fixture tree). */
#ifndef VMPEEK_PROCFS_H
#define VMPEEK_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* pid value meaning "the process named by <root>/self" */
#define PROCFS_SELF ((pid_t)0)

/* Open a /proc-like tree; returns an O_DIRECTORY fd or -1 with errno. */
int procfs_open_root(const char *path);

/* Open <root>/<pid>/<name> (pid PROCFS_SELF means "self"); -1 with errno. */
int procfs_openat(int rootfd, pid_t pid, const char *name, int flags);

/*
 * Read all of <root>/<pid>/<name> into a NUL-terminated malloc'd buffer.
 * Returns 0, or -1 with errno (ENOENT/ESRCH: no such process, EACCES/EPERM).
 * ENOENT from opening is turned into ESRCH when <root>/<pid> itself is
 * gone (the process exited); it stays ENOENT when only the file is missing.
 * (procfs_openat does the same.)
 */
int procfs_read_file(int rootfd, pid_t pid, const char *name, char **buf,
    size_t *len);

/*
 * Read the small file <dirfd>/<path> of any root (the /proc or the /sys
 * tree) into buf: at most len - 1 bytes (the rest is left unread), then a
 * NUL. Returns the bytes read, or -1 with errno (EBADF: dirfd is -1).
 */
ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t len);

/* Parse a decimal pid (digits only, 1..PID_MAX); 0 ok, -1 on junk. */
int procfs_parse_pid(const char *s, pid_t *pid);

/* Resolve <root>/self to the numeric pid it names; -1 with errno. */
int procfs_self_pid(int rootfd, pid_t *pid);

/* Fields of /proc/PID/stat we use; comm may hold any byte but NUL. */
struct proc_stat {
	pid_t pid;
	char comm[64];
	char state;
	pid_t ppid;
	unsigned long long starttime;	/* field 22, clock ticks after boot */
	unsigned long long vsize;	/* bytes */
	long long rss_pages;
};

/* Pure parser: the text of /proc/PID/stat in, struct out; 0 or -1. */
int procfs_parse_stat(const char *text, size_t len, struct proc_stat *st);
int procfs_read_stat(int rootfd, pid_t pid, struct proc_stat *st);

/* Fields of /proc/PID/status we use (kB; -1 = absent). */
struct proc_status {
	char name[64];
	uid_t ruid;
	long long vm_rss_kb;
	long long vm_swap_kb;
	long long vm_size_kb;
	long long threads;
};

int procfs_parse_status(const char *text, size_t len, struct proc_status *st);
int procfs_read_status(int rootfd, pid_t pid, struct proc_status *st);

#endif
