/* proclist: the process list for the picker (pid, comm, user, rss, starttime). */
#ifndef VMPEEK_PROCLIST_H
#define VMPEEK_PROCLIST_H

#include <stdbool.h>
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
	pid_t ppid;		/* stat field 4 (0: none, as for pid 1) */
	char comm[64];		/* raw bytes; escape before display */
	/*
	 * The command line, NULs turned into spaces, raw bytes: NULL until
	 * proclist_read_cmdline (only the rows on screen pay for it), and
	 * NULL after it when empty (kernel threads, zombies) or unreadable.
	 */
	char *cmdline;
	bool cmdline_read;
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
	bool kernel_thread;	/* PF_KTHREAD: no user address space */
	bool zombie;		/* exited, not reaped: no address space */
	/*
	 * Can its memory be read? Unknown after proclist_read (unless it
	 * counted VMAs): proclist_check_access fills these in, so only
	 * the rows on screen pay for the check.
	 */
	bool access_checked;
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

/* Bytes of a command line kept: what a screen line can show, and more. */
#define PROCLIST_CMDLINE_MAX	4096

/*
 * Read p's <pid>/cmdline (at most PROCLIST_CMDLINE_MAX bytes): the
 * arguments joined by spaces (each NUL a space, as ps and htop show
 * them), trailing NULs and spaces dropped. Sets p->cmdline_read; leaves
 * p->cmdline NULL when the command line is empty or unreadable. 0, or
 * -1 with errno.
 */
int proclist_read_cmdline(int rootfd, struct proc_info *p);

/*
 * The process tree in list order: a process comes right after its
 * parent (depth one more), siblings keep their order in the list (so the
 * sort applies among siblings). Roots are the processes whose parent is
 * not in the list (pid 1, kthreadd, orphans of a partial list). order
 * and depth get n entries: order[k] an index into list->p, depth[k] its
 * depth (0 for a root). A ppid loop (impossible in /proc, possible in a
 * broken tree) is cut: every process appears exactly once. 0, or -1
 * with errno ENOMEM.
 */
int proclist_tree(const struct proc_list *list, size_t *order, int *depth);
void proclist_sort(struct proc_list *list, enum proclist_sort how);

/* Index of pid in list, or -1. */
long proclist_find(const struct proc_list *list, pid_t pid);

/*
 * Case-insensitive substring match of filter against pid, comm and user.
 * Empty filter matches everything. 1 match, 0 not.
 */
int proclist_match(const struct proc_info *p, const char *filter);

#endif
