/* manyproc: bench fixture forking thousands of sleeping children (one process group). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Usage: manyproc [N]   (default 5000)
 * Becomes a process-group leader, forks N children that sleep, prints
 * "pgid P", "children N" and "ready", then blocks. SIGTERM, SIGINT or
 * SIGHUP kill the whole group; the children also die with the parent
 * (PR_SET_PDEATHSIG), so even a SIGKILL of the parent leaves nothing.
 * SIGUSR1 forks one more child named "benchmk" and prints "marker PID"
 * (the bench times the picker's refresh key by waiting for it to show).
 */

static volatile sig_atomic_t want_marker;

static void
on_term(int sig)
{
	(void)sig;
	kill(0, SIGKILL);	/* the group: the children, then us */
	_exit(0);
}

static void
on_usr1(int sig)
{
	(void)sig;
	want_marker = 1;
}

static pid_t
spawn(pid_t parent, const char *name)
{
	pid_t pid = fork();
	sigset_t none;

	if (pid != 0)
		return pid;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* the parent died before prctl */
		_exit(0);
	if (name != NULL)
		prctl(PR_SET_NAME, name);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	long n = 5000, made = 0;
	pid_t self = getpid();
	struct sigaction sa;
	sigset_t block, old;
	char *end;

	if (argc > 2) {
		fprintf(stderr, "usage: manyproc [N]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || n < 0) {
			fprintf(stderr, "manyproc: bad count %s\n", argv[1]);
			return 2;
		}
	}
	if (getpgrp() != self && setpgid(0, 0) == -1) {
		fprintf(stderr, "manyproc: setpgid: %s\n", strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigfillset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	/* Children never exit on their own, but don't leave zombies if so. */
	signal(SIGCHLD, SIG_IGN);

	for (; made < n; made++) {
		pid_t pid = spawn(self, NULL);

		if (pid == -1) {
			fprintf(stderr, "manyproc: fork #%ld: %s\n", made,
			    strerror(errno));
			break;
		}
	}
	printf("pgid %ld\n", (long)self);
	printf("children %ld\n", made);
	printf("ready\n");
	fflush(stdout);

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (;;) {
		while (!want_marker)
			sigsuspend(&old);
		want_marker = 0;
		pid_t pid = spawn(self, "benchmk");
		if (pid > 0) {
			printf("marker %ld\n", (long)pid);
			fflush(stdout);
		}
	}
}
