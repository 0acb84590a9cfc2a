/* cli: what the non-interactive commands share: messages, output, the target, ranges. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_shared.h"
#include "fmt.h"

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vmpeek: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_out_open(struct cli_out *o)
{
	o->buf = NULL;
	o->len = 0;
	if ((o->f = open_memstream(&o->buf, &o->len)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	return 0;
}

void
cli_out_drop(struct cli_out *o)
{
	if (o->f != NULL)
		fclose(o->f);
	free(o->buf);
	o->f = NULL;
	o->buf = NULL;
}

int
cli_out_flush(struct cli_out *o)
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
	char vis[CLI_VIS_LEN(64)];
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
bool
cli_target_gone(struct target *t, const char *when)
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

bool
cli_target_changed(struct target *t)
{
	return cli_target_gone(t, " while being read");
}

/*
 * Resolve spec and open the target with its pagemap. Prints the error;
 * returns 0, or the exit status.
 */
int
cli_open_target(const struct cli_opts *o, const char *spec,
    struct target *t, bool need_pagemap)
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

int
cli_parse_range(const char *range, struct cli_range *r)
{
	char vis[CLI_VIS_LEN(80)];
	size_t head = strcspn(range, "-");

	switch (fmt_parse_range(range, &r->start, &r->end, &r->single)) {
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
		    "above ADDR (END is exclusive)", r->start, r->end,
		    r->end == r->start ? "empty" : "reversed");
		break;
	}
	return -1;
}

void
cli_not_mapped(pid_t pid, const struct cli_range *r)
{
	if (r->single)
		cli_err("%d: address 0x%" PRIx64 " is not mapped", (int)pid,
		    r->start);
	else
		cli_err("%d: range 0x%" PRIx64 "-0x%" PRIx64 " is not mapped",
		    (int)pid, r->start, r->end);
}

void
cli_hidden_note(void)
{
	fprintf(stderr, "vmpeek: PFNs are hidden by the kernel: reading them "
	    "needs CAP_SYS_ADMIN in the initial user namespace (run as root, "
	    "outside any container)\n");
}
