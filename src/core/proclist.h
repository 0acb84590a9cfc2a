/* proclist: the process list for the picker (pid, comm, user, rss, starttime). */
#ifndef VMPEEK_PROCLIST_H
#define VMPEEK_PROCLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Everything but the access check comes from the one file
 * <pid>/stat plus an fstatat of <pid> itself: a process list of 5,000
 * entries is dominated by the kernel's per-file /proc cost.
 */
struct proc_info {
	pid_t pid;
	char comm[64];		/* raw bytes; escape before display */
	char user[33];		/* user name, or the uid in decimal */
	/*
	 * Owner of the /proc/<pid> directory: the effective uid, and root
	 * for a non-dumpable process (setuid programs, ssh-agent, ...).
	 * Not status's real uid; good enough to say whose process it is.
	 */
	uid_t uid;
	uint64_t rss_kb;
	uint64_t vsz_kb;
	uint64_t nvmas;		/* 0 when maps unreadable */
	unsigned long long starttime;
	char state;		/* stat field 3: R, S, D, Z, ... */
	int kernel_thread;	/* PF_KTHREAD: no user address space */
	int zombie;		/* exited, not reaped: no address space */
	/*
	 * Can its memory be read? Unknown after proclist_read (unless it
	 * counted VMAs): proclist_check_access fills these in, so only
	 * the rows on screen pay for the check.
	 */
	int access_checked;
	int err;		/* errno when maps/pagemap can't be read, else 0 */
};

struct proc_list {
	struct proc_info *p;
	size_t n;
	size_t cap;
};

enum proclist_sort {
	PROCLIST_SORT_RSS,	/* largest first */
	PROCLIST_SORT_PID,
	PROCLIST_SORT_NAME,
};

/*
 * Read every numeric directory under root. Processes that vanish while
 * being read are skipped. count_vmas: also count lines of maps (slower;
 * it also settles err and access_checked). Without it only <pid>/stat
 * is opened. 0 or -1 with errno. *list is overwritten (proclist_free a
 * previous one).
 */
int proclist_read(int rootfd, struct proc_list *list, int count_vmas);

/*
 * Can p's memory be read? Opens <pid>/maps, which runs the same
 * ptrace-read check as pagemap, and reads nothing; sets p->err (0 or the
 * errno, EACCES when refused) and p->access_checked. Kernel threads and
 * zombies have nothing to read: err 0, nothing opened. 0, or -1 with
 * errno ESRCH (also put in p->err) when the process has exited or its
 * pid now names another process (its starttime differs).
 */
int proclist_check_access(int rootfd, struct proc_info *p);
void proclist_free(struct proc_list *list);
void proclist_sort(struct proc_list *list, enum proclist_sort how);

/* Index of pid in list, or -1. */
long proclist_find(const struct proc_list *list, pid_t pid);

/*
 * Case-insensitive substring match of filter against pid, comm and user.
 * Empty filter matches everything. 1 match, 0 not.
 */
int proclist_match(const struct proc_info *p, const char *filter);

#endif
