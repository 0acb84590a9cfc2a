/* vmpeek: option parsing and dispatch. */
#include "config.h"
int main(void) { return 0; }
