/* proclist: the process list for the picker (pid, comm, user, rss, starttime). */
#ifndef VMPEEK_PROCLIST_H
#define VMPEEK_PROCLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_info {
	pid_t pid;
	char comm[64];		/* raw bytes; escape before display */
	char user[33];		/* user name, or the uid in decimal */
	uid_t uid;
	uint64_t rss_kb;
	uint64_t vsz_kb;
	uint64_t nvmas;		/* 0 when maps unreadable */
	unsigned long long starttime;
	int err;		/* errno when maps/pagemap can't be read, else 0 */
	int kernel_thread;	/* no user address space */
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
 * being read are skipped. count_vmas: also count lines of maps (slower).
 * 0 or -1 with errno. *list is overwritten (proclist_free a previous one).
 */
int proclist_read(int rootfd, struct proc_list *list, int count_vmas);
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
