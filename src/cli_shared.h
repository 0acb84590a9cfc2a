/* cli_shared: what the cli*.c commands share: messages, buffered output, the target, page records. */
#ifndef VMPEEK_CLI_SHARED_H
#define VMPEEK_CLI_SHARED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "kpage.h"
#include "pageinfo.h"
#include "smaps.h"
#include "swaps.h"
#include "target.h"

/* Room for an escaped name: fmt_vis needs 4 bytes per input byte. */
#define CLI_VIS_LEN(n)	(4 * (n) + 1)

/* One clear line on stderr: "vmpeek: MSG". */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output goes to a memstream; only a finished answer reaches stdout. */
struct cli_out {
	FILE *f;
	char *buf;
	size_t len;
};
#define CLI_OUT_INIT	{ NULL, NULL, 0 }

int cli_out_open(struct cli_out *o);
/* Discard the buffer (error path); harmless on a closed one. */
void cli_out_drop(struct cli_out *o);
/* Print the buffer to stdout; returns the exit status. */
int cli_out_flush(struct cli_out *o);

/*
 * Resolve spec and open the target (with its pagemap if need_pagemap).
 * Prints the error; returns 0, or the exit status.
 */
int cli_open_target(const struct cli_opts *o, const char *spec,
    struct target *t, bool need_pagemap);
/*
 * Has the target gone (exited, PID reused, or its pagemap reads empty)?
 * Says so, with `when` after "exited".
 */
bool cli_target_gone(struct target *t, const char *when);
/* Did the target change while it was read? Then print nothing. */
bool cli_target_changed(struct target *t);

/* ADDR[-END] as given: END exclusive; single: no END (one page). */
struct cli_range {
	uint64_t start, end;
	bool single;
};

/* Parse "ADDR" or "ADDR-END". 0, or -1 (message printed). */
int cli_parse_range(const char *range, struct cli_range *r);
/* "PID: address A is not mapped" or "PID: range A-E is not mapped". */
void cli_not_mapped(pid_t pid, const struct cli_range *r);
/* After the answer: why the PFNs read as hidden. */
void cli_hidden_note(void);

/*
 * Swap types are 5 bits of a pagemap entry, so /proc/swaps can name at most
 * 32 of them (the kernel's MAX_SWAPFILES is smaller still).
 */
#define CLI_MAX_SWAPS	32

/*
 * The records of one process's pages in a range (cli_translate.c): what
 * --translate prints, each side of --compare, each read of --watch. vma
 * and swapdev point into t and sw.
 */
struct cli_pages {
	struct target t;
	bool have_t;
	struct pageinfo *recs;
	uint64_t npages;
	bool any_mapped;
	bool hidden;			/* a present page's PFN was hidden */
	struct smaps_list sm;
	struct swap_dev sw[CLI_MAX_SWAPS];
	size_t nsw;
	struct kpage kp;
	uint64_t pmd_size;		/* kpage_pmd_size: a THP's size */
};

/*
 * How --translate, --compare and --watch begin: parse range (a usage
 * error, checked first) and allocate n empty sets (calloc'd: free()).
 * 0, or the exit status (message printed).
 */
int cli_pages_begin(const char *range, size_t n, struct cli_range *r,
    struct cli_pages **s);
/*
 * Open spec and build one record per page of r (its start as given for
 * the first page). Prints its error; returns 0 or the exit status.
 * An unmapped range is not an error here: any_mapped says, the caller
 * decides. cmd names the command in the "too many pages" message.
 */
int cli_pages_read(const struct cli_opts *o, const char *cmd,
    const char *spec, const struct cli_range *r, struct cli_pages *s);
void cli_pages_free(struct cli_pages *s);

/* One page's record as a --translate JSON object. */
void cli_page_json(FILE *f, const struct pageinfo *p);
/* A page's flags and frame in brief (pad: the frame to 16 columns). */
void cli_page_brief(FILE *f, const struct pageinfo *p, bool pad);

#endif
