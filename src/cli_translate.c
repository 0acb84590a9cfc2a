/* cli_translate: --translate, one record per page of a range, text or JSON; the records --compare and --watch read too. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_shared.h"
#include "fmt.h"
#include "kpage.h"
#include "maps.h"
#include "pagemap.h"

/*
 * --translate builds its whole answer in memory before printing (nothing
 * half-printed on an error), so the range is capped: 2^18 pages is 1 GiB
 * with 4 KiB pages and some 100 MB of JSON at worst.
 */
#define CLI_MAX_PAGES	(1UL << 18)

/* Entries per pagemap_read in --translate. */
#define CLI_BATCH	4096

static void
json_bool(FILE *f, const char *key, const struct pageinfo *p, uint32_t flag)
{
	fprintf(f, ",\"%s\":", key);
	if (!p->have_entry || !(p->e.known & flag))
		fputs("null", f);
	else
		fputs(p->e.flags & flag ? "true" : "false", f);
}

/* kflags by name and the map count, or why kpageflags can't be read. */
static void
json_kflags(FILE *f, const struct pageinfo *p)
{
	char names[512];

	if (p->have_kflags) {
		const char *s;
		bool first = true;

		kpage_flags_str(p->kflags, ",", names, sizeof(names));
		fputs(",\"kflags\":[", f);
		/* Names are ours ("LRU", "bit40"): no escaping needed. */
		for (s = names; *s != '\0';) {
			size_t w = strcspn(s, ",");

			fprintf(f, "%s\"%.*s\"", first ? "" : ",", (int)w, s);
			first = false;
			s += w;
			if (*s == ',')
				s++;
		}
		fputc(']', f);
		if (p->have_mapcount)
			fprintf(f, ",\"mapcount\":%" PRIu64, p->mapcount);
		else
			fputs(",\"mapcount\":null", f);
	} else if (p->kwhy != NULL) {
		fputs(",\"kflags_unavailable\":", f);
		fmt_json_string(f, p->kwhy);
	}
}

void
cli_page_json(FILE *f, const struct pageinfo *p)
{
	char swname[SWAP_NAME_ESC_LEN];

	fprintf(f, "{\"vaddr\":\"0x%" PRIx64 "\",\"raw\":", p->vaddr);
	if (p->have_entry)
		fprintf(f, "\"0x%016llx\"", (unsigned long long)p->e.raw);
	else
		fputs("null", f);
	json_bool(f, "present", p, PMF_PRESENT);
	json_bool(f, "swapped", p, PMF_SWAPPED);
	json_bool(f, "file_shared", p, PMF_FILE_SHARED);
	json_bool(f, "exclusive", p, PMF_EXCLUSIVE);
	json_bool(f, "soft_dirty", p, PMF_SOFT_DIRTY);
	json_bool(f, "uffd_wp", p, PMF_UFFD_WP);
	json_bool(f, "guard", p, PMF_GUARD);
	if (p->have_entry && p->e.pfn_valid)
		fprintf(f, ",\"pfn\":%" PRIu64, p->e.pfn);
	else
		fputs(",\"pfn\":null", f);
	if (p->have_phys)
		fprintf(f, ",\"phys\":\"0x%" PRIx64 "\"", p->phys);
	else
		fputs(",\"phys\":null", f);
	/* Hidden frames and non-swap kinds: no type/offset to look up. */
	if (p->have_entry && p->e.swap_valid)
		fprintf(f, ",\"swap_type\":%u,\"swap_offset\":%" PRIu64,
		    p->e.swap_type, p->e.swap_offset);
	else
		fputs(",\"swap_type\":null,\"swap_offset\":null", f);
	fputs(",\"swap_kind\":", f);
	if (p->have_entry && p->e.swap_kind != PMS_NONE)
		fmt_json_string(f, pagemap_swap_kind_name(p->e.swap_kind));
	else
		fputs("null", f);
	fputs(",\"swap_device\":", f);
	if (p->swapdev != NULL)
		fmt_json_string(f, swaps_escape_name(p->swapdev->name, swname,
		    sizeof(swname)));
	else
		fputs("null", f);
	if (p->vma != NULL) {
		fprintf(f, ",\"vma\":{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%"
		    PRIx64 "\",\"perms\":", p->vma->start, p->vma->end);
		fmt_json_string(f, p->vma->perms);
		fputc(',', f);
		fmt_json_name(f, "path", p->vma->path);
		fputc('}', f);
	} else
		fputs(",\"vma\":null", f);
	fprintf(f, ",\"huge\":%s", p->huge == 1 ? "true" : p->huge == 0 ?
	    "false" : "null");
	json_kflags(f, p);
	fputc('}', f);
}

static void
translate_text_one(FILE *f, const struct pageinfo *p)
{
	char flags[PMF_COUNT + 1], vis[CLI_VIS_LEN(256)], names[512];
	char swname[SWAP_NAME_ESC_LEN];

	fprintf(f, "0x%016" PRIx64 " ", p->vaddr);
	if (!p->have_entry) {
		fputs("no pagemap entry (outside the user address space)", f);
	} else {
		fprintf(f, "raw 0x%016llx %s", (unsigned long long)p->e.raw,
		    fmt_flags(&p->e, flags, sizeof(flags)));
		if (p->e.flags & PMF_GUARD)
			fputs(" guard", f);
		else if (p->e.flags & PMF_PRESENT) {
			if (p->e.pfn_valid)
				fprintf(f, " pfn 0x%" PRIx64 " phys 0x%"
				    PRIx64, p->e.pfn, p->phys);
			else
				fputs(" present, pfn hidden", f);
		} else if (p->e.swap_valid) {
			fprintf(f, " swap type %u offset 0x%" PRIx64,
			    p->e.swap_type, p->e.swap_offset);
			if (p->swapdev != NULL)
				fprintf(f, " on %s", fmt_vis(swaps_escape_name(
				    p->swapdev->name, swname, sizeof(swname)),
				    vis, sizeof(vis)));
		} else if (p->e.swap_kind == PMS_HIDDEN)
			fputs(" swapped, swap entry hidden", f);
		else if (p->e.swap_kind != PMS_NONE)
			fprintf(f, " %s entry (not in swap), type %u offset 0x%"
			    PRIx64, pagemap_swap_kind_name(p->e.swap_kind),
			    p->e.swap_type, p->e.swap_offset);
		else
			fputs(" not present", f);
	}
	if (p->huge == 1)
		fputs(" huge", f);
	if (p->have_kflags) {
		kpage_flags_str(p->kflags, ",", names, sizeof(names));
		fprintf(f, " kflags %s", names[0] ? names : "-");
		if (p->have_mapcount)
			fprintf(f, " mapcount %" PRIu64, p->mapcount);
	}
	if (p->vma != NULL)
		fprintf(f, "  %016" PRIx64 "-%016" PRIx64 " %s %s",
		    p->vma->start, p->vma->end, p->vma->perms,
		    p->vma->path[0] != '\0' ?
		    fmt_vis(p->vma->path, vis, sizeof(vis)) : "[anon]");
	else
		fputs("  unmapped", f);
	fputc('\n', f);
}

/* The context pageinfo_fill reads s's extras from. */
static void
tr_ctx(struct cli_pages *s, struct pageinfo_ctx *c)
{
	struct pageinfo_pmd none = PAGEINFO_PMD_INIT;

	memset(c, 0, sizeof(*c));	/* no scan regions, no stack view */
	c->pagesize = s->t.pm.pagesize;
	c->kp = &s->kp;
	c->pm = &s->t.pm;
	c->sm = &s->sm;
	c->sw = s->sw;
	c->nsw = s->nsw;
	c->pmd_size = s->pmd_size;
	c->pmd = none;
}

int
cli_pages_begin(const char *range, size_t n, struct cli_range *r,
    struct cli_pages **s)
{
	if (cli_parse_range(range, r) == -1)
		return 2;
	/* big (the swap table): not on the stack */
	if ((*s = calloc(n, sizeof(**s))) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	return 0;
}

void
cli_pages_free(struct cli_pages *s)
{
	if (s->have_t) {
		kpage_close(&s->kp);
		smaps_free(&s->sm);
		target_close(&s->t);
	}
	free(s->recs);
	s->recs = NULL;
	s->have_t = false;
}

/*
 * Read the entries of s's pages from first, in batches; also when nothing
 * is mapped here (the other side of --compare may be): such a page reads
 * as an empty entry, as an unmapped page inside a --translate range does.
 * 0, or 1 (message printed).
 */
static int
tr_read_entries(struct cli_pages *s, uint64_t first)
{
	size_t ps = s->t.pm.pagesize;
	uint64_t *raw, i;

	if ((raw = pagemap_buf_alloc(CLI_BATCH, ps)) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	for (i = 0; i < s->npages;) {
		size_t n = s->npages - i > CLI_BATCH ? CLI_BATCH :
		    (size_t)(s->npages - i);
		ssize_t got = pagemap_read(&s->t.pm, first + i * ps, n, raw);

		if (got == -1) {
			cli_err("%d: reading pagemap: %s", (int)s->t.pid,
			    target_alive(&s->t) ? strerror(errno) :
			    "process exited");
			free(raw);
			return 1;
		}
		for (ssize_t k = 0; k < got; k++) {
			s->recs[i + k].have_entry = true;
			pagemap_decode(raw[k], &s->t.pm.caps, &s->recs[i + k].e);
		}
		if ((size_t)got < n)
			break;	/* past the end of the address space */
		i += n;
	}
	free(raw);
	return 0;
}

int
cli_pages_read(const struct cli_opts *o, const char *cmd, const char *spec,
    const struct cli_range *r, struct cli_pages *s)
{
	uint64_t start = r->start, end = r->end;
	uint64_t first, last, i;
	struct pageinfo_ctx ctx;
	size_t ps;
	int ret;

	memset(s, 0, sizeof(*s));
	s->kp.flags_fd = s->kp.count_fd = -1;
	s->pmd_size = kpage_pmd_size(o->sysfd);
	if ((ret = cli_open_target(o, spec, &s->t, true)) != 0)
		return ret;
	s->have_t = true;
	ps = s->t.pm.pagesize;
	first = start & ~((uint64_t)ps - 1);
	last = (end - 1) & ~((uint64_t)ps - 1);
	s->npages = (last - first) / ps + 1;
	if (s->npages > CLI_MAX_PAGES) {
		cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " has %" PRIu64
		    " pages; %s takes at most %lu (use --maps for "
		    "counts)", start, end, s->npages, cmd, CLI_MAX_PAGES);
		return 2;
	}
	if ((s->recs = calloc((size_t)s->npages, sizeof(*s->recs))) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	for (i = 0; i < s->npages; i++) {
		long idx;

		s->recs[i].vaddr = i == 0 ? start : first + i * ps;
		if ((idx = maps_find(&s->t.maps, first + i * ps)) >= 0) {
			s->recs[i].vma = &s->t.maps.v[idx];
			s->any_mapped = true;
		}
	}
	if (tr_read_entries(s, first) != 0)
		return 1;
	/* Extras: kpageflags, swap device names, smaps for huge pages. */
	kpage_open(&s->kp, o->rootfd);
	/*
	 * Both best effort: without them a page just goes without its swap
	 * device's name or the smaps hint. A malformed /proc/swaps still
	 * names the devices listed before the bad line.
	 */
	(void)swaps_read(o->rootfd, s->sw, CLI_MAX_SWAPS, &s->nsw);
	(void)smaps_read(o->rootfd, s->t.pid, &s->sm);
	tr_ctx(s, &ctx);
	for (i = 0; i < s->npages; i++) {
		struct pageinfo *p = &s->recs[i];

		pageinfo_fill(p, &ctx);
		if (p->have_entry && (p->e.flags & PMF_PRESENT) && !p->e.pfn_valid)
			s->hidden = true;
	}
	return cli_target_changed(&s->t) ? 1 : 0;
}

int
cli_translate(const struct cli_opts *o, const char *spec, const char *range)
{
	struct cli_out out = CLI_OUT_INIT;
	struct cli_range r;
	struct cli_pages *s;
	uint64_t i;
	int ret;

	if ((ret = cli_pages_begin(range, 1, &r, &s)) != 0)
		return ret;
	if ((ret = cli_pages_read(o, "--translate", spec, &r, s)) != 0)
		goto out;
	ret = 1;
	if (!s->any_mapped) {
		cli_not_mapped(s->t.pid, &r);
		goto out;
	}
	if (cli_out_open(&out) == -1)
		goto out;
	if (o->json)
		fputc('[', out.f);
	for (i = 0; i < s->npages; i++) {
		if (o->json) {
			fputs(i > 0 ? ",\n" : "\n", out.f);
			cli_page_json(out.f, &s->recs[i]);
		} else
			translate_text_one(out.f, &s->recs[i]);
	}
	if (o->json)
		fputs("\n]\n", out.f);
	ret = cli_out_flush(&out);
	if (ret == 0 && s->hidden && !o->json)
		cli_hidden_note();
out:
	if (out.f != NULL)
		cli_out_drop(&out);
	cli_pages_free(s);
	free(s);
	return ret;
}
