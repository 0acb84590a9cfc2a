/* cli_dump: --dump, xxd-style bytes of the present pages of a range; never faults one in. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_shared.h"
#include "fmt.h"
#include "maps.h"
#include "memdump.h"
#include "smaps.h"

/*
 * --dump prints some 19 KB of text per 4 KiB page; it is built in memory
 * like --translate's answer, so the range is capped lower: 1 MiB of
 * memory with 4 KiB pages.
 */
#define CLI_DUMP_MAX_PAGES	256

/* "page 0x... FLAGS pfn ...: why" before a page's lines (or alone). */
static void
dump_page_line(FILE *f, const struct memdump_page *pg)
{
	char flags[PMF_COUNT + 1];

	fprintf(f, "page 0x%016" PRIx64, pg->vaddr);
	if (pg->have_before) {
		fprintf(f, " %s", fmt_flags(&pg->before, flags,
		    sizeof(flags)));
		if (pg->before.pfn_valid)
			fprintf(f, " pfn 0x%" PRIx64, pg->before.pfn);
		else if (pg->before.flags & PMF_PRESENT)
			fputs(" pfn hidden", f);
		else if (pg->before.swap_valid)
			fprintf(f, " swap type %u offset 0x%" PRIx64,
			    pg->before.swap_type, pg->before.swap_offset);
	}
	fprintf(f, ": %s", memdump_state_why(pg->state));
	if (pg->state == MD_CHANGED)
		fprintf(f, " (entry 0x%016llx before, 0x%016llx after)",
		    (unsigned long long)pg->before.raw,
		    (unsigned long long)pg->after.raw);
	else if (pg->state == MD_ERROR)
		fprintf(f, ": %s", strerror(pg->err));
	fputc('\n', f);
}

/*
 * Resolve spec, open the target, its mem and its pagemap. Prints the
 * error (a refusal explained). 0: all open; 1: t is open (md may be), the
 * caller closes both; -1: nothing is open.
 */
static int
dump_open(const struct cli_opts *o, const char *spec, struct target *t,
    struct memdump *md)
{
	char why[1024];
	pid_t pid;

	if (cli_resolve(o->rootfd, spec, &pid) != 0)
		return -1;
	/* Refused maps or mem: both are ptrace checks, mem's the stricter. */
	if (target_open(t, o->rootfd, pid) == -1) {
		int err = errno;

		cli_err("%d: %s", (int)pid, err == EACCES || err == EPERM ?
		    memdump_refusal(err, memdump_ptrace_scope(o->rootfd), why,
		    sizeof(why)) : target_strerror(err));
		return -1;
	}
	/*
	 * mem before pagemap: it needs more (ptrace-attach), and its
	 * refusal is the one to explain.
	 */
	if (memdump_open(md, o->rootfd, t->pid, &t->pm) == -1) {
		int err = errno;

		cli_err("%d: %s", (int)t->pid, memdump_refusal(err,
		    memdump_ptrace_scope(o->rootfd), why, sizeof(why)));
		return 1;
	}
	if (t->pm.fd < 0) {
		cli_err("%d: cannot read pagemap: %s", (int)t->pid,
		    target_strerror(t->pm_errno));
		return 1;
	}
	return 0;
}

/*
 * One page of the dump: its line, and its bytes when it could be read
 * (buf: room for a page). Returns whether the bytes were printed.
 */
static bool
dump_one(FILE *f, struct memdump *md, const struct target *t,
    const struct smaps_list *sm, uint64_t va, unsigned char *buf)
{
	char line[MEMDUMP_LINE_LEN];
	long idx = maps_find(&t->maps, va);
	const struct smaps_vma *si = idx < 0 ? NULL :
	    smaps_find(sm, t->maps.v[idx].start, t->maps.v[idx].end);
	struct memdump_page pg;

	memset(&pg, 0, sizeof(pg));
	pg.vaddr = va;
	if (idx < 0) {
		pg.state = MD_UNMAPPED;
	} else if (si != NULL && (si->vmflags & (SMF_BIT(SMF_IO) |
	    SMF_BIT(SMF_PF)))) {
		pg.state = MD_DEVICE;
	} else if (memdump_page(md, va, buf, &pg) == 0) {
		dump_page_line(f, &pg);
		for (size_t k = 0; k < t->pm.pagesize;
		    k += MEMDUMP_LINE_BYTES) {
			memdump_format_line(va + k, buf + k,
			    MEMDUMP_LINE_BYTES, line, sizeof(line));
			fprintf(f, "%s\n", line);
		}
		return true;
	}
	dump_page_line(f, &pg);
	return false;
}

int
cli_dump(const struct cli_opts *o, const char *spec, const char *range)
{
	struct smaps_list sm = { NULL, 0, 0 };
	struct cli_out out = CLI_OUT_INIT;
	struct memdump md = { .fd = -1 };
	uint64_t first, last, npages, nread = 0;
	unsigned char *buf = NULL;
	bool any_mapped = false;
	struct cli_range r;
	struct target t;
	size_t ps;
	int ret;

	if (cli_parse_range(range, &r) == -1)
		return 2;
	if ((ret = dump_open(o, spec, &t, &md)) == -1)
		return 1;
	if (ret != 0)
		goto out;
	ret = 1;
	ps = t.pm.pagesize;
	first = r.start & ~((uint64_t)ps - 1);
	last = (r.end - 1) & ~((uint64_t)ps - 1);
	npages = (last - first) / ps + 1;
	if (npages > CLI_DUMP_MAX_PAGES) {
		cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " has %" PRIu64
		    " pages; --dump takes at most %d (use --translate to find "
		    "the present ones)", r.start, r.end, npages,
		    CLI_DUMP_MAX_PAGES);
		ret = 2;
		goto out;
	}
	for (uint64_t i = 0; i < npages; i++)
		if (maps_find(&t.maps, first + i * ps) >= 0)
			any_mapped = true;
	if (!any_mapped) {
		cli_not_mapped(t.pid, &r);
		goto out;
	}
	if ((buf = malloc(ps)) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	/* VmFlags io/pf: device memory, never read (best effort). */
	(void)smaps_read(o->rootfd, t.pid, &sm);
	if (cli_out_open(&out) == -1)
		goto out;
	for (uint64_t i = 0; i < npages; i++)
		if (dump_one(out.f, &md, &t, &sm, first + i * ps, buf))
			nread++;
	if (cli_target_changed(&t))
		goto out;
	ret = cli_out_flush(&out);
	if (ret == 0 && nread == 0) {
		cli_err("%d: no page of the range could be read (none is "
		    "present; vmpeek never faults a page in)", (int)t.pid);
		ret = 1;
	}
out:
	if (out.f != NULL)
		cli_out_drop(&out);
	free(buf);
	smaps_free(&sm);
	memdump_close(&md);
	target_close(&t);
	return ret;
}
