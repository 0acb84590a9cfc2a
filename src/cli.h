/* cli: the non-interactive commands (--maps, --translate, --stack), text or JSON. */
#ifndef VMPEEK_CLI_H
#define VMPEEK_CLI_H

#include <stdbool.h>
#include <sys/types.h>

struct cli_opts {
	int rootfd;		/* the /proc tree */
	int sysfd;		/* the /sys tree, -1 if it could not be opened */
	bool json;
	bool no_scan;		/* force the pread path (no PAGEMAP_SCAN) */
	int interval_ms;	/* --watch: re-read every this often */
};

/*
 * Resolve a PID spec (number, self, name); on failure print one line (or
 * the list of candidates) on stderr and return 1, else 0.
 */
int cli_resolve(int rootfd, const char *spec, pid_t *pid);

/* Each returns the process exit status: 0 ok, 1 runtime error, 2 usage. */
int cli_maps(const struct cli_opts *o, const char *spec);
int cli_translate(const struct cli_opts *o, const char *spec,
    const char *range);
/* Two processes' records of the same pages, and whether the frames match. */
int cli_compare(const struct cli_opts *o, const char *spec_a,
    const char *spec_b, const char *range);
/*
 * --translate --watch: re-read the range every o->interval_ms and print
 * each page that changed; 0 on SIGINT/SIGTERM, 1 when the target exits.
 */
int cli_watch(const struct cli_opts *o, const char *spec,
    const char *range);
int cli_stack(const struct cli_opts *o, const char *spec);
/* xxd-style bytes of the present pages of ADDR[-END]; never faults one in. */
int cli_dump(const struct cli_opts *o, const char *spec, const char *range);
/* --caps (cli_caps.c): what this machine can show, and why not. */
int cli_caps(const struct cli_opts *o);

#endif
