/* target: see target.h (not yet written). */
#include "config.h"
#include "target.h"
