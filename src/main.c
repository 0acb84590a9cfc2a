/* vmpeek: option parsing and dispatch to the commands or the interactive UI. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "procfs.h"
#include "target.h"
#include "ui/ui.h"

enum cmd { CMD_UI, CMD_MAPS, CMD_TRANSLATE, CMD_STACK, CMD_DUMP, CMD_CAPS,
    CMD_COMPARE };

enum {
	OPT_JSON = 256,
	OPT_NO_SCAN,
	OPT_PROC,
	OPT_VERSION,
	OPT_DUMP,
	OPT_CAPS,
	OPT_COMPARE,
	OPT_WATCH,
};

static const struct option longopts[] = {
	{ "maps",	optional_argument,	NULL, 'm' },
	{ "translate",	optional_argument,	NULL, 't' },
	{ "stack",	optional_argument,	NULL, 's' },
	{ "dump",	optional_argument,	NULL, OPT_DUMP },
	{ "caps",	no_argument,		NULL, OPT_CAPS },
	{ "compare",	optional_argument,	NULL, OPT_COMPARE },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "watch",	no_argument,		NULL, OPT_WATCH },
	{ "delay",	required_argument,	NULL, 'd' },
	{ "no-scan",	no_argument,		NULL, OPT_NO_SCAN },
	{ "proc",	required_argument,	NULL, OPT_PROC },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 },
};

static void
usage(FILE *f)
{
	fputs(
"Usage: vmpeek [OPTIONS] [PID|self|NAME]\n"
"       vmpeek --maps PID [--json]\n"
"       vmpeek --translate PID ADDR[-END] [--json] [--watch [-d SECONDS]]\n"
"       vmpeek --stack PID [--json]\n"
"       vmpeek --dump PID ADDR[-END]\n"
"       vmpeek --caps [--json]\n"
"       vmpeek --compare PID1 PID2 ADDR[-END] [--json]\n"
"Explore a live process's virtual memory: /proc/PID/maps and pagemap.\n"
"Without a command, starts the interactive explorer (the process picker,\n"
"or straight to PID's VMAs).\n"
"\n"
"  -m, --maps[=PID]        every VMA of PID with page counts (like pmap -X)\n"
"  -t, --translate[=PID]   one record per page of ADDR[-END] (hex; END is\n"
"                          exclusive): flags, PFN, physical address, VMA\n"
"  -s, --stack[=PID]       the stack view: SP, pages below it never\n"
"                          faulted in, guard gap, room to RLIMIT_STACK\n"
"      --dump[=PID]        the bytes of the pages of ADDR[-END], xxd style\n"
"                          (from /proc/PID/mem); a page not present is not\n"
"                          read: reading would fault it in\n"
"      --caps              what this machine can show (PFNs, kpageflags,\n"
"                          PAGEMAP_SCAN, soft-dirty, guard, swap, THP, the\n"
"                          zero page, ...) and why not\n"
"      --compare[=PID1]    both processes' records of each page of\n"
"                          ADDR[-END] and whether they share the frame\n"
"      --watch             with --translate: re-read the range every interval\n"
"                          and print each page that changed (one JSON object\n"
"                          a line with --json); ends on SIGINT/SIGTERM\n"
"  -d, --delay=SECONDS     refresh interval (fractional allowed) of --watch\n"
"                          and of every pane (default 1)\n"
"      --json              machine-readable output for the commands\n"
"      --no-scan           don't use the PAGEMAP_SCAN ioctl (linear reads)\n"
"      --proc=DIR          read DIR instead of /proc (for tests)\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"PID is a number, 'self' or a unique process name.\n"
"Exit status: 0 ok, 1 runtime error (no such process, permission denied,\n"
"unmapped address, --dump read no page), 2 usage error (bad option, malformed or reversed\n"
"address range).\n"
"Reading another user's process needs ptrace access (--dump: ptrace-attach,\n"
"see /proc/sys/kernel/yama/ptrace_scope); PFNs and\n"
"/proc/kpageflags need CAP_SYS_ADMIN (root).\n", f);
}

/* "vmpeek: MSG[ 'ARG']" and the --help hint; returns the usage status. */
static int
usage_error(const char *msg, const char *arg)
{
	char vis[4 * 64 + 1];

	fprintf(stderr, "vmpeek: %s", msg);
	if (arg != NULL)
		fprintf(stderr, " '%s'", fmt_vis(arg, vis, sizeof(vis)));
	fputs("\nTry 'vmpeek --help' for more information.\n", stderr);
	return 2;
}

/*
 * SECONDS ("2", "0.5") as milliseconds, 10 ms to an hour; -1 if not that.
 * strtod, not sscanf: the whole string must be the number.
 */
static int
parse_seconds(const char *arg, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !(v >= 0.01) ||
	    !(v <= 3600))
		return -1;
	*ms = (int)(v * 1000 + 0.5);
	return 0;
}

static int
run_ui(int rootfd, int sysfd, const char *spec, bool no_scan,
    int interval_ms)
{
	struct ui_opts uo;
	pid_t pid = 0;

	if (spec != NULL && cli_resolve(rootfd, spec, &pid) != 0)
		return 1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("vmpeek: the interactive explorer needs a terminal; "
		    "use --maps, --translate or --stack in scripts\n", stderr);
		return 1;
	}
	memset(&uo, 0, sizeof(uo));
	uo.rootfd = rootfd;
	uo.sysfd = sysfd;
	uo.pid = pid;
	uo.no_scan = no_scan;
	uo.refresh_ms = 2000;
	uo.interval_ms = interval_ms;
	return ui_run(&uo);
}

/* What the command line asks for. */
struct args {
	const char *procdir, *spec, *spec_b, *range, *cmd_arg;
	const char *extra;	/* the first operand left over */
	enum cmd cmd;
	bool json, no_scan, watch, have_interval;
	int interval_ms;
};

/* The options that name a command; they exclude each other. */
static const struct {
	int opt;
	enum cmd cmd;
} cmd_opts[] = {
	{ 'm',		CMD_MAPS },
	{ 't',		CMD_TRANSLATE },
	{ 's',		CMD_STACK },
	{ OPT_DUMP,	CMD_DUMP },
	{ OPT_CAPS,	CMD_CAPS },
	{ OPT_COMPARE,	CMD_COMPARE },
};

/* A command option's command, or CMD_UI when c names none. */
static enum cmd
cmd_of_opt(int c)
{
	for (size_t i = 0; i < sizeof(cmd_opts) / sizeof(cmd_opts[0]); i++)
		if (cmd_opts[i].opt == c)
			return cmd_opts[i].cmd;
	return CMD_UI;
}

/*
 * An option that is not a command: set it in a. -1 to go on, else the
 * exit status (--help, --version, a bad option or value).
 */
static int
parse_flag(int c, struct args *a)
{
	switch (c) {
	case OPT_JSON:
		a->json = true;
		return -1;
	case OPT_NO_SCAN:
		a->no_scan = true;
		return -1;
	case OPT_WATCH:
		a->watch = true;
		return -1;
	case 'd':
		if (parse_seconds(optarg, &a->interval_ms) == -1)
			return usage_error("-d wants SECONDS from 0.01 "
			    "to 3600, e.g. 0.5; not", optarg);
		a->have_interval = true;
		return -1;
	case OPT_PROC:
		a->procdir = optarg;
		return -1;
	case 'h':
		usage(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	case OPT_VERSION:
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	default:	/* getopt printed why */
		fputs("Try 'vmpeek --help' for more information.\n",
		    stderr);
		return 2;
	}
}

/* The options, in order. -1 to go on, else the exit status. */
static int
parse_options(int argc, char *argv[], struct args *a)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, "m::t::s::hd:", longopts, NULL)) !=
	    -1) {
		enum cmd want = cmd_of_opt(c);

		if (want == CMD_UI) {
			if ((ret = parse_flag(c, a)) != -1)
				return ret;
			continue;
		}
		if (a->cmd != CMD_UI && a->cmd != want)
			return usage_error("--maps, --translate, --compare, "
			    "--stack, --dump and --caps exclude each other",
			    NULL);
		a->cmd = want;
		if (optarg != NULL)
			a->cmd_arg = optarg;
	}
	return -1;
}

/*
 * The operands after the options: [PID] then, for --translate, --dump
 * and --compare, what else the command needs (a->extra: the first one
 * left over). -1 to go on, else 2.
 */
static int
parse_operands(int argc, char *argv[], struct args *a)
{
	int npos = argc - optind;

	if (a->cmd_arg != NULL) {
		a->spec = a->cmd_arg;
	} else if (npos > 0) {
		a->spec = argv[optind++];
		npos--;
	}
	switch (a->cmd) {
	case CMD_TRANSLATE:
		if (a->spec == NULL)
			return usage_error("--translate needs a PID and an "
			    "address", NULL);
		if (npos == 0)
			return usage_error("--translate needs an address: "
			    "ADDR or ADDR-END", NULL);
		a->range = argv[optind++];
		npos--;
		break;
	case CMD_DUMP:
		if (a->spec == NULL)
			return usage_error("--dump needs a PID and an "
			    "address", NULL);
		if (npos == 0)
			return usage_error("--dump needs an address: "
			    "ADDR or ADDR-END", NULL);
		if (a->json)
			return usage_error("--dump has no --json output",
			    NULL);
		a->range = argv[optind++];
		npos--;
		break;
	case CMD_COMPARE:
		if (a->spec == NULL || npos == 0)
			return usage_error("--compare needs two PIDs and an "
			    "address", NULL);
		a->spec_b = argv[optind++];
		npos--;
		if (npos == 0)
			return usage_error("--compare needs an address: "
			    "ADDR or ADDR-END", NULL);
		a->range = argv[optind++];
		npos--;
		if (a->spec_b[0] == '\0')
			return usage_error("empty PID", NULL);
		break;
	case CMD_MAPS:
	case CMD_STACK:
		if (a->spec == NULL)
			return usage_error(a->cmd == CMD_MAPS ?
			    "--maps needs a PID" : "--stack needs a PID", NULL);
		break;
	case CMD_UI:
		if (a->json)
			return usage_error("--json goes with --maps, "
			    "--translate, --compare, --stack or --caps", NULL);
		break;
	case CMD_CAPS:
		if (a->spec != NULL)
			return usage_error("--caps takes no PID", a->spec);
		break;
	}
	if (npos > 0)
		a->extra = argv[optind];
	return -1;
}

/*
 * Options that go with some commands only, operands left over, an empty
 * PID. -1 if fine, else 2.
 */
static int
check_args(const struct args *a)
{
	if (a->watch && a->cmd != CMD_TRANSLATE)
		return usage_error("--watch goes with --translate", NULL);
	if (a->have_interval && !a->watch && a->cmd != CMD_UI)
		return usage_error("-d goes with --translate --watch or the "
		    "interactive explorer", NULL);
	if (a->extra != NULL)
		return usage_error("unexpected argument", a->extra);
	if (a->spec != NULL && a->spec[0] == '\0')
		return usage_error("empty PID", NULL);
	return -1;
}

/* Run the command a names over the /proc tree rootfd and /sys tree sysfd. */
static int
dispatch(const struct args *a, int rootfd, int sysfd)
{
	struct cli_opts co;

	co.rootfd = rootfd;
	co.sysfd = sysfd;
	co.json = a->json;
	co.no_scan = a->no_scan;
	co.interval_ms = a->interval_ms;
	switch (a->cmd) {
	case CMD_MAPS:
		return cli_maps(&co, a->spec);
	case CMD_TRANSLATE:
		return a->watch ? cli_watch(&co, a->spec, a->range) :
		    cli_translate(&co, a->spec, a->range);
	case CMD_STACK:
		return cli_stack(&co, a->spec);
	case CMD_DUMP:
		return cli_dump(&co, a->spec, a->range);
	case CMD_CAPS:
		return cli_caps(&co);
	case CMD_COMPARE:
		return cli_compare(&co, a->spec, a->spec_b, a->range);
	default:
		return run_ui(rootfd, sysfd, a->spec, a->no_scan,
		    a->have_interval ? a->interval_ms : 0);
	}
}

int
main(int argc, char *argv[])
{
	struct args a = { .procdir = "/proc", .cmd = CMD_UI,
	    .interval_ms = 1000 };
	int rootfd, sysfd, ret;

	/*
	 * The character type only: in a UTF-8 locale names are shown as
	 * text (fmt_vis), and ncursesw draws wide characters. Numbers stay
	 * C ("1.5M", never "1,5M").
	 */
	setlocale(LC_CTYPE, "");
	if ((ret = parse_options(argc, argv, &a)) != -1)
		return ret;
	/* The order of the checks is the order of their messages. */
	if ((ret = parse_operands(argc, argv, &a)) != -1)
		return ret;
	if ((ret = check_args(&a)) != -1)
		return ret;
	if ((rootfd = procfs_open_root(a.procdir)) == -1) {
		char vis[4 * 256 + 1];

		fprintf(stderr, "vmpeek: %s: %s\n",
		    fmt_vis(a.procdir, vis, sizeof(vis)), strerror(errno));
		return 1;
	}
	/* /sys as the core reads it (THP, hugetlb): -1 is "can't tell". */
	sysfd = procfs_open_root("/sys");
	ret = dispatch(&a, rootfd, sysfd);
	close(rootfd);
	if (sysfd >= 0)
		close(sysfd);
	return ret;
}
