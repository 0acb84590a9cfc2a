/* fmt: see fmt.h (not yet written). */
#include "config.h"
#include "fmt.h"
