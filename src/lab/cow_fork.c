/* step cow-fork: fork shares every private frame; a write copies one (copy-on-write). */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "lab.h"

#define NPAGES	16
#define NWRITE	(NPAGES / 2)	/* the child writes the first half */

/* The child: waits for 'w' (write the first half, then ack); EOF ends it. */
static void
child_loop(volatile char *p, size_t ps, pid_t parent, int cmd, int ack)
{
	char c;
	ssize_t r;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	(void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	for (;;) {
		r = read(cmd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 1)
			_exit(0);
		if (c == 'w') {
			lab_touch(p, NWRITE * ps, ps, 'c');
			if (write(ack, "k", 1) != 1)
				_exit(1);
		}
	}
}

static void
child_end(pid_t child, int *cmd, int *ack)
{
	if (*cmd != -1)
		close(*cmd);
	if (*ack != -1)
		close(*ack);
	*cmd = *ack = -1;
	if (child > 0)
		while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
			;
}

/* The child, and the two pipes the parent drives it by. */
struct cow_child {
	pid_t pid;		/* -1 none */
	int tochild, fromchild;
};

/* Fork the child that writes on 'w'; -1 on an error (printed). */
static int
child_start(struct lab *lab, struct lab_map *m, struct cow_child *ch)
{
	int cmd[2], ack[2];

	if (pipe(cmd) == -1)
		return lab_error(lab, "pipe");
	if (pipe(ack) == -1) {
		close(cmd[0]);
		close(cmd[1]);
		return lab_error(lab, "pipe");
	}
	fflush(NULL);
	if ((ch->pid = fork()) == 0) {
		close(cmd[1]);
		close(ack[0]);
		child_loop(m->p, lab->ps, lab->pid, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	ch->tochild = cmd[1];
	ch->fromchild = ack[0];
	return ch->pid == -1 ? lab_error(lab, "fork") : 0;
}

/* The phases below: 0 go on, 1 the lab quits, -1 an error (printed). */
static int
cow_written(struct lab *lab, struct lab_map *m)
{
	struct lab_phase ph;

	lab_touch(m->p, m->len, lab->ps, 'p');
	lab_phase_init(&ph, "written", m->p, m->len);
	LAB_CAT(ph.did, "Mapped %d private anonymous pages and wrote each.",
	    NPAGES);
	LAB_CAT(ph.expect, "%d pages present and exclusive (X): only this "
	    "process maps them.", NPAGES);
	LAB_CAT(ph.question, "fork() copies the address space. Does it copy "
	    "these %d pages?", NPAGES);
	return lab_phase_next(lab, &ph);
}

static int
cow_forked(struct lab *lab, struct lab_map *m, pid_t child)
{
	struct lab_phase ph;

	lab_phase_init(&ph, "forked", m->p, m->len);
	ph.child = child;
	LAB_CAT(ph.did, "fork(): child PID %d. Neither process has written "
	    "since.", (int)child);
	LAB_CAT(ph.expect, "The same range in both PIDs: every page present, "
	    "none exclusive any more, and (as root) the same PFN in the "
	    "parent and the child: fork copied page tables, not pages, and "
	    "made both read-only for copy-on-write.");
	LAB_CAT(ph.question, "What happens when the child writes to one of "
	    "these shared pages? And to the parent's copy of it?");
	return lab_phase_next(lab, &ph);
}

static int
cow_child_wrote(struct lab *lab, struct lab_map *m, struct cow_child *ch)
{
	struct lab_phase ph;
	struct lab_pm s;
	char c;

	if (write(ch->tochild, "w", 1) != 1 || read(ch->fromchild, &c, 1) != 1)
		return lab_error(lab, "talking to the child");
	if (lab_pm_sum(lab, m->p, m->len, &s) == -1)
		return lab_error(lab, "pagemap");
	lab_phase_init(&ph, "child-wrote", m->p, m->len);
	ph.child = ch->pid;
	LAB_CAT(ph.did, "The child wrote one byte to each of the first %d "
	    "pages; the parent wrote nothing.", NWRITE);
	LAB_CAT(ph.expect, "In the child the first %d pages have new PFNs "
	    "(copies) and are exclusive; the last %d still share the parent's "
	    "frames. In the parent the first %d pages are exclusive again "
	    "without the parent writing: it is their only user now. "
	    "Measured in the parent: %zu of %d exclusive.", NWRITE,
	    NPAGES - NWRITE, NWRITE, s.exclusive, NPAGES);
	LAB_CAT(ph.question, "Which process paid for the copy? What will the "
	    "parent's last %d pages look like when the child exits?",
	    NPAGES - NWRITE);
	return lab_phase_next(lab, &ph);
}

static int
cow_child_exited(struct lab *lab, struct lab_map *m, struct cow_child *ch)
{
	struct lab_phase ph;
	struct lab_pm s;

	child_end(ch->pid, &ch->tochild, &ch->fromchild);
	ch->pid = -1;
	if (lab_pm_sum(lab, m->p, m->len, &s) == -1)
		return lab_error(lab, "pagemap");
	lab_phase_init(&ph, "child-exited", m->p, m->len);
	LAB_CAT(ph.did, "The child exited.");
	LAB_CAT(ph.expect, "Every page of the parent exclusive again, the "
	    "same PFNs as before the fork. Measured: %zu of %d exclusive.",
	    s.exclusive, NPAGES);
	LAB_CAT(ph.question, "A write to one of these pages now: does it "
	    "copy?");
	return lab_phase_next(lab, &ph);
}

int
step_cow_fork(struct lab *lab)
{
	struct cow_child ch = { -1, -1, -1 };
	struct lab_map m;
	int rc;

	if (lab_map(lab, &m, NPAGES * lab->ps, 0, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, -1, lab->name) == -1)
		return lab_error(lab, "mmap");
	if ((rc = cow_written(lab, &m)) == 0 &&
	    (rc = child_start(lab, &m, &ch)) == 0 &&
	    (rc = cow_forked(lab, &m, ch.pid)) == 0 &&
	    (rc = cow_child_wrote(lab, &m, &ch)) == 0)
		rc = cow_child_exited(lab, &m, &ch);
	child_end(ch.pid, &ch.tochild, &ch.fromchild);
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
