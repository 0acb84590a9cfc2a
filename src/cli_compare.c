/* cli_compare: --compare, two processes' records of the same pages and whether they share the frame. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_shared.h"
#include "fmt.h"
#include "pagemap.h"

/*
 * Same frame? 1 yes, 0 no, -1 can't tell: a page absent (not present, no
 * entry) on either side, or its PFN hidden. The kernel's truth: KSM and
 * the shared zero page share frames too, not only copy-on-write.
 */
static int
same_pfn(const struct pageinfo *a, const struct pageinfo *b)
{
	if (!a->have_entry || !b->have_entry || !a->e.pfn_valid ||
	    !b->e.pfn_valid)
		return -1;
	return a->e.pfn == b->e.pfn;
}

/* One side of a --compare text line: flags and the frame (pad: to 24). */
void
cli_page_brief(FILE *f, const struct pageinfo *p, bool pad)
{
	char flags[PMF_COUNT + 1], t[32];

	if (p->vma == NULL)
		snprintf(t, sizeof(t), "unmapped");
	else if (!p->have_entry)
		snprintf(t, sizeof(t), "no entry");
	else if (p->e.flags & PMF_GUARD)
		snprintf(t, sizeof(t), "guard");
	else if (p->e.pfn_valid)
		snprintf(t, sizeof(t), "pfn 0x%" PRIx64, p->e.pfn);
	else if (p->e.flags & PMF_PRESENT)
		snprintf(t, sizeof(t), "pfn hidden");
	else if (p->e.flags & PMF_SWAPPED)
		snprintf(t, sizeof(t), "swapped");
	else
		snprintf(t, sizeof(t), "not present");
	fprintf(f, "%s %-*s", p->have_entry ? fmt_flags(&p->e, flags,
	    sizeof(flags)) : "-------", pad ? 16 : 0, t);
}

int
cli_compare(const struct cli_opts *o, const char *spec_a,
    const char *spec_b, const char *range)
{
	struct cli_out out = CLI_OUT_INIT;
	struct cli_range r;
	struct cli_pages *s;
	uint64_t i;
	int ret;

	if ((ret = cli_pages_begin(range, 2, &r, &s)) != 0)
		return ret;
	if ((ret = cli_pages_read(o, "--compare", spec_a, &r, &s[0])) != 0 ||
	    (ret = cli_pages_read(o, "--compare", spec_b, &r, &s[1])) != 0)
		goto out;
	ret = 1;
	/* B was read after A: A must still be the process it was. */
	if (cli_target_changed(&s[0].t))
		goto out;
	if (!s[0].any_mapped && !s[1].any_mapped) {
		if (r.single)
			cli_err("address 0x%" PRIx64 " is mapped in neither "
			    "%d nor %d", r.start, (int)s[0].t.pid,
			    (int)s[1].t.pid);
		else
			cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " is mapped "
			    "in neither %d nor %d", r.start, r.end,
			    (int)s[0].t.pid, (int)s[1].t.pid);
		goto out;
	}
	if (cli_out_open(&out) == -1)
		goto out;
	if (o->json)
		fputc('[', out.f);
	else {
		char ha[32], hb[32];

		snprintf(ha, sizeof(ha), "a: pid %d", (int)s[0].t.pid);
		snprintf(hb, sizeof(hb), "b: pid %d", (int)s[1].t.pid);
		fprintf(out.f, "%-18s  %-24s   %s\n", "", ha, hb);
	}
	for (i = 0; i < s[0].npages; i++) {
		const struct pageinfo *a = &s[0].recs[i], *b = &s[1].recs[i];
		int same = same_pfn(a, b);

		if (o->json) {
			fprintf(out.f, "%s{\"vaddr\":\"0x%" PRIx64 "\",\"a\":",
			    i > 0 ? ",\n" : "\n", a->vaddr);
			cli_page_json(out.f, a);
			fputs(",\"b\":", out.f);
			cli_page_json(out.f, b);
			fprintf(out.f, ",\"same_pfn\":%s}", same == 1 ? "true" :
			    same == 0 ? "false" : "null");
			continue;
		}
		fprintf(out.f, "0x%016" PRIx64 "  ", a->vaddr);
		cli_page_brief(out.f, a, true);
		fprintf(out.f, " %c ", same == 1 ? '=' : ' ');
		cli_page_brief(out.f, b, false);
		fputc('\n', out.f);
	}
	if (o->json)
		fputs("\n]\n", out.f);
	ret = cli_out_flush(&out);
	if (ret == 0 && (s[0].hidden || s[1].hidden) && !o->json)
		cli_hidden_note();
out:
	if (out.f != NULL)
		cli_out_drop(&out);
	cli_pages_free(&s[0]);
	cli_pages_free(&s[1]);
	free(s);
	return ret;
}
