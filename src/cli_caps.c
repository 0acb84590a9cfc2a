/* cli_caps: --caps, what this machine can show and why not, as text or JSON. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "fmt.h"
#include "pagemap_scan.h"

/* The PAGE_IS_* bits of mask, by name, separated by sep. */
static void
put_categories(FILE *f, uint64_t mask, bool json)
{
	const char *sep = "";

	for (uint64_t bit = 1; bit != 0 && bit <= mask; bit <<= 1) {
		const char *name;

		if (!(mask & bit) || (name = caps_scan_category_name(bit)) ==
		    NULL)
			continue;
		if (json) {
			fputs(sep, f);
			fmt_json_string(f, name);
			sep = ", ";
		} else {
			fprintf(f, "%s%s", sep, name);
			sep = " ";
		}
	}
}

/* Details after "yes" (text); nothing when there are none. */
static void
text_details(FILE *f, const struct vm_caps *c, enum caps_id id)
{
	char esc[SWAP_NAME_ESC_LEN], vis[4 * SWAP_NAME_ESC_LEN + 1];
	char sz[16];

	switch (id) {
	case CAPS_PAGEMAP_SCAN:
		fputs(" (categories: ", f);
		put_categories(f, c->scan_categories, false);
		if (c->scan_refused != 0) {
			fputs("; refused: ", f);
			put_categories(f, c->scan_refused, false);
		}
		fputc(')', f);
		break;
	case CAPS_GUARD:
		fprintf(f, " (pagemap bit 58; PAGEMAP_SCAN category: %s)",
		    c->guard_scan ? "yes" : "no");
		break;
	case CAPS_SWAP:
		fputs(" (", f);
		for (size_t i = 0; i < c->nswap; i++)
			fprintf(f, "%s%s %s %s", i > 0 ? ", " : "",
			    fmt_vis(swaps_escape_name(c->swap[i].name, esc,
			    sizeof(esc)), vis, sizeof(vis)), c->swap[i].type,
			    fmt_size(c->swap[i].size_kb * 1024, sz,
			    sizeof(sz)));
		fputc(')', f);
		break;
	case CAPS_THP:
		fprintf(f, " (%s", c->thp_mode);
		if (c->thp_pmd_size != 0)
			fprintf(f, ", %s pages", fmt_size(c->thp_pmd_size, sz,
			    sizeof(sz)));
		if (c->huge_zero_page != -1)
			fprintf(f, ", huge zero page %s",
			    c->huge_zero_page ? "on" : "off");
		fputc(')', f);
		break;
	case CAPS_HUGETLB:
		fputs(" (", f);
		for (size_t i = 0; i < c->npools; i++)
			fprintf(f, "%s%s: %" PRIu64 " pages, %" PRIu64 " free",
			    i > 0 ? "; " : "", fmt_size(c->pool[i].size_kb *
			    1024, sz, sizeof(sz)), c->pool[i].total,
			    c->pool[i].free);
		fputc(')', f);
		break;
	case CAPS_PTRACE:
		if (c->ptrace_scope >= 0)
			fprintf(f, " (Yama ptrace_scope %d)", c->ptrace_scope);
		else
			fputs(" (no Yama)", f);
		break;
	case CAPS_ZERO_PAGE:
		if (c->zero_page_by != NULL)
			fprintf(f, " (told by %s)", c->zero_page_by);
		break;
	default:
		break;
	}
}

static void
put_text(FILE *f, const struct vm_caps *c)
{
	int w = 0;

	for (int i = 0; i < CAPS_COUNT; i++) {
		int l = (int)strlen(caps_label((enum caps_id)i));

		if (l > w)
			w = l;
	}
	fprintf(f, "%-*s  %s\n", w, "kernel",
	    c->release[0] != '\0' ? c->release : "unknown");
	for (int i = 0; i < CAPS_COUNT; i++) {
		const struct caps_item *it = &c->item[i];

		fprintf(f, "%-*s  ", w, caps_label((enum caps_id)i));
		if (it->available) {
			fputs("yes", f);
			text_details(f, c, (enum caps_id)i);
		} else {
			fprintf(f, "no \xe2\x80\x94 %s", it->why);
		}
		fputc('\n', f);
	}
}

/* ", \"KEY\": " and s as a JSON string; null when s is NULL or empty. */
static void
json_key_string(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s\": ", key);
	if (s != NULL && s[0] != '\0')
		fmt_json_string(f, s);
	else
		fputs("null", f);
}

/* The swap devices: name, type, sizes and priority of each. */
static void
json_swaps(FILE *f, const struct vm_caps *c)
{
	char esc[SWAP_NAME_ESC_LEN];

	fputs(", \"devices\": [", f);
	for (size_t i = 0; i < c->nswap; i++) {
		fputs(i > 0 ? ", {\"name\": " : "{\"name\": ", f);
		fmt_json_string(f, swaps_escape_name(c->swap[i].name,
		    esc, sizeof(esc)));
		fputs(", \"type\": ", f);
		fmt_json_string(f, c->swap[i].type);
		fprintf(f, ", \"size_kb\": %" PRIu64 ", \"used_kb\": %"
		    PRIu64 ", \"priority\": %d}", c->swap[i].size_kb,
		    c->swap[i].used_kb, c->swap[i].prio);
	}
	fputc(']', f);
}

/* The keys inside an item's object after available/why. */
static void
json_details(FILE *f, const struct vm_caps *c, enum caps_id id)
{
	switch (id) {
	case CAPS_KPAGEFLAGS:
		fprintf(f, ", \"readable\": %s",
		    c->kpageflags_readable ? "true" : "false");
		break;
	case CAPS_PAGEMAP_SCAN:
		fputs(", \"categories\": [", f);
		put_categories(f, c->scan_categories, true);
		fputs("], \"refused\": [", f);
		put_categories(f, c->scan_refused, true);
		fputc(']', f);
		break;
	case CAPS_SOFT_DIRTY:
		fprintf(f, ", \"scan_category\": %s",
		    c->scan_categories & PAGE_IS_SOFT_DIRTY ? "true" : "false");
		break;
	case CAPS_GUARD:
		fprintf(f, ", \"pagemap_bit\": %s, \"scan_category\": %s",
		    c->guard_bit ? "true" : "false",
		    c->guard_scan ? "true" : "false");
		break;
	case CAPS_SWAP:
		json_swaps(f, c);
		break;
	case CAPS_THP:
		json_key_string(f, "mode", c->thp_mode);
		json_key_string(f, "defrag", c->thp_defrag);
		fprintf(f, ", \"huge_zero_page\": %s", c->huge_zero_page == -1 ?
		    "null" : c->huge_zero_page ? "true" : "false");
		if (c->thp_pmd_size != 0)
			fprintf(f, ", \"pmd_size\": %" PRIu64, c->thp_pmd_size);
		else
			fputs(", \"pmd_size\": null", f);
		break;
	case CAPS_HUGETLB:
		fputs(", \"pools\": [", f);
		for (size_t i = 0; i < c->npools; i++)
			fprintf(f, "%s{\"size_kb\": %" PRIu64 ", \"total\": %"
			    PRIu64 ", \"free\": %" PRIu64 "}", i > 0 ? ", " : "",
			    c->pool[i].size_kb, c->pool[i].total,
			    c->pool[i].free);
		fputc(']', f);
		break;
	case CAPS_PTRACE:
		if (c->ptrace_scope >= 0)
			fprintf(f, ", \"scope\": %d", c->ptrace_scope);
		else
			fputs(", \"scope\": null", f);
		break;
	case CAPS_ZERO_PAGE:
		json_key_string(f, "by", c->zero_page_by);
		break;
	default:
		break;
	}
}

static void
put_json(FILE *f, const struct vm_caps *c)
{
	fputs("{\"kernel\": ", f);
	if (c->release[0] != '\0')
		fmt_json_string(f, c->release);
	else
		fputs("null", f);
	for (int i = 0; i < CAPS_COUNT; i++) {
		const struct caps_item *it = &c->item[i];

		fputs(", ", f);
		fmt_json_string(f, caps_key((enum caps_id)i));
		fprintf(f, ": {\"available\": %s, \"why\": ",
		    it->available ? "true" : "false");
		if (it->available)
			fputs("null", f);
		else
			fmt_json_string(f, it->why);
		json_details(f, c, (enum caps_id)i);
		fputc('}', f);
	}
	fputs("}\n", f);
}

int
cli_caps(const struct cli_opts *o)
{
	struct vm_caps c;

	caps_gather(o->rootfd, o->sysfd, &c);
	if (o->json)
		put_json(stdout, &c);
	else
		put_text(stdout, &c);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("vmpeek: write error\n", stderr);
		return 1;
	}
	return 0;
}
