/* caps_settings: how the machine is set up (swap areas, THP, hugetlb pools, Yama), from /proc and /sys. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "caps_impl.h"
#include "parse.h"
#include "procfs.h"
#include "swaps.h"

/* Read dir/path into buf (NUL-terminated, truncated); 0 or -1 + errno. */
static int
read_at(int dirfd, const char *path, char *buf, size_t len)
{
	return procfs_read_at(dirfd, path, buf, len) == -1 ? -1 : 0;
}

/* A decimal number alone on the first line ("12\n"); 0 or -1. */
static int
parse_u64_text(const char *text, uint64_t *v)
{
	return parse_u64_line(text, text + strlen(text), 1ULL << 62, v);
}

int
caps_parse_choice(const char *text, char *word, size_t len)
{
	const char *o = strchr(text, '['), *c;

	if (o == NULL || (c = strchr(o, ']')) == NULL || c == o + 1 ||
	    (size_t)(c - o - 1) >= len || memchr(o, '\n', (size_t)(c - o)))
		return -1;
	memcpy(word, o + 1, (size_t)(c - o - 1));
	word[c - o - 1] = '\0';
	return 0;
}

int
caps_parse_scope(const char *text, int *scope)
{
	uint64_t v;

	if (parse_u64_text(text, &v) == -1 || v > 3)
		return -1;
	*scope = (int)v;
	return 0;
}

/* "Key:   123 kB" -> 123 for the line starting with key; -1 absent. */
static int
meminfo_field(const char *text, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			const char *s = p + kl + 1;

			while (*s == ' ' || *s == '\t')
				s++;
			return parse_u64(&s, s + strcspn(s, "\n"), UINT64_MAX,
			    v);
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

int
caps_parse_meminfo_huge(const char *text, struct caps_hugepool *p)
{
	memset(p, 0, sizeof(*p));
	if (meminfo_field(text, "HugePages_Total", &p->total) == -1)
		return -1;
	(void)meminfo_field(text, "HugePages_Free", &p->free);
	(void)meminfo_field(text, "Hugepagesize", &p->size_kb);
	return 0;
}

void
caps_gather_swap(int rootfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_SWAP];

	c->nswap = 0;
	if (rootfd < 0 || swaps_read(rootfd, c->swap, CAPS_MAX_SWAP,
	    &c->nswap) == -1) {
		c->nswap = 0;
		if (errno == ENOENT)
			caps_no(it, "this kernel has no swap (no /proc/swaps)");
		else
			caps_no(it, "could not read /proc/swaps: %s",
			    strerror(errno));
		return;
	}
	if (c->nswap > 0)
		caps_yes(it);
	else
		caps_no(it, "no swap area is active (/proc/swaps lists none): "
		    "nothing is ever swapped out");
}

void
caps_gather_thp(int sysfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_THP];
	char buf[256];
	uint64_t v;

	c->thp_mode[0] = c->thp_defrag[0] = '\0';
	c->huge_zero_page = TRI_UNKNOWN;
	c->thp_pmd_size = 0;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/defrag", buf,
	    sizeof(buf)) == 0)
		(void)caps_parse_choice(buf, c->thp_defrag,
		    sizeof(c->thp_defrag));
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/use_zero_page", buf,
	    sizeof(buf)) == 0 && parse_u64_text(buf, &v) == 0)
		c->huge_zero_page = v != 0 ? TRI_YES : TRI_NO;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/hpage_pmd_size",
	    buf, sizeof(buf)) == 0 && parse_u64_text(buf, &v) == 0)
		c->thp_pmd_size = v;
	if (read_at(sysfd, "kernel/mm/transparent_hugepage/enabled", buf,
	    sizeof(buf)) == -1) {
		if (sysfd < 0)
			caps_no(it, "could not tell: no /sys");
		else if (errno == ENOENT)
			caps_no(it, "this kernel has no transparent huge pages "
			    "(no transparent_hugepage/enabled)");
		else
			caps_no(it, "could not read transparent_hugepage/"
			    "enabled: %s", strerror(errno));
		return;
	}
	if (caps_parse_choice(buf, c->thp_mode, sizeof(c->thp_mode)) == -1) {
		caps_no(it, "could not tell: transparent_hugepage/enabled "
		    "names no [mode]");
		return;
	}
	if (strcmp(c->thp_mode, "never") == 0)
		caps_no(it, "THP is off (transparent_hugepage/enabled is "
		    "[never])");
	else
		caps_yes(it);
}

/* hugepages-2048kB -> 2048; 0 on junk. */
static uint64_t
pool_dir_kb(const char *name)
{
	const char *p = name + 10;
	uint64_t v;

	if (strncmp(name, "hugepages-", 10) != 0 ||
	    parse_u64(&p, p + strlen(p), 1ULL << 40, &v) == -1 ||
	    strcmp(p, "kB") != 0)
		return 0;
	return v;
}

void
caps_gather_hugetlb(int rootfd, int sysfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_HUGETLB];
	char buf[8192], path[300];
	struct dirent *de;
	uint64_t total = 0;
	DIR *d = NULL;
	int fd;

	c->npools = 0;
	if (sysfd >= 0 && (fd = openat(sysfd, "kernel/mm/hugepages",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    (d = fdopendir(fd)) == NULL)
		close(fd);
	while (d != NULL && (de = readdir(d)) != NULL &&
	    c->npools < CAPS_MAX_HUGE_POOLS) {
		struct caps_hugepool *p = &c->pool[c->npools];

		if ((p->size_kb = pool_dir_kb(de->d_name)) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/nr_hugepages", de->d_name);
		if (read_at(dirfd(d), path, buf, sizeof(buf)) == -1 ||
		    parse_u64_text(buf, &p->total) == -1)
			continue;
		snprintf(path, sizeof(path), "%s/free_hugepages", de->d_name);
		if (read_at(dirfd(d), path, buf, sizeof(buf)) == -1 ||
		    parse_u64_text(buf, &p->free) == -1)
			p->free = 0;
		c->npools++;
	}
	if (d != NULL)
		closedir(d);
	if (c->npools > 1) {
		/* readdir's order is the file system's: smallest first. */
		for (size_t i = 1; i < c->npools; i++)
			for (size_t j = i; j > 0 && c->pool[j - 1].size_kb >
			    c->pool[j].size_kb; j--) {
				struct caps_hugepool t = c->pool[j];

				c->pool[j] = c->pool[j - 1];
				c->pool[j - 1] = t;
			}
	}
	if (c->npools == 0 && read_at(rootfd, "meminfo", buf,
	    sizeof(buf)) == 0 && caps_parse_meminfo_huge(buf, &c->pool[0]) == 0)
		c->npools = 1;
	for (size_t i = 0; i < c->npools; i++)
		total += c->pool[i].total;
	if (total > 0)
		caps_yes(it);
	else if (c->npools > 0)
		caps_no(it, "the hugetlb pool is empty (vm.nr_hugepages is 0): "
		    "MAP_HUGETLB mappings fail");
	else
		caps_no(it,
		    "this kernel has no hugetlbfs (no hugepages in /sys "
		    "or HugePages_Total in meminfo)");
}

void
caps_gather_ptrace(int rootfd, struct vm_caps *c)
{
	struct caps_item *it = &c->item[CAPS_PTRACE];
	char buf[64];
	uint64_t cap = 0;
	bool sys_ptrace;

	c->ptrace_scope = -1;
	if (read_at(rootfd, "sys/kernel/yama/ptrace_scope", buf,
	    sizeof(buf)) == -1) {
		/* No Yama: the plain ptrace rules (same user, or root). */
		caps_yes(it);
		return;
	}
	if (caps_parse_scope(buf, &c->ptrace_scope) == -1) {
		caps_no(it, "could not tell: ptrace_scope reads '%.20s'", buf);
		return;
	}
	sys_ptrace = caps_self_capeff(rootfd, &cap) == 0 &&
	    (cap & (1ULL << CAP_SYS_PTRACE_BIT));
	switch (c->ptrace_scope) {
	case 0:
		caps_yes(it);
		break;
	case 1:
		if (sys_ptrace)
			caps_yes(it);
		else
			caps_no(it,
			    "Yama ptrace_scope is 1: /proc/PID/mem (the "
			    "hex view) opens only for descendants and processes "
			    "that allow it (PR_SET_PTRACER); pagemap is not "
			    "affected");
		break;
	case 2:
		if (sys_ptrace)
			caps_yes(it);
		else
			caps_no(it,
			    "Yama ptrace_scope is 2: /proc/PID/mem (the "
			    "hex view) needs CAP_SYS_PTRACE");
		break;
	default:
		caps_no(it, "Yama ptrace_scope is 3: no process may open "
		    "another's /proc/PID/mem (the hex view)");
		break;
	}
}
