/* cli_watch: --translate --watch, re-read a range and print each page that changed. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_shared.h"
#include "pageinfo.h"

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
		cli_page_json(f, a);
		fputs(",\"after\":", f);
		cli_page_json(f, b);
		fputs("}\n", f);
	} else {
		fprintf(f, "0x%016" PRIx64 " %s: ", b->vaddr,
		    pageinfo_diff_names(m, ",", names, sizeof(names)));
		cli_page_brief(f, a, false);
		fputs(" -> ", f);
		cli_page_brief(f, b, false);
		fputc('\n', f);
	}
}

/* SIGINT and SIGTERM end the watch (no SA_RESTART: they cut the sleep). */
static void
watch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/* Print every page that differs between two reads; 0, or 1 (write error). */
static int
watch_print(const struct cli_pages *prev, const struct cli_pages *cur,
    bool json)
{
	uint64_t i;

	for (i = 0; i < cur->npages; i++) {
		uint32_t m = pageinfo_diff(&prev->recs[i], &cur->recs[i]);

		if (m != 0)
			watch_line(stdout, json, m, &prev->recs[i],
			    &cur->recs[i]);
	}
	/* Scripts read it live. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_err("writing output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int
cli_watch(const struct cli_opts *o, const char *spec, const char *range)
{
	struct target id;
	struct cli_pages *s, *prev, *cur, *tmp;
	struct cli_range r;
	char pidspec[24];
	int ret;

	if ((ret = cli_pages_begin(range, 2, &r, &s)) != 0)
		return ret;
	prev = &s[0];
	cur = &s[1];
	/* Kept open: the identity of the process being watched. */
	if ((ret = cli_open_target(o, spec, &id, true)) != 0) {
		free(s);
		return ret;
	}
	snprintf(pidspec, sizeof(pidspec), "%d", (int)id.pid);
	watch_signals();
	if ((ret = cli_pages_read(o, "--translate --watch", pidspec, &r,
	    prev)) != 0)
		goto out;
	if (!prev->any_mapped) {
		ret = 1;
		cli_not_mapped(id.pid, &r);
		goto out;
	}
	if (prev->hidden && !o->json)
		cli_hidden_note();
	for (;;) {
		watch_sleep(o->interval_ms);
		if (watch_stop)
			break;
		if (cli_target_gone(&id, "")) {
			ret = 1;
			goto out;
		}
		cli_pages_free(cur);
		if ((ret = cli_pages_read(o, "--translate --watch", pidspec,
		    &r, cur)) != 0) {
			if (!watch_stop)
				(void)cli_target_gone(&id, "");
			goto out;
		}
		if ((ret = watch_print(prev, cur, o->json)) != 0)
			goto out;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	ret = 0;
out:
	cli_pages_free(&s[0]);
	cli_pages_free(&s[1]);
	free(s);
	target_close(&id);
	return ret;
}
