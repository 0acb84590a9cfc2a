/* fuzz_status: /proc/PID/status text through procfs_parse_status, then printed back and reparsed. */
#include "config.h"

#include "fuzz.h"
#include "procfs.h"

/* "Key:\t<v>" when the field was present (>= 0). */
static size_t
add(char *buf, size_t cap, size_t n, const char *key, long long v)
{
	int w;

	if (v < 0)
		return n;
	w = snprintf(buf + n, cap - n, "%s\t%8lld kB\n", key, v);
	FUZZ_CHECK(w > 0 && (size_t)w < cap - n);
	return n + (size_t)w;
}

/*
 * The name as the kernel wrote it (fs/proc/array.c proc_task_name:
 * "Name:\t", then the name, which may itself start with blanks), when
 * the text has exactly one Name line in that form. 0, or -1 if not.
 */
static int
oracle_name(const char *t, size_t len, char *out, size_t cap)
{
	const char *line, *eol, *end = t + len, *found = NULL, *fe = NULL;
	int count = 0;
	size_t n;

	for (line = t; line < end; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(end - line))) == NULL)
			eol = end;
		if (eol - line >= 5 && memcmp(line, "Name:", 5) == 0) {
			count++;
			found = line;
			fe = eol;
		}
	}
	if (count != 1 || fe - found < 6 || found[5] != '\t')
		return -1;
	n = strnlen(found + 6, (size_t)(fe - found - 6));
	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, found + 6, n);
	out[n] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_status st, again;
	char buf[512], want[sizeof(st.name)];
	size_t n;
	int w;

	if (procfs_parse_status((const char *)data, size, &st) == -1)
		return 0;
	FUZZ_CHECK(memchr(st.name, '\0', sizeof(st.name)) != NULL);
	FUZZ_CHECK(strchr(st.name, '\n') == NULL);
	FUZZ_CHECK(st.ruid != (uid_t)-1);
	FUZZ_CHECK(st.vm_rss_kb >= -1 && st.vm_swap_kb >= -1 &&
	    st.vm_size_kb >= -1 && st.threads >= -1);
	if (oracle_name((const char *)data, size, want, sizeof(want)) == 0)
		FUZZ_CHECK(strcmp(st.name, want) == 0);
	/* The kernel's layout (fs/proc/array.c), the fields we read. */
	w = snprintf(buf, sizeof(buf), "Name:\t%s\nUmask:\t0022\nState:\tS "
	    "(sleeping)\nUid:\t%u\t%u\t%u\t%u\n", st.name, (unsigned)st.ruid,
	    (unsigned)st.ruid, (unsigned)st.ruid, (unsigned)st.ruid);
	FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
	n = (size_t)w;
	n = add(buf, sizeof(buf), n, "VmSize:", st.vm_size_kb);
	n = add(buf, sizeof(buf), n, "VmRSS:", st.vm_rss_kb);
	n = add(buf, sizeof(buf), n, "VmSwap:", st.vm_swap_kb);
	if (st.threads >= 0) {
		w = snprintf(buf + n, sizeof(buf) - n, "Threads:\t%lld\n",
		    st.threads);
		FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf) - n);
		n += (size_t)w;
	}
	FUZZ_CHECK(procfs_parse_status(buf, n, &again) == 0);
	/* Field by field: a second Name line leaves bytes after the NUL. */
	FUZZ_CHECK(strcmp(st.name, again.name) == 0 &&
	    st.ruid == again.ruid && st.vm_rss_kb == again.vm_rss_kb &&
	    st.vm_swap_kb == again.vm_swap_kb &&
	    st.vm_size_kb == again.vm_size_kb && st.threads == again.threads);
	return 0;
}
