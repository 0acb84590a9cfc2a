/* fuzz_json: the CLI's JSON writers (--maps, --translate, --stack records) fed outside bytes; every document must be strict JSON. */
#include "config.h"

/*
 * The record writers are static in the cli*.c files: include them whole,
 * so what is fuzzed is the code --json runs, not a copy. (Only their JSON
 * printers are called; nothing here opens a process.)
 */
#include "../../src/cli.c"
#include "../../src/cli_maps.c"
#include "../../src/cli_stack.c"
#include "../../src/cli_translate.c"

#include "fuzz.h"
#include "jsoncheck.h"

/* Fuzzer-chosen numbers: the first bytes of the input, zero-padded. */
#define CTL_BYTES	256
struct ctl {
	const uint8_t *p;
	size_t n;
};

static uint64_t
ctl_u64(struct ctl *c)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++) {
		v = v << 8 | (c->n > 0 ? *c->p : 0);
		if (c->n > 0) {
			c->p++;
			c->n--;
		}
	}
	return v;
}

/* Close f and check what was written is one strict JSON document. */
static void
check_doc(FILE *f, char **buf, size_t *len)
{
	const char *why = NULL;

	FUZZ_CHECK(fclose(f) == 0);
	if (jsoncheck(*buf, *len, &why) != 0) {
		fprintf(stderr, "not JSON (%s): %.*s\n", why, (int)*len, *buf);
		FUZZ_CHECK(!"the writer's output is JSON");
	}
	free(*buf);
	*buf = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl c = { data, size < CTL_BYTES ? size : CTL_BYTES };
	struct vma_list l = { NULL, 0, 0 };
	struct pm_counts cnt;
	struct pageinfo rec;
	struct swap_dev sw;
	struct stack_info si;
	struct pm_caps caps;
	struct vma hand;
	const char *text;
	char *buf = NULL, *str;
	size_t len = 0, tlen;
	uint64_t u;
	FILE *f;

	/* CTL_BYTES of numbers, then text (maps lines, names, reasons). */
	text = (const char *)data + c.n;
	tlen = size - c.n;
	str = fuzz_cstr((const uint8_t *)text, tlen);

	memset(&cnt, 0, sizeof(cnt));
	cnt.pages = ctl_u64(&c);
	cnt.present = ctl_u64(&c);
	cnt.swapped = ctl_u64(&c);
	cnt.file_shared = ctl_u64(&c);
	cnt.exclusive = ctl_u64(&c);
	cnt.soft_dirty = ctl_u64(&c);

	/* A VMA whose perms and path are any bytes at all. */
	memset(&hand, 0, sizeof(hand));
	u = ctl_u64(&c);
	memcpy(hand.perms, &u, 4);
	hand.start = ctl_u64(&c);
	hand.end = ctl_u64(&c);
	hand.offset = u >> 32;
	hand.dev_major = (unsigned int)(u >> 32);
	hand.dev_minor = (unsigned int)u;
	hand.inode = hand.start ^ hand.end;
	hand.path = str;

	/* --maps: the parsed lines (if they parse) and the hand-made VMA. */
	FUZZ_CHECK((f = open_memstream(&buf, &len)) != NULL);
	fputc('[', f);
	if (maps_parse(text, tlen, &l) == 0)
		for (size_t i = 0; i < l.n; i++) {
			fputs(i > 0 ? ",\n" : "\n", f);
			maps_json_one(f, &l.v[i], &cnt, (uint32_t)(u >> 16));
		}
	fputs(l.n > 0 ? ",\n" : "\n", f);
	/* Which counts are known (else null) comes from the input too. */
	maps_json_one(f, &hand, &cnt, (uint32_t)(u >> 16));
	fputs("\n]\n", f);
	check_doc(f, &buf, &len);

	/* --translate: one record, every field from the input. */
	memset(&rec, 0, sizeof(rec));
	memset(&caps, 0, sizeof(caps));
	memset(&sw, 0, sizeof(sw));
	u = ctl_u64(&c);
	caps.known = (uint32_t)u;
	caps.old_layout = u >> 32 & 1;
	caps.pfn_visible = (int)(u >> 33 & 3) - 1;
	rec.vaddr = ctl_u64(&c);
	rec.have_entry = u >> 35 & 1;
	pagemap_decode(ctl_u64(&c), &caps, &rec.e);
	rec.have_phys = u >> 36 & 1;
	rec.phys = ctl_u64(&c);
	rec.vma = u >> 37 & 1 ? &hand : NULL;
	strlcpy(sw.name, str, sizeof(sw.name));
	rec.swapdev = u >> 38 & 1 ? &sw : NULL;
	rec.huge = (int)(u >> 39 & 3) - 1;
	rec.have_kflags = u >> 41 & 1;
	rec.kflags = ctl_u64(&c);
	rec.have_mapcount = u >> 42 & 1;
	rec.mapcount = ctl_u64(&c);
	rec.kwhy = u >> 43 & 1 ? str : NULL;
	FUZZ_CHECK((f = open_memstream(&buf, &len)) != NULL);
	fputs("[\n", f);
	cli_page_json(f, &rec);
	fputs("\n]\n", f);
	check_doc(f, &buf, &len);

	/* --stack: the reason SP is unknown is the outside text. */
	memset(&si, 0, sizeof(si));
	u = ctl_u64(&c);
	si.vma_start = ctl_u64(&c);
	si.vma_end = ctl_u64(&c);
	si.sp_known = u & 1;
	si.sp = ctl_u64(&c);
	si.sp_why = u & 2 ? str : NULL;
	si.rlimit = u & 4 ? UINT64_MAX : ctl_u64(&c);
	si.guard_gap = ctl_u64(&c);
	si.prev_end = ctl_u64(&c);
	si.pages = ctl_u64(&c);
	si.present = ctl_u64(&c);
	si.swapped = ctl_u64(&c);
	si.below_sp_pages = ctl_u64(&c);
	si.below_sp_unfaulted = ctl_u64(&c);
	si.lowest_present = ctl_u64(&c);
	si.growth_room = u & 8 ? UINT64_MAX : ctl_u64(&c);
	FUZZ_CHECK((f = open_memstream(&buf, &len)) != NULL);
	stack_json(f, (pid_t)(u >> 32), &si);
	check_doc(f, &buf, &len);

	maps_free(&l);
	free(str);
	return 0;
}
