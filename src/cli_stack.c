/* cli_stack: --stack, the stack view (SP, pages below it, guard gap, room to RLIMIT_STACK). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_shared.h"
#include "fmt.h"
#include "stack.h"

static void
json_addr_or_null(FILE *f, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* UINT64_MAX = "unlimited", 0 with !known = null. */
static void
json_limit(FILE *f, const char *key, bool known, uint64_t v)
{
	if (!known)
		fprintf(f, ",\"%s\":null", key);
	else if (v == UINT64_MAX)
		fprintf(f, ",\"%s\":\"unlimited\"", key);
	else
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
}

static void
stack_json(FILE *f, pid_t pid, const struct stack_info *si)
{
	fprintf(f, "{\"pid\":%d,\"vma_start\":\"0x%" PRIx64 "\","
	    "\"vma_end\":\"0x%" PRIx64 "\"", (int)pid, si->vma_start,
	    si->vma_end);
	json_addr_or_null(f, "sp", si->sp_known, si->sp);
	fputs(",\"sp_unknown_reason\":", f);
	if (si->sp_known)
		fputs("null", f);
	else
		fmt_json_string(f, si->sp_why != NULL ? si->sp_why :
		    "unknown");
	fprintf(f, ",\"sp_in_vma\":%s", stack_sp_inside(si) ? "true" :
	    "false");
	fprintf(f, ",\"pages\":%" PRIu64 ",\"present\":%" PRIu64
	    ",\"swapped\":%" PRIu64 ",\"guard_pages\":%" PRIu64, si->pages,
	    si->present, si->swapped, si->guard_pages);
	/* An SP outside the VMA (a signal stack) has nothing below it here. */
	if (stack_sp_inside(si))
		fprintf(f, ",\"below_sp_pages\":%" PRIu64
		    ",\"below_sp_unfaulted\":%" PRIu64, si->below_sp_pages,
		    si->below_sp_unfaulted);
	else
		fputs(",\"below_sp_pages\":null,\"below_sp_unfaulted\":null",
		    f);
	json_addr_or_null(f, "lowest_present", si->lowest_present != 0,
	    si->lowest_present);
	fprintf(f, ",\"guard_gap\":%" PRIu64 ",\"gap_violated\":%s",
	    si->guard_gap, si->gap_violated ? "true" : "false");
	json_addr_or_null(f, "prev_end", si->prev_end != 0, si->prev_end);
	json_limit(f, "rlimit", si->rlimit != 0, si->rlimit);
	json_limit(f, "growth_room", si->rlimit != 0, si->growth_room);
	fputs("}\n", f);
}

static void
stack_text(FILE *f, pid_t pid, const struct stack_info *si, size_t ps)
{
	char a[16], b[16];
	uint64_t size = si->vma_end - si->vma_start;

	fprintf(f, "[stack] of %d: 0x%016" PRIx64 "-0x%016" PRIx64
	    " (%s, %" PRIu64 " pages)\n", (int)pid, si->vma_start, si->vma_end,
	    fmt_size(size, a, sizeof(a)), si->pages);
	if (stack_sp_inside(si))
		fprintf(f, "stack pointer:    0x%016" PRIx64 " (%s below the "
		    "top)\n", si->sp, fmt_size(si->vma_end - si->sp, a,
		    sizeof(a)));
	else if (si->sp_known)
		fprintf(f, "stack pointer:    0x%016" PRIx64 " (outside the "
		    "VMA: on a signal stack?)\n", si->sp);
	else
		fprintf(f, "stack pointer:    unknown: %s\n",
		    si->sp_why != NULL ? si->sp_why : "?");
	fprintf(f, "faulted in:       %" PRIu64 " present, %" PRIu64
	    " swapped of %" PRIu64 " pages\n", si->present, si->swapped,
	    si->pages);
	if (si->guard_pages > 0)
		fprintf(f, "guard pages:      %" PRIu64 " (MADV_GUARD_INSTALL)"
		    "\n", si->guard_pages);
	if (stack_sp_inside(si))
		fprintf(f, "below SP:         %" PRIu64 " pages, %" PRIu64
		    " never faulted in (%s)\n", si->below_sp_pages,
		    si->below_sp_unfaulted,
		    fmt_size(si->below_sp_unfaulted * ps, a, sizeof(a)));
	if (si->lowest_present != 0)
		fprintf(f, "lowest present:   0x%016" PRIx64 "\n",
		    si->lowest_present);
	fprintf(f, "guard gap:        %s below the VMA", fmt_size(si->guard_gap,
	    a, sizeof(a)));
	if (si->prev_end != 0)
		fprintf(f, " (next mapping below ends at 0x%016" PRIx64
		    ", %s free)", si->prev_end, si->vma_start >= si->prev_end ?
		    fmt_size(si->vma_start - si->prev_end, b, sizeof(b)) : "?");
	if (si->gap_violated)
		fputs(" - VIOLATED: the stack cannot grow", f);
	fputc('\n', f);
	if (si->rlimit == 0)
		fprintf(f, "RLIMIT_STACK:     unknown\n");
	else if (si->rlimit == UINT64_MAX)
		fprintf(f, "RLIMIT_STACK:     unlimited\n");
	else
		fprintf(f, "RLIMIT_STACK:     %s, room to grow %s\n",
		    fmt_size(si->rlimit, a, sizeof(a)),
		    fmt_size(si->growth_room, b, sizeof(b)));
}

int
cli_stack(const struct cli_opts *o, const char *spec)
{
	struct stack_info si;
	struct cli_out out;
	struct target t;
	int ret;

	if ((ret = cli_open_target(o, spec, &t, true)) != 0)
		return ret;
	if (stack_inspect(o->rootfd, t.pid, &t.maps, &t.pm, &si) == -1) {
		if (errno == ENOENT)
			cli_err("%d: no [stack] mapping (a kernel thread?)",
			    (int)t.pid);
		else
			cli_err("%d: reading the stack: %s", (int)t.pid,
			    target_alive(&t) ? strerror(errno) :
			    "process exited");
		target_close(&t);
		return 1;
	}
	if (cli_target_changed(&t)) {
		target_close(&t);
		return 1;
	}
	if (cli_out_open(&out) == -1) {
		target_close(&t);
		return 1;
	}
	if (o->json)
		stack_json(out.f, t.pid, &si);
	else
		stack_text(out.f, t.pid, &si, t.pm.pagesize);
	target_close(&t);
	return cli_out_flush(&out);
}
