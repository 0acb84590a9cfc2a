/* threadhelper: a test target with a second thread blocked on its own (mmap'd) stack. */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* -g: the thread's stack size and the guard pages at its low end. */
#define GSTACK_PAGES 64
#define GGUARD_PAGES 4

/*
 * Output:
 *   pid PID
 *   thread TID LOCAL     LOCAL: address of a local of the blocked thread
 *   ready
 * With -g the thread runs on a stack mapped here with guard pages installed
 * by MADV_GUARD_INSTALL at its low end, inside the one stack VMA, the way
 * glibc 2.42+ makes thread stacks on Linux 6.13+; before "ready":
 *   gstack START END GUARDBYTES
 * or, where the kernel refuses the madvise (the test then skips),
 *   gstack unsupported REASON
 * Then both threads block in pause() until killed, so /proc/PID/task/TID/
 * syscall shows each one's stack pointer.
 */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pid_t tid;
static uintptr_t local_addr;

static void *
run(void *arg)
{
	volatile char buf[4096];

	(void)arg;
	memset((char *)buf, 1, sizeof(buf));
	pthread_mutex_lock(&mu);
	tid = gettid();
	local_addr = (uintptr_t)buf;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	for (;;)
		pause();
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_attr_t attr, *ap = NULL;
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "-g") == 0) {
		size_t ps = (size_t)sysconf(_SC_PAGESIZE);
		size_t size = GSTACK_PAGES * ps;
		char *st = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (st == MAP_FAILED) {
			perror("threadhelper: mmap");
			return 1;
		}
		if (madvise(st, GGUARD_PAGES * ps, MADV_GUARD_INSTALL) == 0) {
			printf("gstack 0x%" PRIxPTR " 0x%" PRIxPTR " %zu\n",
			    (uintptr_t)st, (uintptr_t)st + size,
			    GGUARD_PAGES * ps);
			if (pthread_attr_init(&attr) != 0 ||
			    pthread_attr_setstack(&attr, st, size) != 0) {
				fprintf(stderr, "threadhelper: attr failed\n");
				return 1;
			}
			ap = &attr;
		} else
			printf("gstack unsupported MADV_GUARD_INSTALL: %s "
			    "(Linux 6.13+)\n", strerror(errno));
	} else if (argc != 1) {
		fprintf(stderr, "usage: threadhelper [-g]\n");
		return 2;
	}
	if (pthread_create(&t, ap, run, NULL) != 0) {
		fprintf(stderr, "threadhelper: pthread_create failed\n");
		return 1;
	}
	pthread_mutex_lock(&mu);
	while (tid == 0)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	printf("pid %d\nthread %d 0x%" PRIxPTR "\nready\n", (int)getpid(),
	    (int)tid, local_addr);
	for (;;)
		pause();
	return 0;
}
