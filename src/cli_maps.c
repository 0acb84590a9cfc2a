/* cli_maps: --maps, every VMA of a process with its page counts (like pmap -X). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli_shared.h"
#include "fmt.h"
#include "maps.h"
#include "pagemap.h"

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
	char vis[CLI_VIS_LEN(256)], size[16], dev[16], fs[24], ex[24], sd[24];

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

/* The "total" line under the table, and the [vsyscall] note. */
static void
maps_text_total(FILE *f, const struct pm_counts *tot, uint32_t known,
    size_t pagesize, bool vsyscall)
{
	char size[16], fs[24], ex[24], sd[24];

	fmt_size(tot->pages * pagesize, size, sizeof(size));
	fprintf(f, "%18s %18s %-4s %10s %-6s %10s %8s %9" PRIu64
	    " %9" PRIu64 " %9" PRIu64 " %9s %9s %9s  %s\n", "", "", "",
	    "", "", "", size, tot->pages, tot->present, tot->swapped,
	    text_count(fs, sizeof(fs), tot->file_shared, known,
	    PMF_FILE_SHARED),
	    text_count(ex, sizeof(ex), tot->exclusive, known,
	    PMF_EXCLUSIVE),
	    text_count(sd, sizeof(sd), tot->soft_dirty, known,
	    PMF_SOFT_DIRTY), "total");
	if (vsyscall)
		fprintf(f, "([vsyscall] is outside what pagemap "
		    "reports: its flags read as 0)\n");
}

int
cli_maps(const struct cli_opts *o, const char *spec)
{
	struct pm_counts c, tot;
	struct cli_out out;
	struct target t;
	bool vsyscall = false;
	size_t i;
	int ret;

	if ((ret = cli_open_target(o, spec, &t, true)) != 0)
		return ret;
	if (cli_out_open(&out) == -1) {
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
	if (cli_target_changed(&t))
		goto fail;
	if (o->json)
		fputs("\n]\n", out.f);
	else
		maps_text_total(out.f, &tot, t.pm.caps.known, t.pm.pagesize,
		    vsyscall);
	target_close(&t);
	return cli_out_flush(&out);
fail:
	cli_out_drop(&out);
	target_close(&t);
	return 1;
}
