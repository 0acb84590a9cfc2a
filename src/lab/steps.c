/* steps: the lab's table of steps, in teaching order. */
#include "config.h"

#include "lab.h"

const struct lab_step lab_steps[] = {
	{ "demand-zero", "anonymous pages appear on first touch; read vs write",
	    NULL, step_demand_zero },
	{ "cow-fork", "fork shares frames; a write copies one",
	    NULL, step_cow_fork },
	{ "private-file", "a private file mapping: file pages until written",
	    probe_tmpdir, step_private_file },
	{ "dontneed-free", "MADV_DONTNEED drops pages now, MADV_FREE later",
	    NULL, step_dontneed_free },
	{ "mlock", "mlock faults pages in, pins them and splits the VMA",
	    probe_mlock, step_mlock },
	{ "mprotect-split", "one page's protection: one VMA becomes three",
	    NULL, step_mprotect_split },
	{ "stack", "recursion grows [stack]; pages never touched; the gap",
	    NULL, step_stack },
	{ "guard", "a PROT_NONE VMA vs MADV_GUARD_INSTALL guard markers",
	    probe_guard, step_guard },
	{ "thp", "one write, one 2 MiB transparent huge page; a VMA split",
	    probe_thp, step_thp },
	{ "page-cache", "cached is not mapped; one read maps a block",
	    probe_tmpdir, step_page_cache },
	{ "swap", "MADV_PAGEOUT writes pages to swap: type and offset",
	    probe_swap, step_swap },
};
const size_t lab_nsteps = sizeof(lab_steps) / sizeof(lab_steps[0]);
