/* procfs: see procfs.h (not yet written). */
#include "config.h"
#include "procfs.h"
