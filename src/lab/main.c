/* vmpeek-lab: guided virtual memory scenarios, paused phase by phase for vmpeek to watch. */
#include "config.h"

#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "lab.h"
#include "procfs.h"

volatile int lab_signalled;

static void
on_signal(int sig)
{
	lab_signalled = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: vmpeek-lab [--json] [--auto SECONDS] [--step N[-M]|NAME]\n"
"                  [--make-swap] [--dir DIR]\n"
"       vmpeek-lab --list [--json]\n"
"Perform virtual memory scenarios step by step in this process (and a\n"
"child), pausing after each phase so vmpeek in another pane can show it.\n"
"\n"
"      --list            the steps, and whether each can run here\n"
"      --step N[-M]      start at step N (a number or a name); N-M runs\n"
"                        steps N to M only\n"
"      --auto SECONDS    pause SECONDS (fractions allowed) instead of\n"
"                        waiting for Enter\n"
"      --json            one JSON line per phase on stdout, prose on stderr\n"
"      --make-swap       (root) add a temporary swap file for the swap step\n"
"                        and remove it afterwards\n"
"      --dir DIR         where temporary files go (default $TMPDIR or /tmp)\n"
"  -h, --help            show this help and exit\n"
"      --version         show the version and exit\n"
"\n"
"On a terminal, Enter goes on and q quits. When stdin is not a terminal the\n"
"lab never prompts: each line read goes on, and at end of input it runs on\n"
"without pausing.\n");
}

/* "1.5" -> 1500 ms; -1 on junk (no sscanf: digits by hand). */
static long
parse_seconds(const char *s)
{
	long ms = 0, frac = 100;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		ms = ms * 10 + (*p - '0') * 1000;
		if (ms > 86400000L)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, frac /= 10)
			ms += (*p - '0') * frac;
	}
	return *p == '\0' ? ms : -1;
}

/* A step number or name; 0 if none. */
static unsigned int
step_index(const char *s)
{
	const char *err = NULL;
	long long n;

	for (size_t i = 0; i < lab_nsteps; i++)
		if (strcmp(s, lab_steps[i].name) == 0)
			return (unsigned int)i + 1;
	n = strtonum(s, 1, (long long)lab_nsteps, &err);
	return err != NULL ? 0 : (unsigned int)n;
}

static int
parse_steps(const char *arg, unsigned int *from, unsigned int *to)
{
	char buf[64];
	char *dash;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		return -1;
	/* names hold '-' too: a whole name wins over N-M */
	if ((*from = step_index(buf)) != 0) {
		*to = (unsigned int)lab_nsteps;
		return 0;
	}
	if ((dash = strchr(buf, '-')) == NULL)
		return -1;
	*dash = '\0';
	*from = step_index(buf);
	*to = step_index(dash + 1);
	return *from == 0 || *to == 0 || *to < *from ? -1 : 0;
}

/* A path safe to put inside '...' in a printed shell command, else NULL. */
static const char *
quotable(const char *p)
{
	return strpbrk(p, " '\"\\$`\n\t") == NULL ? p : NULL;
}

/*
 * This program's path and vmpeek's next to it (a build tree, or the same
 * bindir), for the tmux lines; plain names when they can't be used.
 */
static void
paths(char *lab, char *vmpeek, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	strlcpy(lab, "vmpeek-lab", len);
	strlcpy(vmpeek, "vmpeek", len);
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (quotable(exe) == NULL)
		return;
	strlcpy(lab, exe, len);
	snprintf(vmpeek, len, "%s/vmpeek", dirname(exe));
	if (access(vmpeek, X_OK) != 0)
		strlcpy(vmpeek, "vmpeek", len);
}

static void
intro(struct lab *lab)
{
	char lp[PATH_MAX], vp[PATH_MAX];
	FILE *f = lab->prose;

	paths(lp, vp, sizeof(vp));
	fprintf(f, "vmpeek-lab: virtual memory, step by step, in PID %d.\n",
	    (int)lab->pid);
	/*
	 * From scratch the lab's PID is not known when the line is typed: the
	 * lab is the one in the left pane's session (each tmux pane is a
	 * session of its own), not the newest on the machine.
	 */
	fprintf(f, "Watch it with vmpeek side by side (two tmux panes):\n"
	    "  inside tmux:  tmux split-window -h '%s %d'\n"
	    "  from scratch: tmux new-session '%s' \\; "
	    "split-window -h 'sleep 1; %s $(pgrep -x vmpeek-lab -s "
	    "$(tmux display -p -t {left} \"#{pane_pid}\"))'\n",
	    vp, (int)lab->pid, lp, vp);
	if (!lab->vcaps.item[CAPS_PFN_VISIBLE].available)
		fprintf(f, "Not root: the kernel hides PFNs (frame numbers); "
		    "the flags still show (vmpeek --caps: %s).\n",
		    lab->vcaps.item[CAPS_PFN_VISIBLE].why);
	if (lab->auto_ms < 0 && lab->tty)
		fprintf(f, "After each phase: Enter goes on, q quits.\n");
	fflush(f);
}

static void
list_steps(struct lab *lab)
{
	char why[LAB_TEXT];

	for (size_t i = 0; i < lab_nsteps; i++) {
		const struct lab_step *s = &lab_steps[i];
		int can = 1;

		why[0] = '\0';
		if (s->probe != NULL)
			can = s->probe(lab, why, sizeof(why));
		if (lab->json) {
			printf("{\"step\": %zu, \"name\": \"%s\", \"title\": ",
			    i + 1, s->name);
			fmt_json_string(stdout, s->title);
			printf(", \"skipped\": ");
			if (can)
				printf("null}\n");
			else {
				fmt_json_string(stdout, why);
				printf("}\n");
			}
			continue;
		}
		printf("%2zu  %-15s %s\n", i + 1, s->name, s->title);
		if (!can)
			printf("    %-15s skipped here: %s\n", "", why);
	}
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: a read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void
lab_caps_refresh(struct lab *lab)
{
	caps_gather(lab->rootfd, lab->sysfd, &lab->vcaps);
}

int
lab_caps_have(struct lab *lab, enum caps_id id, char *why, size_t len)
{
	const struct caps_item *it = &lab->vcaps.item[id];

	if (it->available)
		return 1;
	snprintf(why, len, "%s (vmpeek --caps: %s)", it->why, caps_key(id));
	return 0;
}

static int
lab_init(struct lab *lab)
{
	lab->pid = getpid();
	lab->ps = (size_t)sysconf(_SC_PAGESIZE);
	if ((lab->rootfd = procfs_open_root("/proc")) == -1) {
		fprintf(stderr, "vmpeek-lab: /proc: %s\n", strerror(errno));
		return -1;
	}
	pagemap_caps_running(lab->rootfd, &lab->caps);
	lab->sysfd = procfs_open_root("/sys");	/* -1: caps say why */
	lab_caps_refresh(lab);
	if (pagemap_open(&lab->pm, lab->rootfd, lab->pid) == -1) {
		fprintf(stderr, "vmpeek-lab: /proc/self/pagemap: %s\n",
		    strerror(errno));
		return -1;
	}
	/*
	 * Under Yama ptrace_scope=1 only an ancestor may read our pagemap;
	 * vmpeek in the next pane is not one. EINVAL: no Yama, nothing to do.
	 */
	(void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	return 0;
}

/* The options into lab, from and to; 0 run, 1 list, 2 exit 0, -1 usage. */
static int
parse_args(int argc, char *argv[], struct lab *lab, unsigned int *from,
    unsigned int *to)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "auto", required_argument, NULL, 'a' },
		{ "step", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "make-swap", no_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, list = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			lab->json = true;
			break;
		case 'a':
			if ((lab->auto_ms = parse_seconds(optarg)) < 0) {
				fprintf(stderr, "vmpeek-lab: --auto: '%s' is "
				    "not a number of seconds\n", optarg);
				return -1;
			}
			break;
		case 's':
			if (parse_steps(optarg, from, to) == -1) {
				fprintf(stderr, "vmpeek-lab: --step: no step "
				    "'%s' (1-%zu or a name; see --list)\n",
				    optarg, lab_nsteps);
				return -1;
			}
			break;
		case 'l':
			list = 1;
			break;
		case 'S':
			lab->make_swap = true;
			break;
		case 'd':
			lab->dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 2;
		case 'V':
			printf("vmpeek-lab %s\n", PACKAGE_VERSION);
			return 2;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vmpeek-lab: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	return list;
}

/* Steps from..to, each probed on what --caps says now; 0 or 1 (failed). */
static int
run_steps(struct lab *lab, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i <= to && !lab->quit; i++) {
		const struct lab_step *s = &lab_steps[i - 1];
		char why[LAB_TEXT] = "";

		lab->step = i;
		lab->name = s->name;
		/* a teacher may have turned swap on (or THP off) meanwhile */
		if (i != from)
			lab_caps_refresh(lab);
		if (s->probe != NULL && !s->probe(lab, why, sizeof(why))) {
			lab_phase_skip(lab, why);
			continue;
		}
		if (s->run(lab) == -1 && !lab->quit)
			return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct lab lab = { .auto_ms = -1, .sysfd = -1 };
	unsigned int from = 1, to = (unsigned int)lab_nsteps;
	int rc;

	lab.dir = getenv("TMPDIR");
	if (lab.dir == NULL || lab.dir[0] == '\0')
		lab.dir = "/tmp";
	if ((rc = parse_args(argc, argv, &lab, &from, &to)) == -1)
		return 2;
	if (rc == 2)
		return 0;
	lab.prose = lab.json ? stderr : stdout;
	lab.tty = isatty(STDIN_FILENO) == 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (lab_init(&lab) == -1)
		return 1;
	if (rc == 1) {
		list_steps(&lab);
		return 0;
	}
	signals();
	intro(&lab);
	rc = run_steps(&lab, from, to);
	lab_swapfile_remove();
	if (lab_signalled) {
		signal(lab_signalled, SIG_DFL);
		raise(lab_signalled);
	}
	if (rc == 0 && !lab.quit)
		fprintf(lab.prose, "\nThe lab is done.\n");
	return rc;
}
