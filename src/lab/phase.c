/* phase: print one phase of a step (prose and JSON lines) and wait to go on. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "lab.h"

void
lab_phase_init(struct lab_phase *ph, const char *name, const void *start,
    size_t len)
{
	memset(ph, 0, sizeof(*ph));
	ph->phase = name;
	lab_phase_add_range(ph, start, len);
}

void
lab_phase_add_range(struct lab_phase *ph, const void *start, size_t len)
{
	if (ph->nranges == LAB_MAXRANGES)
		return;
	ph->range[ph->nranges][0] = (uintptr_t)start;
	ph->range[ph->nranges][1] = (uintptr_t)start + len;
	ph->nranges++;
}

int
lab_error(struct lab *lab, const char *what)
{
	fprintf(stderr, "vmpeek-lab: step %u %s: %s: %s\n", lab->step,
	    lab->name, what, strerror(errno));
	return -1;
}

static void
json_head(struct lab *lab)
{
	printf("{\"step\": %u, \"name\": ", lab->step);
	fmt_json_string(stdout, lab->name);
}

static void
json_addr(uint64_t a)
{
	printf("\"0x%" PRIx64 "\"", a);
}

static void
json_phase(struct lab *lab, const struct lab_phase *ph)
{
	json_head(lab);
	printf(", \"phase\": ");
	fmt_json_string(stdout, ph->phase);
	printf(", \"pid\": %d, \"child\": ", (int)lab->pid);
	if (ph->child > 0)
		printf("%d", (int)ph->child);
	else
		printf("null");
	printf(", \"start\": ");
	json_addr(ph->range[0][0]);
	printf(", \"end\": ");
	json_addr(ph->range[0][1]);
	printf(", \"ranges\": [");
	for (size_t i = 0; i < ph->nranges; i++) {
		printf(i ? ", [" : "[");
		json_addr(ph->range[i][0]);
		printf(", ");
		json_addr(ph->range[i][1]);
		printf("]");
	}
	printf("], \"expect\": ");
	fmt_json_string(stdout, ph->expect);
	printf(", \"skipped\": null}\n");
}

/* Prose: a labelled paragraph, wrapped at about 76 columns. */
static void
para(FILE *f, const char *label, const char *text)
{
	const char *p = text;
	int col;

	fprintf(f, "%-10s", label);
	col = 10;
	while (*p != '\0') {
		size_t w = strcspn(p, " ");

		if (col > 10 && col + 1 + (int)w > 78) {
			fprintf(f, "\n%10s", "");
			col = 10;
		} else if (col > 10) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void
prose_phase(struct lab *lab, const struct lab_phase *ph)
{
	FILE *f = lab->prose;
	uint64_t s = ph->range[0][0], e = ph->range[0][1];

	fprintf(f, "\n=== step %u/%zu %s: %s ===\n", lab->step, lab_nsteps,
	    lab->name, ph->phase);
	para(f, "Did:", ph->did);
	if (ph->child > 0)
		fprintf(f, "%-10sPID %d (the lab) and PID %d (its child)\n",
		    "Look at:", (int)lab->pid, (int)ph->child);
	else
		fprintf(f, "%-10sPID %d\n", "Look at:", (int)lab->pid);
	for (size_t i = 0; i < ph->nranges; i++) {
		uint64_t a = ph->range[i][0], b = ph->range[i][1];

		fprintf(f, "%10s0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64
		    " page%s)\n", "", a, b, (b - a) / lab->ps,
		    b - a == lab->ps ? "" : "s");
	}
	fprintf(f, "%10svmpeek %d, ':' 0x%" PRIx64
	    "   or   vmpeek --translate %d 0x%" PRIx64 "-0x%" PRIx64 "\n", "",
	    (int)lab->pid, s, (int)lab->pid, s, e);
	para(f, "Expect:", ph->expect);
	para(f, "Question:", ph->question);
}

/* Sleep ms, cut short by a signal. */
static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

/*
 * Wait for the next phase. A terminal: Enter goes on, "q" quits, EOF
 * (Ctrl-D) quits. Anything else (a pipe, a file): no prompt; each line goes
 * on, and at EOF the lab runs on without pausing. --auto: a timed pause.
 */
static int
wait_next(struct lab *lab)
{
	char c, first = 0;
	size_t n = 0;
	ssize_t r;

	if (lab_signalled)
		lab->quit = true;
	if (lab->quit)
		return -1;
	if (lab->auto_ms >= 0 || lab->eof) {
		nap(lab->auto_ms > 0 ? lab->auto_ms : 0);
		if (lab_signalled)
			lab->quit = true;
		return lab->quit ? -1 : 0;
	}
	if (lab->tty) {
		fprintf(lab->prose, "[Enter: next, q Enter: quit] ");
		fflush(lab->prose);
	}
	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r == -1 && errno == EINTR && !lab_signalled)
			continue;
		if (r == -1 && errno == EINTR) {
			lab->quit = true;
			return -1;
		}
		if (r <= 0) {
			if (lab->tty || r == -1) {
				lab->quit = true;
				return -1;
			}
			lab->eof = true;
			return 0;
		}
		if (n++ == 0)
			first = c;
		if (c == '\n')
			break;
	}
	if (first == 'q' || first == 'Q') {
		lab->quit = true;
		return -1;
	}
	return 0;
}

int
lab_phase_show(struct lab *lab, struct lab_phase *ph)
{
	prose_phase(lab, ph);
	if (lab->json)
		json_phase(lab, ph);
	fflush(lab->prose);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		lab->quit = true;
		return -1;
	}
	return wait_next(lab);
}

void
lab_phase_skip(struct lab *lab, const char *why)
{
	fprintf(lab->prose, "\n=== step %u/%zu %s: skipped ===\n", lab->step,
	    lab_nsteps, lab->name);
	para(lab->prose, "Why:", why);
	fflush(lab->prose);
	if (lab->json) {
		json_head(lab);
		printf(", \"phase\": null, \"pid\": %d, \"child\": null, "
		    "\"start\": null, \"end\": null, \"ranges\": [], "
		    "\"expect\": null, \"skipped\": ", (int)lab->pid);
		fmt_json_string(stdout, why);
		printf("}\n");
		if (fflush(stdout) == EOF)
			lab->quit = true;
	}
}

int
lab_phase_next(struct lab *lab, struct lab_phase *ph)
{
	return lab_phase_show(lab, ph) == -1 ? 1 : 0;
}

int
lab_run_two(struct lab *lab, size_t len, const char *na, const char *nb,
    lab_two_phase *const *phases, size_t nphases)
{
	struct lab_map a, b;
	int rc = 0;

	if (lab_map(lab, &a, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    na) == -1)
		return lab_error(lab, "mmap");
	if (lab_map(lab, &b, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    nb) == -1) {
		lab_unmap(&a);
		return lab_error(lab, "mmap");
	}
	for (size_t i = 0; i < nphases && rc == 0; i++)
		rc = phases[i](lab, &a, &b);
	lab_unmap(&a);
	lab_unmap(&b);
	return rc == -1 || lab->quit ? -1 : 0;
}
