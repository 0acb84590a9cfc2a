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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_status st, again;
	char buf[512];
	size_t n;
	int w;

	if (procfs_parse_status((const char *)data, size, &st) == -1)
		return 0;
	FUZZ_CHECK(memchr(st.name, '\0', sizeof(st.name)) != NULL);
	FUZZ_CHECK(strchr(st.name, '\n') == NULL);
	FUZZ_CHECK(st.ruid != (uid_t)-1);
	FUZZ_CHECK(st.vm_rss_kb >= -1 && st.vm_swap_kb >= -1 &&
	    st.vm_size_kb >= -1 && st.threads >= -1);
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
