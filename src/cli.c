/* cli: the non-interactive commands (--maps, --translate, --compare, --stack, --dump), text or JSON. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "kpage.h"
#include "maps.h"
#include "memdump.h"
#include "pageinfo.h"
#include "pagemap.h"
#include "smaps.h"
#include "stack.h"
#include "target.h"

/*
 * --translate builds its whole answer in memory before printing (nothing
 * half-printed on an error), so the range is capped: 2^18 pages is 1 GiB
 * with 4 KiB pages and some 100 MB of JSON at worst.
 */
#define CLI_MAX_PAGES	(1UL << 18)

/* Entries per pagemap_read in --translate. */
#define CLI_BATCH	4096

/* Room for an escaped name: fmt_vis needs 4 bytes per input byte. */
#define VIS_LEN(n)	(4 * (n) + 1)

/* One clear line on stderr. */
static void
cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vmpeek: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Output goes to a memstream; only a finished answer reaches stdout. */
struct outbuf {
	FILE *f;
	char *buf;
	size_t len;
};

static int
out_open(struct outbuf *o)
{
	o->buf = NULL;
	o->len = 0;
	if ((o->f = open_memstream(&o->buf, &o->len)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	return 0;
}

/* Discard the buffer (error path). */
static void
out_drop(struct outbuf *o)
{
	if (o->f != NULL)
		fclose(o->f);
	free(o->buf);
	o->f = NULL;
	o->buf = NULL;
}

/* Print the buffer to stdout; returns the exit status. */
static int
out_flush(struct outbuf *o)
{
	int err;

	err = ferror(o->f);
	if (fclose(o->f) != 0 || err) {
		o->f = NULL;
		free(o->buf);
		cli_err("out of memory");
		return 1;
	}
	o->f = NULL;
	if (o->len > 0 && fwrite(o->buf, 1, o->len, stdout) != o->len)
		err = 1;
	free(o->buf);
	o->buf = NULL;
	if (fflush(stdout) != 0 || err) {
		cli_err("writing output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int
cli_resolve(int rootfd, const char *spec, pid_t *pid)
{
	char vis[VIS_LEN(64)];
	char *cands = NULL;

	if (target_resolve(rootfd, spec, pid, &cands) == -1) {
		int err = errno;

		fmt_vis(spec, vis, sizeof(vis));
		if (err == EEXIST && cands != NULL) {
			cli_err("%s: %s; candidates:", vis,
			    target_strerror(err));
			fputs(cands, stderr);
		} else if (err == ESRCH || err == ENOENT || err == EINVAL)
			cli_err("%s: no such process", vis);
		else
			cli_err("%s: %s", vis, target_strerror(err));
		free(cands);
		return 1;
	}
	return 0;
}

/*
 * Has the target gone? Exited or its PID reused; or its pagemap reads
 * nothing where a VMA is mapped: the mm that fd was opened on is gone (it
 * exited, still unreaped, or exec'd). Says so, with `when` after "exited"
 * (" while being read": what was read is then not this process's memory).
 */
static bool
target_gone(struct target *t, const char *when)
{
	if (!target_alive(t)) {
		cli_err("%d: process exited%s", (int)t->pid, when);
		return true;
	}
	if (target_pagemap_stale(t)) {
		cli_err("%d: process exited or exec'd%s (its pagemap reads "
		    "empty)", (int)t->pid, when);
		return true;
	}
	return false;
}

/* Did the target change while it was read? Then print nothing. */
static bool
target_changed(struct target *t)
{
	return target_gone(t, " while being read");
}

/*
 * Resolve spec and open the target with its pagemap. Prints the error;
 * returns 0, or the exit status.
 */
static int
open_target(const struct cli_opts *o, const char *spec, struct target *t,
    bool need_pagemap)
{
	pid_t pid;

	if (cli_resolve(o->rootfd, spec, &pid) != 0)
		return 1;
	if (target_open(t, o->rootfd, pid) == -1) {
		cli_err("%d: %s", (int)pid, target_strerror(errno));
		return 1;
	}
	if (need_pagemap && t->pm.fd < 0) {
		cli_err("%d: cannot read pagemap: %s", (int)pid,
		    target_strerror(t->pm_errno));
		target_close(t);
		return 1;
	}
	t->pm.force_pread = o->no_scan;
	return 0;
}

/* ------------------------------------------------------------ --maps */

/* A count of a flag this kernel can't report is unknown: null, not 0. */
static void
json_count(FILE *f, const char *key, uint64_t n, uint32_t known,
    uint32_t flag)
{
	if (known & flag)
		fprintf(f, ",\"%s\":%" PRIu64, key, n);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void
maps_json_one(FILE *f, const struct vma *v, const struct pm_counts *c,
    uint32_t known)
{
	char dev[32];

	snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
	fprintf(f, "{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\","
	    "\"perms\":", v->start, v->end);
	fmt_json_string(f, v->perms);
	fprintf(f, ",\"offset\":\"0x%" PRIx64 "\",\"dev\":\"%s\","
	    "\"inode\":%" PRIu64 ",", v->offset, dev, v->inode);
	fmt_json_name(f, "path", v->path);
	fprintf(f, ",\"pages\":%" PRIu64 ",\"present\":%" PRIu64
	    ",\"swapped\":%" PRIu64, c->pages, c->present, c->swapped);
	json_count(f, "file_shared", c->file_shared, known, PMF_FILE_SHARED);
	json_count(f, "exclusive", c->exclusive, known, PMF_EXCLUSIVE);
	json_count(f, "soft_dirty", c->soft_dirty, known, PMF_SOFT_DIRTY);
	fputc('}', f);
}

#define MAPS_HDR_FMT "%18s %18s %-4s %10s %-6s %10s %8s %9s %9s %9s %9s " \
    "%9s %9s  %s\n"

/* A count as text, "?" when the kernel can't report the flag. */
static const char *
text_count(char *buf, size_t len, uint64_t n, uint32_t known, uint32_t flag)
{
	if (known & flag)
		snprintf(buf, len, "%" PRIu64, n);
	else
		snprintf(buf, len, "?");
	return buf;
}

static void
maps_text_one(FILE *f, const struct vma *v, const struct pm_counts *c,
    uint32_t known)
{
	char vis[VIS_LEN(256)], size[16], dev[16], fs[24], ex[24], sd[24];

	snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
	fmt_size(v->end - v->start, size, sizeof(size));
	fprintf(f, "0x%016" PRIx64 " 0x%016" PRIx64 " %-4s %10" PRIx64
	    " %-6s %10" PRIu64 " %8s %9" PRIu64 " %9" PRIu64 " %9" PRIu64
	    " %9s %9s %9s  %s\n",
	    v->start, v->end, v->perms, v->offset, dev, v->inode, size,
	    c->pages, c->present, c->swapped,
	    text_count(fs, sizeof(fs), c->file_shared, known, PMF_FILE_SHARED),
	    text_count(ex, sizeof(ex), c->exclusive, known, PMF_EXCLUSIVE),
	    text_count(sd, sizeof(sd), c->soft_dirty, known, PMF_SOFT_DIRTY),
	    fmt_vis(v->path, vis, sizeof(vis)));
}

int
cli_maps(const struct cli_opts *o, const char *spec)
{
	struct pm_counts c, tot;
	struct outbuf out;
	struct target t;
	bool vsyscall = false;
	size_t i;
	int ret;

	if ((ret = open_target(o, spec, &t, true)) != 0)
		return ret;
	if (out_open(&out) == -1) {
		target_close(&t);
		return 1;
	}
	memset(&tot, 0, sizeof(tot));
	if (o->json)
		fputc('[', out.f);
	else
		fprintf(out.f, MAPS_HDR_FMT, "Start", "End", "Perm", "Offset",
		    "Device", "Inode", "Size", "Pages", "Present", "Swapped",
		    "FileShrd", "Exclusive", "SoftDirty", "Path");
	for (i = 0; i < t.maps.n; i++) {
		const struct vma *v = &t.maps.v[i];

		if (pagemap_count(&t.pm, v->start, v->end, &c) == -1) {
			int err = errno;

			if (!target_alive(&t))
				cli_err("%d: process exited while being read",
				    (int)t.pid);
			else
				cli_err("%d: reading pagemap: %s", (int)t.pid,
				    strerror(err));
			goto fail;
		}
		/*
		 * [vsyscall] lies above the user address space pagemap
		 * covers: its pages count, its flags read as nothing.
		 */
		if (v->kind == VMA_VSYSCALL)
			vsyscall = true;
		if (o->json) {
			if (i > 0)
				fputc(',', out.f);
			fputc('\n', out.f);
			maps_json_one(out.f, v, &c, t.pm.caps.known);
		} else
			maps_text_one(out.f, v, &c, t.pm.caps.known);
		pagemap_counts_add(&tot, &c);
	}
	if (target_changed(&t)) {
		goto fail;
	}
	if (o->json)
		fputs("\n]\n", out.f);
	else {
		char size[16];

		fmt_size(tot.pages * t.pm.pagesize, size, sizeof(size));
		char fs[24], ex[24], sd[24];
		uint32_t known = t.pm.caps.known;

		fprintf(out.f, "%18s %18s %-4s %10s %-6s %10s %8s %9" PRIu64
		    " %9" PRIu64 " %9" PRIu64 " %9s %9s %9s  %s\n", "", "", "",
		    "", "", "", size, tot.pages, tot.present, tot.swapped,
		    text_count(fs, sizeof(fs), tot.file_shared, known,
		    PMF_FILE_SHARED),
		    text_count(ex, sizeof(ex), tot.exclusive, known,
		    PMF_EXCLUSIVE),
		    text_count(sd, sizeof(sd), tot.soft_dirty, known,
		    PMF_SOFT_DIRTY), "total");
		if (vsyscall)
			fprintf(out.f, "([vsyscall] is outside what pagemap "
			    "reports: its flags read as 0)\n");
	}
	target_close(&t);
	return out_flush(&out);
fail:
	out_drop(&out);
	target_close(&t);
	return 1;
}

/* ------------------------------------------------------- --translate */

/*
 * Swap types are 5 bits of a pagemap entry, so /proc/swaps can name at most
 * 32 of them (the kernel's MAX_SWAPFILES is smaller still).
 */
#define CLI_MAX_SWAPS	32

/* Parse "ADDR" or "ADDR-END" (END exclusive). 0, or -1 (message printed). */
static int
parse_range(const char *range, uint64_t *start, uint64_t *end, bool *single)
{
	char vis[VIS_LEN(80)];
	size_t head = strcspn(range, "-");

	switch (fmt_parse_range(range, start, end, single)) {
	case FMT_RANGE_OK:
		return 0;
	case FMT_RANGE_BAD_START:
		cli_err("malformed address '%s': expected hex, e.g. "
		    "0x7f0000001000", fmt_visn(range, head, vis, sizeof(vis)));
		break;
	case FMT_RANGE_NO_END:
		cli_err("malformed address range '%s-': END is missing",
		    fmt_visn(range, head, vis, sizeof(vis)));
		break;
	case FMT_RANGE_BAD_END:
		cli_err("malformed address '%s': expected hex, e.g. "
		    "0x7f0000002000", fmt_vis(range + head + 1, vis,
		    sizeof(vis)));
		break;
	case FMT_RANGE_EMPTY:
	case FMT_RANGE_REVERSED:
		cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " is %s: END must be "
		    "above ADDR (END is exclusive)", *start, *end,
		    *end == *start ? "empty" : "reversed");
		break;
	}
	return -1;
}

static void
json_bool(FILE *f, const char *key, const struct pageinfo *p, uint32_t flag)
{
	fprintf(f, ",\"%s\":", key);
	if (!p->have_entry || !(p->e.known & flag))
		fputs("null", f);
	else
		fputs(p->e.flags & flag ? "true" : "false", f);
}

static void
translate_json_one(FILE *f, const struct pageinfo *p)
{
	char names[512], swname[SWAP_NAME_ESC_LEN];

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
	fputc('}', f);
}

static void
translate_text_one(FILE *f, const struct pageinfo *p)
{
	char flags[PMF_COUNT + 1], vis[VIS_LEN(256)], names[512];
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

/*
 * The records of one process's pages in a range: what --translate prints,
 * and each side of --compare. vma and swapdev point into t and sw.
 */
struct tr_set {
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
};

/* The context pageinfo_fill reads s's extras from. */
static void
tr_ctx(struct tr_set *s, struct pageinfo_ctx *c)
{
	struct pageinfo_pmd none = PAGEINFO_PMD_INIT;

	memset(c, 0, sizeof(*c));	/* no scan regions, no stack view */
	c->pagesize = s->t.pm.pagesize;
	c->kp = &s->kp;
	c->pm = &s->t.pm;
	c->sm = &s->sm;
	c->sw = s->sw;
	c->nsw = s->nsw;
	c->pmd = none;
}

static void
tr_free(struct tr_set *s)
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
 * Open spec and build one record per page of [start, end) (start as given
 * for the first page). Prints its error; returns 0 or the exit status.
 * An unmapped range is not an error here: any_mapped says, the caller
 * decides. cmd names the command in the "too many pages" message.
 */
static int
tr_build(const struct cli_opts *o, const char *cmd, const char *spec,
    uint64_t start, uint64_t end, struct tr_set *s)
{
	uint64_t first, last, i, *raw = NULL;
	struct pageinfo_ctx ctx;
	size_t ps;
	int ret;

	memset(s, 0, sizeof(*s));
	s->kp.flags_fd = s->kp.count_fd = -1;
	if ((ret = open_target(o, spec, &s->t, true)) != 0)
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
	if ((s->recs = calloc((size_t)s->npages, sizeof(*s->recs))) == NULL ||
	    (raw = calloc(CLI_BATCH, sizeof(*raw))) == NULL) {
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
	/*
	 * Read the entries, in batches; also when nothing is mapped here
	 * (the other side of --compare may be): such a page reads as an
	 * empty entry, as an unmapped page inside a --translate range does.
	 */
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
	return target_changed(&s->t) ? 1 : 0;
}

static void
hidden_note(void)
{
	fprintf(stderr, "vmpeek: PFNs are hidden by the kernel: reading them "
	    "needs CAP_SYS_ADMIN in the initial user namespace (run as root, "
	    "outside any container)\n");
}

int
cli_translate(const struct cli_opts *o, const char *spec, const char *range)
{
	struct outbuf out = { NULL, NULL, 0 };
	struct tr_set *s;
	uint64_t start, end, i;
	bool single;
	int ret;

	/* A malformed or reversed range is a usage error: check it first. */
	if (parse_range(range, &start, &end, &single) == -1)
		return 2;
	/* big (the swap table): not on the stack */
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	if ((ret = tr_build(o, "--translate", spec, start, end, s)) != 0)
		goto out;
	ret = 1;
	if (!s->any_mapped) {
		if (single)
			cli_err("%d: address 0x%" PRIx64 " is not mapped",
			    (int)s->t.pid, start);
		else
			cli_err("%d: range 0x%" PRIx64 "-0x%" PRIx64 " is not "
			    "mapped", (int)s->t.pid, start, end);
		goto out;
	}
	if (out_open(&out) == -1)
		goto out;
	if (o->json)
		fputc('[', out.f);
	for (i = 0; i < s->npages; i++) {
		if (o->json) {
			fputs(i > 0 ? ",\n" : "\n", out.f);
			translate_json_one(out.f, &s->recs[i]);
		} else
			translate_text_one(out.f, &s->recs[i]);
	}
	if (o->json)
		fputs("\n]\n", out.f);
	ret = out_flush(&out);
	if (ret == 0 && s->hidden && !o->json)
		hidden_note();
out:
	if (out.f != NULL)
		out_drop(&out);
	tr_free(s);
	free(s);
	return ret;
}

/* --------------------------------------------------------- --compare */

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
static void
compare_text_side(FILE *f, const struct pageinfo *p, bool pad)
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
	struct outbuf out = { NULL, NULL, 0 };
	struct tr_set *s;
	uint64_t start, end, i;
	bool single;
	int ret;

	if (parse_range(range, &start, &end, &single) == -1)
		return 2;
	if ((s = calloc(2, sizeof(*s))) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	if ((ret = tr_build(o, "--compare", spec_a, start, end, &s[0])) != 0 ||
	    (ret = tr_build(o, "--compare", spec_b, start, end, &s[1])) != 0)
		goto out;
	ret = 1;
	/* B was read after A: A must still be the process it was. */
	if (target_changed(&s[0].t))
		goto out;
	if (!s[0].any_mapped && !s[1].any_mapped) {
		if (single)
			cli_err("address 0x%" PRIx64 " is mapped in neither "
			    "%d nor %d", start, (int)s[0].t.pid,
			    (int)s[1].t.pid);
		else
			cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " is mapped "
			    "in neither %d nor %d", start, end,
			    (int)s[0].t.pid, (int)s[1].t.pid);
		goto out;
	}
	if (out_open(&out) == -1)
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
			translate_json_one(out.f, a);
			fputs(",\"b\":", out.f);
			translate_json_one(out.f, b);
			fprintf(out.f, ",\"same_pfn\":%s}", same == 1 ? "true" :
			    same == 0 ? "false" : "null");
			continue;
		}
		fprintf(out.f, "0x%016" PRIx64 "  ", a->vaddr);
		compare_text_side(out.f, a, true);
		fprintf(out.f, " %c ", same == 1 ? '=' : ' ');
		compare_text_side(out.f, b, false);
		fputc('\n', out.f);
	}
	if (o->json)
		fputs("\n]\n", out.f);
	ret = out_flush(&out);
	if (ret == 0 && (s[0].hidden || s[1].hidden) && !o->json)
		hidden_note();
out:
	if (out.f != NULL)
		out_drop(&out);
	tr_free(&s[0]);
	tr_free(&s[1]);
	free(s);
	return ret;
}

/* ------------------------------------------------ --translate --watch */

static volatile sig_atomic_t watch_stop;

static void
watch_on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Sleep ms, cut short by SIGINT/SIGTERM (no SA_RESTART). */
static void
watch_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (!watch_stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One changed page: a JSON object, or a text line "VADDR NAMES: A -> B". */
static void
watch_line(FILE *f, bool json, uint32_t m, const struct pageinfo *a,
    const struct pageinfo *b)
{
	char names[256];

	if (json) {
		unsigned int i;
		bool first = true;

		fprintf(f, "{\"vaddr\":\"0x%" PRIx64 "\",\"changed\":[",
		    b->vaddr);
		for (i = 0; i < PID_COUNT; i++) {
			if (!(m & (1u << i)))
				continue;
			fprintf(f, "%s\"%s\"", first ? "" : ",",
			    pageinfo_field_name(i));
			first = false;
		}
		fputs("],\"before\":", f);
		translate_json_one(f, a);
		fputs(",\"after\":", f);
		translate_json_one(f, b);
		fputs("}\n", f);
	} else {
		fprintf(f, "0x%016" PRIx64 " %s: ", b->vaddr,
		    pageinfo_diff_names(m, ",", names, sizeof(names)));
		compare_text_side(f, a, false);
		fputs(" -> ", f);
		compare_text_side(f, b, false);
		fputc('\n', f);
	}
}

int
cli_watch(const struct cli_opts *o, const char *spec, const char *range)
{
	struct sigaction sa;
	struct target id;
	struct tr_set *s, *prev, *cur, *tmp;
	char pidspec[24];
	uint64_t start, end, i;
	bool single;
	int ret;

	if (parse_range(range, &start, &end, &single) == -1)
		return 2;
	if ((s = calloc(2, sizeof(*s))) == NULL) {
		cli_err("out of memory");
		return 1;
	}
	prev = &s[0];
	cur = &s[1];
	/* Kept open: the identity of the process being watched. */
	if ((ret = open_target(o, spec, &id, true)) != 0) {
		free(s);
		return ret;
	}
	snprintf(pidspec, sizeof(pidspec), "%d", (int)id.pid);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	if ((ret = tr_build(o, "--translate --watch", pidspec, start, end,
	    prev)) != 0)
		goto out;
	if (!prev->any_mapped) {
		ret = 1;
		if (single)
			cli_err("%d: address 0x%" PRIx64 " is not mapped",
			    (int)id.pid, start);
		else
			cli_err("%d: range 0x%" PRIx64 "-0x%" PRIx64 " is not "
			    "mapped", (int)id.pid, start, end);
		goto out;
	}
	if (prev->hidden && !o->json)
		hidden_note();
	for (;;) {
		watch_sleep(o->interval_ms);
		if (watch_stop)
			break;
		if (target_gone(&id, "")) {
			ret = 1;
			goto out;
		}
		tr_free(cur);
		if ((ret = tr_build(o, "--translate --watch", pidspec, start,
		    end, cur)) != 0) {
			if (!watch_stop)
				(void)target_gone(&id, "");
			goto out;
		}
		for (i = 0; i < cur->npages; i++) {
			uint32_t m = pageinfo_diff(&prev->recs[i],
			    &cur->recs[i]);

			if (m != 0)
				watch_line(stdout, o->json, m, &prev->recs[i],
				    &cur->recs[i]);
		}
		/* Scripts read it live. */
		if (fflush(stdout) == EOF || ferror(stdout)) {
			cli_err("writing output: %s", strerror(errno));
			ret = 1;
			goto out;
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	ret = 0;
out:
	tr_free(&s[0]);
	tr_free(&s[1]);
	free(s);
	target_close(&id);
	return ret;
}

/* ------------------------------------------------------------ --stack */

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
	struct outbuf out;
	struct target t;
	int ret;

	if ((ret = open_target(o, spec, &t, true)) != 0)
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
	if (target_changed(&t)) {
		target_close(&t);
		return 1;
	}
	if (out_open(&out) == -1) {
		target_close(&t);
		return 1;
	}
	if (o->json)
		stack_json(out.f, t.pid, &si);
	else
		stack_text(out.f, t.pid, &si, t.pm.pagesize);
	target_close(&t);
	return out_flush(&out);
}

/* ------------------------------------------------------------- --dump */

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

int
cli_dump(const struct cli_opts *o, const char *spec, const char *range)
{
	struct smaps_list sm = { NULL, 0, 0 };
	struct outbuf out = { NULL, NULL, 0 };
	struct memdump md = { .fd = -1 };
	uint64_t start, end, first, last, npages, nread = 0;
	unsigned char *buf = NULL;
	bool single, any_mapped = false;
	char why[1024], line[MEMDUMP_LINE_LEN];
	struct target t;
	size_t ps;
	pid_t pid;
	int ret;

	if (parse_range(range, &start, &end, &single) == -1)
		return 2;
	if (cli_resolve(o->rootfd, spec, &pid) != 0)
		return 1;
	/* Refused maps or mem: both are ptrace checks, mem's the stricter. */
	if (target_open(&t, o->rootfd, pid) == -1) {
		int err = errno;

		cli_err("%d: %s", (int)pid, err == EACCES || err == EPERM ?
		    memdump_refusal(err, memdump_ptrace_scope(o->rootfd), why,
		    sizeof(why)) : target_strerror(err));
		return 1;
	}
	ret = 1;
	/*
	 * mem before pagemap: it needs more (ptrace-attach), and its
	 * refusal is the one to explain.
	 */
	if (memdump_open(&md, o->rootfd, t.pid, &t.pm) == -1) {
		int err = errno;

		cli_err("%d: %s", (int)t.pid, memdump_refusal(err,
		    memdump_ptrace_scope(o->rootfd), why, sizeof(why)));
		goto out;
	}
	if (t.pm.fd < 0) {
		cli_err("%d: cannot read pagemap: %s", (int)t.pid,
		    target_strerror(t.pm_errno));
		goto out;
	}
	ps = t.pm.pagesize;
	first = start & ~((uint64_t)ps - 1);
	last = (end - 1) & ~((uint64_t)ps - 1);
	npages = (last - first) / ps + 1;
	if (npages > CLI_DUMP_MAX_PAGES) {
		cli_err("range 0x%" PRIx64 "-0x%" PRIx64 " has %" PRIu64
		    " pages; --dump takes at most %d (use --translate to find "
		    "the present ones)", start, end, npages,
		    CLI_DUMP_MAX_PAGES);
		ret = 2;
		goto out;
	}
	for (uint64_t i = 0; i < npages; i++)
		if (maps_find(&t.maps, first + i * ps) >= 0)
			any_mapped = true;
	if (!any_mapped) {
		if (single)
			cli_err("%d: address 0x%" PRIx64 " is not mapped",
			    (int)t.pid, start);
		else
			cli_err("%d: range 0x%" PRIx64 "-0x%" PRIx64 " is not "
			    "mapped", (int)t.pid, start, end);
		goto out;
	}
	if ((buf = malloc(ps)) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	/* VmFlags io/pf: device memory, never read (best effort). */
	(void)smaps_read(o->rootfd, t.pid, &sm);
	if (out_open(&out) == -1)
		goto out;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t va = first + i * ps;
		long idx = maps_find(&t.maps, va);
		const struct smaps_vma *si = idx < 0 ? NULL :
		    smaps_find(&sm, t.maps.v[idx].start, t.maps.v[idx].end);
		struct memdump_page pg;

		memset(&pg, 0, sizeof(pg));
		pg.vaddr = va;
		if (idx < 0) {
			pg.state = MD_UNMAPPED;
		} else if (si != NULL && (si->vmflags & (SMF_BIT(SMF_IO) |
		    SMF_BIT(SMF_PF)))) {
			pg.state = MD_DEVICE;
		} else if (memdump_page(&md, va, buf, &pg) == 0) {
			dump_page_line(out.f, &pg);
			for (size_t k = 0; k < ps; k += MEMDUMP_LINE_BYTES) {
				memdump_format_line(va + k, buf + k,
				    MEMDUMP_LINE_BYTES, line, sizeof(line));
				fprintf(out.f, "%s\n", line);
			}
			nread++;
			continue;
		}
		dump_page_line(out.f, &pg);
	}
	if (target_changed(&t))
		goto out;
	ret = out_flush(&out);
	if (ret == 0 && nread == 0) {
		cli_err("%d: no page of the range could be read (none is "
		    "present; vmpeek never faults a page in)", (int)t.pid);
		ret = 1;
	}
out:
	if (out.f != NULL)
		out_drop(&out);
	free(buf);
	smaps_free(&sm);
	memdump_close(&md);
	target_close(&t);
	return ret;
}
