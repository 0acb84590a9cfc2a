/* test_target: resolving specs, opening, noticing exit and PID reuse. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "target.h"

static int fixfd = -1;

static void
test_target_resolve_self(void **state)
{
	pid_t pid = 0;
	int rootfd;

	assert_int_equal(target_resolve(fixfd, "self", &pid, NULL), 0);
	assert_int_equal(pid, 100);
	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	assert_int_equal(target_resolve(rootfd, "self", &pid, NULL), 0);
	assert_int_equal(pid, getpid());
	close(rootfd);
}

static void
test_target_resolve_number(void **state)
{
	pid_t pid = 0;
	char *cands = (char *)1;

	assert_int_equal(target_resolve(fixfd, "200", &pid, &cands), 0);
	assert_int_equal(pid, 200);
	assert_null(cands);
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "999", &pid, NULL), -1);
	assert_int_equal(errno, ESRCH);
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "0", &pid, NULL), -1);
	assert_int_equal(errno, ESRCH);
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "", &pid, NULL), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_target_resolve_exact_comm(void **state)
{
	pid_t pid = 0;

	assert_int_equal(target_resolve(fixfd, "systemd", &pid, NULL), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(target_resolve(fixfd, "kthreadd", &pid, NULL), 0);
	assert_int_equal(pid, 2);
	assert_int_equal(target_resolve(fixfd, "a) b (\nc)", &pid, NULL), 0);
	assert_int_equal(pid, 100);
	/* Exact, not substring or case-folded. */
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "system", &pid, NULL), -1);
	assert_int_equal(errno, ESRCH);
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "Systemd", &pid, NULL), -1);
	assert_int_equal(errno, ESRCH);
}

static void
test_target_resolve_argv0_basename_when_comm_truncated(void **state)
{
	pid_t pid = 0;

	assert_int_equal(target_resolve(fixfd, "long-process-name", &pid,
	    NULL), 0);
	assert_int_equal(pid, 300);
	assert_int_equal(target_resolve(fixfd, "long-process-na", &pid, NULL),
	    0);
	assert_int_equal(pid, 300);
	/* argv[0] "/sbin/init" of pid 1 */
	assert_int_equal(target_resolve(fixfd, "init", &pid, NULL), 0);
	assert_int_equal(pid, 1);
}

static void
test_target_resolve_ambiguous_lists_candidates(void **state)
{
	pid_t pid = 77;
	char *cands = NULL;

	errno = 0;
	assert_int_equal(target_resolve(fixfd, "bash", &pid, &cands), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(pid, 77);
	assert_non_null(cands);
	assert_string_equal(cands, "200 bash\n201 bash\n");
	free(cands);
	/* No list wanted: still EEXIST. */
	errno = 0;
	assert_int_equal(target_resolve(fixfd, "bash", &pid, NULL), -1);
	assert_int_equal(errno, EEXIST);
}

static void
test_target_resolve_unknown_name(void **state)
{
	pid_t pid = 77;
	char *cands = (char *)1;

	errno = 0;
	assert_int_equal(target_resolve(fixfd, "no-such-thing", &pid, &cands),
	    -1);
	assert_int_equal(errno, ESRCH);
	assert_null(cands);
	assert_int_equal(pid, 77);
}

/* A scratch /proc-like tree for tests that change files under us. */
struct scratch {
	char dir[64];
	int fd;
};

static void
put(struct scratch *s, const char *rel, const char *text, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void
add_proc(struct scratch *s, int pid, const char *comm, int starttime)
{
	char rel[PATH_MAX], buf[256];
	int n;

	snprintf(rel, sizeof(rel), "%s/%d", s->dir, pid);
	assert_int_equal(mkdir(rel, 0755), 0);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	n = snprintf(buf, sizeof(buf), "%d (%s) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 "
	    "0 20 0 1 0 %d 4096 1 0\n", pid, comm, starttime);
	put(s, rel, buf, (size_t)n);
	snprintf(rel, sizeof(rel), "%d/maps", pid);
	n = snprintf(buf, sizeof(buf), "1000-2000 r--p 00000000 00:00 0 \n");
	put(s, rel, buf, (size_t)n);
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	put(s, rel, "", 0);
}

static void
scratch_init(struct scratch *s)
{
	strlcpy(s->dir, "/tmp/test_target.XXXXXX", sizeof(s->dir));
	assert_non_null(mkdtemp(s->dir));
	s->fd = procfs_open_root(s->dir);
	assert_true(s->fd >= 0);
}

static void
scratch_rmproc(struct scratch *s, int pid)
{
	static const char *files[] = { "stat", "maps", "cmdline" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%d/%s", s->dir, pid, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%d", s->dir, pid);
	rmdir(path);
}

static void
test_target_resolve_candidates_are_escaped(void **state)
{
	struct scratch s;
	char *cands = NULL;
	pid_t pid;
	size_t i;

	scratch_init(&s);
	add_proc(&s, 11, "\033]0;pwn\007", 1);
	add_proc(&s, 12, "\033]0;pwn\007", 2);
	errno = 0;
	assert_int_equal(target_resolve(s.fd, "\033]0;pwn\007", &pid, &cands),
	    -1);
	assert_int_equal(errno, EEXIST);
	assert_non_null(cands);
	assert_string_equal(cands, "11 \\033]0;pwn\\a\n12 \\033]0;pwn\\a\n");
	for (i = 0; cands[i] != '\0'; i++)
		assert_true(cands[i] == '\n' ||
		    ((unsigned char)cands[i] >= 0x20 &&
		    (unsigned char)cands[i] < 0x7f));
	free(cands);
	scratch_rmproc(&s, 11);
	scratch_rmproc(&s, 12);
	close(s.fd);
	rmdir(s.dir);
}

static void
test_target_open_fixture_without_pagemap(void **state)
{
	struct target t;

	assert_int_equal(target_open(&t, fixfd, 1), 0);
	assert_int_equal(t.pid, 1);
	assert_true(t.starttime == 5);
	assert_string_equal(t.comm, "systemd");
	assert_int_equal(t.maps.n, 10);
	assert_true(t.maps.v[9].start == 0xffffffffff600000ULL);
	/* The fixture has no pagemap: the open still succeeds. */
	assert_int_equal(t.pm.fd, -1);
	assert_int_equal(t.pm_errno, ENOENT);
	assert_true(target_alive(&t));
	assert_int_equal(target_refresh(&t), 0);
	assert_int_equal(t.maps.n, 10);
	target_close(&t);
	assert_int_equal(t.maps.n, 0);
	/* Opening "self" resolves it. */
	assert_int_equal(target_open(&t, fixfd, PROCFS_SELF), 0);
	assert_int_equal(t.pid, 100);
	assert_string_equal(t.comm, "a) b (\nc)");
	target_close(&t);
}

static void
test_target_open_missing_pid_is_esrch(void **state)
{
	struct target t;

	errno = 0;
	assert_int_equal(target_open(&t, fixfd, 999), -1);
	assert_int_equal(errno, ESRCH);
	/* 400 has a stat but no maps: it is on its way out. */
	errno = 0;
	assert_int_equal(target_open(&t, fixfd, 400), -1);
	assert_int_equal(errno, ESRCH);
}

static void
test_target_alive_notices_pid_reuse(void **state)
{
	struct scratch s;
	struct target t;
	char buf[256];
	int n;

	scratch_init(&s);
	add_proc(&s, 500, "old", 1111);
	assert_int_equal(target_open(&t, s.fd, 500), 0);
	assert_true(t.starttime == 1111);
	assert_true(target_alive(&t));
	/* Same pid, different start time: a new process. */
	n = snprintf(buf, sizeof(buf), "500 (new) S 1 1 1 0 -1 0 0 0 0 0 0 0 "
	    "0 0 20 0 1 0 2222 4096 1 0\n");
	put(&s, "500/stat", buf, (size_t)n);
	assert_false(target_alive(&t));
	errno = 0;
	assert_int_equal(target_refresh(&t), -1);
	assert_int_equal(errno, ESRCH);
	/* The old maps stay usable after a failed refresh. */
	assert_int_equal(t.maps.n, 1);
	/* Gone entirely. */
	scratch_rmproc(&s, 500);
	assert_false(target_alive(&t));
	errno = 0;
	assert_int_equal(target_refresh(&t), -1);
	assert_int_equal(errno, ESRCH);
	target_close(&t);
	close(s.fd);
	rmdir(s.dir);
}

static void
test_target_refresh_sees_new_maps(void **state)
{
	static const char two[] = "1000-2000 r--p 00000000 00:00 0 \n"
	    "3000-5000 rw-p 00000000 00:00 0 [heap]\n";
	struct scratch s;
	struct target t;

	scratch_init(&s);
	add_proc(&s, 501, "grow", 5);
	assert_int_equal(target_open(&t, s.fd, 501), 0);
	assert_int_equal(t.maps.n, 1);
	put(&s, "501/maps", two, sizeof(two) - 1);
	assert_int_equal(target_refresh(&t), 0);
	assert_int_equal(t.maps.n, 2);
	assert_int_equal(t.maps.v[1].kind, VMA_HEAP);
	target_close(&t);
	scratch_rmproc(&s, 501);
	close(s.fd);
	rmdir(s.dir);
}

/* write a pagemap file whole, by rename: a new file, as after an exec */
static void
put_pagemap(struct scratch *s, int pid, const uint64_t *w, size_t n)
{
	char tmp[PATH_MAX], path[PATH_MAX], rel[64];

	snprintf(rel, sizeof(rel), "%d/pagemap.new", pid);
	put(s, rel, (const char *)w, n * sizeof(*w));
	snprintf(tmp, sizeof(tmp), "%s/%s", s->dir, rel);
	snprintf(path, sizeof(path), "%s/%d/pagemap", s->dir, pid);
	assert_int_equal(rename(tmp, path), 0);
}

static void
test_target_refresh_reopens_pagemap(void **state)
{
	/* entry of page 1 (the fixture's VMA 0x1000-0x2000) */
	uint64_t before[2] = { 0, (1ULL << 63) | 0x111 };
	uint64_t after[2] = { 0, (1ULL << 63) | 0x222 }, raw;
	char path[PATH_MAX];
	struct scratch s;
	struct target t;

	scratch_init(&s);
	add_proc(&s, 502, "image1", 7);
	/* an mm that is gone reads empty */
	put_pagemap(&s, 502, before, 0);
	assert_int_equal(target_open(&t, s.fd, 502), 0);
	assert_true(t.pm.fd >= 0);
	assert_true(target_pagemap_stale(&t));
	/* the new image: a new pagemap and new maps under the same pid */
	put_pagemap(&s, 502, before, 2);
	assert_int_equal(target_refresh(&t), 0);
	assert_false(target_pagemap_stale(&t));
	assert_int_equal(pagemap_read(&t.pm, 0x1000, 1, &raw), 1);
	assert_true(raw == before[1]);
	/* exec again: the fd of the old file would still read 0x111 */
	put_pagemap(&s, 502, after, 2);
	assert_int_equal(pagemap_read(&t.pm, 0x1000, 1, &raw), 1);
	assert_true(raw == before[1]);
	assert_int_equal(target_refresh(&t), 0);
	assert_int_equal(pagemap_read(&t.pm, 0x1000, 1, &raw), 1);
	assert_true(raw == after[1]);
	target_close(&t);
	snprintf(path, sizeof(path), "%s/502/pagemap", s.dir);
	unlink(path);
	scratch_rmproc(&s, 502);
	close(s.fd);
	rmdir(s.dir);
}

/* Live: a child execs /bin/sleep while we hold its pagemap open. */
static void
test_target_exec_live(void **state)
{
	int rootfd, go[2], i;
	struct pm_counts c, sum;
	char comm[64] = "";
	struct target t;
	bool has_sleep = false;
	uint64_t raw;
	pid_t child;

	if (access("/bin/sleep", X_OK) == -1) {
		fprintf(stderr, "SKIP: no /bin/sleep to exec\n");
		skip();
	}
	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char b;

		int null = open("/dev/null", O_RDWR);

		/* a failed check must not leave it (nor our pipes) behind */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		_exit(2);
	}
	close(go[0]);
	assert_int_equal(target_open(&t, rootfd, child), 0);
	assert_true(t.pm.fd >= 0);
	assert_false(target_pagemap_stale(&t));
	assert_int_equal(pagemap_read(&t.pm, t.maps.v[0].start, 1, &raw), 1);
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	/* the exec is done when the kernel has renamed it */
	for (i = 0; i < 10000 && strcmp(comm, "sleep") != 0; i++) {
		struct proc_stat st;

		if (procfs_read_stat(rootfd, child, &st) == 0)
			strlcpy(comm, st.comm, sizeof(comm));
		usleep(1000);
	}
	assert_string_equal(comm, "sleep");
	/* same process to the kernel's eyes, a new mm */
	assert_true(target_alive(&t));
	assert_true(target_pagemap_stale(&t));
	assert_int_equal(target_refresh(&t), 0);
	assert_false(target_pagemap_stale(&t));
	assert_string_equal(t.comm, "sleep");
	memset(&sum, 0, sizeof(sum));
	for (size_t k = 0; k < t.maps.n; k++) {
		const char *p = t.maps.v[k].path;
		size_t l = strlen(p);

		if (l >= 6 && strcmp(p + l - 6, "/sleep") == 0)
			has_sleep = true;
		if (t.maps.v[k].kind == VMA_VSYSCALL)
			continue;
		assert_int_equal(pagemap_count(&t.pm, t.maps.v[k].start,
		    t.maps.v[k].end, &c), 0);
		pagemap_counts_add(&sum, &c);
	}
	assert_true(has_sleep);
	assert_true(sum.present > 0);
	assert_int_equal(sum.unreadable, 0);
	target_close(&t);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(rootfd);
}

static int
code_marker(int x)
{
	return x + 1;
}

static void
test_target_open_live_self(void **state)
{
	volatile int local = code_marker(41);
	struct target t;
	char name[17] = "";
	int rootfd = procfs_open_root("/proc");

	assert_true(rootfd >= 0);
	assert_int_equal(prctl(PR_GET_NAME, name, 0, 0, 0), 0);
	assert_int_equal(target_open(&t, rootfd, getpid()), 0);
	assert_int_equal(t.pid, getpid());
	assert_string_equal(t.comm, name);
	assert_true(t.pm.fd >= 0);
	assert_int_equal(t.pm_errno, 0);
	assert_true(maps_find(&t.maps, (uint64_t)(uintptr_t)&local) >= 0);
	assert_true(maps_find(&t.maps, (uint64_t)(uintptr_t)&code_marker) >=
	    0);
	assert_int_equal(local, 42);
	assert_true(target_alive(&t));
	assert_int_equal(target_refresh(&t), 0);
	target_close(&t);
	assert_int_equal(t.pm.fd, -1);
	close(rootfd);
}

static void
test_target_alive_false_after_exit(void **state)
{
	struct target t;
	pid_t child;
	int status, rootfd = procfs_open_root("/proc");

	assert_true(rootfd >= 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(target_open(&t, rootfd, child), 0);
	assert_true(target_alive(&t));
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_false(target_alive(&t));
	errno = 0;
	assert_int_equal(target_refresh(&t), -1);
	assert_int_equal(errno, ESRCH);
	target_close(&t);
	close(rootfd);
}

static void
test_target_open_other_user_is_eacces(void **state)
{
	pid_t child;
	int status;

	if (geteuid() != 0) {
		struct target t;
		int rootfd = procfs_open_root("/proc");
		struct stat sb;

		if (stat("/proc/1", &sb) == -1 || sb.st_uid == geteuid()) {
			fprintf(stderr, "SKIP: other user's process: pid 1 is "
			    "not another user's here\n");
			close(rootfd);
			skip();
		}
		errno = 0;
		assert_int_equal(target_open(&t, rootfd, 1), -1);
		assert_int_equal(errno, EACCES);
		close(rootfd);
		return;
	}
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct target t;
		int rootfd;

		if (setgroups(0, NULL) == -1 || setresgid(65534, 65534, 65534)
		    == -1 || setresuid(65534, 65534, 65534) == -1)
			_exit(10);
		/* A uid change makes us non-dumpable: pagemap turns root-owned. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
			_exit(10);
		if ((rootfd = procfs_open_root("/proc")) == -1)
			_exit(11);
		errno = 0;
		if (target_open(&t, rootfd, getppid()) != -1)
			_exit(12);
		if (errno != EACCES)
			_exit(13);
		/* Our own process is fine, pagemap included. */
		if (target_open(&t, rootfd, getpid()) == -1 || t.pm.fd < 0)
			_exit(14);
		target_close(&t);
		close(rootfd);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("unprivileged child failed at step %d",
		    WEXITSTATUS(status));
}

static void
test_target_strerror_explains(void **state)
{
	const char *s = target_strerror(EACCES);

	assert_non_null(strstr(s, "permission denied"));
	assert_non_null(strstr(s, "ptrace"));
	assert_non_null(strstr(s, "/proc/sys/kernel/yama/ptrace_scope"));
	assert_string_equal(target_strerror(EPERM), s);
	assert_string_equal(target_strerror(ESRCH),
	    "no such process (it may have exited)");
	assert_non_null(strstr(target_strerror(EEXIST), "PID"));
	assert_string_equal(target_strerror(ENOMEM), strerror(ENOMEM));
	assert_null(strchr(target_strerror(EACCES), '\n'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_resolve_self),
		cmocka_unit_test(test_target_resolve_number),
		cmocka_unit_test(test_target_resolve_exact_comm),
		cmocka_unit_test(
		    test_target_resolve_argv0_basename_when_comm_truncated),
		cmocka_unit_test(test_target_resolve_ambiguous_lists_candidates),
		cmocka_unit_test(test_target_resolve_unknown_name),
		cmocka_unit_test(test_target_resolve_candidates_are_escaped),
		cmocka_unit_test(test_target_open_fixture_without_pagemap),
		cmocka_unit_test(test_target_open_missing_pid_is_esrch),
		cmocka_unit_test(test_target_alive_notices_pid_reuse),
		cmocka_unit_test(test_target_refresh_sees_new_maps),
		cmocka_unit_test(test_target_refresh_reopens_pagemap),
		cmocka_unit_test(test_target_exec_live),
		cmocka_unit_test(test_target_open_live_self),
		cmocka_unit_test(test_target_alive_false_after_exit),
		cmocka_unit_test(test_target_open_other_user_is_eacces),
		cmocka_unit_test(test_target_strerror_explains),
	};
	int r;

	if ((r = fixture_start(&fixfd)) != 0)
		return r;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	close(fixfd);
	return r;
}
