/* proclist: see proclist.h (not yet written). */
#include "config.h"
#include "proclist.h"
