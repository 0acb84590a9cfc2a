/* pagewin: see pagewin.h (not yet written). */
#include "config.h"
#include "pagewin.h"
