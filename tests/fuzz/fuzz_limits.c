/* fuzz_limits: /proc/PID/limits text through stack_parse_limits, then printed back and reparsed. */
#include "config.h"

#include <inttypes.h>

#include "fuzz.h"
#include "stack.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t soft = 0, again = 0;
	char buf[256];
	int w;

	if (stack_parse_limits((const char *)data, size, &soft) == -1)
		return 0;
	/* The kernel's layout (fs/proc/base.c proc_pid_limits). */
	if (soft == UINT64_MAX)
		w = snprintf(buf, sizeof(buf), "Limit                     "
		    "Soft Limit           Hard Limit           Units     \n"
		    "Max stack size            unlimited            "
		    "unlimited            bytes     \n");
	else
		w = snprintf(buf, sizeof(buf), "Limit                     "
		    "Soft Limit           Hard Limit           Units     \n"
		    "Max stack size            %-20" PRIu64 " unlimited"
		    "            bytes     \n", soft);
	FUZZ_CHECK(w > 0 && (size_t)w < sizeof(buf));
	FUZZ_CHECK(stack_parse_limits(buf, (size_t)w, &again) == 0);
	FUZZ_CHECK(again == soft);
	return 0;
}
