/* pagemap: see pagemap.h (not yet written). */
#include "config.h"
#include "pagemap.h"
