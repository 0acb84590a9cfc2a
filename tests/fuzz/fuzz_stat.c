/* fuzz_stat: /proc/PID/stat text through procfs_parse_stat, then printed back and reparsed. */
#include "config.h"

#include "fuzz.h"
#include "procfs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_stat st, again;
	char buf[512];
	int w;

	if (procfs_parse_stat((const char *)data, size, &st) == -1)
		return 0;
	FUZZ_CHECK(st.pid >= 1 && st.ppid >= 0);
	FUZZ_CHECK(memchr(st.comm, '\0', sizeof(st.comm)) != NULL);
	FUZZ_CHECK(st.state != ' ' && st.state != '\n');
	/*
	 * The kernel's layout (fs/proc/array.c do_task_stat), fields 1-24;
	 * a NUL state byte is printed as one (the parser takes any byte).
	 */
	w = snprintf(buf, sizeof(buf), "%d (%s) %c %d 0 0 0 -1 4194304 0 0 0 "
	    "0 0 0 0 0 20 0 1 0 %llu %llu %lld 0 0\n", (int)st.pid, st.comm,
	    st.state, (int)st.ppid, st.starttime, st.vsize, st.rss_pages);
	FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
	FUZZ_CHECK(procfs_parse_stat(buf, (size_t)w, &again) == 0);
	FUZZ_CHECK(memcmp(&st, &again, sizeof(st)) == 0);
	return 0;
}
