/* test_procfs: pid parsing, stat/status parsers, reads via a root fd. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mutate.h"
#include "fixture.h"

#include "procfs.h"

static int fixfd = -1;

static void
test_procfs_parse_pid_accepts_decimal(void **state)
{
	pid_t pid = 0;

	assert_int_equal(procfs_parse_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(procfs_parse_pid("4194304", &pid), 0);
	assert_int_equal(pid, 4194304);
	assert_int_equal(procfs_parse_pid("31337", &pid), 0);
	assert_int_equal(pid, 31337);
}

static void
test_procfs_parse_pid_rejects_junk(void **state)
{
	static const char *bad[] = { "", "0", "-1", "+12", " 12", "12 ",
		"12a", "0x10", "self", "4194305", "99999999999999999999999" };
	pid_t pid = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(procfs_parse_pid(bad[i], &pid), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(pid, 77);
	}
}

static const char plain_stat[] =
    "9574 (cat) R 9569 9569 3520 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 "
    "263605 3133440 383 18446744073709551615 94341696352256 94341696372137 "
    "140724620624272 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94341696388144 "
    "94341696389760 94342011310080 140724620626570 140724620626590 "
    "140724620626590 140724620627947 0\n";

static void
test_procfs_parse_stat_plain(void **state)
{
	struct proc_stat st;
	char *b = exact(plain_stat, sizeof(plain_stat) - 1);

	assert_int_equal(procfs_parse_stat(b, sizeof(plain_stat) - 1, &st), 0);
	assert_int_equal(st.pid, 9574);
	assert_string_equal(st.comm, "cat");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 9569);
	assert_true(st.starttime == 263605ULL);
	assert_true(st.vsize == 3133440ULL);
	assert_true(st.rss_pages == 383);
	free(b);
}

static void
test_procfs_parse_stat_comm_with_parens_spaces_newline(void **state)
{
	static const char text[] = "42 (a) b (\nc) ) S 1 42 42 0 -1 0 0 0 0 "
	    "0 0 0 0 0 20 0 1 0 777 4096 -5 0\n";
	struct proc_stat st;
	char *b = exact(text, sizeof(text) - 1);

	assert_int_equal(procfs_parse_stat(b, sizeof(text) - 1, &st), 0);
	assert_int_equal(st.pid, 42);
	assert_string_equal(st.comm, "a) b (\nc) ");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_true(st.starttime == 777ULL);
	assert_true(st.vsize == 4096ULL);
	assert_true(st.rss_pages == -5);
	free(b);
}

static void
test_procfs_parse_stat_empty_comm(void **state)
{
	static const char text[] = "7 () S 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 "
	    "1 0 9 0 0";
	struct proc_stat st;
	char *b = exact(text, sizeof(text) - 1);

	assert_int_equal(procfs_parse_stat(b, sizeof(text) - 1, &st), 0);
	assert_string_equal(st.comm, "");
	assert_true(st.starttime == 9ULL);
	free(b);
}

static void
test_procfs_parse_stat_every_truncation_fails_cleanly(void **state)
{
	/* Cut before field 24 ends: each prefix must be refused, not read past. */
	const char *f24 = strstr(plain_stat, " 383 ");
	size_t stop = (size_t)(f24 - plain_stat) + 1, n;
	struct proc_stat st;

	assert_non_null(f24);
	for (n = 0; n < stop + 1; n++) {
		char *b = exact(plain_stat, n);

		errno = 0;
		assert_int_equal(procfs_parse_stat(b, n, &st), -1);
		assert_int_equal(errno, EINVAL);
		free(b);
	}
	/* Ending right after field 24 (no newline, no NUL) is enough. */
	n = stop + 3;
	{
		char *b = exact(plain_stat, n);

		assert_int_equal(procfs_parse_stat(b, n, &st), 0);
		assert_true(st.rss_pages == 383);
		free(b);
	}
}

static void
test_procfs_parse_stat_malformed(void **state)
{
	static const char *bad[] = {
		"12 cat R 1 2 3",		/* no parens */
		"12 (cat R 1 2 3",		/* no ')' */
		"x (cat) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
		/* starttime not a number */
		"12 (cat) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x 20 21",
		"12 (cat)  R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19",
		/* starttime overflows */
		("12 (cat) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
		    "99999999999999999999999 1 1"),
		"12(cat) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
	};
	struct proc_stat st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *b = exact(bad[i], strlen(bad[i]));

		errno = 0;
		assert_int_equal(procfs_parse_stat(b, strlen(bad[i]), &st), -1);
		assert_int_equal(errno, EINVAL);
		free(b);
	}
}

static void
test_procfs_parse_status_fields(void **state)
{
	static const char text[] = "Name:\tcat\nUmask:\t0022\n"
	    "Uid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"
	    "VmPeak:\t    3060 kB\nVmSize:\t    3050 kB\nVmRSS:\t    1728 kB\n"
	    "VmSwap:\t      12 kB\nThreads:\t3\n";
	struct proc_status ss;
	char *b = exact(text, sizeof(text) - 1);

	assert_int_equal(procfs_parse_status(b, sizeof(text) - 1, &ss), 0);
	assert_string_equal(ss.name, "cat");
	assert_int_equal(ss.ruid, 1000);
	assert_true(ss.vm_size_kb == 3050);
	assert_true(ss.vm_rss_kb == 1728);
	assert_true(ss.vm_swap_kb == 12);
	assert_true(ss.threads == 3);
	free(b);
}

static void
test_procfs_parse_status_kernel_thread_has_no_vm(void **state)
{
	static const char text[] = "Name:\tkthreadd\nUid:\t0\t0\t0\t0\n"
	    "Kthread:\t1\nThreads:\t1\n";
	struct proc_status ss;
	char *b = exact(text, sizeof(text) - 1);

	assert_int_equal(procfs_parse_status(b, sizeof(text) - 1, &ss), 0);
	assert_int_equal(ss.ruid, 0);
	assert_true(ss.vm_rss_kb == -1);
	assert_true(ss.vm_size_kb == -1);
	assert_true(ss.vm_swap_kb == -1);
	free(b);
}

static void
test_procfs_parse_status_without_uid_fails(void **state)
{
	static const char text[] = "Name:\tx\nVmRSS:\t 4 kB\n";
	static const char badnum[] = "Name:\tx\nUid:\tabc\n";
	struct proc_status ss;

	errno = 0;
	assert_int_equal(procfs_parse_status(text, sizeof(text) - 1, &ss), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(procfs_parse_status(badnum, sizeof(badnum) - 1, &ss),
	    -1);
}

/* Independent reader: stdio on the fixture path. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
test_procfs_read_file_matches_fixture(void **state)
{
	char path[PATH_MAX], *buf, *want;
	size_t len, wlen;

	snprintf(path, sizeof(path), "%s/proc/1/maps", getenv("FIXTURES"));
	want = slurp(path, &wlen);
	assert_int_equal(procfs_read_file(fixfd, 1, "maps", &buf, &len), 0);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, len);
	assert_int_equal(buf[len], '\0');
	free(buf);
	free(want);
}

static void
test_procfs_read_file_grows_for_megabytes(void **state)
{
	char tmpl[] = "/tmp/test_procfs.XXXXXX", path[PATH_MAX], *buf, *big;
	size_t n = 3 * 1024 * 1024 + 17, len, i;
	int rootfd, fd;

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/123", tmpl);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/123/maps", tmpl);
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + (i * 7919) % 26);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, n), (ssize_t)n);
	close(fd);

	rootfd = procfs_open_root(tmpl);
	assert_true(rootfd >= 0);
	assert_int_equal(procfs_read_file(rootfd, 123, "maps", &buf, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(buf, big, n);
	assert_int_equal(buf[n], '\0');
	free(buf);
	free(big);
	close(rootfd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/123", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

static void
test_procfs_read_file_gone_pid_is_esrch(void **state)
{
	char *buf = (char *)1;
	size_t len;

	errno = 0;
	assert_int_equal(procfs_read_file(fixfd, 999, "maps", &buf, &len), -1);
	assert_int_equal(errno, ESRCH);
	assert_null(buf);
	/* The process exists but the file does not: stays ENOENT. */
	errno = 0;
	assert_int_equal(procfs_read_file(fixfd, 400, "status", &buf, &len),
	    -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_procfs_self_pid_follows_symlink(void **state)
{
	pid_t pid = 0;
	int rootfd;

	assert_int_equal(procfs_self_pid(fixfd, &pid), 0);
	assert_int_equal(pid, 100);

	rootfd = procfs_open_root("/proc");
	assert_true(rootfd >= 0);
	assert_int_equal(procfs_self_pid(rootfd, &pid), 0);
	assert_int_equal(pid, getpid());
	close(rootfd);
}

static void
test_procfs_read_stat_fixture_self(void **state)
{
	struct proc_stat st;

	assert_int_equal(procfs_read_stat(fixfd, PROCFS_SELF, &st), 0);
	assert_int_equal(st.pid, 100);
	assert_string_equal(st.comm, "a) b (\nc)");
	assert_true(st.starttime == 263605ULL);
	assert_int_equal(st.state, 'R');
}

static void
test_procfs_read_status_fixture(void **state)
{
	struct proc_status ss;

	assert_int_equal(procfs_read_status(fixfd, 1, &ss), 0);
	assert_string_equal(ss.name, "systemd");
	assert_int_equal(ss.ruid, 0);
	assert_true(ss.vm_rss_kb == 12000);
	assert_true(ss.vm_size_kb == 167936);
	assert_int_equal(procfs_read_status(fixfd, 2, &ss), 0);
	assert_true(ss.vm_rss_kb == -1);
}

static void
test_procfs_read_stat_live_self(void **state)
{
	struct proc_stat st;
	char name[17] = "";
	int rootfd = procfs_open_root("/proc");

	assert_true(rootfd >= 0);
	assert_int_equal(prctl(PR_GET_NAME, name, 0, 0, 0), 0);
	assert_int_equal(procfs_read_stat(rootfd, getpid(), &st), 0);
	assert_int_equal(st.pid, getpid());
	assert_int_equal(st.ppid, getppid());
	assert_string_equal(st.comm, name);
	assert_true(st.starttime > 0);
	close(rootfd);
}

/*
 * Mutations of this process's real stat and status: every parse returns
 * 0 or -1/EINVAL without reading past len (exact-size copies; ASan).
 */
static void
test_procfs_parsers_survive_mutations(void **state)
{
	static const char *const files[] = { "stat", "status" };
	unsigned int seed = 777;
	int rootfd = procfs_open_root("/proc");

	assert_true(rootfd >= 0);
	for (int f = 0; f < 2; f++) {
		char *orig, *buf, *text;
		size_t olen, n;

		assert_int_equal(procfs_read_file(rootfd, PROCFS_SELF, files[f],
		    &orig, &olen), 0);
		buf = malloc(olen);
		assert_non_null(buf);
		for (int iter = 0; iter < 20000; iter++) {
			struct proc_stat st;
			struct proc_status ss;
			int r;

			memcpy(buf, orig, olen);
			n = mutate(buf, olen, &seed);
			text = exact(buf, n);
			errno = 0;
			r = f == 0 ? procfs_parse_stat(text, n, &st) :
			    procfs_parse_status(text, n, &ss);
			if (r == -1)
				assert_int_equal(errno, EINVAL);
			else
				assert_int_equal(r, 0);
			free(text);
		}
		free(buf);
		free(orig);
	}
	close(rootfd);
}

static void
test_procfs_open_root_rejects_file(void **state)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/proc/meminfo", getenv("FIXTURES"));
	errno = 0;
	assert_int_equal(procfs_open_root(path), -1);
	assert_int_equal(errno, ENOTDIR);
}

/* A small file of any root: cut to fit, terminated, errors by errno. */
static void
test_procfs_read_at_fixture(void **state)
{
	char buf[64];

	(void)state;
	/* fixtures/proc/sys/kernel/pid_max holds "4194304\n" */
	assert_int_equal(procfs_read_at(fixfd, "sys/kernel/pid_max", buf,
	    sizeof(buf)), 8);
	assert_string_equal(buf, "4194304\n");
	assert_int_equal(procfs_read_at(fixfd, "sys/kernel/pid_max", buf, 4),
	    3);
	assert_string_equal(buf, "419");
	assert_int_equal(procfs_read_at(fixfd, "sys/kernel/pid_max", buf, 1),
	    0);
	assert_string_equal(buf, "");
	errno = 0;
	assert_int_equal(procfs_read_at(fixfd, "sys/kernel/no_such", buf,
	    sizeof(buf)), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(procfs_read_at(-1, "sys/kernel/pid_max", buf,
	    sizeof(buf)), -1);
	assert_int_equal(errno, EBADF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_procfs_parse_pid_accepts_decimal),
		cmocka_unit_test(test_procfs_parse_pid_rejects_junk),
		cmocka_unit_test(test_procfs_parse_stat_plain),
		cmocka_unit_test(
		    test_procfs_parse_stat_comm_with_parens_spaces_newline),
		cmocka_unit_test(test_procfs_parse_stat_empty_comm),
		cmocka_unit_test(
		    test_procfs_parse_stat_every_truncation_fails_cleanly),
		cmocka_unit_test(test_procfs_parse_stat_malformed),
		cmocka_unit_test(test_procfs_parse_status_fields),
		cmocka_unit_test(
		    test_procfs_parse_status_kernel_thread_has_no_vm),
		cmocka_unit_test(test_procfs_parse_status_without_uid_fails),
		cmocka_unit_test(test_procfs_read_file_matches_fixture),
		cmocka_unit_test(test_procfs_read_file_grows_for_megabytes),
		cmocka_unit_test(test_procfs_read_file_gone_pid_is_esrch),
		cmocka_unit_test(test_procfs_self_pid_follows_symlink),
		cmocka_unit_test(test_procfs_read_stat_fixture_self),
		cmocka_unit_test(test_procfs_read_status_fixture),
		cmocka_unit_test(test_procfs_read_stat_live_self),
		cmocka_unit_test(test_procfs_open_root_rejects_file),
		cmocka_unit_test(test_procfs_parsers_survive_mutations),
		cmocka_unit_test(test_procfs_read_at_fixture),
	};
	int r;

	if ((r = fixture_start(&fixfd)) != 0)
		return r;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	close(fixfd);
	return r;
}
