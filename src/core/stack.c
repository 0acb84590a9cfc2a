/* stack: see stack.h (not yet written). */
#include "config.h"
#include "stack.h"
