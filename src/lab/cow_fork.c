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

int
step_cow_fork(struct lab *lab)
{
	struct lab_map m;
	struct lab_phase ph;
	struct lab_pm s;
	size_t len = NPAGES * lab->ps;
	int cmd[2], ack[2], tochild = -1, fromchild = -1, rc = 0;
	pid_t child = -1;
	char c;

	if (lab_map(lab, &m, len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE, -1,
	    lab->name) == -1)
		return lab_error(lab, "mmap");
	lab_touch(m.p, len, lab->ps, 'p');
	lab_phase_init(&ph, "written", m.p, len);
	LAB_CAT(ph.did, "Mapped %d private anonymous pages and wrote each.",
	    NPAGES);
	LAB_CAT(ph.expect, "%d pages present and exclusive (X): only this "
	    "process maps them.", NPAGES);
	LAB_CAT(ph.question, "fork() copies the address space. Does it copy "
	    "these %d pages?", NPAGES);
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (pipe(cmd) == -1) {
		rc = lab_error(lab, "pipe");
		goto out;
	}
	if (pipe(ack) == -1) {
		rc = lab_error(lab, "pipe");
		close(cmd[0]);
		close(cmd[1]);
		goto out;
	}
	fflush(NULL);
	if ((child = fork()) == 0) {
		close(cmd[1]);
		close(ack[0]);
		child_loop(m.p, lab->ps, lab->pid, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	tochild = cmd[1];
	fromchild = ack[0];
	if (child == -1) {
		rc = lab_error(lab, "fork");
		goto out;
	}
	lab_phase_init(&ph, "forked", m.p, len);
	ph.child = child;
	LAB_CAT(ph.did, "fork(): child PID %d. Neither process has written "
	    "since.", (int)child);
	LAB_CAT(ph.expect, "The same range in both PIDs: every page present, "
	    "none exclusive any more, and (as root) the same PFN in the "
	    "parent and the child: fork copied page tables, not pages, and "
	    "made both read-only for copy-on-write.");
	LAB_CAT(ph.question, "What happens when the child writes to one of "
	    "these shared pages? And to the parent's copy of it?");
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	if (write(tochild, "w", 1) != 1 || read(fromchild, &c, 1) != 1) {
		rc = lab_error(lab, "talking to the child");
		goto out;
	}
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "child-wrote", m.p, len);
	ph.child = child;
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
	if (lab_phase_show(lab, &ph) == -1)
		goto out;

	child_end(child, &tochild, &fromchild);
	child = -1;
	if (lab_pm_sum(lab, m.p, len, &s) == -1) {
		rc = lab_error(lab, "pagemap");
		goto out;
	}
	lab_phase_init(&ph, "child-exited", m.p, len);
	LAB_CAT(ph.did, "The child exited.");
	LAB_CAT(ph.expect, "Every page of the parent exclusive again, the "
	    "same PFNs as before the fork. Measured: %zu of %d exclusive.",
	    s.exclusive, NPAGES);
	LAB_CAT(ph.question, "A write to one of these pages now: does it "
	    "copy?");
	(void)lab_phase_show(lab, &ph);
out:
	child_end(child, &tochild, &fromchild);
	lab_unmap(&m);
	return rc == -1 || lab->quit ? -1 : 0;
}
