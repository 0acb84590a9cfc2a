/* kpage: see kpage.h (not yet written). */
#include "config.h"
#include "kpage.h"
