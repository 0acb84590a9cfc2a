/* fuzz_syscall: /proc/PID/syscall text through stack_parse_syscall, checked against a separate tokenizer. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "stack.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *tok[16], *save, *t, buf[256];
	uint64_t sp = 0, again = 0;
	unsigned long long want;
	size_t ntok = 0;
	int r, w;

	r = stack_parse_syscall((const char *)data, size, &sp);
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r == -1)
		return 0;
	/* The text up to a NUL, split on the blanks the kernel may print. */
	s = fuzz_cstr(data, size);
	for (t = strtok_r(s, " \t\n\r", &save); t != NULL && ntok < 16;
	    t = strtok_r(NULL, " \t\n\r", &save))
		tok[ntok++] = t;
	if (r == 1) {
		FUZZ_CHECK(ntok == 1 && strcmp(tok[0], "running") == 0);
		free(s);
		return 0;
	}
	/* "-1 SP PC" or "NR a1..a6 SP PC": SP is the one before last. */
	FUZZ_CHECK(ntok == 3 || ntok == 9);
	t = tok[ntok - 2];
	FUZZ_CHECK(t[0] == '0' && (t[1] == 'x' || t[1] == 'X') &&
	    t[2] != '\0' && strspn(t + 2, "0123456789abcdefABCDEF") ==
	    strlen(t + 2));
	errno = 0;
	want = strtoull(t + 2, NULL, 16);
	FUZZ_CHECK(errno == 0 && want == sp);
	free(s);

	/* Both kernel forms (fs/proc/base.c proc_pid_syscall) read back. */
	w = snprintf(buf, sizeof(buf), "-1 0x%" PRIx64 " 0x7f0000001234\n",
	    sp);
	FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
	FUZZ_CHECK(stack_parse_syscall(buf, (size_t)w, &again) == 0 &&
	    again == sp);
	w = snprintf(buf, sizeof(buf), "7 0x1 0x2 0x3 0x4 0x5 0x6 0x%" PRIx64
	    " 0x7f0000001234\n", sp);
	FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
	FUZZ_CHECK(stack_parse_syscall(buf, (size_t)w, &again) == 0 &&
	    again == sp);
	return 0;
}
