/* threadhelper: a test target with a second thread blocked on its own (mmap'd) stack. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Output:
 *   pid PID
 *   thread TID LOCAL     LOCAL: address of a local of the blocked thread
 *   ready
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
main(void)
{
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pthread_create(&t, NULL, run, NULL) != 0) {
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
