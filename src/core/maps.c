/* maps: see maps.h (not yet written). */
#include "config.h"
#include "maps.h"
