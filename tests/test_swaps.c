/* test_swaps: the /proc/swaps parser on real-format text, name escaping, the live file. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "swaps.h"

static const char swaps_text[] =
    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
    "/dev/sda2                               partition\t8388604\t\t"
    "1024\t\t-2\n"
    "/var/swap\\040file                       file\t\t1048572\t\t0\t\t"
    "10\n";

static void
test_swaps_parse(void **state)
{
	struct swap_dev d[4];
	size_t n;
	static const char *const bad[] = {
		"Name Type\n",
		"Filename Type Size Used Priority\n/dev/x partition 1\n",
		"Filename Type Size Used Priority\n/dev/x partition a 0 1\n",
		"Filename Type Size Used Priority\n/dev/x partition 1 -5 1\n",
	};

	(void)state;
	assert_int_equal(swaps_parse(swaps_text, strlen(swaps_text), d, 4,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].name, "/dev/sda2");
	assert_string_equal(d[0].type, "partition");
	assert_true(d[0].size_kb == 8388604 && d[0].used_kb == 1024);
	assert_int_equal(d[0].prio, -2);
	assert_string_equal(d[1].name, "/var/swap file");	/* \040 */
	assert_string_equal(d[1].type, "file");
	assert_int_equal(d[1].prio, 10);
	/* max bounds the output */
	assert_int_equal(swaps_parse(swaps_text, strlen(swaps_text), d, 1,
	    &n), 0);
	assert_int_equal(n, 1);
	/* no swap: just the header */
	assert_int_equal(swaps_parse(swaps_text, (size_t)(strchr(swaps_text,
	    '\n') - swaps_text) + 1, d, 4, &n), 0);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(swaps_parse(bad[i], strlen(bad[i]), d, 4, &n),
		    -1);
		assert_int_equal(errno, EINVAL);
	}
}

/* Escaping gives back the kernel's spelling, whole escapes or none. */
static void
test_swaps_escape_name(void **state)
{
	struct swap_dev d[4];
	char buf[SWAP_NAME_ESC_LEN];
	const char *tok;
	size_t n;

	(void)state;
	/* Round trip: the second device's token exactly as in the text. */
	assert_int_equal(swaps_parse(swaps_text, strlen(swaps_text), d, 4,
	    &n), 0);
	assert_int_equal(n, 2);
	tok = strstr(swaps_text, "/var/swap");
	assert_non_null(tok);
	assert_string_equal(swaps_escape_name(d[1].name, buf, sizeof(buf)),
	    "/var/swap\\040file");
	assert_memory_equal(buf, tok, strlen(buf));
	assert_true(tok[strlen(buf)] == ' ');
	assert_string_equal(swaps_escape_name(d[0].name, buf, sizeof(buf)),
	    "/dev/sda2");
	/* The four bytes seq_file_path escapes; others (ESC) stay raw. */
	assert_string_equal(swaps_escape_name("a b\tc\nd\\e\033", buf,
	    sizeof(buf)), "a\\040b\\011c\\012d\\134e\033");
	/* Too small: stop before an escape rather than cut it. */
	assert_string_equal(swaps_escape_name("ab cd", buf, 6), "ab");
	assert_string_equal(swaps_escape_name("ab cd", buf, 7), "ab\\040");
	assert_string_equal(swaps_escape_name("ab cd", buf, 8), "ab\\040c");
	assert_string_equal(swaps_escape_name("ab", buf, 1), "");
	/* Worst case: a full name of escaped bytes fits. */
	memset(d[0].name, ' ', sizeof(d[0].name) - 1);
	d[0].name[sizeof(d[0].name) - 1] = '\0';
	assert_int_equal(strlen(swaps_escape_name(d[0].name, buf,
	    sizeof(buf))), 4 * (sizeof(d[0].name) - 1));
}

/* The live /proc/swaps: as many devices, same names, as a plain reading. */
static void
test_swaps_read_live(void **state)
{
	struct swap_dev d[32];
	char line[4096], name[4096], esc[SWAP_NAME_ESC_LEN];
	size_t n, lines = 0;
	int rootfd = procfs_open_root("/proc");
	FILE *f;

	(void)state;
	assert_true(rootfd >= 0);
	assert_int_equal(swaps_read(rootfd, d, 32, &n), 0);
	f = fopen("/proc/swaps", "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));	/* the header */
	assert_memory_equal(line, "Filename", 8);
	while (fgets(line, sizeof(line), f) != NULL && lines < 32) {
		/* first field, as the kernel escaped it */
		size_t k = strcspn(line, " \t\n");

		memcpy(name, line, k);
		name[k] = '\0';
		assert_true(lines < n);
		assert_string_equal(swaps_escape_name(d[lines].name, esc,
		    sizeof(esc)), name);
		lines++;
	}
	fclose(f);
	assert_int_equal(n, lines);
	fprintf(stderr, "live: %zu swap device(s)\n", n);
	close(rootfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swaps_parse),
		cmocka_unit_test(test_swaps_escape_name),
		cmocka_unit_test(test_swaps_read_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
